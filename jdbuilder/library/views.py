"""The library page, and the POST that turns a selection of it into a background export.

Both start from `JobDescription.objects.library(user)`: issued JDs the user may read. A JD
outside it is never listed, never counted and never exported.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from jdbuilder.documents.formats import FORMATS
from jdbuilder.exports.queries import current_exports
from jdbuilder.exports.rows import LibraryRow
from jdbuilder.exports.services import MAX_EXPORT_ITEMS, ExportRefused, queue_export
from jdbuilder.library.forms import ExportForm, LibraryFilterForm
from jdbuilder.models import JobDescription, JobDescriptionQuerySet
from roles.models import Role

PAGE_SIZE = 20
# The library reminds its reader of this many of their latest exports (the rest: "Your exports").
CURRENT_EXPORTS_SHOWN = 5


@dataclasses.dataclass(frozen=True)
class Filtered:
    """The user's library, the filter form of the query string, and what it matches."""

    library: JobDescriptionQuerySet
    form: LibraryFilterForm
    matching: JobDescriptionQuerySet

    @classmethod
    def of(cls, request: HttpRequest) -> Filtered:
        library = JobDescription.objects.library(request.user)
        roles = (
            Role.objects.filter(slug__in=library.latest_role_slugs())
            .only("name", "slug")
            .order_by("name")
        )
        form = LibraryFilterForm(request.GET, roles=roles)
        form.is_valid()  # errors are shown; the valid fields still filter
        return cls(library, form, form.apply(library))


def _library_page(
    request: HttpRequest,
    filtered: Filtered,
    *,
    export_form: ExportForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The library with the filters of the query string (also used to show export errors)."""
    form, matching = filtered.form, filtered.matching
    page = Paginator(matching, PAGE_SIZE).get_page(request.GET.get("page"))
    if export_form is None:
        export_form = ExportForm(library=filtered.library, matching=matching)
    selection_errors = [error for errors in export_form.errors.values() for error in errors]
    context: dict[str, Any] = {
        "form": form,
        "page_obj": page,
        "rows": [LibraryRow.of(job) for job in page.object_list],
        # Elided: a library of thousands of JDs must not print a link to every page.
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "filtered": any(request.GET.get(name) for name in form.fields if name != "sort"),
        "formats": FORMATS.values(),
        "export_form": export_form,
        "selected": {str(public_id) for public_id in request.POST.getlist("ids")},
        "selection_errors": selection_errors,
        "max_export_items": f"{MAX_EXPORT_ITEMS:,}",
        "current_exports": list(current_exports(request.user)[:CURRENT_EXPORTS_SHOWN]),
    }
    return render(request, "jdbuilder/library/library.html", context, status=status)


@require_safe
@login_required
def library_page(request: HttpRequest) -> HttpResponse:
    return _library_page(request, Filtered.of(request))


@require_POST
@login_required
def export(request: HttpRequest) -> HttpResponse:
    """Queue an export of the ticked rows, or of everything the search matches, and go to its
    page. The form posts with the library's query string: "everything matching" re-applies
    those filters here, and an error shows the same page of the library, the selection kept.
    """
    filtered = Filtered.of(request)
    export_form = ExportForm(request.POST, library=filtered.library, matching=filtered.matching)
    if export_form.is_valid():
        try:
            job = queue_export(
                owner=request.user,
                revision_ids=export_form.cleaned_data["revision_ids"],
                export_kind=export_form.cleaned_data["export_kind"],
            )
        except ExportRefused as refused:
            export_form.add_error(None, str(refused))
        else:
            return redirect("exports:detail", public_id=job.public_id)
    return _library_page(request, filtered, export_form=export_form, status=400)
