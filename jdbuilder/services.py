"""Writes that touch a job description and its revisions together."""

from __future__ import annotations

from django.db import transaction

from jdbuilder.checks import run_checks
from jdbuilder.documents.snapshot import take_snapshot
from jdbuilder.models import JobDescription, JobDescriptionRevision, Status


class AlreadyFinal(Exception):
    """The JD was finalized already (another tab, another server)."""


@transaction.atomic
def finalize_job_description(
    *, job_description: JobDescription, user, expected_version: int
) -> JobDescriptionRevision:
    """Freeze the draft as its next revision: snapshot the catalog texts, then mark it final.

    The row is locked first, so two finalizations of the same draft cannot both succeed.
    """
    locked = JobDescription.objects.select_for_update().get(pk=job_description.pk)
    if locked.status == Status.FINAL:
        raise AlreadyFinal
    if locked.lock_version != expected_version:
        raise AlreadyFinal
    revision = JobDescriptionRevision(
        job_description=locked,
        number=locked.revision,
        snapshot=take_snapshot(locked),
        finalized_by=user,
    )
    revision.quality = run_checks(revision.document()).summary()
    revision.save()
    locked.status = Status.FINAL
    locked.lock_version += 1
    locked.save(update_fields=["status", "lock_version", "updated_at"])
    job_description.status, job_description.lock_version = locked.status, locked.lock_version
    return revision
