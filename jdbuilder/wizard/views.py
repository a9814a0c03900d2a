"""The job-description wizard: django-formtools' NamedUrlWizardView with its gaps closed.

What differs from formtools' defaults, and why:
- storage lives on the draft (`DraftStorage`), not in the session under the class name, so two
  tabs on two drafts never mix and a closed browser loses nothing;
- every accepted POST goes to `jdbuilder.services.save_step`, which keeps the step's choices and
  rescores the draft in one version-checked UPDATE: of two tabs on one draft, the later save gets
  a merge of the two, field by field, instead of silently overwriting the other (conflicts.py);
- an unknown step, a missing management form or a tampered value gets a 400 or a form error,
  never a server error;
- "back" and the step links keep what was typed on the current step;
- finalizing happens on the review step's POST, never on a GET of a "done" URL.
"""

from __future__ import annotations

from typing import Any

from csp.decorators import csp_replace
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_http_methods
from formtools.wizard.forms import ManagementForm
from formtools.wizard.views import NamedUrlWizardView, StepsHelper, WizardView

from jdbuilder.approvals.services import stages_for
from jdbuilder.catalog import RoleCatalog
from jdbuilder.documents.build import build_document
from jdbuilder.models import JobDescription
from jdbuilder.organization.services import pending_for
from jdbuilder.services import (
    DraftChanged,
    StepSaved,
    finalize_job_description,
    save_step,
)
from jdbuilder.vocabulary import Status, WizardStep
from jdbuilder.wizard import forms, formsets, rows
from jdbuilder.wizard.conflicts import MERGE_NEXT, MERGE_VERSION, ConflictMixin
from jdbuilder.wizard.fields import as_int
from jdbuilder.wizard.preview import Preview, step_form
from jdbuilder.wizard.step_bar import StepState, set_autofocus, step_states
from jdbuilder.wizard.storage import DraftStorage, unsaved_input

STEPS = [
    (WizardStep.ROLE, forms.RoleStepForm),
    (WizardStep.RESPONSIBILITIES, formsets.ResponsibilityFormSet),
    (WizardStep.SKILLS, formsets.SkillFormSet),
    (WizardStep.TOOLS, forms.ToolsStepForm),
    (WizardStep.POSTING, forms.PostingStepForm),
    (WizardStep.REVIEW, forms.ReviewStepForm),
]
STEP_TITLES = dict(WizardStep.choices)
VERSION_FIELD = "jd_version"
MANAGEMENT_PREFIX = "jd_wizard"  # formtools' management form (current step)


class JobDescriptionWizard(ConflictMixin, NamedUrlWizardView):
    form_list = STEPS
    url_name = "jd:wizard_step"
    # formtools reserves a name for its "done" URL; GETs of it are refused below.
    done_step_name = "finished"

    # --- request handling ---------------------------------------------------------------

    def dispatch(self, request, *args, public_id=None, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        self.job_description = get_object_or_404(
            JobDescription.objects.editable_by(request.user).select_related("role"),
            public_id=public_id,
        )
        if not self.job_description.is_editable:
            messages.info(request, LOCKED_MESSAGES[self.job_description.status])
            return redirect(self.job_description)
        self.catalog = RoleCatalog.for_draft(self.job_description)
        self.version = self.job_description.lock_version
        # formtools' dispatch would build its storage from the class name: build ours, then
        # continue with the dispatch below formtools' (TemplateView's).
        self.prefix = self.get_prefix(request, *args, **kwargs)
        self.storage = DraftStorage(self.job_description)
        self.steps = StepsHelper(self)
        return super(WizardView, self).dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        step = kwargs.get("step")
        if step is None:
            return redirect(self.get_step_url(self.storage.current_step or self.steps.first))
        if step not in self.get_form_list():
            raise Http404("No such step.")
        self.storage.current_step = step
        form = self.get_form(data=self.storage.current_step_data)
        # A finding's link (?focus=<html name>) opens the step on its field, without JavaScript.
        if focus := request.GET.get("focus"):
            set_autofocus(form, focus[:200])
        return self.render(form)

    def post(self, request, *args, **kwargs):
        step = kwargs.get("step")
        form_list = self.get_form_list()
        if step not in form_list:
            return HttpResponseBadRequest("No such step.")
        management_form = ManagementForm(request.POST, prefix=self.prefix)
        if not management_form.is_valid():
            return HttpResponseBadRequest("The form was incomplete. Reload the page and try again.")
        if management_form.cleaned_data["current_step"] != step:
            return HttpResponseBadRequest("The form does not belong to this step.")
        goto = request.POST.get("wizard_goto_step")
        if goto and goto not in form_list:
            return HttpResponseBadRequest("No such step.")
        self.storage.current_step = step
        next_step = goto or self.get_next_step(step) or step
        if MERGE_VERSION in request.POST:  # the choices of a merge (conflicts.py)
            merge_next = request.POST.get(MERGE_NEXT)
            return self.save_merge(
                step, next_step=merge_next if merge_next in form_list else next_step
            )
        form = self.get_form(data=request.POST, files=request.FILES)
        if request.POST.get(VERSION_FIELD) != str(self.version):
            # Saved elsewhere since this page was read: merge, never overwrite.
            return self.render_conflict(form, next_step=next_step, goto=bool(goto))
        return self.save_or_show(step, form, next_step=next_step, goto=bool(goto))

    def save_or_show(self, step: str, form, *, next_step: str, goto: bool) -> HttpResponse:
        """A step link or Back saves what was typed, valid or not yet; Save needs it valid."""
        if goto:
            return self.save_and_redirect(step, form, next_step=next_step)
        if not form.is_valid():
            return self.render(form)
        if step == self.steps.last:
            return self.render_done(form)
        return self.save_and_redirect(step, form, next_step=next_step)

    def save_and_redirect(self, step: str, form, *, next_step: str) -> HttpResponse:
        """Save `step` (its choices if valid, else what was typed) and go to `next_step`."""
        valid = form.is_valid()
        try:
            saved = save_step(
                job_description=self.job_description,
                step=step,
                expected_version=self.version,
                next_step=next_step,
                value=form.to_choices() if valid else None,
                unsaved_input=None if valid else unsaved_input(form),
            )
        except DraftChanged:  # lost a race to another save: merge on the newest draft
            return self.render_conflict(form, next_step=next_step, goto=not valid)
        self.tell_what_restarted(saved)
        return redirect(self.get_step_url(next_step))

    def tell_what_restarted(self, saved: StepSaved) -> None:
        jd = self.job_description
        if saved.role_changed:
            messages.info(
                self.request,
                f"Responsibilities, skills and tools now start from the {jd.role.name} role.",
            )
        elif saved.restarted:
            messages.info(
                self.request,
                f"Skill levels now start from the defaults for a {jd.seniority_choice.label} hire.",
            )

    def render_done(self, form, **kwargs):
        """Finalize if every step is saved; else send the manager to the first one that is not.

        Replaces formtools' revalidation of every step's stored POST: a saved step's choices are
        on the draft, and a step left with input not yet valid keeps that input.
        """
        step = self.job_description.first_unsaved_step(list(self.get_form_list())[:-1])
        if step is not None:
            messages.warning(
                self.request, f"Please complete “{STEP_TITLES[step]}” before finalizing."
            )
            return self.save_and_redirect(self.steps.last, form, next_step=step)
        return self.done([form], **kwargs)

    def done(self, form_list, **kwargs):
        # One transaction: a finalize that fails leaves the draft exactly as it was.
        try:
            revision = finalize_job_description(
                job_description=self.job_description,
                user=self.request.user,
                expected_version=self.version,
            )
        except DraftChanged:  # AlreadyFinal too: render_conflict reads the draft again
            return self.render_conflict(form_list[-1], next_step=self.steps.last)
        messages.success(self.request, f"Finalized as revision {revision.number}.")
        return redirect(self.job_description)

    # --- forms ----------------------------------------------------------------------------

    def get_prefix(self, request, *args, **kwargs) -> str:
        return MANAGEMENT_PREFIX

    def get_step_url(self, step: str) -> str:
        return reverse(
            self.url_name, kwargs={"public_id": self.job_description.public_id, "step": step}
        )

    def get_form(self, step=None, data=None, files=None):
        # One way to build a step's form, shared with the live preview (wizard_preview).
        step = step or self.steps.current
        return step_form(
            self.get_form_list()[step],
            step=step,
            job_description=self.job_description,
            catalog=self.catalog,
            data=data,
            files=files,
            search=self.request.GET.get("q", "")[:100],
        )

    # --- rendering ------------------------------------------------------------------------

    def get_template_names(self) -> list[str]:
        return [f"jdbuilder/wizard/{self.steps.current}.html"]

    def render(self, form=None, conflict: str = "", status: int = 200, **kwargs):
        context = self.get_context_data(form=form, conflict=conflict, **kwargs)
        return self.render_to_response(context, status=status)

    def get_context_data(self, form, **kwargs) -> dict[str, Any]:
        context = super().get_context_data(form=form, **kwargs)
        jd = self.job_description
        step = self.steps.current
        preview = Preview(jd, catalog=self.catalog, step=step, form=form, viewer=self.request.user)
        urls = {"public_id": jd.public_id, "step": step}
        context.update(
            job_description=jd,
            version_field=VERSION_FIELD,
            version=self.version,
            step_title=STEP_TITLES[step],
            step_links=self.step_links(form),
            catalog=self.catalog,
            preview=preview,
            # A GET shows the cached region or a placeholder the page fills (preview.py says
            # why); a POST shown again (errors, a merge) shows what was typed, built now.
            preview_html=preview.cached_html() if self.request.method == "GET" else preview.html(),
            preview_url=reverse("jd:wizard_preview", kwargs=urls),
            preview_frame_url=reverse("jd:wizard_preview_frame", kwargs=urls),
            # "Updated since you started": from the kept organization and catalog rows, so no
            # query while nothing changed.
            pending_updates=pending_for(jd, catalog=self.catalog),
        )
        if step == "responsibilities":
            context["rows"] = self.responsibility_rows(form)
        elif step == "skills":
            context["rows"] = self.skill_rows(form)
        elif step == "tools":
            context["tool_groups"] = self.tool_groups(form)
        elif step == "review":
            # Lazy: on a cached preview nothing is built unless a test or template reads them.
            context.update(
                document=SimpleLazyObject(lambda: preview.document),
                report=SimpleLazyObject(lambda: preview.report),
                missing=[link for link in context["step_links"][:-1] if not link.done],
                # The stages a submission would pass now (none: finalizing issues at once),
                # read from the whole document: the preview's withholds the band from some.
                approval=SimpleLazyObject(
                    lambda: stages_for(job_description=jd, document=lambda: build_document(jd))[1]
                ),
            )
        return context

    def step_links(self, form) -> list[StepState]:
        """The step bar: each step done, incomplete (and why) or not visited yet."""
        return step_states(
            job_description=self.job_description,
            titles={name: STEP_TITLES[name] for name in self.get_form_list()},
            current=self.steps.current,
            current_form=form,
            pending_form=lambda step: self.get_form(step, data=self.storage.get_step_data(step)),
        )

    def responsibility_rows(self, formset) -> rows.Rows:
        # Built as HTML in rows.py: widget rendering was most of the step's time.
        return rows.responsibility_rows(formset, self.catalog)

    def skill_rows(self, formset) -> dict[str, Any]:
        own, added = rows.skill_rows(formset, self.catalog)
        return {"own": own, "added": added, "levels": rows.level_scale(self.catalog)}

    def tool_groups(self, form) -> dict[str, Any]:
        selected = {as_int(value) for value in (form["tools"].value() or [])}
        own, others = [], {}
        for tool in self.catalog.tools:
            entry = {"tool": tool, "checked": tool.pk in selected}
            if tool.pk in self.catalog.role_tool_ids:
                own.append(entry)
            else:
                others.setdefault(tool.area.name, []).append(entry)
        return {"own": own, "others": others}


NO_PREVIEW = "This job description is {status}: there is no draft to preview."
# What the wizard says to the owner of a JD that is not a draft, by status.
LOCKED_MESSAGES = {
    Status.FINAL: "This job description is final. Choose “Edit” to revise it.",
    Status.IN_REVIEW: (
        "This job description is in review, frozen as submitted. "
        "Withdraw the submission to edit it."
    ),
    Status.REJECTED: "This job description was rejected. Copy it to start a new draft.",
}


def _draft_preview(request: HttpRequest, public_id, step: str) -> Preview | HttpResponse:
    """The preview of `step` of the user's draft: the step's form bound to the POST (typed),
    or on a GET to the step's pending input, as the step page binds it (so the cache key is the
    page's). A 404 for an unknown step or a draft the user may not edit; a 409 for a final JD."""
    form_class = dict(STEPS).get(step)
    if form_class is None:
        raise Http404("No such step.")
    jd = get_object_or_404(
        JobDescription.objects.editable_by(request.user).select_related("role"),
        public_id=public_id,
    )
    if not jd.is_editable:
        return HttpResponse(
            NO_PREVIEW.format(status=jd.get_status_display().lower()),
            status=409,
            content_type="text/plain; charset=utf-8",
        )
    catalog = RoleCatalog.for_draft(jd)
    data = request.POST if request.method == "POST" else DraftStorage(jd).get_step_data(step)
    form = step_form(form_class, step=step, job_description=jd, catalog=catalog, data=data)
    return Preview(jd, catalog=catalog, step=step, form=form, viewer=request.user)


@login_required
@require_http_methods(["GET", "POST"])
def wizard_preview(request: HttpRequest, public_id, step: str) -> HttpResponse:
    """The preview region's HTML. POST: the step as typed (the live preview), uncached. GET: the
    draft as saved with the step's pending input, what the step page shows, built once and cached
    (the step page loads it when its cache had none). Writes nothing to the draft."""
    preview = _draft_preview(request, public_id, step)
    if isinstance(preview, HttpResponse):
        return preview
    html = preview.html() if request.method == "POST" else preview.cached_or_rendered_html()
    return HttpResponse(html)


@login_required
@require_GET
@xframe_options_sameorigin
@csp_replace({"frame-ancestors": ["'self'"]})
def wizard_preview_frame(request: HttpRequest, public_id, step: str) -> HttpResponse:
    """The preview region as a page of its own, for the step page's <iframe> when JavaScript is
    off; the only page this site lets itself frame."""
    preview = _draft_preview(request, public_id, step)
    if isinstance(preview, HttpResponse):
        return preview
    context = {"preview_html": preview.cached_or_rendered_html()}
    return render(request, "jdbuilder/wizard/preview_frame.html", context)
