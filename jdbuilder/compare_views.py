"""Two issued revisions compared: the redline page and its change note (Markdown, PDF).

Whoever may open the JD (JobDescription.objects.visible_to) may compare its revisions; anyone
else gets a 404, as for the revision pages. The pay band is never compared: it is internal.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.views.decorators.http import require_safe

from jdbuilder.document import Document
from jdbuilder.documents.build import build_document
from jdbuilder.documents.change_note import change_note_markdown, change_note_pdf
from jdbuilder.documents.diff import Redline, redline
from jdbuilder.models import JobDescription, JobDescriptionRevision


@dataclass(frozen=True)
class Comparison:
    job_description: JobDescription
    old_revision: JobDescriptionRevision
    new_revision: JobDescriptionRevision
    old_document: Document
    new_document: Document
    redline: Redline

    @property
    def labels(self) -> dict[str, str]:
        return {
            "title": self.new_document.title,
            "old_label": f"Revision {self.old_revision.number}",
            "new_label": f"Revision {self.new_revision.number}",
        }

    def filename(self, extension: str) -> str:
        stem = slugify(
            f"{self.new_document.title} r{self.old_revision.number}"
            f" to r{self.new_revision.number} changes"
        )
        return f"{stem[:120] or 'changes'}.{extension}"


def _comparison(request: HttpRequest, public_id, old: int, new: int) -> Comparison:
    job_description = get_object_or_404(
        JobDescription.objects.visible_to(request.user), public_id=public_id
    )
    old_revision = get_object_or_404(job_description.revisions, number=old)
    new_revision = get_object_or_404(job_description.revisions, number=new)
    old_document, new_document = build_document(old_revision), build_document(new_revision)
    return Comparison(
        job_description=job_description,
        old_revision=old_revision,
        new_revision=new_revision,
        old_document=old_document,
        new_document=new_document,
        redline=redline(old_document, new_document),
    )


def attachment(content: bytes, *, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=filename
    )
    response["Content-Length"] = str(len(content))
    # Issued revisions never change, so neither does their comparison.
    response["Cache-Control"] = "private, max-age=86400"
    return response


@require_safe
@login_required
def compare(request: HttpRequest, public_id, old: int, new: int) -> HttpResponse:
    comparison = _comparison(request, public_id, old, new)
    return render(
        request,
        "jdbuilder/compare.html",
        {
            "job_description": comparison.job_description,
            "old_revision": comparison.old_revision,
            "new_revision": comparison.new_revision,
            "new_document": comparison.new_document,
            "redline": comparison.redline,
            "revisions": comparison.job_description.revisions.order_by("number"),
        },
    )


@require_safe
@login_required
def compare_note_md(request: HttpRequest, public_id, old: int, new: int) -> HttpResponse:
    comparison = _comparison(request, public_id, old, new)
    content = change_note_markdown(comparison.redline, **comparison.labels).encode("utf-8")
    return attachment(
        content, content_type="text/markdown; charset=utf-8", filename=comparison.filename("md")
    )


@require_safe
@login_required
def compare_note_pdf(request: HttpRequest, public_id, old: int, new: int) -> HttpResponse:
    comparison = _comparison(request, public_id, old, new)
    content = change_note_pdf(
        comparison.redline, **comparison.labels, document=comparison.new_document
    )
    return attachment(content, content_type="application/pdf", filename=comparison.filename("pdf"))
