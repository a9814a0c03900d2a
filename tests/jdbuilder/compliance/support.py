"""Helpers for the compliance tests: many open postings, fast."""

from __future__ import annotations

from jdbuilder.publishing.models import Posting
from tests.support.jds import clone_issued


def open_clones(posting: Posting, count: int) -> int:
    """`count` more open postings like `posting` (each its own JD and revision), written
    directly (fast); the number of open postings after."""
    jds = clone_issued(posting.job_description, count, prefix=f"Clone{Posting.objects.count()}")
    Posting.objects.bulk_create(
        Posting(
            job_description=jd,
            revision=jd.latest_revision,
            slug="engineer",
            published_by=posting.published_by,
            title=jd.title,
            location=posting.location,
        )
        for jd in jds
    )
    return Posting.objects.open().count()
