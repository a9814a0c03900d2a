"""The typed face of a draft's stored choices: what each wizard step chose, as plain values.

A draft keeps its choices in one JSON column (`JobDescription.choices`). This module is the only
one that knows that JSON's shape: everything else reads a `DraftChoices` (`job_description.chosen`)
and writes a new one made with `with_step`. The role step's choices (role, seniority, title) are
columns of the draft itself, so they are not here.

Catalog rows are named by id: the texts are copied only when a revision is issued (see
`jdbuilder.snapshots`), so a draft always shows the catalog as it is today.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from jdbuilder.vocabulary import EmploymentType, SalaryPeriod, WizardStep, WorkplaceType


@dataclass(frozen=True)
class Responsibility:
    """A chosen responsibility: a catalog task (`task` is its id) or one the manager wrote."""

    task: int | None
    text: str
    area: int | None

    @property
    def is_custom(self) -> bool:
        return self.task is None


@dataclass(frozen=True)
class SkillChoice:
    skill: int
    level: int  # a rank on the proficiency scale
    importance: str  # roles.models.Importance: required or nice_to_have


@dataclass(frozen=True)
class ToolChoice:
    """A chosen tool: a catalog tool (`tool` is its id) or one the manager named."""

    tool: int | None
    name: str
    area: int | None


# The most years of experience a posting may ask for: beyond 40 is no requirement anyone meets.
MAX_EXPERIENCE_YEARS = 40


@dataclass(frozen=True)
class Posting:
    """The posting details step. Amounts are decimal strings, the closing date ISO 8601."""

    summary: str = ""
    company_name: str = ""
    about_company: str = ""
    about_team: str = ""
    # The organization's department and office (jdbuilder.organization), by id; None: not set.
    department: int | None = None
    office: int | None = None
    location: str = ""
    workplace_type: str = WorkplaceType.HYBRID
    applicant_location: str = ""
    employment_type: str = EmploymentType.FULL_TIME
    salary_min: str | None = None
    salary_max: str | None = None
    salary_currency: str = "USD"
    salary_period: str = SalaryPeriod.YEAR
    benefits: str = ""
    equal_opportunity: str = ""
    how_to_apply: str = ""
    closing_date: str | None = None
    # Optional requirements: a vocabulary.EducationLevel value ("" = not stated), and years of
    # experience (None = the seniority's default, Seniority.months_of_experience).
    education_requirement: str = ""
    experience_years: int | None = None

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Posting:
        known = {f.name for f in dataclasses.fields(cls)}
        return cls(**{key: value for key, value in data.items() if key in known})

    def to_json(self) -> dict[str, Any]:
        return {f.name: _plain(getattr(self, f.name)) for f in dataclasses.fields(self)}


@dataclass(frozen=True)
class BlockOrigin:
    """The content block a posting field was filled from, at the version (and text) taken."""

    block: int
    version: int
    text: str


@dataclass(frozen=True)
class Origins:
    """Where a draft's content came from, as it was when taken: the content blocks of its
    posting fields, the template it started from and the catalog role's defaults. What changed
    in a source since is offered to the manager as a proposal (jdbuilder.organization.proposals);
    taking or keeping a change moves its baseline here.

    `template_items` and `role_items` are {key: value} in the proposals module's terms.
    """

    blocks: Mapping[str, BlockOrigin] = field(default_factory=dict)  # posting field -> block
    template: int | None = None
    template_version: int = 0
    template_items: Mapping[str, Any] = field(default_factory=dict)
    role_items: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> Origins:
        data = data or {}
        return cls(
            blocks={
                name: BlockOrigin(**origin) for name, origin in (data.get("blocks") or {}).items()
            },
            template=data.get("template"),
            template_version=data.get("template_version", 0),
            template_items=dict(data.get("template_items") or {}),
            role_items=dict(data.get("role_items") or {}),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "blocks": {name: dataclasses.asdict(o) for name, o in sorted(self.blocks.items())},
            "template": self.template,
            "template_version": self.template_version,
            "template_items": dict(self.template_items),
            "role_items": dict(self.role_items),
        }


StepValue = tuple[Responsibility, ...] | tuple[SkillChoice, ...] | tuple[ToolChoice, ...] | Posting

_ITEM_TYPES: dict[str, type] = {
    WizardStep.RESPONSIBILITIES: Responsibility,
    WizardStep.SKILLS: SkillChoice,
    WizardStep.TOOLS: ToolChoice,
}
CHOICE_STEPS: tuple[str, ...] = (*_ITEM_TYPES, WizardStep.POSTING)


@dataclass(frozen=True)
class DraftChoices:
    """Every step's choices, and which steps the manager has saved.

    A new draft starts with the catalog's defaults in every step and no step saved; a step counts
    as saved once the manager has sent it valid (finalizing needs every step saved).
    """

    responsibilities: tuple[Responsibility, ...] = ()
    skills: tuple[SkillChoice, ...] = ()
    tools: tuple[ToolChoice, ...] = ()
    posting: Posting = field(default_factory=Posting)
    saved_steps: frozenset[str] = frozenset()
    origins: Origins = field(default_factory=Origins)

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> DraftChoices:
        data = data or {}
        steps = {
            step: tuple(item_type(**item) for item in (data.get(step) or {}).get("items", ()))
            for step, item_type in _ITEM_TYPES.items()
        }
        return cls(
            **steps,
            posting=Posting.from_json(data.get(WizardStep.POSTING) or {}),
            saved_steps=frozenset(data.get("saved_steps", ())),
            origins=Origins.from_json(data.get("origins")),
        )

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            step: {"items": [dataclasses.asdict(item) for item in getattr(self, step)]}
            for step in _ITEM_TYPES
        }
        data[WizardStep.POSTING] = self.posting.to_json()
        data["saved_steps"] = sorted(self.saved_steps)
        data["origins"] = self.origins.to_json()
        return data

    def with_step(self, step: str, value: StepValue | None = None) -> DraftChoices:
        """A copy with `step` saved, and its choices replaced by `value` where it has any.

        The role step's choices live on the draft's own columns: it takes no value here.
        """
        changes: dict[str, Any] = {"saved_steps": self.saved_steps | {step}}
        if step in CHOICE_STEPS:
            if value is None:
                raise ValueError(f"The {step} step needs its choices.")
            changes[step] = value if step == WizardStep.POSTING else tuple(value)
        elif value is not None:
            raise ValueError(f"The {step} step keeps no choices here.")
        return dataclasses.replace(self, **changes)

    def restarted(self, steps: Iterable[str], *, defaults: DraftChoices) -> DraftChoices:
        """A copy with `steps` back at `defaults` and no longer saved."""
        steps = tuple(steps)
        return dataclasses.replace(
            self,
            **{step: getattr(defaults, step) for step in steps},
            saved_steps=self.saved_steps - set(steps),
        )

    def is_saved(self, step: str) -> bool:
        return step in self.saved_steps

    @property
    def tool_ids(self) -> list[int]:
        """The catalog tools chosen (tools the manager named have no id)."""
        return [item.tool for item in self.tools if item.tool is not None]


def _plain(value: Any) -> Any:
    # Enum members (TextChoices) are str subclasses; store their plain value.
    return str(value) if isinstance(value, str) else value
