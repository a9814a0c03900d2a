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


revision_required_skills = importlib.import_module(
    "jdbuilder.migrations.0012_revision_required_skills"
)


def test_0012_counts_each_existing_revisions_required_skills(final_jd):
    revision = final_jd.revisions.get()
    required = sum(1 for s in revision.snapshot["skills"] if s["importance"] == "required")
    assert required and revision.required_skills == required  # issuing counts them
    odd = {**revision.snapshot, "skills": [{"importance": "required"}, "not a skill"]}
    type(revision).objects.filter(pk=revision.pk).update(required_skills=0)
    other = type(revision).objects.create(
        job_description=final_jd, number=2, snapshot=odd, finalized_by=revision.finalized_by
    )

    revision_required_skills.count_required_skills(apps, None)

    revision.refresh_from_db()
    other.refresh_from_db()
    assert (revision.required_skills, other.required_skills) == (required, 1)
