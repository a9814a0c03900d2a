"""The wizard's two list steps as formsets: responsibilities and skills, one row each.

Rows are validated against the draft's catalog (a task of another role, an unknown skill or
level gets a form error), and `to_choices()` gives the step's rows as typed values.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from jdbuilder.drafts import Responsibility, SkillChoice
from jdbuilder.wizard.forms import StepMixin
from roles.models import Importance, ProficiencyLevel

MAX_CUSTOM_RESPONSIBILITIES = 10
MAX_ADDED_SKILLS = 10
MAX_RESPONSIBILITY = 300


def level_label(level: ProficiencyLevel) -> str:
    return f"{level.name}: {level.descriptor}"


class ResponsibilityForm(forms.Form):
    task = forms.IntegerField(required=False, widget=forms.HiddenInput)
    include = forms.BooleanField(required=False, label="Include")
    text = forms.CharField(required=False, max_length=MAX_RESPONSIBILITY, label="Responsibility")
    area = forms.TypedChoiceField(
        coerce=int,
        required=False,
        label="Task area",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    order = forms.IntegerField(
        required=False, min_value=0, max_value=999, label="Order", widget=forms.NumberInput
    )

    def __init__(self, *args: Any, catalog=None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Choices from the draft's catalog, loaded once for all rows.
        self.fields["area"].choices = [(area.pk, area.name) for area in catalog.areas]
        self.fields["area"].error_messages["invalid_choice"] = "Choose a task area."


class StepFormSet(StepMixin, forms.BaseFormSet):
    """A wizard step made of rows; each row gets the catalog too."""

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {**super().get_form_kwargs(index), "catalog": self.catalog}

    def rows_are_valid(self) -> bool:
        """False when a row or the management form failed: then clean() has nothing to add
        (an error raised by clean() would replace the formset's own message)."""
        return self.management_form.is_valid() and not any(self.errors)


class BaseResponsibilityFormSet(StepFormSet):
    def clean(self) -> None:
        if not self.rows_are_valid():
            return
        role_tasks = self.catalog.tasks_by_id
        seen, included, custom = set(), [], 0
        for form in self.forms:
            data = form.cleaned_data
            task_id, text = data.get("task"), (data.get("text") or "").strip()
            if task_id is not None:
                if task_id not in role_tasks:
                    raise ValidationError(
                        "A responsibility was sent that is not one of this role's tasks."
                    )
                if task_id in seen:
                    raise ValidationError("A task was sent twice.")
                seen.add(task_id)
                if data.get("include"):
                    task = role_tasks[task_id]
                    included.append((data.get("order"), task.text, task_id, task.area_id))
            elif text:
                custom += 1
                if data.get("area") in (None, ""):
                    form.add_error("area", "Choose the task area of your responsibility.")
                    continue
                included.append((data.get("order"), text, None, data["area"]))
        if custom > MAX_CUSTOM_RESPONSIBILITIES:
            raise ValidationError(
                f"Add at most {MAX_CUSTOM_RESPONSIBILITIES} responsibilities of your own."
            )
        if not included:
            raise ValidationError("Keep at least one responsibility.")
        # Rows without an order keep their place after the numbered ones.
        ordered = sorted(
            enumerate(included), key=lambda item: (item[1][0] is None, item[1][0] or 0, item[0])
        )
        self.items = tuple(
            Responsibility(task=task_id, text=text, area=area_id)
            for _, (_, text, task_id, area_id) in ordered
        )

    def to_choices(self) -> tuple[Responsibility, ...]:
        return self.items


ResponsibilityFormSet = forms.formset_factory(
    ResponsibilityForm,
    formset=BaseResponsibilityFormSet,
    extra=3,
    max_num=200,
    absolute_max=200,
    validate_max=True,
)


SELECT = {"class": "form-select"}


class SkillRowForm(forms.Form):
    skill = forms.TypedChoiceField(
        coerce=int, required=False, label="Skill", widget=forms.Select(attrs=SELECT)
    )
    include = forms.BooleanField(required=False, label="Include")
    level = forms.TypedChoiceField(coerce=int, label="Level", widget=forms.Select(attrs=SELECT))
    importance = forms.ChoiceField(
        choices=Importance.choices,
        label="Required or nice to have",
        widget=forms.Select(attrs=SELECT),
    )

    def __init__(self, *args: Any, catalog=None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["skill"].choices = [("", "Choose a skill to add")] + [
            (skill.pk, skill.name) for skill in catalog.skills
        ]
        self.fields["level"].choices = [(lvl.rank, level_label(lvl)) for lvl in catalog.levels]
        self.fields["skill"].error_messages["invalid_choice"] = "Choose a skill from the catalog."
        self.fields["level"].error_messages["invalid_choice"] = (
            "Choose a level on the proficiency scale."
        )


class BaseSkillFormSet(StepFormSet):
    def clean(self) -> None:
        if not self.rows_are_valid():
            return
        role_skill_ids = self.catalog.role_skill_ids
        seen, items, added = set(), [], 0
        for form in self.forms:
            data = form.cleaned_data
            skill_id = data.get("skill")
            if skill_id in (None, ""):
                continue
            if skill_id in seen:
                raise ValidationError("Each skill can appear only once.")
            seen.add(skill_id)
            if skill_id not in role_skill_ids:
                added += 1
            elif not data.get("include"):
                continue
            items.append(
                SkillChoice(skill=skill_id, level=data["level"], importance=data["importance"])
            )
        if added > MAX_ADDED_SKILLS:
            raise ValidationError(f"Add at most {MAX_ADDED_SKILLS} skills beyond the role's own.")
        if not items:
            raise ValidationError("Keep at least one skill.")
        self.items = tuple(items)

    def to_choices(self) -> tuple[SkillChoice, ...]:
        return self.items


SkillFormSet = forms.formset_factory(
    SkillRowForm,
    formset=BaseSkillFormSet,
    extra=3,
    max_num=200,
    absolute_max=200,
    validate_max=True,
)
