"""Queueing an O*NET import from an upload, and running it in a worker.

`queue_import` checks the zip's members before anything is kept (a bad zip stores nothing),
stores it as the job's input file and queues the job; one import at a time. `run_import` is the
job's handler (jdbuilder.jobs.services.RULES): it copies the upload to a temporary file, unpacks
it safely, checks every file, then imports all or nothing, with the same functions as
`manage.py import_onet` (roles.onet.run).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction

from jdbuilder.imports.models import OnetImport
from jdbuilder.jobs.files import copy_to, store_upload
from jdbuilder.jobs.models import Job, JobFile, JobFileRole, JobKind
from jdbuilder.jobs.progress import Progress
from jdbuilder.jobs.queue import enqueue
from jdbuilder.jobs.services import JobRefused
from roles.onet.archive import (
    ArchiveContents,
    ArchiveError,
    ArchiveLimits,
    check_archive,
    unpacked_release,
)
from roles.onet.files import Occupation, Release
from roles.onet.run import NOT_IMPORTED, ImportRefused, import_folder, note_lines

ALREADY_RUNNING = (
    "An O*NET import is already queued or running; upload the next release when it has finished."
)
STAGE_CHECKING = "Checking the files"
STAGE_IMPORTING = "Importing"


def import_running() -> bool:
    return OnetImport.objects.active().exists()


def archive_limits() -> ArchiveLimits:
    return ArchiveLimits(upload_bytes=settings.ONET_UPLOAD_MAX_BYTES)


@transaction.atomic
def queue_import(*, uploaded_file: UploadedFile, owner: AbstractBaseUser) -> Job:
    """Check the uploaded zip, keep it as a new import job's input, and queue the job.

    Raises ValidationError, keeping nothing, for a zip whose members are not a release we
    accept (the message names the member) and while another import is queued or running.
    """
    try:
        contents = check_archive(uploaded_file, limits=archive_limits())
    except ArchiveError as error:
        raise ValidationError(
            f"{uploaded_file.name}: not imported: {error}", code="bad_archive"
        ) from error
    if import_running():
        raise ValidationError(ALREADY_RUNNING, code="import_running")
    try:
        with transaction.atomic():  # the constraint one_onet_import_at_a_time decides a race
            job = Job.objects.create(
                kind=JobKind.ONET_IMPORT,
                owner=owner,
                title=f"O*NET release {Path(uploaded_file.name).name}"[:200],
                params={"upload": _upload_summary(uploaded_file.name, contents)},
                stage="Queued",
            )
    except IntegrityError as error:
        raise ValidationError(ALREADY_RUNNING, code="import_running") from error
    store_upload(
        job,
        role=JobFileRole.INPUT,
        name=Path(uploaded_file.name).name[:200],
        content_type="application/zip",
        chunks=uploaded_file.chunks(),
    )
    enqueue(job)
    return job


def _upload_summary(name: str, contents: ArchiveContents) -> dict:
    return {"name": Path(name).name, **contents.summary()}


def run_import(job: Job, progress: Progress) -> dict:
    """The job's handler: unpack the stored zip, check every file, import all or nothing.

    A release that is refused (a bad zip or file, named with its line; a catalog it does not
    fit) fails the job with "O*NET not imported, nothing changed: ..." and changes nothing.
    """
    upload = JobFile.objects.filter(job=job, role=JobFileRole.INPUT, complete=True).first()
    if upload is None:
        raise JobRefused(
            f"{NOT_IMPORTED}: the uploaded release is no longer stored; upload it again"
        )
    progress.stage(STAGE_CHECKING)
    imported = OnetImport.objects.get(pk=job.pk)

    def checked(release: Release) -> None:
        imported.record_checked_files(_checked_summary(release))
        progress.stage(STAGE_IMPORTING, total=len(release.occupations))

    def advance(number: int, total: int, occupation: Occupation) -> None:
        progress.advance(number, total=total)

    with tempfile.TemporaryDirectory(prefix="onet-import-") as work:
        archive = Path(work) / "release.zip"
        with archive.open("wb") as destination:
            copy_to(upload, destination)
        try:
            with unpacked_release(archive, limits=archive_limits()) as (folder, _contents):
                run = import_folder(folder, checked=checked, progress=advance)
        except ArchiveError as error:
            raise JobRefused(f"{NOT_IMPORTED}: {error}") from error
        except ImportRefused as refused:
            raise JobRefused(str(refused)) from refused
    report = run.report
    return {
        "checked": _checked_summary(run.release),
        "occupations": report.occupations,
        "counts": report.counts(),
        "skipped": dict(sorted(report.skipped.items())),
        "seconds": round(run.seconds, 2),
        "summary": report.summary(),
        "log": note_lines(run.release) + run.closing_lines(),
    }


def _checked_summary(release: Release) -> dict:
    return {
        "occupations": len(release.occupations),
        "skills": len(release.skill_names),
        "tool_files": list(release.tool_files),
        "notes": list(release.notes),
    }
