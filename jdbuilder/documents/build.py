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
from jdbuilder.organization.content import OrganizationContent, organization_content
from jdbuilder.organization.models import Logo
from jdbuilder.snapshots import logo_sha256, read_snapshot, write_snapshot


def take_snapshot(
    job_description: JobDescription, *, content: OrganizationContent | None = None
) -> dict[str, Any]:
    """The draft's chosen ids resolved to the catalog's and the organization's current texts,
    in a fixed number of queries (one, the content version, while nothing has changed)."""
    chosen = job_description.chosen
    role = job_description.role
    rows = catalog_rows() if content is None else None
    content = content or organization_content(rows.token)
    if rows is None:
        rows = catalog_rows(content.token)
    return write_snapshot(
        public_id=str(job_description.public_id),
        revision=job_description.revision,
        title=job_description.title,
        seniority=job_description.seniority,
        role=role,
        works_with=rows.works_with_of(role),
        chosen=chosen,
        task_skills=rows.task_skills_of(role),
        areas=rows.areas,
        levels=rows.levels,
        skills=rows.skills,
        tools=rows.tools,
        organization=content.snapshot_part(
            role=role.pk,
            role_name=role.name,
            seniority=job_description.seniority,
            department=chosen.posting.department,
            office=chosen.posting.office,
        ),
    )


def logo_of(snapshot: dict[str, Any], content: OrganizationContent | None = None) -> bytes | None:
    """The content of the logo `snapshot` names: the current one from the kept organization
    rows, an older one (an issued revision's) from its stored row."""
    sha256 = logo_sha256(snapshot)
    if sha256 is None:
        return None
    current = (content or organization_content()).logo
    if current is not None and current.sha256 == sha256:
        return bytes(current.content)
    content = Logo.objects.filter(sha256=sha256).values_list("content", flat=True).first()
    return bytes(content) if content is not None else None


def build_document(source: JobDescription | JobDescriptionRevision) -> Document:
    """The Document of an issued revision, or of a draft as it stands."""
    if isinstance(source, JobDescriptionRevision):
        snapshot = source.snapshot
        return read_snapshot(
            snapshot, date_posted=source.finalized_at.date(), logo=logo_of(snapshot)
        )
    content = organization_content()
    snapshot = take_snapshot(source, content=content)
    return read_snapshot(snapshot, logo=logo_of(snapshot, content))
