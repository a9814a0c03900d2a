"""`manage.py load_catalog [--file FILE] [--overwrite]`: load the seed role catalog."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from roles.seed import SEED_CATALOG, CatalogError, load_catalog, read_catalog_file


class Command(BaseCommand):
    help = (
        "Load the seed role catalog. Safe to run again: rows that exist are kept as staff left "
        "them, unless --overwrite is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", type=Path, default=SEED_CATALOG, help="Catalog TOML file.")
        parser.add_argument(
            "--overwrite",
            action="store_true",
            help="Replace stored values with the file's and reset seeded roles to the file.",
        )

    def handle(self, *args, file: Path, overwrite: bool, **options) -> None:
        try:
            report = load_catalog(data=read_catalog_file(file), overwrite=overwrite)
        except CatalogError as exc:
            raise CommandError(f"Catalog not loaded, nothing changed: {exc}") from exc
        for line in report.lines():
            self.stdout.write(line)
