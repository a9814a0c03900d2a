"""Many open postings, cheaply: for tests of lists, feeds and speed at thousands of postings.

One posting is published as a recruiter publishes it (`published_jd`); its rows are then copied
in a few bulk queries: a JD and an issued revision per copy (a Posting's JD is one-to-one), and
the Posting row with a new short id, title, slug and search text. The copies are written
directly, so use them only where what is tested is reading many postings, not publishing them.
"""

from __future__ import annotations

import copy
import datetime

from django.db import transaction

from jdbuilder.models import JobDescription, JobDescriptionRevision
from jdbuilder.publishing.models import Posting, new_short_id
from jdbuilder.publishing.stamp import postings_changed
from tests.support.publishing import published_jd

# Posting fields that are per row, not copied from the source.
_OWN_FIELDS = {"id", "job_description", "revision", "short_id", "slug", "title", "search_text"}


def bulk_open_postings(
    count: int,
    *,
    source: Posting | None = None,
    batch: int = 5000,
    apart: datetime.timedelta | None = None,
) -> list[Posting]:
    """`count` open postings copied from `source` (a new published JD unless given), titled
    "<source title> 0001" and so on; the new Postings (the source not among them). Written
    `batch` at a time, each batch in its own transaction; with `apart`, each copy published
    that long before the one before it (real postings have distinct dates), else all at the
    source's time. Needs the `catalog` fixture when no source is given."""
    source = source or published_jd()
    short_ids = _short_ids(count)
    made: list[Posting] = []
    while len(made) < count:
        first = len(made) + 1
        numbers = range(first, min(count, first + batch - 1) + 1)
        made += _copies(source, numbers, short_ids[first - 1 :], apart)
    return made


def _copies(source: Posting, numbers: range, short_ids: list[str], apart) -> list[Posting]:
    jd, revision = source.job_description, source.revision
    titles = [f"{source.title} {n:04d}" for n in numbers]
    with transaction.atomic():
        jds = JobDescription.objects.bulk_create(
            JobDescription(
                owner=jd.owner,
                role=jd.role,
                title=title,
                seniority=jd.seniority,
                status=jd.status,
                choices=jd.choices,
                quality=jd.quality,
            )
            for title in titles
        )
        revisions = JobDescriptionRevision.objects.bulk_create(
            JobDescriptionRevision(
                job_description=copy_jd,
                number=1,
                snapshot={
                    **revision.snapshot,
                    "title": copy_jd.title,
                    "public_id": str(copy_jd.public_id),
                },
                finalized_by=revision.finalized_by,
                quality=revision.quality,
                required_skills=revision.required_skills,
            )
            for copy_jd in jds
        )
        for copy_jd, issued in zip(jds, revisions, strict=True):
            copy_jd.latest_revision = issued
        JobDescription.objects.bulk_update(jds, ["latest_revision"])
        shared = {
            field.attname: getattr(source, field.attname)
            for field in Posting._meta.concrete_fields
            if field.name not in _OWN_FIELDS
        }
        rows = []
        for n, copy_jd, issued, short_id in zip(numbers, jds, revisions, short_ids, strict=False):
            row = _copy(source, shared, copy_jd, issued, short_id)
            if apart is not None:
                row.first_published_at = row.published_at = row.changed_at = (
                    source.published_at - apart * n
                )
            rows.append(row)
        postings = Posting.objects.bulk_create(rows)
        postings_changed()
    return postings


def _copy(source: Posting, shared: dict, jd, revision, short_id: str) -> Posting:
    suffix = jd.title.removeprefix(source.title).strip()
    slug = f"{source.slug}-{suffix}"
    jobposting = copy.deepcopy(source.jobposting)
    if jobposting:
        jobposting["title"] = jd.title
        jobposting["url"] = jobposting.get("url", "").replace(
            f"{source.slug}-{source.short_id}", f"{slug}-{short_id}"
        )
        jobposting.get("identifier", {})["value"] = short_id
    return Posting(
        **{**shared, "jobposting": jobposting},
        job_description=jd,
        revision=revision,
        short_id=short_id,
        slug=slug,
        title=jd.title,
        search_text=f"{source.search_text} {suffix}",
    )


def _short_ids(count: int) -> list[str]:
    """`count` short ids that no posting has yet, and distinct from each other."""
    taken = set(Posting.objects.values_list("short_id", flat=True))
    ids: list[str] = []
    while len(ids) < count:
        candidate = new_short_id()
        if candidate not in taken:
            taken.add(candidate)
            ids.append(candidate)
    return ids


__all__ = ["bulk_open_postings"]
