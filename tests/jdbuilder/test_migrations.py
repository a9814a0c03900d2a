"""Data steps of jdbuilder's migrations, run on today's rows."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from jdbuilder.documents.formats import FORMATS
from jdbuilder.models import RenderedFile
from jdbuilder.services import export_revision

pytestmark = pytest.mark.django_db

rendered_file_names = importlib.import_module(
    "jdbuilder.migrations.0005_rendered_file_name_and_size"
)


def test_0005_gives_existing_stored_files_their_download_name_and_size(final_jd):
    revision = final_jd.revisions.get()
    pdf = export_revision(revision=revision, export_format=FORMATS["pdf"])
    letter = export_revision(revision=revision, export_format=FORMATS["pdf-letter"])
    # As rows stored before the migration are: no name, no size; one of a format since removed.
    RenderedFile.objects.update(filename="", size=0)
    RenderedFile.objects.create(revision=revision, format="gone", content=b"x", sha256="0" * 64)

    rendered_file_names.fill_names_and_sizes(apps, None)

    rows = {row.format: row for row in RenderedFile.objects.all()}
    stem = "senior-software-engineer-acme-analytics-r1"
    assert (rows["pdf"].filename, rows["pdf"].size) == (f"{stem}.pdf", len(pdf))
    assert (rows["pdf-letter"].filename, rows["pdf-letter"].size) == (f"{stem}.pdf", len(letter))
    assert (rows["gone"].filename, rows["gone"].size) == ("", 1)
    assert bytes(rows["pdf"].content) == pdf  # the files themselves are untouched
