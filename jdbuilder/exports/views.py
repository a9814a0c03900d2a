"""The export pages: one export's progress and download link, its JSON status, its file, and
the list of the user's exports. Each export is its owner's alone: for anyone else, staff
included, its URLs answer 404. Once its 24 hours are over, 410 Gone.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from jdbuilder.exports.queries import exports_of
from jdbuilder.jobs.files import read_chunks
from jdbuilder.jobs.models import Job, JobFile, JobFileRole, JobStatus
from jdbuilder.jobs.views import status_json

PAGE_SIZE = 20


def _own_export(request: HttpRequest, public_id) -> Job:
    return get_object_or_404(exports_of(request.user), public_id=public_id)


def _expired(request: HttpRequest, job: Job) -> HttpResponse:
    return render(request, "jdbuilder/exports/expired.html", {"job": job}, status=410)


@require_safe
@login_required
def export_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(exports_of(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "jdbuilder/exports/list.html", {"page_obj": page})


@require_safe
@login_required
def export_detail(request: HttpRequest, public_id) -> HttpResponse:
    job = _own_export(request, public_id)
    if job.is_expired():
        return _expired(request, job)
    context = {
        "job": job,
        "status_url": reverse("exports:status", kwargs={"public_id": job.public_id}),
        "skipped": job.result.get("skipped", []) if job.status == JobStatus.SUCCEEDED else [],
    }
    return render(request, "jdbuilder/exports/detail.html", context)


@require_safe
@login_required
def export_status(request: HttpRequest, public_id) -> HttpResponse:
    return status_json(_own_export(request, public_id))


@require_safe
@login_required
def export_download(request: HttpRequest, public_id) -> HttpResponse:
    """The finished file, streamed from its stored chunks (one chunk in memory at a time)."""
    job = _own_export(request, public_id)
    if job.is_expired():
        return _expired(request, job)
    if job.status != JobStatus.SUCCEEDED:
        return redirect("exports:detail", public_id=job.public_id)  # not ready: its progress
    file = JobFile.objects.filter(job=job, role=JobFileRole.OUTPUT, complete=True).first()
    if file is None:  # cleaned up early (an operator's clean-up): as good as expired
        return _expired(request, job)
    response = StreamingHttpResponse(read_chunks(file), content_type=file.content_type)
    response["Content-Length"] = str(file.size)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=file.name
    )
    response["Cache-Control"] = "private, no-store"
    return response
