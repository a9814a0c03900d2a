"""`manage.py import_onet FOLDER`: load an O*NET text release into the role catalog."""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import IntegrityError

from roles.onet.attribution import ONET_SOURCE
from roles.onet.files import Occupation, OnetError, read_release
from roles.onet.write import DEFAULT_BATCH_SIZE, import_release


class Command(BaseCommand):
    help = (
        "Import the O*NET database from its text release folder (e.g. db_30_0_text): "
        "occupations, alternate titles, tasks, skills and tools. All files are checked before "
        "anything is written; the import is all or nothing and safe to run again. "
        "See docs/onet-import.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", type=Path, help="Folder holding the O*NET .txt files.")
        parser.add_argument(
            "--batch-size",
            type=int,
            default=DEFAULT_BATCH_SIZE,
            help=f"Occupations written per batch (default {DEFAULT_BATCH_SIZE}).",
        )
        parser.add_argument(
            "--quiet", action="store_true", help="No progress lines; the summary still shows."
        )

    def handle(
        self, *args, folder: Path, batch_size: int, quiet: bool, verbosity: int, **options
    ) -> None:
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        started = time.monotonic()

        def progress(number: int, total: int, occupation: Occupation) -> None:
            self.stdout.write(f"[{number}/{total}] {occupation.code} {occupation.title}")

        try:
            release = read_release(folder)
            if verbosity > 0:
                for note in release.notes:
                    self.stdout.write(f"Note: {note}")
            show = progress if verbosity > 0 and not quiet else None
            report = import_release(release, batch_size=batch_size, progress=show)
        except OnetError as exc:
            raise CommandError(f"O*NET not imported, nothing changed: {exc}") from exc
        except IntegrityError as exc:  # someone edited the catalog meanwhile; all rolled back
            raise CommandError(
                f"O*NET not imported, nothing changed: the catalog changed during the import "
                f"({exc}); run it again"
            ) from exc
        if verbosity > 0:
            self.stdout.write(f"Source recorded on each imported role: {ONET_SOURCE}")
            elapsed = time.monotonic() - started
            self.stdout.write(f"Imported in {elapsed:.2f} s: {report.summary()}")
