"""Draft or revision -> Document: the one way into every renderer, check and feed.

A revision's Document is read from its frozen snapshot. A draft's is read from the snapshot it
would be issued with today (`take_snapshot`), so the review step shows exactly what finalizing
would issue.
"""

from __future__ import annotations

from typing import Any

from jdbuilder.catalog import catalog_rows
from jdbuilder.document import Document
from jdbuilder.models import JobDescription, JobDescriptionRevision
from jdbuilder.snapshots import read_snapshot, write_snapshot


def take_snapshot(job_description: JobDescription) -> dict[str, Any]:
    """The draft's chosen ids resolved to the catalog's current texts, in a fixed number of
    queries (one, the catalog version, while the catalog is unchanged)."""
    chosen = job_description.chosen
    role = job_description.role
    rows = catalog_rows()
    return write_snapshot(
        public_id=str(job_description.public_id),
        revision=job_description.revision,
        title=job_description.title,
        seniority=job_description.seniority,
        role=role,
        works_with=rows.works_with_of(role),
        chosen=chosen,
        areas=rows.areas,
        levels=rows.levels,
        skills=rows.skills,
        tools=rows.tools,
    )


def build_document(source: JobDescription | JobDescriptionRevision) -> Document:
    """The Document of an issued revision, or of a draft as it stands."""
    if isinstance(source, JobDescriptionRevision):
        return read_snapshot(source.snapshot, date_posted=source.finalized_at.date())
    return read_snapshot(take_snapshot(source))
