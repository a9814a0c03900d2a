"""Merging a step that was saved elsewhere first: what differs, and the data the choices make.

When another tab or person saved the draft after this page was read, the wizard shows, for
each field of the step that differs, theirs (the draft as saved now) beside yours (what was
posted), and the manager keeps one of the two per field. Both sides are posted form data (a
step's own keys, as `jdbuilder.wizard.storage.unsaved_input` keeps them): theirs is what their
step form would post (`form_data`). Rows of the list steps are matched by task or skill id (a
custom responsibility by its text), never by position, since the two pages may list them in
another order. The merged data is posted form data again, to bind the step's form to.

Nothing here writes: `differences` and `merged_data` read the catalog only for names.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.forms.widgets import ChoiceWidget

from jdbuilder.vocabulary import WizardStep
from jdbuilder.wizard.forms import PostingStepForm, RoleStepForm
from roles.models import Importance, ProficiencyLevel, Role, Skill, Task, Tool

Data = dict[str, list[str]]
THEIRS, YOURS = "theirs", "yours"
CHOICE_PREFIX = "merge-"
_SIMPLE_STEPS = {WizardStep.ROLE: RoleStepForm, WizardStep.POSTING: PostingStepForm}
_ROW_KEY = re.compile(r"^(?P<step>[a-z]+)-(?P<index>\d{1,3})-(?P<field>\w+)$")
MAX_ROWS = 200  # the formsets' own absolute_max


@dataclass(frozen=True)
class Difference:
    """One field of a step whose two versions differ, in words a manager reads."""

    key: str  # stable between showing the merge and reading the choices: "posting-summary"
    label: str
    theirs: tuple[str, ...]  # one line, or the lines of a list (the order of responsibilities)
    yours: tuple[str, ...]

    @property
    def input_name(self) -> str:
        return f"{CHOICE_PREFIX}{self.key}"


@dataclass(frozen=True)
class _Field:
    label: str
    value: Any  # what is compared
    shown: tuple[str, ...]


# --- theirs as posted form data ---------------------------------------------------------


def form_data(form: forms.Form | forms.BaseFormSet) -> Data:
    """What an unbound step form (or formset) would post as first shown: its initial values."""
    data: Data = {}
    if isinstance(form, forms.BaseFormSet):
        for name in ("TOTAL_FORMS", "INITIAL_FORMS"):
            data[form.management_form[name].html_name] = [str(form.management_form[name].value())]
        for row in form.forms:
            data.update(form_data(row))
        return data
    for name, field in form.fields.items():
        bound = form[name]
        value = bound.value()
        if isinstance(field, forms.BooleanField):
            if value:
                data[bound.html_name] = ["on"]
        elif isinstance(value, (list, tuple)):
            data[bound.html_name] = [_text(item) for item in value]
        else:
            data[bound.html_name] = [_shown_as(field, _text(value))]
    return data


def _shown_as(field: forms.Field, value: str) -> str:
    """The value as the field's input shows it (an amount with its thousands separators)."""
    if isinstance(field.widget, ChoiceWidget) or not value:
        return value
    formatted = field.widget.format_value(value)
    return value if formatted is None else str(formatted)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (datetime.date, Decimal)):
        return str(value)
    return str(getattr(value, "pk", value))


# --- what differs ------------------------------------------------------------------------


def differences(step: str, theirs: Mapping, yours: Mapping) -> list[Difference]:
    """Every field of `step` whose value differs between theirs and yours (posted data)."""
    their_fields, your_fields = _fields(step, theirs), _fields(step, yours)
    if step == WizardStep.RESPONSIBILITIES:
        _add_order(their_fields, your_fields, theirs, yours)
    found = []
    for key in _keys(your_fields, their_fields):
        mine, other = your_fields.get(key), their_fields.get(key)
        absent = _absent(step, key)
        mine, other = mine or absent, other or absent
        if mine.value != other.value:
            label = mine.label if mine is not absent else other.label
            found.append(Difference(key, label, other.shown, mine.shown))
    return found


def missing_choices(found: list[Difference], choices: Mapping[str, str]) -> list[Difference]:
    """The differences without a valid choice (there is no default: the manager must pick)."""
    return [d for d in found if choices.get(d.input_name) not in (THEIRS, YOURS)]


def _keys(first: Mapping, second: Mapping) -> list[str]:
    return list(dict.fromkeys([*first, *second]))


def _absent(step: str, key: str) -> _Field:
    """A row one side does not have: not included (a tool not ticked)."""
    shown = ("Not ticked",) if step == WizardStep.TOOLS else ("Not included",)
    return _Field("", None, shown)


def _fields(step: str, data: Mapping) -> dict[str, _Field]:
    if step in _SIMPLE_STEPS:
        return _simple_fields(_SIMPLE_STEPS[step], step, data)
    if step == WizardStep.TOOLS:
        return _tool_fields(data)
    if step == WizardStep.SKILLS:
        return _skill_fields(data)
    if step == WizardStep.RESPONSIBILITIES:
        return _responsibility_fields(data)
    return {}


def _first(data: Mapping, key: str) -> str:
    values = _values(data, key)
    return values[0] if values else ""


def _values(data: Mapping, key: str) -> list[str]:
    if hasattr(data, "getlist"):
        return list(data.getlist(key))
    value = data.get(key, [])
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _plain(text: str) -> str:
    # Browsers send a textarea's line breaks as CRLF; the draft keeps LF.
    return "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").split("\n")).strip()


def _simple_fields(form_class: type[forms.Form], step: str, data: Mapping) -> dict[str, _Field]:
    fields = {}
    for name, field in form_class.base_fields.items():
        key = f"{step}-{name}"
        value = _plain(_first(data, key))
        label = str(field.label or name.replace("_", " ").capitalize())
        fields[key] = _Field(label, _comparable(field, name, value), (_shown(field, value),))
    return fields


def _comparable(field: forms.Field, name: str, value: str) -> Any:
    """What a value means, so "150,000" and "150000" are one amount; as typed if not valid."""
    if name == "salary_currency":  # the form upper-cases the code it keeps
        value = value.upper()
    try:
        cleaned = field.clean(value)
    except (forms.ValidationError, TypeError, ValueError):
        return value
    return getattr(cleaned, "pk", cleaned)


def _shown(field: forms.Field, value: str) -> str:
    if not value:
        return "(empty)"
    if isinstance(field, forms.ModelChoiceField) and value.isdigit():
        role = Role.objects.filter(pk=int(value)).only("name").first()
        return role.name if role else value
    choices = getattr(field, "choices", None)
    if choices:
        return str({str(k): v for k, v in choices}.get(value, value))
    return value


def _tool_fields(data: Mapping) -> dict[str, _Field]:
    ticked = [value for value in _values(data, "tools-tools") if value.isdigit()]
    names = _names(Tool, ticked)
    fields = {
        f"tool-{pk}": _Field(f"Tool: {names.get(int(pk), pk)}", True, ("Ticked",)) for pk in ticked
    }
    others = "\n".join(
        " ".join(line.split()) for line in _plain(_first(data, "tools-other_tools")).splitlines()
    ).strip()
    fields["tools-other_tools"] = _Field(
        "Other tools", others, tuple(others.splitlines()) or ("(none)",)
    )
    return fields


def _names(model, ids) -> dict[int, str]:
    field = "text" if model is Task else "name"
    pks = {int(pk) for pk in ids if str(pk).isdigit()}
    return dict(model.objects.filter(pk__in=pks).values_list("pk", field)) if pks else {}


def _rows(step: str, data: Mapping) -> list[dict[str, Any]]:
    """The formset's rows as posted, in posted order, each {field: first value, "_index": n}."""
    rows: dict[int, dict[str, Any]] = {}
    for key in data:
        match = _ROW_KEY.match(key)
        if match and match["step"] == step and int(match["index"]) < MAX_ROWS:
            row = rows.setdefault(int(match["index"]), {"_index": int(match["index"])})
            row[match["field"]] = _first(data, key)
    return [rows[index] for index in sorted(rows)]


def _skill_fields(data: Mapping) -> dict[str, _Field]:
    rows = [row for row in _rows("skills", data) if str(row.get("skill", "")).isdigit()]
    names = _names(Skill, [row["skill"] for row in rows])
    levels = dict(ProficiencyLevel.objects.values_list("rank", "name"))
    importance = dict(Importance.choices)
    fields = {}
    for row in rows:
        label = f"Skill: {names.get(int(row['skill']), row['skill'])}"
        if "include" not in row:
            fields[f"skill-{row['skill']}"] = _Field(label, None, ("Not included",))
            continue
        level, weight = row.get("level", ""), row.get("importance", "")
        level_name = levels.get(int(level), level) if level.isdigit() else level
        shown = f"{level_name}, {str(importance.get(weight, weight)).lower()}"
        fields[f"skill-{row['skill']}"] = _Field(label, (level, weight), (shown,))
    return fields


def _row_key(row: Mapping) -> str | None:
    task = str(row.get("task", ""))
    if task.isdigit():
        return f"task-{int(task)}"
    text = " ".join(str(row.get("text", "")).split())
    if not text:
        return None
    return "custom-" + hashlib.sha256(text.lower().encode()).hexdigest()[:12]


def _responsibility_fields(data: Mapping) -> dict[str, _Field]:
    rows = _rows("responsibilities", data)
    names = _names(Task, [row.get("task", "") for row in rows])
    fields = {}
    for row in rows:
        key = _row_key(row)
        if key is None:
            continue
        text = names.get(int(row["task"])) if key.startswith("task-") else None
        text = text or " ".join(str(row.get("text", "")).split())
        included = "include" in row
        shown = "Included" if included else "Not included"
        fields[key] = _Field(f"Responsibility: {text}", included or None, (shown,))
    return fields


def _order(data: Mapping) -> list[str]:
    """The included responsibilities' keys in the order the formset would keep them."""
    included = []
    for position, row in enumerate(_rows("responsibilities", data)):
        key = _row_key(row)
        if key is None or "include" not in row:
            continue
        order = str(row.get("order", "")).strip()
        number = int(order) if order.isdigit() else None
        included.append(((number is None, number or 0, position), key))
    return list(dict.fromkeys(key for _, key in sorted(included)))


def _add_order(their_fields: dict, your_fields: dict, theirs: Mapping, yours: Mapping) -> None:
    """The order is one more field, compared on the rows both sides include."""
    their_order, your_order = _order(theirs), _order(yours)
    both = set(their_order) & set(your_order)
    labels = {key: f.label.removeprefix("Responsibility: ") for key, f in their_fields.items()}
    labels.update({key: f.label.removeprefix("Responsibility: ") for key, f in your_fields.items()})
    for fields, order in ((their_fields, their_order), (your_fields, your_order)):
        common = tuple(key for key in order if key in both)
        fields["order"] = _Field(
            "Order of the responsibilities", common, tuple(labels[key] for key in order)
        )


# --- the merged data ---------------------------------------------------------------------


def merged_data(step: str, theirs: Mapping, yours: Mapping, choices: Mapping[str, str]) -> Data:
    """The step's posted data with, for each field that differs, the side chosen for it.

    Fields that do not differ are taken from yours (they are the same in theirs).
    """
    picked = {d.key: choices.get(d.input_name, YOURS) for d in differences(step, theirs, yours)}

    def side(key: str) -> Mapping:
        return theirs if picked.get(key) == THEIRS else yours

    if step in _SIMPLE_STEPS:
        data = {
            f"{step}-{name}": _values(side(f"{step}-{name}"), f"{step}-{name}")
            for name in _SIMPLE_STEPS[step].base_fields
        }
        return {key: values for key, values in data.items() if values}
    if step == WizardStep.TOOLS:
        ticked = []
        for pk in _keys(
            dict.fromkeys(_values(yours, "tools-tools")),
            dict.fromkeys(_values(theirs, "tools-tools")),
        ):
            if pk in _values(side(f"tool-{pk}"), "tools-tools"):
                ticked.append(pk)
        return {
            "tools-tools": ticked,
            "tools-other_tools": _values(side("tools-other_tools"), "tools-other_tools"),
        }
    if step == WizardStep.SKILLS:
        return _merged_skills(theirs, yours, side)
    if step == WizardStep.RESPONSIBILITIES:
        return _merged_responsibilities(theirs, yours, side)
    return dict(yours)


def _by_key(step: str, data: Mapping, key_of) -> dict[str, dict]:
    return {key: row for row in _rows(step, data) if (key := key_of(row)) is not None}


def _formset_data(step: str, rows: list[dict[str, str]]) -> Data:
    data: Data = {f"{step}-TOTAL_FORMS": [str(len(rows))], f"{step}-INITIAL_FORMS": ["0"]}
    for index, row in enumerate(rows):
        for field, value in row.items():
            data[f"{step}-{index}-{field}"] = [value]
    return data


def _merged_skills(theirs: Mapping, yours: Mapping, side) -> Data:
    def key_of(row):
        skill = str(row.get("skill", ""))
        return f"skill-{skill}" if skill.isdigit() else None

    their_rows, your_rows = _by_key("skills", theirs, key_of), _by_key("skills", yours, key_of)
    rows = []
    for key in _keys(your_rows, their_rows):
        chosen = your_rows if side(key) is yours else their_rows
        row = chosen.get(key)
        if row is None or "include" not in row:
            # Not included on the chosen side: a role's skill keeps its row, unticked; a skill
            # added on the other side only is left out.
            shown = row or their_rows.get(key) or your_rows.get(key)
            if "include" in shown and row is None:
                continue
            rows.append({f: shown.get(f, "") for f in ("skill", "level", "importance")})
            continue
        rows.append(
            {f: row.get(f, "") for f in ("skill", "level", "importance")} | {"include": "on"}
        )
    return _formset_data("skills", rows)


def _merged_responsibilities(theirs: Mapping, yours: Mapping, side) -> Data:
    step = "responsibilities"
    their_rows, your_rows = _by_key(step, theirs, _row_key), _by_key(step, yours, _row_key)
    included = {
        key
        for key in _keys(your_rows, their_rows)
        if "include" in ((your_rows if side(key) is yours else their_rows).get(key) or {})
    }
    first = _order(yours if side("order") is yours else theirs)
    second = _order(theirs if side("order") is yours else yours)
    order = [key for key in dict.fromkeys([*first, *second]) if key in included]
    fields = ("task", "text", "area")
    rows = []
    for position, key in enumerate(order, start=1):
        row = (your_rows if side(key) is yours else their_rows).get(key)
        rows.append({f: row.get(f, "") for f in fields} | {"include": "on", "order": str(position)})
    for key in _keys(your_rows, their_rows):
        row = your_rows.get(key) or their_rows[key]
        if key not in included and key.startswith("task-"):
            rows.append({f: row.get(f, "") for f in fields} | {"order": ""})
    return _formset_data(step, rows)
