"""JD snapshot -> Document: the one object every page, export and check reads.

`build_document` is pure: it reads the snapshot and nothing else, so the review step, the JD page
and every export show the same thing.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from itertools import groupby
from typing import Any

from jdbuilder.models import EmploymentType, WorkplaceType

# Characters that are not text: C0 controls except tab and newline, DEL, C1 controls, lone
# surrogates and Unicode noncharacters. XML (so Word) forbids most of them and HTML forbids all;
# a Word paste can carry U+000B (a manual line break), so they are turned into spaces or dropped.
_LINE_BREAKS = re.compile(r"\r\n|[\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_NOT_TEXT = re.compile(
    "[\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
    + "".join(f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}" for plane in range(1, 17))
    + "]"
)


def clean(text: str) -> str:
    """`text` with line breaks as "\\n" and every character that is not text removed."""
    return _NOT_TEXT.sub("", _LINE_BREAKS.sub("\n", text))


def _cleaned(value: Any) -> Any:
    """Every string of a snapshot cleaned, so no renderer meets a character HTML forbids."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, dict):
        return {key: _cleaned(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_cleaned(item) for item in value]
    return value


PERIOD_WORDS = {
    "YEAR": "a year",
    "MONTH": "a month",
    "WEEK": "a week",
    "DAY": "a day",
    "HOUR": "an hour",
}


@dataclass(frozen=True)
class SkillLine:
    name: str
    level_name: str
    level_descriptor: str
    level_rank: int
    category: str
    required: bool

    @property
    def sentence(self) -> str:
        """The skill with its level in words, as the posting says it."""
        return f"{self.name} ({self.level_name}): {self.level_descriptor}"


@dataclass(frozen=True)
class Group:
    heading: str
    items: tuple[str, ...]


@dataclass(frozen=True)
class Compensation:
    minimum: Decimal
    maximum: Decimal
    currency: str
    period: str  # schema.org unitText: HOUR, DAY, WEEK, MONTH or YEAR

    @property
    def text(self) -> str:
        low, high = _money(self.minimum), _money(self.maximum)
        amount = low if low == high else f"{low} to {high}"
        return f"{amount} {self.currency} {PERIOD_WORDS.get(self.period, '')}".strip()


@dataclass(frozen=True)
class Document:
    public_id: str
    revision: int
    title: str
    seniority_label: str
    role_name: str
    onet_code: str
    summary: str
    company_name: str
    about_company: str
    responsibilities: tuple[Group, ...]
    required_skills: tuple[SkillLine, ...]
    nice_to_have_skills: tuple[SkillLine, ...]
    scale: tuple[str, ...]
    tools: tuple[Group, ...]
    works_with: tuple[str, ...]
    compensation: Compensation | None
    location: str
    workplace_type: str
    workplace_type_label: str
    applicant_location: str
    employment_type: str
    employment_type_label: str
    benefits: tuple[str, ...]
    equal_opportunity: str
    how_to_apply: str
    closing_date: datetime.date | None
    date_posted: datetime.date | None = None
    language: str = "en"
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def skills(self) -> tuple[SkillLine, ...]:
        return self.required_skills + self.nice_to_have_skills

    @property
    def byline(self) -> tuple[str, ...]:
        """Company, location, workplace and employment type: the parts that are set."""
        parts = (
            self.company_name,
            self.location,
            self.workplace_type_label,
            self.employment_type_label,
        )
        return tuple(part for part in parts if part)

    @property
    def is_remote(self) -> bool:
        return self.workplace_type == "remote"


def _money(amount: Decimal) -> str:
    if amount == amount.to_integral_value():
        return f"{int(amount):,}"
    return f"{amount:,.2f}"


def _decimal(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip(" -•\t") for line in text.splitlines() if line.strip(" -•\t"))


def _skill_lines(skills: list[dict], *, required: bool) -> tuple[SkillLine, ...]:
    wanted = "required" if required else "nice_to_have"
    chosen = [s for s in skills if s["importance"] == wanted]
    chosen.sort(key=lambda s: (-s["level_rank"], s["name"]))
    return tuple(
        SkillLine(
            name=s["name"],
            level_name=s["level_name"],
            level_descriptor=s["level_descriptor"],
            level_rank=s["level_rank"],
            category=s["category"],
            required=required,
        )
        for s in chosen
    )


def _grouped(items: list[dict], *, key: str, value: str, fallback: str) -> tuple[Group, ...]:
    ordered = sorted(
        enumerate(items), key=lambda pair: (pair[1].get(f"{key}_position", 99), pair[0])
    )
    return tuple(
        Group(heading=heading or fallback, items=tuple(item[value] for _, item in rows))
        for heading, rows in groupby(ordered, key=lambda pair: pair[1].get(key))
    )


def build_document(
    snapshot: dict[str, Any], *, date_posted: datetime.date | None = None
) -> Document:
    snapshot = _cleaned(snapshot)
    posting = snapshot.get("posting", {})
    low, high = _decimal(posting.get("salary_min")), _decimal(posting.get("salary_max"))
    compensation = None
    if low is not None and high is not None:
        compensation = Compensation(
            minimum=low,
            maximum=high,
            currency=posting.get("salary_currency", ""),
            period=posting.get("salary_period", "YEAR"),
        )
    closing = posting.get("closing_date")
    workplace = posting.get("workplace_type", "")
    employment = posting.get("employment_type", "")
    return Document(
        public_id=snapshot["public_id"],
        revision=snapshot["revision"],
        title=snapshot["title"],
        seniority_label=snapshot["seniority_label"],
        role_name=snapshot["role"]["name"],
        onet_code=snapshot["role"].get("onet_code", ""),
        summary=posting.get("summary", ""),
        company_name=posting.get("company_name", ""),
        about_company=posting.get("about_company", ""),
        responsibilities=_grouped(
            snapshot["responsibilities"], key="area", value="text", fallback="Other"
        ),
        required_skills=_skill_lines(snapshot["skills"], required=True),
        nice_to_have_skills=_skill_lines(snapshot["skills"], required=False),
        scale=tuple(snapshot["scale"]),
        tools=_grouped(snapshot["tools"], key="area", value="name", fallback="Other tools"),
        works_with=tuple(snapshot["role"].get("works_with", [])),
        compensation=compensation,
        location=posting.get("location", ""),
        workplace_type=workplace,
        workplace_type_label=dict(WorkplaceType.choices).get(workplace, ""),
        applicant_location=posting.get("applicant_location", ""),
        employment_type=employment,
        employment_type_label=dict(EmploymentType.choices).get(employment, ""),
        benefits=_lines(posting.get("benefits", "")),
        equal_opportunity=posting.get("equal_opportunity", ""),
        how_to_apply=posting.get("how_to_apply", ""),
        closing_date=datetime.date.fromisoformat(closing) if closing else None,
        date_posted=date_posted,
    )


__all__ = ["Document", "SkillLine", "Group", "Compensation", "build_document"]
