"""Findings link to the fields they concern: a finding's places (the field keys of
`jdbuilder.checks.findings.text_fields`, plus location and applicant_location) and, for a finding
without places, its kind, map to a step and the html name (and id) of the control to fix.

A link is `<step url>?focus=<html name>#<id>`: the step sets `autofocus` on that field (no
JavaScript needed) and preview.js selects the words the finding names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from jdbuilder.catalog import RoleCatalog
from jdbuilder.checks.findings import Finding, Place
from jdbuilder.document import Document, clean
from jdbuilder.models import JobDescription
from jdbuilder.vocabulary import WizardStep


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
class ShownFinding:
    finding: Finding
    places: tuple[tuple[Place, Link | None], ...]
    link: Link | None  # where to fix a finding without places (or its main field)


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
    ) -> None:
        self.draft = draft
        self.document = document
        self.catalog = catalog
        self.rows = rows
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
            if self.document.compensation is None:
                return posting_target("salary_min")
            return posting_target("salary_max")
        if kind in ("length", "readability", "gender-coded", "exclusionary"):
            return posting_target("summary")
        return None

    def show(self, finding: Finding) -> ShownFinding:
        places = tuple(
            (place, self.link(self.for_place(place), place.text)) for place in finding.places
        )
        # A finding with places links each place; pay also links the salary, which it is about.
        main = self.for_kind(finding) if not finding.places or finding.kind == "pay" else None
        return ShownFinding(finding, places, self.link(main))
