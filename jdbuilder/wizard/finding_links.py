"""Findings link to the fields they concern: a finding's places (the field keys of
`jdbuilder.checks.findings.text_fields`, plus location and applicant_location) and, for a finding
without places, its kind, map to a step and the html name (and id) of the control to fix.

A link is `<step url>?focus=<html name>#<id>`: the step sets `autofocus` on that field (no
JavaScript needed) and preview.js selects the words the finding names.

A traceability finding also offers its one-click fixes (`ShownFinding.fixes`, values of
`jdbuilder.wizard.fix_services`): for a required skill no responsibility uses, "Make it nice to
have", "Add a responsibility: <task>" (each task of the role not chosen that exercises the skill,
at most MAX_TASK_FIXES) and "Remove <skill>"; for a responsibility that uses none of the JD's
skills, "Remove this responsibility" and "Add <skill>" for each skill it exercises. Fixes are
offered only for the draft as saved (`fixable`): a preview of typed input would offer a change to
choices the page no longer shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from jdbuilder.catalog import RoleCatalog
from jdbuilder.checks import traceability
from jdbuilder.checks.findings import Finding, Place
from jdbuilder.document import Document, clean
from jdbuilder.models import JobDescription
from jdbuilder.vocabulary import WizardStep
from jdbuilder.wizard import fix_services

MAX_TASK_FIXES = 3  # "Add a responsibility" buttons per finding: a short choice, not a list


@dataclass(frozen=True)
class FieldTarget:
    """A form field of a step: where a finding's link opens and what it focuses."""

    step: str
    name: str  # the control's html name, e.g. "posting-summary"
    label: str
    anchor: str = ""  # the control's id when it is not "id_<name>" (one radio of a group)

    @property
    def id(self) -> str:
        return self.anchor or f"id_{self.name}"


POSTING_TARGETS = {
    "summary": "Summary",
    "company_name": "Company name",
    "about_company": "About the company and team",
    "location": "Location",
    "applicant_location": "Where remote applicants may live",
    "salary_min": "Salary from",
    "salary_max": "Salary to",
    "benefits": "Benefits",
    "equal_opportunity": "Equal-opportunity statement",
    "how_to_apply": "How to apply",
    "education_requirement": "Education required",
    "experience_years": "Years of experience",
}


def posting_target(field: str) -> FieldTarget:
    return FieldTarget(WizardStep.POSTING, f"posting-{field}", POSTING_TARGETS[field])


TITLE = FieldTarget(WizardStep.ROLE, "role-title", "Job title")


@dataclass(frozen=True)
class Link:
    target: FieldTarget
    url: str  # <step url>?focus=<name>#<id>
    text: str  # the words to select in the field ("" for none)


@dataclass(frozen=True)
class FixButton:
    """A one-click fix: the button's value (a fix_services fix) and its words."""

    value: str
    label: str
    context: str = ""  # said to screen readers after the label: what it applies to


@dataclass(frozen=True)
class ShownFinding:
    finding: Finding
    places: tuple[tuple[Place, Link | None], ...]
    link: Link | None  # where to fix a finding without places (or its main field)
    fixes: tuple[FixButton, ...] = ()


class Rows:
    """The rows of a list step as its page shows them, each a dict of field -> first value:
    from posted or pending data (`<step>-<index>-<field>` keys), or given as `initial`."""

    MAX_ROWS = 200  # the formsets' absolute_max

    def __init__(self, step: str, data: Any, initial: Any) -> None:  # noqa: D107
        self.step = step
        if data:
            try:
                total = min(int(_first(data, f"{step}-TOTAL_FORMS") or 0), self.MAX_ROWS)
            except ValueError:
                total = 0
            prefix = f"{step}-"
            fields = {key.split("-")[-1] for key in data if key.startswith(prefix)}
            self.rows = [
                {field: _first(data, f"{step}-{index}-{field}") for field in fields}
                for index in range(total)
            ]
        else:
            self.rows = [
                {k: "" if v is None else str(v) for k, v in row.items()} for row in initial
            ]

    def index_of(self, field: str, wanted: Any, *, skip: set[int]) -> int | None:
        """The first row (not in `skip`) whose `field` is `wanted`."""
        for index, row in enumerate(self.rows):
            if index not in skip and (row.get(field) or "") == str(wanted):
                return index
        return None


def _first(data: Any, key: str) -> str:
    values = data.getlist(key) if hasattr(data, "getlist") else data.get(key, [])
    if not isinstance(values, list):
        values = [values]
    return str(values[0]) if values else ""


class FindingLinks:
    """Maps a finding's places (field keys of `text_fields`) and kinds to the fields to fix."""

    def __init__(
        self,
        *,
        draft: JobDescription,
        document: Document,
        catalog: RoleCatalog,
        rows: dict[str, Any],
        fixable: bool = False,
    ) -> None:
        self.draft = draft
        self.document = document
        self.catalog = catalog
        self.rows = rows
        self.fixable = fixable
        self._responsibility_rows: dict[str, FieldTarget] | None = None
        self._step_urls: dict[str, str] = {}

    def rows_of(self, step: str) -> Rows:
        """The posted or pending rows of `step`; else the draft's choices, which the step's
        initial rows list first, in order (`initial_for_step`)."""
        data = self.rows.get(step)
        if data:
            return Rows(step, data, ())
        chosen = self.draft.chosen
        if step == WizardStep.SKILLS:
            return Rows(step, None, [{"skill": item.skill} for item in chosen.skills])
        return Rows(
            step, None, [{"task": item.task, "text": item.text} for item in chosen.responsibilities]
        )

    def url(self, target: FieldTarget) -> str:
        return f"{self.step_url(target.step)}?focus={target.name}#{target.id}"

    def step_url(self, step: str) -> str:
        # A preview links a dozen findings into a few steps: reverse() each step once.
        if step not in self._step_urls:
            kwargs = {"public_id": self.draft.public_id, "step": step}
            self._step_urls[step] = reverse("jd:wizard_step", kwargs=kwargs)
        return self._step_urls[step]

    def link(self, target: FieldTarget | None, text: str = "") -> Link | None:
        return Link(target, self.url(target), text) if target else None

    def for_place(self, place: Place) -> FieldTarget | None:
        key = place.field
        if key == "title":
            return TITLE
        if key.startswith("benefits."):
            return posting_target("benefits")
        if key in POSTING_TARGETS:
            return posting_target(key)
        if key.startswith("responsibilities."):
            return self.responsibility_targets().get(key)
        return None

    def responsibility_targets(self) -> dict[str, FieldTarget]:
        """responsibilities.<g>.<i> of the document -> the row of that responsibility.

        build_document groups the chosen responsibilities by task area (in area order, chosen
        order within an area); each document item is matched back to its draft choice, then
        to the row the responsibilities step shows it in (a catalog task by its id, a
        responsibility of the manager's by its text)."""
        if self._responsibility_rows is not None:
            return self._responsibility_rows
        # Matched by text (no query needed): a draft's responsibilities are distinct texts, and
        # of two equal ones each document item takes the next choice.
        unused = list(self.draft.chosen.responsibilities)
        rows = self.rows_of(WizardStep.RESPONSIBILITIES)
        used: set[int] = set()
        targets: dict[str, FieldTarget] = {}
        for g, group in enumerate(self.document.responsibilities):
            for i, text in enumerate(group.items):
                item = next((c for c in unused if clean(c.text) == text), None)
                if item is None:
                    continue
                unused.remove(item)
                if item.task is not None:
                    index = rows.index_of("task", item.task, skip=used)
                    field, label = "include", "Responsibility (include)"
                else:
                    index = rows.index_of("text", item.text, skip=used)
                    field, label = "text", "Your responsibility"
                if index is None:
                    continue
                used.add(index)
                name = f"{WizardStep.RESPONSIBILITIES}-{index}-{field}"
                targets[f"responsibilities.{g}.{i}"] = FieldTarget(
                    WizardStep.RESPONSIBILITIES, name, label
                )
        self._responsibility_rows = targets
        return targets

    def skill_target(self, finding: Finding) -> FieldTarget:
        """The row of the first skill a bloat finding is about, on the skills step: the first
        required skill at the top level (its level), the first required skill (whether it is
        required), or the first skill. Read from the choices: no query."""
        chosen = self.draft.chosen.skills
        required = [c for c in chosen if c.importance == "required"]
        top = len(self.document.scale)
        field = "importance"
        if "level" in finding.data:
            field, wanted = "level", [c for c in required if c.level >= top]
        else:
            wanted = required
        pick = (wanted or list(chosen) or [None])[0]
        if pick is None:
            return FieldTarget(WizardStep.SKILLS, "skills-0-importance", "Skills and levels")
        index = self.rows_of(WizardStep.SKILLS).index_of("skill", pick.skill, skip=set()) or 0
        name = f"{WizardStep.SKILLS}-{index}-{field}"
        # Levels and importance are radio groups: the anchor is the checked radio's id.
        value = pick.level if field == "level" else pick.importance
        return FieldTarget(WizardStep.SKILLS, name, "Skills and levels", f"id_{name}_{value}")

    def for_kind(self, finding: Finding) -> FieldTarget | None:
        """Where to fix a finding, from its kind: every kind the checks produce has one."""
        kind = finding.kind
        if kind == "bloat":
            return self.skill_target(finding)
        if kind == "pay":
            if finding.data.get("problem") == "benefits":
                return posting_target("benefits")
            if self.document.compensation is None:
                return posting_target("salary_min")
            return posting_target("salary_max")
        if kind in ("length", "readability", "gender-coded", "exclusionary"):
            return posting_target("summary")
        if kind == "traceability":
            return self.chosen_skill_target(finding.data.get("skill", ""), "importance")
        if kind == "coherence":
            return self.coherence_target(finding)
        return None

    def chosen_skill_target(self, name: str, field: str) -> FieldTarget:
        """The row of the chosen skill called `name` (else the first), its `field` radio."""
        chosen = self.draft.chosen.skills
        by_id = self.catalog.rows.skills
        pick = next(
            (c for c in chosen if c.skill in by_id and by_id[c.skill].name == name),
            chosen[0] if chosen else None,
        )
        if pick is None:
            return FieldTarget(WizardStep.SKILLS, "skills-0-importance", "Skills and levels")
        index = self.rows_of(WizardStep.SKILLS).index_of("skill", pick.skill, skip=set()) or 0
        name = f"{WizardStep.SKILLS}-{index}-{field}"
        value = pick.level if field == "level" else pick.importance
        return FieldTarget(WizardStep.SKILLS, name, "Skills and levels", f"id_{name}_{value}")

    def coherence_target(self, finding: Finding) -> FieldTarget:
        """Levels that disagree with the seniority: the first required skill named (a junior
        JD's top levels), else the first required skill, on its level."""
        names = finding.data.get("skills") or []
        required = [c for c in self.draft.chosen.skills if c.importance == "required"]
        by_id = self.catalog.rows.skills
        first = names[0] if names else ""
        if not first and required and required[0].skill in by_id:
            first = by_id[required[0].skill].name
        return self.chosen_skill_target(first, "level")

    # --- one-click fixes ------------------------------------------------------------------

    def fixes(self, finding: Finding) -> tuple[FixButton, ...]:
        if not self.fixable or finding.kind != traceability.KIND:
            return ()
        problem = finding.data.get("problem")
        if problem == traceability.UNUSED_SKILL:
            return self._skill_fixes(finding.data.get("skill", ""))
        if problem == traceability.UNSKILLED_RESPONSIBILITY:
            return self._responsibility_fixes(
                finding.data.get("responsibility", ""), finding.data.get("skills") or []
            )
        return ()

    def _skill_ids(self) -> dict[str, int]:
        return {skill.name: pk for pk, skill in self.catalog.rows.skills.items()}

    def _skill_fixes(self, name: str) -> tuple[FixButton, ...]:
        skill_id = self._skill_ids().get(name)
        chosen = {c.skill: c for c in self.draft.chosen.skills}
        if skill_id is None or skill_id not in chosen:
            return ()
        buttons = []
        if chosen[skill_id].importance == "required":
            buttons.append(
                FixButton(f"{fix_services.MAKE_NICE}:{skill_id}", "Make it nice to have", name)
            )
        picked = {c.task for c in self.draft.chosen.responsibilities}
        exercised = self.catalog.task_skill_ids
        tasks = [
            rt.task
            for rt in self.catalog.role_tasks
            if rt.task_id not in picked and skill_id in exercised.get(rt.task_id, ())
        ]
        buttons += [
            FixButton(f"{fix_services.ADD_TASK}:{task.pk}", f"Add a responsibility: {task.text}")
            for task in tasks[:MAX_TASK_FIXES]
        ]
        if len(chosen) > 1:
            buttons.append(FixButton(f"{fix_services.DROP_SKILL}:{skill_id}", f"Remove {name}"))
        return tuple(buttons)

    def _responsibility_fixes(self, text: str, skills: list[str]) -> tuple[FixButton, ...]:
        chosen = self.draft.chosen.responsibilities
        item = next((c for c in chosen if c.task is not None and clean(c.text) == text), None)
        if item is None:
            return ()
        buttons = []
        if len(chosen) > 1:
            buttons.append(
                FixButton(
                    f"{fix_services.DROP_TASK}:{item.task}", "Remove this responsibility", text
                )
            )
        ids = self._skill_ids()
        have = {c.skill for c in self.draft.chosen.skills}
        buttons += [
            FixButton(f"{fix_services.ADD_SKILL}:{ids[name]}", f"Add {name}")
            for name in skills
            if name in ids and ids[name] not in have
        ]
        return tuple(buttons)

    def show(self, finding: Finding) -> ShownFinding:
        places = tuple(
            (place, self.link(self.for_place(place), place.text)) for place in finding.places
        )
        # A finding with places links each place; pay also links the salary, which it is about.
        main = self.for_kind(finding) if not finding.places or finding.kind == "pay" else None
        return ShownFinding(finding, places, self.link(main), self.fixes(finding))
