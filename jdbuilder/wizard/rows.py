"""The list steps' rows as HTML, built here rather than by Django's widgets or `format_html`: a
role at O*NET size has 35 skill rows of seven radios each, and rendering them as widgets was
most of the step's time (`format_html` alone cost 10 ms a page, in its lazy-string checks).

Safety: every value put into the HTML (ids, names, values, texts, messages) goes through `_e`
(`render.esc`: the standard library's `html.escape` with quotes); the literal markup around
them is ours. Only the assembled string is marked safe, exactly as `format_html` would.

Each row's errors show on a visible control (the row's checkbox, its text, its select or its
radios), under the ids the error summary links to (`RowForm.anchor`). A row posted with a bad id
is shown as the page first showed it (its initial row), so nothing the manager saw is lost.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.forms import CheckboxInput
from django.utils.safestring import SafeString

from jdbuilder.catalog import RoleCatalog
from jdbuilder.wizard.fields import as_int
from jdbuilder.wizard.formsets import (
    MAX_ADDED_SKILLS,
    MAX_CUSTOM_RESPONSIBILITIES,
    MAX_RESPONSIBILITY,
    level_label,
)
from jdbuilder.wizard.render import assembled
from jdbuilder.wizard.render import esc as _e
from roles.models import Importance, Skill

TEMPLATE_PREFIX = "__prefix__"
IMPORTANCE_LABELS = ((Importance.REQUIRED, "Required"), (Importance.NICE_TO_HAVE, "Nice to have"))


def _safe(parts: list[str]) -> SafeString:
    return assembled(*parts)  # every value in `parts` went through _e


@dataclass(frozen=True)
class Rows:
    """A list step's rows: `html` the rows shown, `template` a blank new row (for steps.js),
    `added` how many custom rows are shown, `cap` how many the step takes."""

    html: SafeString
    template: SafeString = SafeString("")
    added: int = 0
    cap: int = 0

    @property
    def can_add(self) -> bool:
        return self.added < self.cap


class RowValues:
    """A row form's values as the page shows them: as posted when bound, else its initial."""

    def __init__(self, form) -> None:
        self.form, self.bound = form, form.is_bound
        self.errors = form.errors if form.is_bound else {}

    def get(self, name: str) -> str:
        if self.bound:
            value = self.form.data.get(self.form.add_prefix(name))
        else:
            value = self.form.initial.get(name)
        return "" if value is None else str(value)

    def checked(self, name: str) -> bool:
        if self.bound:
            return CheckboxInput().value_from_datadict(
                self.form.data, None, self.form.add_prefix(name)
            )
        return bool(self.form.initial.get(name))

    def autofocus(self, name: str) -> str:
        # Set by a finding's link (preview.set_autofocus) on this row's own field.
        return " autofocus" if self.form.fields[name].widget.attrs.get("autofocus") else ""

    def messages(self, *names: str) -> list[str]:
        return [str(e) for name in names for e in self.errors.get(name, ())]


def _feedback(anchor: str, messages: list[str]) -> str:
    if not messages:
        return ""
    text = " ".join(_e(m) for m in messages)
    return f'<div class="invalid-feedback d-block" id="{_e(anchor)}-error">{text}</div>'


def _invalid(anchor: str, messages: list[str]) -> str:
    return f' aria-invalid="true" aria-describedby="{_e(anchor)}-error"' if messages else ""


# --- responsibilities --------------------------------------------------------------------------


def _move(name: str) -> str:
    n = _e(name)
    return (
        '<div class="row-move" hidden>'
        '<span class="drag-handle" draggable="true" title="Drag to move" aria-hidden="true">'
        "⠿</span>"
        '<button type="button" class="btn btn-sm btn-outline-secondary move-up" '
        f'aria-label="Move up: {n}"><span aria-hidden="true">↑</span></button>'
        '<button type="button" class="btn btn-sm btn-outline-secondary move-down" '
        f'aria-label="Move down: {n}"><span aria-hidden="true">↓</span></button></div>'
    )


def _order(prefix: str, values: RowValues | None, name: str) -> str:
    p, anchor = _e(prefix), f"id_{prefix}-order"
    messages = values.messages("order") if values else []
    value = _e(values.get("order")) if values else ""
    return (
        f'<div class="row-order"><label class="form-label small" for="id_{p}-order">Order'
        f'<span class="visually-hidden"> of {_e(name)}</span></label><input type="text" '
        'inputmode="numeric" class="form-control form-control-sm order-input" '
        f'name="{p}-order" id="id_{p}-order" value="{value}" maxlength="3"'
        f"{_invalid(anchor, messages)}>{_feedback(anchor, messages)}</div>"
    )


def catalog_task_row(prefix: str, task, values: RowValues, *, task_value: str) -> str:
    p, anchor = _e(prefix), f"id_{prefix}-include"
    messages = values.messages("task", "include", "__all__")
    text = task.text if task else "A responsibility that could not be read"
    checked = " checked" if values.checked("include") else ""
    return (
        f'<li class="list-row resp-row" data-row><input type="hidden" name="{p}-task" '
        f'value="{_e(task_value)}"><input type="hidden" name="{p}-area" '
        f'value="{_e(task.area_id if task else "")}">'
        '<div class="row-main form-check"><input type="checkbox" class="form-check-input" '
        f'name="{p}-include" id="{_e(anchor)}"{checked}{_invalid(anchor, messages)}'
        f'{values.autofocus("include")}><label class="form-check-label row-name" '
        f'for="{_e(anchor)}">{_e(text)}</label> <span class="badge text-bg-light row-tag">'
        f"{_e(task.area.name if task else '')}</span>{_feedback(anchor, messages)}</div>"
        f"{_order(prefix, values, f'“{text}”')}{_move(text)}</li>"
    )


def custom_row(prefix: str, catalog: RoleCatalog, values: RowValues | None) -> str:
    p, anchor, area_anchor = _e(prefix), f"id_{prefix}-text", f"id_{prefix}-area"
    messages = values.messages("text", "task", "__all__") if values else []
    area_messages = values.messages("area") if values else []
    area = values.get("area") if values else ""
    options = "".join(
        f'<option value="{a.pk}"{" selected" if str(a.pk) == area else ""}>{_e(a.name)}</option>'
        for a in catalog.areas
    )
    return (
        '<li class="list-row resp-row resp-custom" data-row data-custom>'
        f'<input type="hidden" name="{p}-task" value="">'
        f'<input type="hidden" name="{p}-include" value="on">'
        f'<div class="row-main"><label class="form-label small" for="{_e(anchor)}">'
        'Responsibility</label><input type="text" class="form-control form-control-sm" '
        f'name="{p}-text" id="{_e(anchor)}" value="{_e(values.get("text") if values else "")}" '
        f'maxlength="{MAX_RESPONSIBILITY}"{_invalid(anchor, messages)}'
        f"{values.autofocus('text') if values else ''}>{_feedback(anchor, messages)}</div>"
        f'<div class="row-area"><label class="form-label small" for="{_e(area_anchor)}">'
        f'Task area</label><select class="form-select form-select-sm" name="{p}-area" '
        f'id="{_e(area_anchor)}"{_invalid(area_anchor, area_messages)}>{options}</select>'
        f"{_feedback(area_anchor, area_messages)}</div>"
        f"{_order(prefix, values, 'your responsibility')}{_move('your responsibility')}</li>"
    )


def _custom_text(form) -> bool:
    values = RowValues(form)
    return not values.get("task") and bool(values.get("text").strip())


def responsibility_rows(formset, catalog: RoleCatalog) -> Rows:
    tasks = catalog.tasks_by_id
    initial = formset.initial or []
    shown: list[tuple[int | None, int, str]] = []
    added = 0
    filled = sum(1 for form in formset.forms if _custom_text(form))
    for index, form in enumerate(formset.forms):
        values = RowValues(form)
        raw = values.get("task")
        if (
            not values.bound
            and not raw
            and not values.get("text")
            and filled >= (MAX_CUSTOM_RESPONSIBILITIES)
        ):
            continue  # no blank row past the cap: it could not be saved
        task = tasks.get(as_int(raw))
        task_value = raw
        if task is None and raw:
            # A bad id: show the row the page first showed, with the error on its checkbox.
            first = initial[index] if index < len(initial) else {}
            task = tasks.get(first.get("task"))
            task_value = str(task.pk) if task else ""
        if raw or task is not None:
            row = catalog_task_row(form.prefix, task, values, task_value=task_value)
        else:
            added += 1
            row = custom_row(form.prefix, catalog, values)
        shown.append((as_int(values.get("order")), index, row))
    # The order the posting will have (formsets.in_order): numbered rows first.
    shown.sort(key=lambda item: (item[0] is None, item[0] or 0, item[1]))
    return Rows(
        html=_safe([row for _, _, row in shown]),
        template=_safe([custom_row(f"{formset.prefix}-{TEMPLATE_PREFIX}", catalog, None)]),
        added=added,
        cap=MAX_CUSTOM_RESPONSIBILITIES,
    )


# --- skills ------------------------------------------------------------------------------------


def level_scale(catalog: RoleCatalog) -> SafeString:
    """The levels with their whole descriptors, once: the radios' column heads on wide screens,
    a list on phones. Each level radio is described by its entry (aria-describedby)."""
    return _safe(
        [
            f'<li class="level-head" id="level-desc-{lvl.rank}">{_e(level_label(lvl))}</li>'
            for lvl in catalog.levels
        ]
    )


class SkillChoices:
    """The radios of one skill row. The parts that are the same on every row are built once."""

    def __init__(self, catalog: RoleCatalog) -> None:
        self.levels = [(str(lvl.rank), _e(lvl.name)) for lvl in catalog.levels]
        self.importances = [(_e(value), _e(label)) for value, label in IMPORTANCE_LABELS]
        ranks = [value for value, _ in self.levels]
        self.middle = ranks[len(ranks) // 2] if ranks else ""
        self.categories = {str(k): _e(v) for k, v in Skill._meta.get_field("category").flatchoices}

    @staticmethod
    def _radios(prefix: str, name: str, choices, chosen: str, describe: bool, bad: bool) -> str:
        # `choices` hold values and labels escaped already (they are the same on every row).
        p = _e(prefix)
        base = f"id_{p}-{name}"
        invalid = ' aria-invalid="true"' if bad else ""
        parts = []
        for value, label in choices:
            described = f' aria-describedby="level-desc-{value}"' if describe else ""
            checked = " checked" if value == chosen else ""
            parts.append(
                '<span class="form-check choice"><input type="radio" class="form-check-input" '
                f'name="{p}-{name}" value="{value}" id="{base}_{value}"{checked}{described}'
                f'{invalid}><label class="form-check-label" for="{base}_{value}">{label}</label>'
                "</span>"
            )
        return "".join(parts)

    def html(self, prefix: str, values: RowValues | None, skill_name: str) -> str:
        level_messages = values.messages("level") if values else []
        importance_messages = values.messages("importance") if values else []
        # A new row starts at the middle of the scale, nice to have.
        fresh = values is None or (not values.bound and not values.get("level"))
        level = self.middle if fresh else values.get("level")
        importance = Importance.NICE_TO_HAVE if fresh else values.get("importance")
        name = _e(skill_name)
        return (
            f'<div class="skill-levels" role="radiogroup" aria-label="Level of {name}">'
            f"{self._radios(prefix, 'level', self.levels, level, True, bool(level_messages))}"
            f"{_feedback(f'id_{prefix}-level', level_messages)}</div>"
            '<div class="skill-importance" role="radiogroup" '
            f'aria-label="Is {name} required?">'
            f"{self._radios(prefix, 'importance', self.importances, str(importance), False, bool(importance_messages))}"  # noqa: E501
            f"{_feedback(f'id_{prefix}-importance', importance_messages)}</div>"
        )


def role_skill_row(prefix: str, skill, values: RowValues, choices: SkillChoices) -> str:
    p, anchor = _e(prefix), f"id_{prefix}-include"
    a = _e(anchor)
    messages = values.messages("skill", "include", "__all__")
    checked = " checked" if values.checked("include") else ""
    return (
        f'<div class="list-row skill-row" role="group" aria-labelledby="{a}-label">'
        f'<input type="hidden" name="{p}-skill" value="{skill.pk}">'
        '<div class="skill-name form-check"><input type="checkbox" class="form-check-input" '
        f'name="{p}-include" id="{a}"{checked}{_invalid(anchor, messages)}'
        f'{values.autofocus("include")}><label class="form-check-label fw-semibold" for="{a}" '
        f'id="{a}-label">{_e(skill.name)}</label><div class="small text-body-secondary">'
        f"{choices.categories.get(skill.category, _e(skill.category))}</div>"
        f"{_feedback(anchor, messages)}</div>"
        f"{choices.html(prefix, values, skill.name)}</div>"
    )


def added_skill_row(
    prefix: str, catalog: RoleCatalog, values: RowValues | None, choices: SkillChoices
) -> str:
    p, anchor = _e(prefix), f"id_{prefix}-skill"
    a = _e(anchor)
    chosen = values.get("skill") if values else ""
    messages = values.messages("skill", "include", "__all__") if values else []
    options = "".join(
        f'<option value="{s.pk}"{" selected" if str(s.pk) == chosen else ""}>{_e(s.name)}</option>'
        for s in catalog.skills
    )
    return (
        '<div class="list-row skill-row skill-added" data-row data-custom role="group" '
        f'aria-labelledby="{a}-label"><input type="hidden" name="{p}-include" value="on">'
        f'<div class="skill-name"><label class="form-label small" for="{a}" id="{a}-label">'
        'Added skill</label><select class="form-select form-select-sm" '
        f'name="{p}-skill" id="{a}"{_invalid(anchor, messages)}><option value="">'
        f"Choose a skill to add</option>{options}</select>{_feedback(anchor, messages)}</div>"
        f"{choices.html(prefix, values, 'the added skill')}</div>"
    )


def skill_rows(formset, catalog: RoleCatalog) -> tuple[Rows, Rows]:
    """The role's skills, and the skills added from the rest of the catalog."""
    role_ids, by_id = catalog.role_skill_ids, catalog.skill_by_id
    choices = SkillChoices(catalog)
    initial = formset.initial or []
    own, added = [], []
    for index, form in enumerate(formset.forms):
        values = RowValues(form)
        raw = values.get("skill")
        skill_id = as_int(raw)
        if (raw and skill_id is None) or (skill_id is not None and skill_id not in by_id):
            # A bad id: show the row the page first showed, with the error on its checkbox.
            first = initial[index] if index < len(initial) else {}
            skill_id = first.get("skill")
        if skill_id in role_ids:
            own.append(role_skill_row(form.prefix, by_id[skill_id], values, choices))
        else:
            added.append(added_skill_row(form.prefix, catalog, values, choices))
    template = added_skill_row(f"{formset.prefix}-{TEMPLATE_PREFIX}", catalog, None, choices)
    return (
        Rows(_safe(own)),
        Rows(_safe(added), _safe([template]), len(added), MAX_ADDED_SKILLS),
    )
