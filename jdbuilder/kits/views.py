"""The interview kit's page and downloads, for a JD (its draft or latest issued revision) and for
one revision.

Who sees a kit is who sees the JD: every lookup goes through `JobDescription.objects.visible_to`,
so a JD you may not open is a 404 here too. As on the JD's page, the owner (and staff, for a JD
never issued) sees the draft's kit; everyone else the latest issued revision's. An issued
revision's files are kept once made (`services.stored_kit_file`) and served in one query.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from jdbuilder.documents.build import build_document
from jdbuilder.documents.formats import FORMATS
from jdbuilder.downloads import file_response
from jdbuilder.kits.render import KIT_FORMATS, KitFormat, render_kit_html
from jdbuilder.kits.services import kit_of, stored_kit_file
from jdbuilder.models import JobDescription, JobDescriptionRevision, RenderedFile


def _kit_format(fmt: str) -> KitFormat:
    kit_format = KIT_FORMATS.get(fmt)
    if kit_format is None:
        raise Http404("No such format.")
    return kit_format


def _visible(request: HttpRequest, public_id) -> JobDescription:
    return get_object_or_404(JobDescription.objects.visible_to(request.user), public_id=public_id)


def _file(content: bytes, kit_format: KitFormat, filename: str) -> HttpResponse:
    # The JD downloads' headers (attachment, length, private cache) and content type.
    return file_response(content, FORMATS[kit_format.like], filename)


def _page(request: HttpRequest, job_description, revision, kit) -> HttpResponse:
    return render(
        request,
        "kits/kit.html",
        {
            "job_description": job_description,
            "revision": revision,
            "kit": kit,
            "kit_body": render_kit_html(kit),
            "formats": KIT_FORMATS.values(),
        },
    )


@require_safe
@login_required
def kit_page(request: HttpRequest, public_id) -> HttpResponse:
    job_description = _visible(request, public_id)
    if not job_description.reads_issued(request.user):
        return _page(request, job_description, None, kit_of(build_document(job_description)))
    revision = job_description.latest_revision
    return _page(request, job_description, revision, kit_of(build_document(revision)))


@require_safe
@login_required
def revision_kit_page(request: HttpRequest, public_id, number: int) -> HttpResponse:
    job_description = _visible(request, public_id)
    revision = get_object_or_404(job_description.revisions, number=number)
    return _page(request, job_description, revision, kit_of(build_document(revision)))


@require_safe
@never_cache
@login_required
def download(request: HttpRequest, public_id, fmt: str) -> HttpResponse:
    """The draft's kit, rendered now and never kept (a draft changes: not cached either); for
    anyone reading the issued JD, a redirect to the latest revision's kit, which is kept."""
    kit_format = _kit_format(fmt)
    job_description = _visible(request, public_id)
    if job_description.reads_issued(request.user):
        number = job_description.latest_revision.number
        return redirect("kits:download_revision", public_id=public_id, number=number, fmt=fmt)
    kit = kit_of(build_document(job_description))
    return _file(kit_format.renderer(kit), kit_format, kit_format.filename(kit))


@require_safe
@login_required
def download_revision(request: HttpRequest, public_id, number: int, fmt: str) -> HttpResponse:
    """An issued revision's kit: the kept copy in one query past the session, else made once
    and kept."""
    kit_format = _kit_format(fmt)
    stored = RenderedFile.objects.stored_download(
        user=request.user, public_id=public_id, number=number, fmt=kit_format.key
    )
    if stored is not None and stored.filename:
        return _file(stored.content, kit_format, stored.filename)
    job_description = _visible(request, public_id)
    revision: JobDescriptionRevision = get_object_or_404(job_description.revisions, number=number)
    kept = stored_kit_file(revision=revision, kit_format=kit_format)
    return _file(kept.content, kit_format, kept.filename)
