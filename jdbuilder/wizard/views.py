"""The job-description wizard: django-formtools' NamedUrlWizardView with its gaps closed.

What differs from formtools' defaults, and why:
- storage lives on the draft (`DraftStorage`), not in the session under the class name, so two
  tabs on two drafts never mix and a closed browser loses nothing;
- every accepted POST goes to `jdbuilder.services.save_step`, which keeps the step's choices and
  rescores the draft in one version-checked UPDATE: of two tabs on one draft, the later save gets
  a conflict message instead of silently overwriting the other;
- an unknown step, a missing management form or a tampered value gets a 400 or a form error,
  never a server error;
- "back" and the step links keep what was typed on the current step;
- finalizing happens on the review step's POST, never on a GET of a "done" URL.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from formtools.wizard.forms import ManagementForm
from formtools.wizard.views import NamedUrlWizardView, StepsHelper, WizardView

from jdbuilder.catalog import RoleCatalog
from jdbuilder.checks import run_checks
from jdbuilder.documents.build import build_document
from jdbuilder.models import JobDescription
from jdbuilder.services import DraftChanged, StepSaved, finalize_job_description, save_step
from jdbuilder.vocabulary import WizardStep
from jdbuilder.wizard import forms, formsets
from jdbuilder.wizard.initial import initial_for_step
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


class JobDescriptionWizard(NamedUrlWizardView):
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
        if self.job_description.is_final:
            messages.info(request, "This job description is final. Choose “Edit” to revise it.")
            return redirect(self.job_description)
        self.catalog = RoleCatalog(
            self.job_description.role, chosen_tool_ids=self.job_description.chosen.tool_ids
        )
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
        self.storage.current_step = step
        form = self.get_form(data=request.POST, files=request.FILES)

        if request.POST.get(VERSION_FIELD) != str(self.version):
            return self.render_conflict(form)

        goto = request.POST.get("wizard_goto_step")
        if goto:
            if goto not in form_list:
                return HttpResponseBadRequest("No such step.")
            # Going elsewhere keeps what was typed here, valid or not yet.
            return self.save_and_redirect(step, form, next_step=goto)

        if not form.is_valid():
            return self.render(form)
        if step == self.steps.last:
            return self.render_done(form, **kwargs)
        return self.save_and_redirect(step, form, next_step=self.get_next_step(step))

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
        except DraftChanged:
            return self.render_conflict(form)
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

    def render_conflict(self, form) -> HttpResponse:
        form.is_valid()  # show its field errors too
        message = (
            "This draft was changed in another tab or window after this page was opened, so "
            "what you entered here was not saved. Reload the page to see the latest version, "
            "then make your changes again."
        )
        return self.render(form, conflict=message, status=409)

    def render_done(self, form, **kwargs):
        """Finalize if every step is saved; else send the manager to the first one that is not.

        Replaces formtools' revalidation of every step's stored POST: a saved step's choices are
        on the draft, and a step left with input not yet valid keeps that input.
        """
        chosen = self.job_description.chosen
        for step in self.get_form_list():
            if step == self.steps.last:
                break
            if self.storage.has_unsaved_input(step) or not chosen.is_saved(step):
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
        except DraftChanged:
            return self.render_conflict(form_list[-1])
        messages.success(self.request, f"Finalized as revision {revision.number}.")
        return redirect(self.job_description)

    # --- forms ----------------------------------------------------------------------------

    def get_prefix(self, request, *args, **kwargs) -> str:
        return "jd_wizard"

    def get_step_url(self, step: str) -> str:
        return reverse(
            self.url_name, kwargs={"public_id": self.job_description.public_id, "step": step}
        )

    def get_form_kwargs(self, step=None) -> dict[str, Any]:
        kwargs: dict[str, Any] = {"role": self.job_description.role, "catalog": self.catalog}
        if step == "role":
            kwargs["search"] = self.request.GET.get("q", "")[:100]
        return kwargs

    def get_form_initial(self, step):
        return initial_for_step(step, self.job_description, self.catalog)

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
        context.update(
            job_description=jd,
            version_field=VERSION_FIELD,
            version=self.version,
            step_title=STEP_TITLES[step],
            step_links=[
                {"name": name, "title": STEP_TITLES[name], "current": name == step}
                for name in self.get_form_list()
            ],
            catalog=self.catalog,
        )
        if step == "responsibilities":
            context["rows"] = self.responsibility_rows(form)
        elif step == "skills":
            context["rows"] = self.skill_rows(form)
        elif step == "tools":
            context["tool_groups"] = self.tool_groups(form)
        elif step == "review":
            document = build_document(jd)
            report = run_checks(document)
            context.update(document=document, report=report, marks=report.places_by_field())
        return context

    def responsibility_rows(self, formset) -> list[dict[str, Any]]:
        rows = []
        for row in formset.forms:
            task = self.catalog.tasks_by_id.get(_int(row["task"].value()))
            rows.append({"form": row, "task": task})
        return rows

    def skill_rows(self, formset) -> list[dict[str, Any]]:
        rows = []
        for row in formset.forms:
            skill_id = _int(row["skill"].value())
            in_role = skill_id in self.catalog.role_skill_ids
            rows.append(
                {
                    "form": row,
                    "skill": self.catalog.skill_by_id.get(skill_id) if in_role else None,
                }
            )
        return rows

    def tool_groups(self, form) -> dict[str, Any]:
        selected = {_int(value) for value in (form["tools"].value() or [])}
        own, others = [], {}
        for tool in self.catalog.tools:
            entry = {"tool": tool, "checked": tool.pk in selected}
            if tool.pk in self.catalog.role_tool_ids:
                own.append(entry)
            else:
                others.setdefault(tool.area.name, []).append(entry)
        return {"own": own, "others": others}


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
