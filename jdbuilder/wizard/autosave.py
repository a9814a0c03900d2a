"""Autosave: a step's input saved as the manager types, with the same version check as a Save.

static/js/autosave.js posts the wizard's form here a moment after typing stops and when the page
is hidden or left. A valid step keeps its choices, as on Save; input not valid yet is kept as the
step's unsaved input (shown again when the step is opened). The role step is the exception: a
new role or seniority restarts the other steps, which must happen only on an explicit Save, so
a change on it is kept as unsaved input only. The answer is JSON for the script.
"""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.http import require_POST
from formtools.wizard.forms import ManagementForm

from jdbuilder.catalog import RoleCatalog
from jdbuilder.models import JobDescription
from jdbuilder.services import DraftChanged, save_step
from jdbuilder.vocabulary import WizardStep
from jdbuilder.wizard.preview import step_form
from jdbuilder.wizard.storage import unsaved_input
from jdbuilder.wizard.views import MANAGEMENT_PREFIX, STEPS, VERSION_FIELD

CONFLICT = (
    "this draft was saved in another tab or window. Choose “Compare and merge” to keep what "
    "you typed."
)


@require_POST
def wizard_autosave(request: HttpRequest, public_id, step: str) -> JsonResponse:
    """Save `step` of the draft as typed; JSON: saved, version, saved_at, complete, errors."""
    if not request.user.is_authenticated:
        return _refused("you are signed out. Sign in again in another tab.", status=403)
    jd = get_object_or_404(
        JobDescription.objects.editable_by(request.user).select_related("role"),
        public_id=public_id,
    )
    if not jd.is_editable:
        return _refused(
            f"this job description is {jd.get_status_display().lower()}.", status=409, final=True
        )
    form_class = dict(STEPS).get(step)
    if form_class is None or step == WizardStep.REVIEW:
        return _refused("there is no such step to save.", status=400)
    management = ManagementForm(request.POST, prefix=MANAGEMENT_PREFIX)
    if not management.is_valid() or management.cleaned_data["current_step"] != step:
        return _refused("the form does not belong to this step. Reload the page.", status=400)
    if request.POST.get(VERSION_FIELD) != str(jd.lock_version):
        return _refused(CONFLICT, status=409, conflict=True)

    catalog = RoleCatalog.for_draft(jd)
    form = step_form(form_class, step=step, job_description=jd, catalog=catalog, data=request.POST)
    complete = form.is_valid() and (step != WizardStep.ROLE or _role_kept(form, jd))
    try:
        save_step(
            job_description=jd,
            step=step,
            expected_version=jd.lock_version,
            next_step=step,
            value=form.to_choices() if complete else None,
            unsaved_input=None if complete else unsaved_input(form),
        )
    except DraftChanged:  # another save won the race since the version check above
        return _refused(CONFLICT, status=409, conflict=True)
    return JsonResponse(
        {
            "saved": True,
            "version": jd.lock_version,
            "saved_at": timezone.localtime().strftime("%H:%M"),
            "complete": complete,
            "errors": form.error_summary().count,
        }
    )


def _role_kept(form, jd: JobDescription) -> bool:
    """Whether a valid role step chooses what the draft already has, and was saved before.

    Anything else stays unsaved input until the manager presses Save: a new role or seniority
    restarts other steps, and a first save of the role step is the manager's to make.
    """
    choice = form.to_choices()
    return (
        jd.chosen.is_saved(WizardStep.ROLE)
        and choice.role.pk == jd.role_id
        and choice.seniority == jd.seniority
        and choice.title == jd.title
    )


def _refused(message: str, *, status: int, **extra) -> JsonResponse:
    return JsonResponse({"saved": False, "message": message, **extra}, status=status)
