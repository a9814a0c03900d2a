"""The CSV export: the library's columns, one row per JD, written row by row.

Spreadsheets run a cell that starts with = + - @ (or a tab or carriage return, which some of
them skip first) as a formula: such a cell gets a leading apostrophe, which they show as text.
The file is UTF-8 with a byte order mark, so Excel reads accents and non-Latin text correctly.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import BinaryIO

from django.utils import timezone

from jdbuilder.exports.rows import LibraryRow

HEADER = (
    "Title",
    "Role",
    "Company",
    "Location",
    "Workplace",
    "Employment",
    "Finalized",
    "Revision",
    "Quality score",
    "Errors",
    "Warnings",
    "Reference",
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


def safe_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def cells(row: LibraryRow) -> list[str]:
    quality = row.quality
    return [
        safe_cell(value)
        for value in (
            row.title,
            row.role_name,
            row.company_name,
            row.location,
            row.workplace_type,
            row.employment_type,
            timezone.localdate(row.finalized_at).isoformat(),
            row.revision,
            quality.get("score", ""),
            quality.get("errors", ""),
            quality.get("warnings", ""),
            row.public_id,
        )
    ]


class CsvWriter:
    """Writes encoded rows to a binary file object as they come; holds one row at a time."""

    def __init__(self, out: BinaryIO, header: Sequence[str] = HEADER) -> None:
        self._out = out
        self._line = io.StringIO()
        self._csv = csv.writer(self._line)  # "\r\n" line ends, as Excel writes them
        self._out.write(BOM.encode("utf-8"))
        self.write_row(header)

    def write_row(self, values: Sequence[str]) -> None:
        self._csv.writerow(values)
        self._out.write(self._line.getvalue().encode("utf-8"))
        self._line.seek(0)
        self._line.truncate()

    def add(self, row: LibraryRow) -> None:
        self.write_row(cells(row))


def csv_file(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """A whole CSV file of `rows` under `header`, as the export writes one: a byte order mark,
    every cell safe from spreadsheet formulas (the insights' and compliance pages' CSVs)."""
    out = io.BytesIO()
    writer = CsvWriter(out, [safe_cell(cell) for cell in header])
    for row in rows:
        writer.write_row([safe_cell(cell) for cell in row])
    return out.getvalue()
