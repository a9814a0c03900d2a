"""Pay bands from a CSV file: every row checked first, then all written in one transaction.

The file: UTF-8 (a byte-order mark is fine), comma-separated, a header row naming the columns
in any order and any case:

    role           a catalog role's slug or O*NET code      } exactly one of the two
    role_group     a role group's name                      }
    seniority      blank for every seniority; a value (senior) or label (Senior)   optional
    office         an office's name; blank for none                                 optional
    country        ISO 3166 two-letter code; blank for none                         optional
    region         a region of the country (needs country)                          optional
    minimum, maximum   amounts; 120000, 120,000 or 120000.50
    currency       ISO 4217 three-letter code
    period         YEAR, MONTH, WEEK, DAY, HOUR, or words such as "per year", "hourly"

Faults are named "<file> line N: <what>", N as a spreadsheet numbers its rows (the header is
line 1). One fault anywhere and nothing is written. A band whose scope (role or group,
seniority, office, country, region) is already stored is updated in place, so its history shows
the change; one whose figures are the same is left alone.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import pycountry
from django.db import connection, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from jdbuilder.organization.models import Office, PayBand, RoleGroup
from jdbuilder.vocabulary import SalaryPeriod, Seniority
from roles.models import CatalogVersion, Role

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 10_000
MAX_FAULTS = 200  # a wholly wrong file would name every line; the first 200 tell enough
MAX_AMOUNT = Decimal("9999999999.99")  # PayBand's 12 digits, 2 after the point

COLUMNS = (
    "role",
    "role_group",
    "seniority",
    "office",
    "country",
    "region",
    "minimum",
    "maximum",
    "currency",
    "period",
)
REQUIRED = ("minimum", "maximum", "currency", "period")

# The words a spreadsheet may give for a period, beyond its code and label ("per year").
_MORE_WORDS = {
    "YEAR": ("year", "yearly", "annual", "annually", "per annum", "a year"),
    "MONTH": ("month", "monthly", "a month"),
    "WEEK": ("week", "weekly", "a week"),
    "DAY": ("day", "daily", "a day"),
    "HOUR": ("hour", "hourly", "an hour"),
}
PERIOD_WORDS: dict[str, str] = {
    word: period.value
    for period in SalaryPeriod
    for word in (period.value.casefold(), period.label.casefold(), *_MORE_WORDS[period.value])
}

# 120000, 120000.5, 120,000 or 120 000 (grouped by threes), with at most two decimals.
# ASCII digits only: Python's \d also matches other scripts' digits, which Decimal would read.
_AMOUNT = re.compile(
    r"^\d+(?:\.\d{1,2})?$|^\d{1,3}(?:([, ])\d{3})(?:\1\d{3})*(?:\.\d{1,2})?$", re.ASCII
)
# ISO 4217 codes that are no currency of pay (as the posting step's currency field refuses).
_NOT_PAY = frozenset({"XXX", "XTS", "XAU", "XAG", "XPT", "XPD", "XBA", "XBB", "XBC", "XBD", "XDR"})
CURRENCIES = frozenset(c.alpha_3 for c in pycountry.currencies) - _NOT_PAY
COUNTRIES = frozenset(c.alpha_2 for c in pycountry.countries)


def size_text(size: int) -> str:
    mb = 1024 * 1024
    return f"{size / mb:g} MB" if size >= mb else f"{size:,} bytes"


class BandImportError(Exception):
    """The file was refused; `faults` names each problem, nothing was written."""

    def __init__(self, faults: Sequence[str]) -> None:
        super().__init__("\n".join(faults))
        self.faults = list(faults)


@dataclass(frozen=True)
class BandRow:
    """One checked row: ids of the rows it names, codes as stored."""

    line: int
    role: int | None
    role_group: int | None
    seniority: str
    office: int | None
    country: str
    region: str
    minimum: Decimal
    maximum: Decimal
    currency: str
    period: str

    @property
    def scope(self) -> tuple:
        return (self.role, self.role_group, self.seniority, self.office, self.country, self.region)


@dataclass(frozen=True)
class ImportCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


# --- reading and checking ------------------------------------------------------------------


@dataclass
class _Names:
    """What the cells may name, read once per file (three queries)."""

    roles: dict[str, int]
    groups: dict[str, int]
    offices: dict[str, int]

    @classmethod
    def load(cls) -> _Names:
        roles: dict[str, int] = {}
        for pk, slug, code in Role.objects.values_list("pk", "slug", "onet_code"):
            roles[slug.casefold()] = pk
            if code:
                roles[code.casefold()] = pk
        groups = {name.casefold(): pk for pk, name in RoleGroup.objects.values_list("pk", "name")}
        offices = {name.casefold(): pk for pk, name in Office.objects.values_list("pk", "name")}
        return cls(roles=roles, groups=groups, offices=offices)


_SENIORITY = {s.value: s.value for s in Seniority} | {
    s.label.casefold(): s.value for s in Seniority
}


def _shown(text: str, limit: int = 60) -> str:
    """A cell as a message quotes it: cut short, so one huge cell cannot flood the page."""
    return text if len(text) <= limit else f"{text[: limit - 1]}…"


def _amount(cell: str, column: str, faults: list[str]) -> Decimal | None:
    text = cell.strip()
    if not text:
        faults.append(f"no {column}")
        return None
    if text.startswith("-") and _AMOUNT.match(text[1:].strip()):
        faults.append(f"{column} {_shown(text)} is negative")
        return None
    if not _AMOUNT.match(text):
        faults.append(
            f'{column} "{_shown(text)}" is not a number (write it as 120000 or 120,000.50)'
        )
        return None
    try:
        value = Decimal(re.sub(r"[, ]", "", text))
    except InvalidOperation:  # the pattern lets only digits through; kept for safety
        faults.append(f'{column} "{_shown(text)}" is not a number')
        return None
    if value > MAX_AMOUNT:
        faults.append(f"{column} {text} is too large")
        return None
    return value


def _check_row(cells: dict[str, str], names: _Names) -> tuple[dict, list[str]]:
    """The row's values and its faults (each without the "<file> line N: " prefix)."""
    faults: list[str] = []
    role_text, group_text = cells.get("role", ""), cells.get("role_group", "")
    role = group = None
    if role_text and group_text:
        faults.append("give a role or a role group, not both")
    elif not role_text and not group_text:
        faults.append("no role and no role group")
    elif role_text:
        role = names.roles.get(role_text.casefold())
        if role is None:
            faults.append(
                f'no role "{_shown(role_text)}" in the catalog (give its slug or O*NET code)'
            )
    else:
        group = names.groups.get(group_text.casefold())
        if group is None:
            faults.append(f'no role group "{_shown(group_text)}"')

    seniority_text = cells.get("seniority", "")
    seniority = _SENIORITY.get(seniority_text.casefold(), None) if seniority_text else ""
    if seniority is None:
        allowed = ", ".join(s.label for s in Seniority)
        faults.append(
            f'seniority "{_shown(seniority_text)}" is none of {allowed} (or blank for any)'
        )

    office_text = cells.get("office", "")
    office = None
    if office_text:
        office = names.offices.get(office_text.casefold())
        if office is None:
            faults.append(f'no office "{_shown(office_text)}"')
    country = cells.get("country", "").upper()
    region = cells.get("region", "")
    if office_text and (country or region):
        faults.append("give an office or a country and region, not both")
    if country and country not in COUNTRIES:
        faults.append(
            f'country "{_shown(cells["country"])}" is no ISO 3166 two-letter code (e.g. US)'
        )
    if region and not country:
        faults.append(f'region "{_shown(region)}" needs a country')
    if len(region) > PayBand._meta.get_field("region").max_length:
        faults.append("region is longer than 100 characters")

    minimum = _amount(cells.get("minimum", ""), "minimum", faults)
    maximum = _amount(cells.get("maximum", ""), "maximum", faults)
    if minimum is not None and maximum is not None and minimum > maximum:
        faults.append(f"minimum {cells['minimum']} is above maximum {cells['maximum']}")

    currency = cells.get("currency", "").upper()
    if not currency:
        faults.append("no currency")
    elif currency not in CURRENCIES:
        faults.append(
            f'currency "{_shown(cells["currency"])}" is no ISO 4217 code of pay (e.g. USD)'
        )
    period_text = " ".join(cells.get("period", "").split()).casefold()
    period = PERIOD_WORDS.get(period_text)
    if period is None:
        shown = cells.get("period", "")
        faults.append(
            f'period "{_shown(shown)}" is none of YEAR, MONTH, WEEK, DAY, HOUR'
            if shown
            else "no period"
        )
    values = {
        "role": role,
        "role_group": group,
        "seniority": seniority or "",
        "office": office,
        "country": country,
        "region": region,
        "minimum": minimum,
        "maximum": maximum,
        "currency": currency,
        "period": period,
    }
    return values, faults


def _decode(filename: str, data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise BandImportError(
            [f"{filename} line {line}: not UTF-8 text (save the file as CSV UTF-8)"]
        ) from None


def _header(filename: str, first: list[str]) -> dict[int, str]:
    """Column index -> column name, from the header row; raises on any fault in it."""
    names = [" ".join(cell.split()).casefold().replace(" ", "_") for cell in first]
    known = [name for name in names if name in COLUMNS]
    at = f"{filename} line 1"
    if not known:
        if len(first) == 1 and any(sep in first[0] for sep in ";\t|"):
            raise BandImportError(
                [f"{at}: the columns must be separated by commas, not semicolons or tabs"]
            )
        raise BandImportError(
            [f"{at}: no header row; the first line must name the columns ({', '.join(COLUMNS)})"]
        )
    faults = []
    for cell, name in zip(first, names, strict=True):
        # A column without a name (a spreadsheet's trailing comma) is ignored.
        if name and name not in COLUMNS:
            faults.append(
                f'{at}: unknown column "{_shown(cell.strip())}" (known: {", ".join(COLUMNS)})'
            )
    for name in sorted({n for n in names if n in COLUMNS and names.count(n) > 1}):
        faults.append(f'{at}: column "{name}" appears twice')
    for name in REQUIRED:
        if name not in names:
            faults.append(f'{at}: missing column "{name}"')
    if "role" not in names and "role_group" not in names:
        faults.append(f'{at}: missing column "role" (or "role_group")')
    if faults:
        raise BandImportError(faults)
    return dict(enumerate(names))


def read_bands(*, filename: str, data: bytes) -> list[BandRow]:
    """Every row of the CSV file `data`, checked; raises `BandImportError` naming every fault.

    Reads the catalog's roles, the role groups and the offices (three queries); writes nothing.
    """
    if len(data) > MAX_BYTES:
        raise BandImportError([f"{filename}: the file is larger than {size_text(MAX_BYTES)}"])
    text = _decode(filename, data)
    if not text.strip():
        raise BandImportError([f"{filename}: the file is empty"])
    records = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        first = next(records)
        columns = _header(filename, first)
        width = len(first)
        names = _Names.load()
        rows: list[BandRow] = []
        faults: list[str] = []
        seen: dict[tuple, int] = {}
        data_rows = 0
        # A spreadsheet numbers records, not physical lines (a quoted cell may hold a break).
        for line, record in enumerate(records, start=2):
            if not any(cell.strip() for cell in record):
                continue  # an empty row, as spreadsheets leave at the end
            data_rows += 1
            if data_rows > MAX_ROWS:
                raise BandImportError(
                    [f"{filename} line {line}: more than {MAX_ROWS:,} rows; split the file"]
                )
            if len(faults) >= MAX_FAULTS:
                continue  # keep counting rows, stop naming faults
            at = f"{filename} line {line}"
            if len(record) != width:
                faults.append(f"{at}: {len(record)} values, but the header names {width} columns")
                continue
            cells = {columns[i]: cell.strip() for i, cell in enumerate(record)}
            values, row_faults = _check_row(cells, names)
            faults += [f"{at}: {fault}" for fault in row_faults]
            if row_faults:
                continue
            row = BandRow(line=line, **values)
            if row.scope in seen:
                faults.append(
                    f"{at}: the same band (role, seniority and place) as line {seen[row.scope]}"
                )
                continue
            seen[row.scope] = line
            rows.append(row)
    except csv.Error as error:
        # csv counts physical lines; near enough to find a stray quote or a NUL byte.
        raise BandImportError([f"{filename} line {records.line_num}: {error}"]) from None
    if faults:
        if len(faults) >= MAX_FAULTS:
            faults.append(f"{filename}: stopped after {MAX_FAULTS} faults")
        raise BandImportError(faults)
    if not rows:
        raise BandImportError([f"{filename}: no bands below the header"])
    return rows


# --- writing -------------------------------------------------------------------------------

FIGURES = ("minimum", "maximum", "currency", "period")
UPDATED = (*FIGURES, "updated_at")


def _update(bands: Sequence[PayBand]) -> None:
    """Write the figures of `bands`: one prepared UPDATE run for every band. Django's
    bulk_update builds a CASE per field and band in Python, which took half a minute for
    10,000 bands; this takes a second."""
    fields = [PayBand._meta.get_field(name) for name in UPDATED]
    quote = connection.ops.quote_name
    columns = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    sql = f"UPDATE {quote(PayBand._meta.db_table)} SET {columns} WHERE {quote('id')} = %s"  # noqa: S608
    params = [
        [field.get_db_prep_save(getattr(band, field.attname), connection) for field in fields]
        + [band.pk]
        for band in bands
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _key(band: PayBand) -> tuple:
    return (
        band.role_id,
        band.role_group_id,
        band.seniority,
        band.office_id,
        band.country,
        band.region,
    )


@transaction.atomic
def import_bands(*, rows: Sequence[BandRow], user=None, reason: str = "") -> ImportCounts:
    """Create or update (by scope) a band for each checked row, in one transaction; history
    records each created or changed band, with `user` and `reason`. Bulk writes send no signals,
    so the content version is moved once here."""
    stored = {_key(band): band for band in PayBand.objects.select_for_update()}
    now = timezone.now()
    created: list[PayBand] = []
    changed: list[PayBand] = []
    unchanged = 0
    for row in rows:
        band = stored.get(row.scope)
        if band is None:
            created.append(
                PayBand(
                    role_id=row.role,
                    role_group_id=row.role_group,
                    seniority=row.seniority,
                    office_id=row.office,
                    country=row.country,
                    region=row.region,
                    minimum=row.minimum,
                    maximum=row.maximum,
                    currency=row.currency,
                    period=row.period,
                    updated_at=now,
                )
            )
            continue
        if all(getattr(band, name) == getattr(row, name) for name in FIGURES):
            unchanged += 1
            continue
        for name in FIGURES:
            setattr(band, name, getattr(row, name))
        band.updated_at = now
        changed.append(band)
    history = {"default_user": user, "default_change_reason": reason or "Imported from CSV"}
    if created:
        bulk_create_with_history(created, PayBand, batch_size=500, **history)
    if changed:
        _update(changed)
        PayBand.history.bulk_history_create(changed, batch_size=500, update=True, **history)
    if created or changed:
        CatalogVersion.objects.bump()
    return ImportCounts(created=len(created), updated=len(changed), unchanged=unchanged)


def import_bands_file(*, filename: str, data: bytes, user=None) -> ImportCounts:
    """`read_bands` then `import_bands`: the whole file or nothing."""
    rows = read_bands(filename=filename, data=data)
    return import_bands(rows=rows, user=user, reason=f"Imported from {filename}")
