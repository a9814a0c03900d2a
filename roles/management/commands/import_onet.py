"""`manage.py import_onet FOLDER`: load an O*NET text release into the role catalog."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from roles.onet.files import Occupation, Release
from roles.onet.run import ImportRefused, import_folder, note_lines
from roles.onet.write import DEFAULT_BATCH_SIZE


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

        def checked(release: Release) -> None:
            if verbosity > 0:
                for line in note_lines(release):
                    self.stdout.write(line)

        def progress(number: int, total: int, occupation: Occupation) -> None:
            self.stdout.write(f"[{number}/{total}] {occupation.code} {occupation.title}")

        show = progress if verbosity > 0 and not quiet else None
        try:
            run = import_folder(folder, batch_size=batch_size, checked=checked, progress=show)
        except ImportRefused as exc:
            raise CommandError(str(exc)) from exc
        if verbosity > 0:
            for line in run.closing_lines():
                self.stdout.write(line)
