"""The library page and the ZIP of selected PDFs.

Both start from `JobDescription.objects.library(user)`: issued JDs the user may read. A JD
outside it is never listed, never counted and never put in a ZIP.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Collection
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST, require_safe

from jdbuilder.documents.build import build_document
from jdbuilder.documents.formats import FORMATS
from jdbuilder.library.forms import MAX_ZIP_ITEMS, LibraryFilterForm, ZipSelectionForm
from jdbuilder.library.zip import Entry, stream_zip, unique_names
from jdbuilder.models import JobDescription, JobDescriptionRevision
from jdbuilder.services import export_revision
from jdbuilder.snapshots import Summary, summarize
from roles.models import Role

PAGE_SIZE = 20


@dataclasses.dataclass(frozen=True)
class LibraryRow(Summary):
    """One JD as its latest revision shows it: the snapshot's summary, and the revision's."""

    public_id: str
    finalized_at: datetime.datetime
    revision: int
    quality: dict

    @classmethod
    def of(cls, job_description: JobDescription) -> LibraryRow:
        revision = job_description.latest_revision
        return cls(
            **dataclasses.asdict(summarize(revision.snapshot)),
            public_id=str(job_description.public_id),
            finalized_at=revision.finalized_at,
            revision=revision.number,
            quality=revision.quality or {},
        )


def _library_page(
    request: HttpRequest,
    *,
    selection_errors: list[str] | None = None,
    selected: Collection[str] = (),
    status: int = 200,
) -> HttpResponse:
    """The library with the filters of the query string (also used to show ZIP errors)."""
    jobs = JobDescription.objects.library(request.user)
    roles = (
        Role.objects.filter(slug__in=jobs.latest_role_slugs()).only("name", "slug").order_by("name")
    )
    form = LibraryFilterForm(request.GET, roles=roles)
    form.is_valid()  # errors are shown; the valid fields still filter
    page = Paginator(form.apply(jobs), PAGE_SIZE).get_page(request.GET.get("page"))
    context: dict[str, Any] = {
        "form": form,
        "page_obj": page,
        "rows": [LibraryRow.of(job) for job in page.object_list],
        # Elided: a library of thousands of JDs must not print a link to every page.
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "filtered": any(request.GET.get(name) for name in form.fields if name != "sort"),
        "formats": FORMATS.values(),
        "selected": set(selected),
        "selection_errors": selection_errors or [],
        "max_zip_items": MAX_ZIP_ITEMS,
    }
    return render(request, "jdbuilder/library/library.html", context, status=status)


@require_safe
@login_required
def library_page(request: HttpRequest) -> HttpResponse:
    return _library_page(request)


def zip_filename(today: datetime.date | None = None) -> str:
    return f"job-descriptions-{(today or timezone.localdate()).isoformat()}.zip"


@require_POST
@login_required
def download_zip(request: HttpRequest) -> HttpResponse:
    """The latest PDF (A4) of each selected JD, in one ZIP streamed as it is built.

    The form posts to this URL with the library's query string, so an error shows the same page
    of the library, with the selection kept.
    """
    jobs = JobDescription.objects.library(request.user)
    form = ZipSelectionForm(request.POST, library=jobs)
    if not form.is_valid():
        return _library_page(
            request,
            selection_errors=form.errors["ids"],
            selected=request.POST.getlist("ids"),
            status=400,
        )
    ids = form.cleaned_data["ids"]
    order = {public_id: position for position, public_id in enumerate(ids)}
    chosen = JobDescriptionRevision.objects.latest_of(jobs.filter(public_id__in=ids))
    revisions = sorted(chosen, key=lambda rev: order[rev.jd_public_id])
    pdf = FORMATS["pdf"]
    names = unique_names(pdf.filename(build_document(revision)) for revision in revisions)
    # The export runs as the archive streams: a stored PDF is read, a missing one rendered and kept.
    entries = [
        Entry(
            name,
            revision.finalized_at,
            lambda revision=revision: export_revision(revision=revision, export_format=pdf),
        )
        for name, revision in zip(names, revisions, strict=True)
    ]
    response = StreamingHttpResponse(stream_zip(entries), content_type="application/zip")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=zip_filename()
    )
    response["Cache-Control"] = "private, no-store"
    return response
