"""The recruiters' library: every issued JD a user may read, shown as its latest revision.

The queryset functions live here (not on the model's QuerySet) so the library owns its reading of
the snapshot. Each takes and returns a `JobDescription` queryset; the row data comes from the
latest revision's snapshot, annotated through subqueries, so a page of the library is a fixed
number of queries however many JDs it lists.

Every lookup in a snapshot uses JSON key lookups (`snapshot__posting__company_name__icontains`),
which Django compiles for SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db.models import (
    Exists,
    F,
    JSONField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Lower

from jdbuilder.models import JobDescription, JobDescriptionRevision
from roles.models import Role

# Keys in the snapshot the free-text search reads: what the row shows.
SEARCHED_KEYS = (
    "snapshot__title",
    "snapshot__role__name",
    "snapshot__posting__company_name",
    "snapshot__posting__location",
)


def _latest_revision() -> QuerySet[JobDescriptionRevision]:
    """The latest revision of the outer JD (revision numbers only grow)."""
    return JobDescriptionRevision.objects.filter(job_description=OuterRef("pk")).order_by(
        "-number"
    )[:1]


def library(user) -> QuerySet[JobDescription]:
    """Every issued JD `user` may read, each annotated with its latest revision."""
    return with_latest_revision(JobDescription.objects.visible_to(user).issued())


def with_latest_revision(queryset: QuerySet[JobDescription]) -> QuerySet[JobDescription]:
    """Annotate id, number, date, snapshot and quality summary of each JD's latest revision, in
    the same query."""
    latest = _latest_revision()
    return queryset.annotate(
        latest_revision_id=Subquery(latest.values("pk")),
        latest_revision_number=Subquery(latest.values("number")),
        latest_finalized_at=Subquery(latest.values("finalized_at")),
        latest_snapshot=Subquery(latest.values("snapshot"), output_field=JSONField()),
        latest_quality=Subquery(latest.values("quality"), output_field=JSONField()),
    )


def where_latest(queryset: QuerySet[JobDescription], condition: Q) -> QuerySet[JobDescription]:
    """JDs whose latest revision matches `condition` (a Q on JobDescriptionRevision).

    A correlated EXISTS on the revision table, so the JSON key lookups run on the real
    `snapshot` column, never on an annotation, and no join multiplies the rows.
    """
    return queryset.filter(
        Exists(JobDescriptionRevision.objects.filter(condition, pk=OuterRef("latest_revision_id")))
    )


def search(queryset: QuerySet[JobDescription], text: str) -> QuerySet[JobDescription]:
    """Case-insensitive match of every word on title, role, company or location.

    The latest revision's snapshot is searched, not the JD's working fields: a JD reopened for its
    next revision must not be found by words only its unissued draft contains.
    """
    for word in text.split():
        condition = Q()
        for key in SEARCHED_KEYS:
            condition |= Q(**{f"{key}__icontains": word})
        queryset = where_latest(queryset, condition)
    return queryset


def filter_library(
    queryset: QuerySet[JobDescription],
    *,
    q: str = "",
    role: Role | None = None,
    workplace_type: str = "",
    employment_type: str = "",
    finalized_from: datetime.date | None = None,
    finalized_to: datetime.date | None = None,
) -> QuerySet[JobDescription]:
    """Apply the library's filters; empty values filter nothing."""
    if q:
        queryset = search(queryset, q)
    condition = Q()
    if role is not None:
        condition &= Q(snapshot__role__slug=role.slug)
    if workplace_type:
        condition &= Q(snapshot__posting__workplace_type=workplace_type)
    if employment_type:
        condition &= Q(snapshot__posting__employment_type=employment_type)
    if finalized_from is not None:
        condition &= Q(finalized_at__date__gte=finalized_from)
    if finalized_to is not None:
        condition &= Q(finalized_at__date__lte=finalized_to)
    if condition:
        queryset = where_latest(queryset, condition)
    return queryset


def _latest_text(key: str) -> Subquery:
    """A text value of the latest snapshot, lower-cased, for sorting."""
    return Subquery(_latest_revision().annotate(value=Lower(KT(key))).values("value"))


# The orders a recruiter can pick, as form choices; the first is the default.
SORTS: dict[str, str] = {
    "newest": "Newest first",
    "oldest": "Oldest first",
    "title": "Title A–Z",
    "company": "Company A–Z",
}


def sort_library(queryset: QuerySet[JobDescription], sort: str) -> QuerySet[JobDescription]:
    """Order by one of SORTS; the primary key breaks ties so pages never overlap."""
    if sort == "oldest":
        return queryset.order_by("latest_finalized_at", "pk")
    if sort == "title":
        return queryset.annotate(sort_key=_latest_text("snapshot__title")).order_by(
            "sort_key", "pk"
        )
    if sort == "company":
        return queryset.annotate(sort_key=_latest_text("snapshot__posting__company_name")).order_by(
            "sort_key", "pk"
        )
    return queryset.order_by("-latest_finalized_at", "-pk")


def library_role_slugs(queryset: QuerySet[JobDescription]) -> QuerySet[JobDescriptionRevision]:
    """The role slugs of the latest revisions in `queryset`, as a subquery (for the role filter)."""
    return (
        JobDescriptionRevision.objects.filter(pk__in=queryset.values("latest_revision_id"))
        .annotate(role_slug=KT("snapshot__role__slug"))
        .values("role_slug")
    )


def latest_revisions_of(
    queryset: QuerySet[JobDescription], public_ids: Iterable[Any]
) -> QuerySet[JobDescriptionRevision]:
    """The latest revision of each JD of `queryset` named in `public_ids`.

    Each carries `jd_public_id`; the JD itself is not loaded (its working choices can be large).
    """
    chosen = queryset.filter(public_id__in=list(public_ids))
    return JobDescriptionRevision.objects.filter(
        pk__in=chosen.values("latest_revision_id")
    ).annotate(jd_public_id=F("job_description__public_id"))
