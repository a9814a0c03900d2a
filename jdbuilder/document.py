"""The Document: the one object every page, export, check and feed reads.

Plain, immutable data with the texts as the posting shows them. `jdbuilder.documents.build` makes
one from a draft or a revision; nothing here reads the database, so every renderer is pure.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal

from jdbuilder.vocabulary import EducationLevel

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


PERIOD_WORDS = {
    "YEAR": "a year",
    "MONTH": "a month",
    "WEEK": "a week",
    "DAY": "a day",
    "HOUR": "an hour",
}


def experience_text(months: int) -> str:
    """Stated experience in words: "5 years", "1 year", "18 months", "no prior experience"."""
    if months <= 0:
        return "no prior experience required"
    if months % 12:
        return f"{months} month{'s' * (months != 1)}"
    years = months // 12
    return f"{years} year{'s' * (years != 1)}"


def education_text(value: str) -> str:
    """The stated education's label ("Bachelor's degree"); "" when none is stated."""
    return EducationLevel(value).label if value in EducationLevel.values else ""


@dataclass(frozen=True)
class SkillLine:
    name: str
    level_name: str
    level_descriptor: str
    level_rank: int
    category: str
    required: bool
    # The O*NET Content Model element (e.g. "2.B.3.e" for Programming), where the catalog
    # knows it: JSON-LD names it as the skill's DefinedTerm code.
    onet_element_id: str = ""

    @property
    def sentence(self) -> str:
        """The skill with its level in words, as the posting says it."""
        return f"{self.name} ({self.level_name}): {self.level_descriptor}"


@dataclass(frozen=True)
class Trace:
    """One chosen responsibility and the skills the catalog says carrying it out exercises
    (traceability). A responsibility the manager wrote (`custom`) has none recorded."""

    text: str
    skills: tuple[str, ...]
    custom: bool = False


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
class Address:
    """An office's structured address (schema.org PostalAddress); `country` an ISO code."""

    street_address: str = ""
    locality: str = ""
    region: str = ""
    postal_code: str = ""
    country: str = ""

    @property
    def lines(self) -> tuple[str, ...]:
        town = " ".join(part for part in (self.postal_code, self.locality) if part)
        parts = (self.street_address, ", ".join(p for p in (town, self.region) if p), self.country)
        return tuple(part for part in parts if part)


@dataclass(frozen=True)
class Office:
    name: str
    address: Address
    remote_only: bool = False


@dataclass(frozen=True)
class Branding:
    """The organization's colour (a checked #rrggbb) and logo (checked, re-encoded bytes).

    `logo_path` is the site-relative URL the app serves the logo at; the renderers of files
    embed `logo` itself, so no renderer ever fetches it.
    """

    colour: str
    logo: bytes | None = None
    logo_media_type: str = ""
    logo_width: int = 0
    logo_height: int = 0
    logo_path: str = ""


@dataclass(frozen=True)
class PayBand:
    """The pay band that applies to the JD's role, seniority and office. Internal: pages show
    it only to people who may see bands; no export prints it."""

    minimum: Decimal
    maximum: Decimal
    currency: str
    period: str
    scope: str  # e.g. "Software Engineer · Senior · Denver"

    @property
    def text(self) -> str:
        return Compensation(self.minimum, self.maximum, self.currency, self.period).text


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
    about_team: str = ""
    department: str = ""
    office: Office | None = None
    company_website: str = ""
    branding: Branding | None = None
    pay_band: PayBand | None = None
    # What the posting states as required education (a vocabulary.EducationLevel value, or "")
    # and experience, in months (None: the seniority's default, Seniority.months_of_experience).
    education_requirement: str = ""
    months_of_experience: int | None = None
    seniority: str = ""  # the vocabulary.Seniority value seniority_label names
    # Every responsibility, in document order, with the skills it exercises; None for a revision
    # issued before the catalog recorded them (the traceability check then says nothing).
    traces: tuple[Trace, ...] | None = None
    # The organization's employee count when the JD was built or issued (pay-transparency
    # thresholds depend on it); None: not known.
    employee_count: int | None = None

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

    @property
    def stated_requirements(self) -> list[str]:
        """The experience and education the JD states, as every renderer words them; the
        seniority's default experience is not printed (only the JSON-LD gives it)."""
        lines = []
        if self.months_of_experience is not None:
            lines.append(f"Experience: {experience_text(self.months_of_experience)}")
        if education_text(self.education_requirement):
            lines.append(f"Education: {education_text(self.education_requirement)}")
        return lines


def _money(amount: Decimal) -> str:
    if amount == amount.to_integral_value():
        return f"{int(amount):,}"
    return f"{amount:,.2f}"


@dataclass(frozen=True)
class Publication:
    """What the careers page adds to a Document it publishes (jdbuilder.publishing): the
    posting's public address, when it was posted, until when it is open, its identifier, and
    where candidates apply. Renderers of a posting page read it beside the Document."""

    url: str  # absolute
    identifier: str  # the posting's short id: stable across revisions
    date_posted: datetime.date
    valid_through: datetime.date | None
    apply_url: str = ""  # an http(s) URL or a mailto: address, from how_to_apply; "" when none
    direct_apply: bool = False  # applying happens on the posting's own site
