"""One import of a release folder, as `manage.py import_onet` and the admin's import job both
run it: read and check every file, then write them all or nothing. Any refusal becomes one
`ImportRefused` whose message says that nothing changed and why (the file and line, for a bad
file); the lines that tell what happened are the same on the console and in the job's log.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.db import IntegrityError

from roles.onet.attribution import ONET_SOURCE
from roles.onet.files import Occupation, OnetError, Release, read_release
from roles.onet.report import ImportReport
from roles.onet.write import DEFAULT_BATCH_SIZE, import_release

NOT_IMPORTED = "O*NET not imported, nothing changed"


class ImportRefused(Exception):
    """The release was not imported and the catalog is as it was; the message says why."""


@dataclass
class ImportRun:
    release: Release
    report: ImportReport
    seconds: float

    def closing_lines(self) -> list[str]:
        """What a finished run reports last: the attribution written, then the counts."""
        return [
            f"Source recorded on each imported role: {ONET_SOURCE}",
            f"Imported in {self.seconds:.2f} s: {self.report.summary()}",
        ]


def note_lines(release: Release) -> list[str]:
    """The release's notes (an optional file missing, say), one line each."""
    return [f"Note: {note}" for note in release.notes]


def import_folder(
    folder: Path,
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    checked: Callable[[Release], None] | None = None,
    progress: Callable[[int, int, Occupation], None] | None = None,
) -> ImportRun:
    """Read and check the release in `folder`, call `checked(release)` once every file has
    passed, then write it (`progress(number, total, occupation)` after each written batch).

    Raises ImportRefused, with nothing written, for a bad file or a catalog the release does
    not fit, and for a catalog that changed under the import (its one transaction rolled back).
    """
    started = time.monotonic()
    try:
        release = read_release(folder)
        if checked is not None:
            checked(release)
        report = import_release(release, batch_size=batch_size, progress=progress)
    except OnetError as exc:
        raise ImportRefused(f"{NOT_IMPORTED}: {exc}") from exc
    except IntegrityError as exc:  # someone edited the catalog meanwhile; all rolled back
        raise ImportRefused(
            f"{NOT_IMPORTED}: the catalog changed during the import ({exc}); run it again"
        ) from exc
    return ImportRun(release, report, time.monotonic() - started)
