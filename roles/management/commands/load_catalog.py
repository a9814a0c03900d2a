"""`manage.py load_catalog [--file FILE] [--questions FILE] [--overwrite]`: load the seed role
catalog and its interview question bank."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from roles.questions import SEED_QUESTIONS, QuestionFileError, read_question_file
from roles.seed import SEED_CATALOG, CatalogError, load_catalog, read_catalog_file


class Command(BaseCommand):
    help = (
        "Load the seed role catalog and its interview questions. Safe to run again: rows that "
        "exist are kept as staff left them, unless --overwrite is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", type=Path, default=SEED_CATALOG, help="Catalog TOML file.")
        parser.add_argument(
            "--questions",
            type=Path,
            default=SEED_QUESTIONS,
            help="Interview question bank TOML file (loaded after the catalog).",
        )
        parser.add_argument(
            "--overwrite",
            action="store_true",
            help="Replace stored values with the files' and reset seeded roles and the question "
            "file's skills' questions to the files.",
        )

    def handle(self, *args, file: Path, questions: Path, overwrite: bool, **options) -> None:
        try:
            catalog = read_catalog_file(file)
            bank = read_question_file(questions)
            report = load_catalog(data=catalog, overwrite=overwrite, questions=bank)
        except (CatalogError, QuestionFileError) as exc:
            # One transaction: the catalog's rows are rolled back with the questions.
            raise CommandError(f"Catalog not loaded, nothing changed: {exc}") from exc
        for line in report.lines():
            self.stdout.write(line)
