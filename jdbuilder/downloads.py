"""Downloads of finalized revisions, in every export format."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import content_disposition_header

from jdbuilder.documents.build import build_document
from jdbuilder.documents.formats import FORMATS, ExportFormat
from jdbuilder.models import JobDescription, JobDescriptionRevision, RenderedFile
from jdbuilder.services import export_revision


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


def export_response(revision: JobDescriptionRevision, fmt: str) -> HttpResponse:
    export_format = FORMATS.get(fmt)
    if export_format is None:
        raise Http404("No such format.")
    content = export_revision(revision=revision, export_format=export_format)
    return file_response(content, export_format, export_format.filename(build_document(revision)))


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
    then renders it, or answers 404 exactly as before)."""
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
