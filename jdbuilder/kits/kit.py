"""The interview kit of one Document: plain, immutable data, no database.

For each skill the JD asks for (required first, then nice to have, each in the Document's order):
its level, the level's descriptor as the rubric the interviewer scores against, the question
bank's questions for exactly that level, and a scorecard row (below / meets / above the level,
notes). `jdbuilder.kits.services` loads the questions; `jdbuilder.kits.render` draws the kit.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from jdbuilder.document import Document, SkillLine, clean

# What the scorecard offers per skill, relative to the level the JD asks for.
MARKS: tuple[str, ...] = ("Below", "Meets", "Above")
KIND_LABELS = {"question": "Question", "exercise": "Exercise"}


class BankQuestionLike(Protocol):
    """What a kit reads of a question: the bank's rows and `roles.questions.BankQuestion` both
    have these attributes."""

    kind: str
    text: str
    strong_answer: str
    generic: bool


@dataclass(frozen=True)
class KitQuestion:
    kind: str  # roles.models.QuestionKind: question or exercise
    text: str
    strong_answer: str  # what a strong answer shows, at this level
    generic: bool  # a generic question by level, not written for this skill

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, "Question")


@dataclass(frozen=True)
class ScorecardRow:
    """One line of the scorecard: the interviewer ticks one mark and writes notes."""

    skill: str
    level_expected: str
    marks: tuple[str, ...] = MARKS
    notes: str = ""  # blank on a printed kit: the interviewer writes here


@dataclass(frozen=True)
class KitSkill:
    name: str
    level_name: str
    level_rank: int
    rubric: str  # the JD's level descriptor: what "meets the level" means
    required: bool
    questions: tuple[KitQuestion, ...]

    @property
    def importance(self) -> str:
        return "Required" if self.required else "Nice to have"

    @property
    def all_generic(self) -> bool:
        """True when the bank had nothing for this skill at this level (every question is
        generic): the kit says so, so interviewers know to adapt them."""
        return bool(self.questions) and all(q.generic for q in self.questions)

    @property
    def scorecard(self) -> ScorecardRow:
        return ScorecardRow(skill=self.name, level_expected=self.level_name)


@dataclass(frozen=True)
class Kit:
    title: str
    company: str
    seniority: str
    revision: int | None  # None: a draft's kit, not issued
    summary: str
    skills: tuple[KitSkill, ...]
    public_id: str
    language: str = "en"
    date: datetime.date | None = None  # the revision's issue date
    # The Document the kit was built from: the PDF's and Word file's metadata and branding.
    document: Document | None = field(default=None, compare=False, repr=False)

    @property
    def revision_label(self) -> str:
        return "draft" if self.revision is None else f"revision {self.revision}"

    @property
    def heading(self) -> str:
        return f"Interview kit: {self.title}"

    @property
    def required(self) -> tuple[KitSkill, ...]:
        return tuple(skill for skill in self.skills if skill.required)

    @property
    def nice_to_have(self) -> tuple[KitSkill, ...]:
        return tuple(skill for skill in self.skills if not skill.required)

    @property
    def scorecard(self) -> tuple[ScorecardRow, ...]:
        return tuple(skill.scorecard for skill in self.skills)

    @property
    def byline(self) -> tuple[str, ...]:
        parts = (self.company, self.seniority, self.revision_label.capitalize())
        return tuple(part for part in parts if part)


def _question(source: BankQuestionLike) -> KitQuestion:
    # Bank texts are staff-typed: the same cleaning as the Document's texts (no control
    # characters, which Word's XML and HTML forbid).
    return KitQuestion(
        kind=str(source.kind),
        text=clean(source.text).strip(),
        strong_answer=clean(source.strong_answer).strip(),
        generic=bool(source.generic),
    )


def _skill(line: SkillLine, questions: Sequence[BankQuestionLike]) -> KitSkill:
    return KitSkill(
        name=line.name,
        level_name=line.level_name,
        level_rank=line.level_rank,
        rubric=line.level_descriptor,
        required=line.required,
        questions=tuple(_question(q) for q in questions),
    )


def build_kit(
    document: Document, questions_by_skill_name: Mapping[str, Sequence[BankQuestionLike]]
) -> Kit:
    """The kit of `document`; `questions_by_skill_name` gives each skill's questions at the
    document's level for it (a skill missing from it gets none)."""
    skills = tuple(
        _skill(line, questions_by_skill_name.get(line.name, ()))
        for line in (*document.required_skills, *document.nice_to_have_skills)
    )
    return Kit(
        title=document.title,
        company=document.company_name,
        seniority=document.seniority_label,
        revision=document.revision if document.date_posted is not None else None,
        summary=document.summary,
        skills=skills,
        public_id=document.public_id,
        language=document.language,
        date=document.date_posted,
        document=document,
    )


__all__ = ["MARKS", "Kit", "KitQuestion", "KitSkill", "ScorecardRow", "build_kit"]
