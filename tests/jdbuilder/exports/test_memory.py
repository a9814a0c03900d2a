"""Memory stays bounded for the ZIP and the CSV: the worker's peak does not grow with the number
of JDs (one PDF and one chunk at a time). The combined PDF's grows by design (pypdf keeps its
pages): jdbuilder/exports/combined.py says by how much."""

from __future__ import annotations

import gc
import hashlib
import os
import tracemalloc

import pytest

from jdbuilder.exports.services import queue_export
from jdbuilder.jobs.models import JobStatus
from jdbuilder.models import RenderedFile
from tests.support.jds import clone_issued

pytestmark = pytest.mark.django_db

PDF_SIZE = 300 * 1024
MiB = 1024 * 1024


@pytest.fixture
def library(people, make_final_jd):
    """60 issued JDs, each with a stored "PDF" of 300 KiB that does not compress."""
    source = make_final_jd(people["owner"], title="Clone source")
    jds = [source, *clone_issued(source, 59)]
    contents = [b"%PDF-1.7\n" + os.urandom(PDF_SIZE) for _ in jds]
    RenderedFile.objects.bulk_create(
        RenderedFile(
            revision=jd.latest_revision,
            format="pdf",
            content=content,
            sha256=hashlib.sha256(content).hexdigest(),
            filename="x.pdf",
            size=len(content),
        )
        for jd, content in zip(jds, contents, strict=True)
    )
    return [jd.latest_revision_id for jd in jds]


def peak_of_export(owner, revision_ids, kind, capture) -> int:
    gc.collect()
    tracemalloc.start()
    try:
        with capture(execute=True):
            job = queue_export(owner=owner, revision_ids=revision_ids, export_kind=kind)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    return peak


@pytest.mark.parametrize("kind", ["zip", "csv"])
def test_the_peak_does_not_grow_with_the_number_of_jds(people, library, capture, kind, monkeypatch):
    # Revisions are read a batch at a time (their snapshots are what a batch holds): with
    # batches of 10, both exports hold one batch, so only a growth with the count would show.
    monkeypatch.setattr("jdbuilder.exports.services.BATCH_SIZE", 10)
    recruiter = people["recruiter"]
    small = peak_of_export(recruiter, library[:10], kind, capture)
    large = peak_of_export(recruiter, library, kind, capture)  # 6 times as many: 18 MiB of PDFs
    # Each JD's PDF (and its compressed copy) and the 1 MiB chunk being filled, with the
    # database driver's copies of it as it is sent (about 5 MiB on SQLite, 10 on PostgreSQL):
    # a few MiB, and no more for 60 JDs than for 10.
    assert small < 16 * MiB
    assert large < small + 1.5 * MiB, (small / MiB, large / MiB)
