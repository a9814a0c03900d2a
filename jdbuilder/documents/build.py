"""Draft or revision -> Document: the one way into every renderer, check and feed.

A revision's Document is read from its frozen snapshot. A draft's is read from the snapshot it
would be issued with today (`take_snapshot`), so the review step shows exactly what finalizing
would issue.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from jdbuilder.document import Document
from jdbuilder.models import JobDescription, JobDescriptionRevision
from jdbuilder.snapshots import read_snapshot, write_snapshot
from roles.models import CatalogVersion, ProficiencyLevel, Skill, TaskArea, Tool


@dataclass
class CatalogRows:
    """The catalog rows a snapshot names, as they are at one catalog version."""

    token: str
    areas: dict[int, TaskArea]
    levels: list[ProficiencyLevel]
    skills: dict[int, Skill]
    tools: dict[int, Tool]
    works_with: dict[int, list[str]] = field(default_factory=dict)  # by role id, when asked

    def works_with_of(self, role) -> list[str]:
        if role.pk not in self.works_with:
            names = role.works_with.order_by("name").values_list("name", flat=True)
            self.works_with[role.pk] = list(names)
        return self.works_with[role.pk]


# The rows of the latest catalog version this process has read. Every save of a step and every
# preview builds a draft's Document; reading these few small tables each time was most of its
# cost. The version token (roles.models.CatalogVersion) changes, in the same transaction, with
# every catalog write, so one query for it tells whether the rows kept are still the catalog's.
_kept: CatalogRows | None = None


def catalog_rows() -> CatalogRows:
    """The catalog's task areas, levels, skills and tools (and each role's "works with"), read
    again only when the catalog version has changed since they were read."""
    global _kept
    token = CatalogVersion.objects.current()
    if _kept is None or _kept.token != token:
        _kept = CatalogRows(
            token=token,
            areas=TaskArea.objects.in_bulk(),
            levels=list(ProficiencyLevel.objects.all()),
            skills=Skill.objects.in_bulk(),
            tools=Tool.objects.select_related("area").in_bulk(),
        )
    return _kept


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
