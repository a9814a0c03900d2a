"""The wizard's two list steps as formsets: responsibilities and skills, one row each.

Rows are validated against the draft's catalog. A row whose id is not a number, not in the
catalog or not the role's gets an error on that row (the page shows it on the row's checkbox,
`jdbuilder.wizard.rows`), never on a hidden field; `to_choices()` gives the step's rows as typed
values. Custom rows start one at a time (`extra=1`); the page adds more up to the caps.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.safestring import SafeString

from jdbuilder.drafts import Responsibility, SkillChoice
from jdbuilder.glyphs import validate_drawable
from jdbuilder.wizard.fields import as_int
from jdbuilder.wizard.forms import ErrorSummary, FieldError, StepMixin
from jdbuilder.wizard.render import assembled, esc
from roles.models import Importance, ProficiencyLevel

MAX_CUSTOM_RESPONSIBILITIES = 10
MAX_ADDED_SKILLS = 10
MAX_RESPONSIBILITY = 300
MAX_ROWS = 200


def level_label(level: ProficiencyLevel) -> str:
    return f"{level.name}: {level.descriptor}"


def posted_id(value: Any) -> int | None:
    """A posted id as a number; ValidationError if it is not one ("" is no id)."""
    if value in (None, ""):
        return None
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 18:
        raise ValidationError(
            f"This row came back with an id that is not a number (“{text[:20]}”). It is shown "
            "as it was: check it and save again."
        )
    return int(text)


class LightFields(dict):
    """A row form's fields, copied lightly for each row: Django deep-copies every field of
    every form, which for a 35-row step cost more than rendering it. A row changes only its
    widgets' attrs (autofocus), so each row gets its own field and widget objects and attrs."""

    def __deepcopy__(self, memo: dict) -> dict[str, forms.Field]:
        fields = {}
        for name, field in self.items():
            field, widget = _shallow(field), _shallow(field.widget)
            widget.attrs = dict(widget.attrs)
            field.widget = widget
            fields[name] = field
        return fields


def _shallow(thing: Any) -> Any:
    # copy.copy without its reduce protocol, which cost more than the copy itself.
    new = object.__new__(type(thing))
    new.__dict__.update(thing.__dict__)
    return new


class RowFormMetaclass(forms.forms.DeclarativeFieldsMetaclass):
    def __new__(mcs, name, bases, attrs):
        new_class = super().__new__(mcs, name, bases, attrs)
        new_class.base_fields = LightFields(new_class.base_fields)
        return new_class


class RowForm(forms.Form, metaclass=RowFormMetaclass):
    """A row of a list step; `anchor(name)` is the id of the control its errors show on."""

    # Where each field's errors show, and what the summary links to: a visible control.
    ANCHORS: dict[str, str] = {}

    def __init__(self, *args: Any, catalog=None, **kwargs: Any) -> None:
        self.catalog = catalog
        super().__init__(*args, **kwargs)

    def anchor(self, name: str) -> str:
        return f"id_{self.prefix}-{self.ANCHORS.get(name, name)}"


class ResponsibilityForm(RowForm):
    ANCHORS = {"task": "include", "order": "order"}

    task = forms.CharField(required=False, widget=forms.HiddenInput)
    include = forms.BooleanField(required=False, label="Include")
    text = forms.CharField(
        required=False,
        max_length=MAX_RESPONSIBILITY,
        label="Responsibility",
        validators=[validate_drawable],
    )
    area = forms.CharField(required=False, label="Task area")
    order = forms.IntegerField(required=False, min_value=0, max_value=999, label="Order")

    def clean_task(self) -> int | None:
        task_id = posted_id(self.cleaned_data.get("task"))
        if task_id is not None and task_id not in self.catalog.tasks_by_id:
            raise ValidationError(
                "This row came back with a responsibility that is not one of this role's tasks. "
                "It is shown as it was: check it and save again."
            )
        return task_id

    def clean_area(self) -> int | None:
        area_id = posted_id(self.cleaned_data.get("area"))
        if area_id is not None and area_id not in {area.pk for area in self.catalog.areas}:
            raise ValidationError("Choose a task area.")
        return area_id


class StepFormSet(StepMixin, forms.BaseFormSet):
    """A wizard step made of rows; each row gets the catalog too."""

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        # An empty label suffix spares each row a translation lookup; rows have no <label>s.
        return {**super().get_form_kwargs(index), "catalog": self.catalog, "label_suffix": ""}

    def rows_are_valid(self) -> bool:
        """False when a row or the management form failed: then clean() has nothing to add
        (an error raised by clean() would replace the formset's own message)."""
        return self.management_form.is_valid() and not any(self.errors)

    @property
    def management_html(self) -> SafeString:
        """The management form's hidden inputs, without Django's form template (which cost
        more than all the rows)."""
        form = self.management_form
        return assembled(
            *(
                f'<input type="hidden" name="{esc(form.add_prefix(name))}" '
                f'value="{esc(form[name].value() if form[name].value() is not None else "")}" '
                f'id="id_{esc(form.add_prefix(name))}">'
                for name in form.fields
            )
        )

    def full_clean(self) -> None:
        super().full_clean()
        problem = self.input_problem()
        if problem:
            self._non_form_errors.append(problem)

    def error_summary(self) -> ErrorSummary:
        if not self.is_bound:
            return ErrorSummary()
        entries = []
        for index, form in enumerate(self.forms):
            for name, errors in form.errors.items():
                label = f"{self.row_name(index, form)}, {form.fields[name].label or name}"
                if name in (NON_FIELD_ERRORS, "task", "skill"):
                    label = self.row_name(index, form)
                anchor = form.anchor(name)
                entries += [FieldError(anchor, label, str(error)) for error in errors]
        return ErrorSummary(tuple(entries), tuple(str(e) for e in self.non_form_errors()))

    def row_name(self, index: int, form) -> str:
        return f"Row {index + 1}"


def duplicate(form, name: str, seen: set, message: str) -> bool:
    value = form.cleaned_data.get(name)
    if value is None:
        return False
    if value in seen:
        form.add_error(name, message)
        return True
    seen.add(value)
    return False


class BaseResponsibilityFormSet(StepFormSet):
    def row_name(self, index: int, form) -> str:
        task = self.catalog.tasks_by_id.get(as_int(form.data.get(form.add_prefix("task"))))
        if task is not None:
            return f"“{task.text}”"
        return f"Your responsibility in row {index + 1}"

    def clean(self) -> None:
        if not self.rows_are_valid():
            return
        role_tasks = self.catalog.tasks_by_id
        seen, included, custom, twice = set(), [], 0, False
        for form in self.forms:
            data = form.cleaned_data
            task_id, text = data.get("task"), (data.get("text") or "").strip()
            if task_id is not None:
                if duplicate(form, "task", seen, "This task was sent twice."):
                    twice = True
                    continue
                if data.get("include"):
                    task = role_tasks[task_id]
                    included.append((data.get("order"), task.text, task_id, task.area_id))
            elif text:
                custom += 1
                if data.get("area") is None:
                    form.add_error("area", "Choose the task area of your responsibility.")
                    continue
                included.append((data.get("order"), text, None, data["area"]))
        if twice:
            return
        if custom > MAX_CUSTOM_RESPONSIBILITIES:
            raise ValidationError(
                f"Add at most {MAX_CUSTOM_RESPONSIBILITIES} responsibilities of your own."
            )
        if not included:
            raise ValidationError("Keep at least one responsibility.")
        self.items = tuple(
            Responsibility(task=task_id, text=text, area=area_id)
            for _, text, task_id, area_id in in_order(included)
        )

    def to_choices(self) -> tuple[Responsibility, ...]:
        return self.items


def in_order(rows: list[tuple]) -> list[tuple]:
    """Rows (order, ...) by their order number; rows without one keep their place after the
    numbered ones. The page lists rows the same way."""
    ordered = sorted(
        enumerate(rows), key=lambda item: (item[1][0] is None, item[1][0] or 0, item[0])
    )
    return [row for _, row in ordered]


ResponsibilityFormSet = forms.formset_factory(
    ResponsibilityForm,
    formset=BaseResponsibilityFormSet,
    extra=1,
    max_num=MAX_ROWS,
    absolute_max=MAX_ROWS,
    validate_max=True,
)


class SkillRowForm(RowForm):
    ANCHORS = {"skill": "include"}

    skill = forms.CharField(required=False, label="Skill")
    include = forms.BooleanField(required=False, label="Include")
    level = forms.CharField(required=False, label="Level")
    importance = forms.ChoiceField(
        choices=Importance.choices, label="Required or nice to have", required=False
    )

    def anchor(self, name: str) -> str:
        if name == "skill" and self.shown_skill() not in self.catalog.role_skill_ids:
            return f"id_{self.prefix}-skill"  # an added row: its skill select
        if name in ("level", "importance"):
            value = self.data.get(self.add_prefix(name)) or ""
            choices = (
                [str(lvl.rank) for lvl in self.catalog.levels]
                if name == "level"
                else list(Importance.values)
            )
            return f"id_{self.prefix}-{name}_{value if value in choices else choices[0]}"
        return super().anchor(name)

    def shown_skill(self) -> int | None:
        """The skill the page shows on this row: as posted, or as first shown if the posted id
        is bad (rows.skill_rows shows it so)."""
        skill_id = as_int(self.data.get(self.add_prefix("skill")))
        if skill_id is None or skill_id not in self.catalog.skill_by_id:
            raw = self.data.get(self.add_prefix("skill"))
            return self.initial.get("skill") if raw else None
        return skill_id

    def clean_skill(self) -> int | None:
        skill_id = posted_id(self.cleaned_data.get("skill"))
        if skill_id is not None and skill_id not in self.catalog.skill_by_id:
            raise ValidationError("Choose a skill from the catalog.")
        return skill_id

    def clean_level(self) -> int | None:
        value = self.cleaned_data.get("level")
        if value in (None, ""):
            return None
        rank = as_int(value)
        if rank not in self.catalog.level_by_rank:
            raise ValidationError("Choose a level on the proficiency scale.")
        return rank

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("skill") is not None:
            if data.get("level") is None and "level" not in self.errors:
                self.add_error("level", "Choose a level.")
            if not data.get("importance") and "importance" not in self.errors:
                self.add_error("importance", "Choose required or nice to have.")
        return data


class BaseSkillFormSet(StepFormSet):
    def row_name(self, index: int, form) -> str:
        skill = self.catalog.skill_by_id.get(as_int(form.data.get(form.add_prefix("skill"))))
        return f"“{skill.name}”" if skill is not None else f"Added skill in row {index + 1}"

    def clean(self) -> None:
        if not self.rows_are_valid():
            return
        role_skill_ids = self.catalog.role_skill_ids
        seen, items, added, twice = set(), [], 0, False
        for form in self.forms:
            data = form.cleaned_data
            skill_id = data.get("skill")
            if skill_id is None:
                continue
            if duplicate(form, "skill", seen, "Each skill can appear only once."):
                twice = True
                continue
            if skill_id not in role_skill_ids:
                added += 1
            elif not data.get("include"):
                continue
            items.append(
                SkillChoice(skill=skill_id, level=data["level"], importance=data["importance"])
            )
        if twice:
            return
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
    extra=1,
    max_num=MAX_ROWS,
    absolute_max=MAX_ROWS,
    validate_max=True,
)
