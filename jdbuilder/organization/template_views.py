"""Pages for templates and "updated since you started": save a JD as a template, and review
what changed in a draft's template, blocks and catalog role since it started."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from jdbuilder.models import JobDescription
from jdbuilder.organization.models import Department
from jdbuilder.organization.proposals import KEEP, TAKE
from jdbuilder.organization.services import pending_for, save_as_template, settle_changes
from jdbuilder.services import DraftChanged

VERSION_FIELD = "jd_version"
DECISION_PREFIX = "decision:"
SHOWN_FIELD = "shown"  # the ids of the changes the page listed: "all" applies to those only


@require_POST
@login_required
def save_template(request: HttpRequest, public_id) -> HttpResponse:
    """The JD page's "Save as template": the owner (for their own department) or staff."""
    job_description = get_object_or_404(
        JobDescription.objects.visible_to(request.user).select_related("role"),
        public_id=public_id,
    )
    department = None
    raw = request.POST.get("department", "")
    if raw:
        if not raw.isdigit():
            messages.error(request, "Pick a department from the list.")
            return redirect(job_description)
        department = get_object_or_404(Department, pk=int(raw))
    try:
        template = save_as_template(
            job_description=job_description,
            user=request.user,
            name=request.POST.get("name", "")[:200],
            department=department,
            replace=request.POST.get("replace") == "on",
        )
    except PermissionDenied as error:
        messages.error(request, str(error) or "You may not save this template.")
        return redirect(job_description)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(job_description)
    where = template.department.name if template.department else "the whole company"
    messages.success(request, f"Saved as the template “{template.name}” for {where}.")
    return redirect(job_description)


@login_required
@require_http_methods(["GET", "POST"])
def draft_updates(request: HttpRequest, public_id) -> HttpResponse:
    """What changed in the draft's sources since it started: take or keep each change."""
    job_description = get_object_or_404(
        JobDescription.objects.editable_by(request.user).select_related("role"),
        public_id=public_id,
    )
    if not job_description.is_editable:
        messages.info(
            request,
            "This job description is not a draft now: what is issued or in review never changes.",
        )
        return redirect(job_description)
    changes = pending_for(job_description)
    if request.method == "POST":
        return _settle(request, job_description, changes)
    return render(
        request,
        "organization/template_updates.html",
        {
            "job_description": job_description,
            "changes": changes,
            "version_field": VERSION_FIELD,
            "version": job_description.lock_version,
            "decision_prefix": DECISION_PREFIX,
            "shown": " ".join(change.id for change in changes),
        },
    )


def _settle(request: HttpRequest, job_description: JobDescription, changes) -> HttpResponse:
    here = redirect("organization:draft_updates", public_id=job_description.public_id)
    shown = set(request.POST.get(SHOWN_FIELD, "").split())
    every = request.POST.get("all", "")
    decisions: dict[str, str] = {}
    for change in changes:
        if change.id not in shown:
            continue  # appeared after the page was read: stays offered
        decision = every or request.POST.get(DECISION_PREFIX + change.id, "")
        if decision:
            decisions[change.id] = decision
    if any(value not in (TAKE, KEEP) for value in decisions.values()):
        messages.error(request, "Choose “Take” or “Keep” for each change. Nothing was changed.")
        return here
    version = request.POST.get(VERSION_FIELD, "")
    try:
        decided = settle_changes(
            job_description=job_description,
            decisions=decisions,
            expected_version=int(version) if version.isdigit() else -1,
        )
    except DraftChanged:
        messages.warning(
            request,
            "This draft changed after you opened this page (in another tab or window): nothing "
            "was changed. Here are the changes as they stand now.",
        )
        return here
    taken = sum(1 for change in decided if decisions[change.id] == TAKE)
    kept = len(decided) - taken
    messages.success(
        request, f"Took {taken} change{'s' if taken != 1 else ''}, kept yours for {kept}."
    )
    if len(decided) < len(changes):
        return here
    return redirect(job_description.get_edit_url())
