"""What an export can be, and what its file is called."""

from __future__ import annotations

import datetime

from django.db import models
from django.utils import timezone


class ExportKind(models.TextChoices):
    ZIP = "zip", "ZIP of PDFs"
    PDF = "pdf", "One PDF with a table of contents"
    CSV = "csv", "CSV spreadsheet of the rows"

    @property
    def short_name(self) -> str:
        """How a job's title names it: "ZIP of 300 job descriptions"."""
        return {"zip": "ZIP", "pdf": "PDF", "csv": "CSV"}[self.value]

    @property
    def content_type(self) -> str:
        return {
            "zip": "application/zip",
            "pdf": "application/pdf",
            "csv": "text/csv; charset=utf-8",
        }[self.value]

    def filename(self, moment: datetime.datetime) -> str:
        return f"job-descriptions-{timezone.localdate(moment).isoformat()}.{self.value}"


def export_title(kind: ExportKind, count: int) -> str:
    return f"{kind.short_name} of {count:,} job description{'' if count == 1 else 's'}"
