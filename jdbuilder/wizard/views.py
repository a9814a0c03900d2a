"""The job-description wizard: django-formtools' NamedUrlWizardView with its gaps closed.

What differs from formtools' defaults, and why:
- storage lives on the draft (`JobDescriptionStorage`), not in the session under the class
  name, so two tabs on two drafts never mix and a closed browser loses nothing;
- every accepted POST saves the draft with a version check, so of two tabs on one draft the
  later save gets a conflict message instead of silently overwriting the other;
- an unknown step, a missing management form or a tampered value gets a 400 or a form error,
  never a server error;
- "back" and the step links keep what was typed on the current step;
- finalizing happens on the review step's POST, never on a GET of a "done" URL.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from formtools.wizard.forms import ManagementForm
from formtools.wizard.views import NamedUrlWizardView, StepsHelper, WizardView

from jdbuilder.checks import run_checks
from jdbuilder.models import JobDescription, WizardStep
from jdbuilder.services import AlreadyFinal, finalize_job_description
from jdbuilder.wizard import forms
from jdbuilder.wizard.catalog import RoleCatalog
from jdbuilder.wizard.defaults import ROLE_DEPENDENT_STEPS, default_choices, initial_for_step
from jdbuilder.wizard.storage import JobDescriptionStorage

STEPS = [
    ("role", forms.RoleStepForm),
    ("responsibilities", forms.ResponsibilityFormSet),
    ("skills", forms.SkillFormSet),
    ("tools", forms.ToolsStepForm),
    ("posting", forms.PostingStepForm),
    ("review", forms.ReviewStepForm),
]
STEP_TITLES = dict(WizardStep.choices)
VERSION_FIELD = "jd_version"


class ConflictError(Exception):
    """Someone saved the draft since this page was rendered."""


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
            self.job_description.role, chosen_tool_ids=self.job_description.chosen_tool_ids()
        )
        self.version = self.job_description.lock_version
        # formtools' dispatch would build its storage from the class name: build ours, then
        # continue with the dispatch below formtools' (TemplateView's).
        self.prefix = self.get_prefix(request, *args, **kwargs)
        self.storage = JobDescriptionStorage(
            self.prefix, request, job_description=self.job_description
        )
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
            if form.is_valid():
                self.remember(step, form)
            self.storage.set_step_data(step, self.get_form_step_data(form))
            self.storage.current_step = goto
            return self.save_and_redirect(goto, form)

        if not form.is_valid():
            return self.render(form)
        self.remember(step, form)
        self.storage.set_step_data(step, self.get_form_step_data(form))
        if step == self.steps.last:
            return self.render_done(form, **kwargs)
        next_step = self.get_next_step(step)
        self.storage.current_step = next_step
        return self.save_and_redirect(next_step, form)

    def save_and_redirect(self, step: str, form) -> HttpResponse:
        if not self.job_description.save_wizard_state(expected_version=self.version):
            return self.render_conflict(form)
        return redirect(self.get_step_url(step))

    def render_conflict(self, form) -> HttpResponse:
        form.is_valid()  # show its field errors too
        message = (
            "This draft was changed in another tab or window after this page was opened, so "
            "what you entered here was not saved. Reload the page to see the latest version, "
            "then make your changes again."
        )
        return self.render(form, conflict=message, status=409)

    def render_revalidation_failure(self, failed_step, form, **kwargs):
        messages.warning(
            self.request, f"Please complete “{STEP_TITLES[failed_step]}” before finalizing."
        )
        self.storage.current_step = failed_step
        return self.save_and_redirect(failed_step, form)

    def render_done(self, form, **kwargs):
        # Straight to formtools' revalidation and done(): no redirect to a GET "done" URL.
        return WizardView.render_done(self, form, **kwargs)

    def done(self, form_list, **kwargs):
        # One transaction: a finalize that fails leaves the draft exactly as it was.
        try:
            with transaction.atomic():
                if not self.job_description.save_wizard_state(expected_version=self.version):
                    raise AlreadyFinal
                revision = finalize_job_description(
                    job_description=self.job_description,
                    user=self.request.user,
                    expected_version=self.job_description.lock_version,
                )
        except AlreadyFinal:
            return self.render_conflict(form_list[-1])
        messages.success(self.request, f"Finalized as revision {revision.number}.")
        return redirect(self.job_description)

    # --- forms ----------------------------------------------------------------------------

    def get_form_step_data(self, form):
        """What a step keeps of a POST: only its own fields, without NUL characters.

        formtools keeps the whole POST; junk keys would grow the draft, and PostgreSQL's jsonb
        refuses NUL, so a typed NUL would make a save fail.
        """
        own = f"{form.prefix}-"
        return {
            key: [value.replace("\x00", "") for value in form.data.getlist(key)]
            for key in form.data
            if key.startswith(own)
        }

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

    def remember(self, step: str, form) -> None:
        """Keep a valid step's choices on the draft; a new role or seniority resets defaults."""
        jd = self.job_description
        if step == "review":
            return
        if step != "role":
            jd.choices = {**jd.choices, step: form.to_choices()}
        else:
            self.remember_role(form)
        jd.refresh_quality()

    def remember_role(self, form) -> None:
        """A new role restarts the role's own steps; a new seniority restarts the skill levels."""
        jd = self.job_description
        data = form.cleaned_data
        role_changed = data["role_choice"].pk != jd.role_id
        seniority_changed = data["seniority"] != jd.seniority
        jd.role, jd.seniority, jd.title = data["role_choice"], data["seniority"], data["title"]
        if role_changed:
            self.catalog = RoleCatalog(jd.role)
            jd.choices = {
                **jd.choices,
                **{
                    key: value
                    for key, value in default_choices(self.catalog, seniority=jd.seniority).items()
                    if key in ROLE_DEPENDENT_STEPS
                },
            }
            self.storage.clear_steps(ROLE_DEPENDENT_STEPS)
            messages.info(
                self.request,
                f"Responsibilities, skills and tools now start from the {jd.role.name} role.",
            )
        elif seniority_changed:
            jd.choices = {
                **jd.choices,
                "skills": default_choices(self.catalog, seniority=jd.seniority)["skills"],
            }
            self.storage.clear_steps(["skills"])
            messages.info(
                self.request,
                f"Skill levels now start from the defaults for a {jd.seniority_choice.label} hire.",
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
            document = jd.current_document()
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
