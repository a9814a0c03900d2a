"""Downloads of finalized revisions, in every export format.

A stored format (the PDFs) is served from its stored copy, which the workers make when the
revision is issued. A download never renders one: before the copy exists it sends the browser to
a "being prepared" page that follows the render job and links to the file once it is stored.
The other formats are rendered as they are asked for (no WeasyPrint: milliseconds).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from jdbuilder.documents.build import build_document
from jdbuilder.documents.formats import FORMATS, ExportFormat
from jdbuilder.jobs.models import Job, JobKind, JobStatus
from jdbuilder.jobs.services import queue_render
from jdbuilder.jobs.views import status_json
from jdbuilder.models import JobDescription, JobDescriptionRevision, RenderedFile
from jdbuilder.services import stored_copy


def file_response(content: bytes, export_format: ExportFormat, filename: str) -> HttpResponse:
    """A download of `content` named `filename`, the same headers whether stored or rendered."""
    response = HttpResponse(content, content_type=export_format.content_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=filename
    )
    response["Content-Length"] = str(len(content))
    # Revisions never change; the URL names the revision, so the file can be cached privately.
    response["Cache-Control"] = "private, max-age=86400"
    return response


def csv_response(content: bytes, filename: str) -> HttpResponse:
    """A CSV of live data (`exports.spreadsheet.csv_file`) as an attachment named `filename`;
    not cached, unlike a revision's files."""
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=filename
    )
    return response


def _format(fmt: str, *, stored: bool | None = None) -> ExportFormat:
    export_format = FORMATS.get(fmt)
    if export_format is None or (stored is not None and export_format.stored != stored):
        raise Http404("No such format.")
    return export_format


def revision_url(name: str, revision: JobDescriptionRevision, fmt: str) -> str:
    """The URL `name` (a download, its "being prepared" page or status) of one revision's file."""
    kwargs = {"public_id": revision.job_description.public_id, "number": revision.number}
    return reverse(name, kwargs={**kwargs, "fmt": fmt})


def export_response(revision: JobDescriptionRevision, fmt: str) -> HttpResponse:
    """The file, or (a stored format not stored yet) a redirect to its "being prepared" page."""
    export_format = _format(fmt)
    if export_format.stored:
        content = stored_copy(revision=revision, export_format=export_format)
        if content is None:
            queue_render(revision=revision)
            return redirect(revision_url("jd:download_preparing", revision, fmt))
        document = build_document(revision)  # only for a copy stored before names were kept
    else:
        document = build_document(revision)
        content = export_format.render(document)
    return file_response(content, export_format, export_format.filename(document))


def _revision(request: HttpRequest, public_id, number: int | None) -> JobDescriptionRevision:
    job_description = get_object_or_404(
        JobDescription.objects.visible_to(request.user), public_id=public_id
    )
    if number is None:
        # The latest issued revision, also while a newer one is being drafted.
        if job_description.latest_revision_id is None:
            raise Http404("This job description has not been finalized yet.")
        return job_description.latest_revision
    return get_object_or_404(job_description.revisions, number=number)


def _stored(request: HttpRequest, public_id, number: int, fmt: str) -> HttpResponse | None:
    """The stored copy, served in one query past the session (no revision, no Document), or None
    when there is none to serve that way: not stored yet, or not visible (the full path below
    then sends the "being prepared" page, or answers 404 exactly as before)."""
    export_format = FORMATS.get(fmt)
    if export_format is None or not export_format.stored:
        return None
    stored = RenderedFile.objects.stored_download(
        user=request.user, public_id=public_id, number=number, fmt=fmt
    )
    if stored is None or not stored.filename:  # a row stored before names were kept
        return None
    return file_response(stored.content, export_format, stored.filename)


@login_required
def download(request: HttpRequest, public_id, fmt: str, number: int | None = None) -> HttpResponse:
    if number is not None and (response := _stored(request, public_id, number, fmt)) is not None:
        return response
    revision = _revision(request, public_id, number)
    if number is None:
        # "The latest" changes when a new revision is issued: send the browser to the
        # revision's own address, which never changes and so may be cached.
        return redirect(
            "jd:download_revision", public_id=public_id, number=revision.number, fmt=fmt
        )
    return export_response(revision, fmt)


def _last_failure(revision: JobDescriptionRevision) -> Job | None:
    return (
        Job.objects.of_kind(JobKind.RENDER)
        .filter(revision=revision, status=JobStatus.FAILED)
        .order_by("-finished_at")
        .first()
    )


@require_safe
@never_cache
@login_required
def download_preparing(request: HttpRequest, public_id, number: int, fmt: str) -> HttpResponse:
    """ "Being prepared": the render job's progress until the file is stored, then its link.

    Refreshes itself: static/js/job-progress.js polls the status below, and without JavaScript
    a <noscript> meta refresh reloads the page every few seconds.
    """
    export_format = _format(fmt, stored=True)
    revision = _revision(request, public_id, number)
    ready = RenderedFile.objects.filter(revision=revision, format=fmt).exists()
    # The render in progress, or one queued now: the last one failed, or none was ever made
    # (a revision issued before renders were queued).
    job = None if ready else queue_render(revision=revision)
    context = {
        "job_description": revision.job_description,
        "revision": revision,
        "export_format": export_format,
        "ready": ready,
        "job": job,
        "last_failure": None if ready else _last_failure(revision),
        "download_url": revision_url("jd:download_revision", revision, fmt),
        "status_url": revision_url("jd:download_status", revision, fmt),
    }
    return render(request, "jdbuilder/download_preparing.html", context)


@require_safe
@login_required
def download_status(request: HttpRequest, public_id, number: int, fmt: str) -> HttpResponse:
    """The render job's state as JSON, for job-progress.js; "finished" once the file is stored."""
    _format(fmt, stored=True)
    revision = _revision(request, public_id, number)
    if RenderedFile.objects.filter(revision=revision, format=fmt).exists():
        job = Job.objects.of_kind(JobKind.RENDER).filter(revision=revision).first()
        if job is None or not job.is_finished:  # stored by an export or an earlier download
            job = Job(kind=JobKind.RENDER, status=JobStatus.SUCCEEDED, stage="Done")
    else:
        job = queue_render(revision=revision)
    return status_json(job)
