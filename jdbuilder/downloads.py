"""Downloads of finalized revisions, in every export format."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import content_disposition_header

from jdbuilder.documents.build import build_document
from jdbuilder.documents.formats import FORMATS
from jdbuilder.models import JobDescription, JobDescriptionRevision
from jdbuilder.services import export_revision


def export_response(revision: JobDescriptionRevision, fmt: str) -> HttpResponse:
    export_format = FORMATS.get(fmt)
    if export_format is None:
        raise Http404("No such format.")
    content = export_revision(revision=revision, export_format=export_format)
    response = HttpResponse(content, content_type=export_format.content_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=export_format.filename(build_document(revision))
    )
    response["Content-Length"] = str(len(content))
    # Revisions never change; the URL names the revision, so the file can be cached privately.
    response["Cache-Control"] = "private, max-age=86400"
    return response


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


@login_required
def download(request: HttpRequest, public_id, fmt: str, number: int | None = None) -> HttpResponse:
    revision = _revision(request, public_id, number)
    if number is None:
        # "The latest" changes when a new revision is issued: send the browser to the
        # revision's own address, which never changes and so may be cached.
        return redirect(
            "jd:download_revision", public_id=public_id, number=revision.number, fmt=fmt
        )
    return export_response(revision, fmt)
