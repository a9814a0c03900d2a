"""Two Documents -> a redline: what changed between them, in the skill model's terms.

`redline(old, new)` is pure: it reads only the two Documents (no database, no models), so the
revision page, the approval page and the change note all show the same changes. Changes are
grouped by the section a reviewer comments on (vocabulary.DocumentSection) and each has a
one-line summary ("Machine learning: Accomplished → Advanced"); free texts also carry a
word-level diff (segments of unchanged, added and removed words, long unchanged runs cut
short with "…").
"""

from __future__ import annotations

import datetime
import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from jdbuilder.document import (
    Compensation,
    Document,
    Group,
    SkillLine,
    education_text,
    experience_text,
)
from jdbuilder.documents.text import long_date
from jdbuilder.vocabulary import DocumentSection

ARROW = "→"
ELLIPSIS = "…"
# Unchanged words kept either side of a change in a word diff; longer runs are cut to this.
CONTEXT_WORDS = 6
NOTHING = "none"

SAME, ADDED, REMOVED = "same", "added", "removed"


@dataclass(frozen=True)
class Segment:
    """A run of words in a word diff: `op` is "same", "added" or "removed"."""

    op: str
    text: str

    @property
    def is_same(self) -> bool:
        return self.op == SAME

    @property
    def is_added(self) -> bool:
        return self.op == ADDED

    @property
    def is_removed(self) -> bool:
        return self.op == REMOVED


@dataclass(frozen=True)
class Change:
    """One change: its section (a DocumentSection value), its kind ("level", "skill_added",
    "text"...), a one-line summary, and for free texts the word diff."""

    section: str
    kind: str
    summary: str
    segments: tuple[Segment, ...] = ()

    @property
    def section_label(self) -> str:
        return DocumentSection(self.section).label


@dataclass(frozen=True)
class SectionChanges:
    section: str
    label: str
    changes: tuple[Change, ...]


@dataclass(frozen=True)
class Redline:
    """The changes from one Document to the next, in DocumentSection order.

    `first` is True when there was nothing before (`old` None): no changes, and pages say
    "Nothing issued before: this is the first revision".
    """

    changes: tuple[Change, ...]
    first: bool = False

    @property
    def is_empty(self) -> bool:
        return not self.changes

    @property
    def sections(self) -> tuple[SectionChanges, ...]:
        """The changes by section, sections in DocumentSection order, empty ones left out."""
        grouped = []
        for section in DocumentSection:
            changes = tuple(c for c in self.changes if c.section == section.value)
            if changes:
                grouped.append(SectionChanges(section.value, section.label, changes))
        return tuple(grouped)

    @property
    def summaries(self) -> tuple[str, ...]:
        return tuple(change.summary for change in self.changes)


def redline(old: Document | None, new: Document) -> Redline:
    """What changed from `old` to `new`; `old` None means nothing was issued before."""
    if old is None:
        return Redline(changes=(), first=True)
    changes: list[Change] = []
    for compare in _COMPARISONS:
        changes.extend(compare(old, new))
    order = {section.value: index for index, section in enumerate(DocumentSection)}
    # A stable sort: within a section, the order the comparisons found them.
    changes.sort(key=lambda change: order[change.section])
    return Redline(changes=tuple(changes))


# ---------------------------------------------------------------------------------------------
# Words


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _shown(value: str) -> str:
    return _one_line(value) or NOTHING


def _date(date: datetime.date | None) -> str:
    return NOTHING if date is None else long_date(date)


def _amount(amount: Decimal) -> str:
    if amount == amount.to_integral_value():
        return f"{int(amount):,}"
    return f"{amount:,.2f}"


def _pay(compensation: Compensation) -> str:
    return compensation.text


def _width(compensation: Compensation) -> Decimal:
    return compensation.maximum - compensation.minimum


# ---------------------------------------------------------------------------------------------
# Word diff


def word_diff(old: str, new: str, *, context: int = CONTEXT_WORDS) -> tuple[Segment, ...]:
    """The word-level diff of two texts: segments of same, removed and added words, in order,
    each unchanged run longer than `context` words either side of a change cut with "…"."""
    before, after = old.split(), new.split()
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    opcodes = matcher.get_opcodes()
    segments: list[Segment] = []
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag == "equal":
            words = before[i1:i2]
            segments.append(
                Segment(
                    SAME,
                    _shorten(
                        words,
                        context=context,
                        at_start=index == 0,
                        at_end=index == len(opcodes) - 1,
                    ),
                )
            )
            continue
        if tag in ("delete", "replace"):
            segments.append(Segment(REMOVED, " ".join(before[i1:i2])))
        if tag in ("insert", "replace"):
            segments.append(Segment(ADDED, " ".join(after[j1:j2])))
    return tuple(segments)


def _shorten(words: list[str], *, context: int, at_start: bool, at_end: bool) -> str:
    """An unchanged run of words, cut to `context` words beside each change it touches."""
    keep_head = 0 if at_start else context
    keep_tail = 0 if at_end else context
    if len(words) <= keep_head + keep_tail + 1:
        return " ".join(words)
    head, tail = words[:keep_head], words[len(words) - keep_tail :] if keep_tail else []
    return " ".join([*head, ELLIPSIS, *tail])


# ---------------------------------------------------------------------------------------------
# The comparisons, one per part of the Document


def _field(section: DocumentSection, kind: str, label: str, old: str, new: str) -> list[Change]:
    if _one_line(old) == _one_line(new):
        return []
    return [Change(section.value, kind, f"{label}: {_shown(old)} {ARROW} {_shown(new)}")]


def _title(old: Document, new: Document) -> list[Change]:
    section = DocumentSection.TITLE
    return [
        *_field(section, "title", "Title", old.title, new.title),
        *_field(section, "seniority", "Seniority", old.seniority_label, new.seniority_label),
        *_field(section, "role", "Role", old.role_name, new.role_name),
        *_text(section, "Summary", old.summary, new.summary),
    ]


def _about(old: Document, new: Document) -> list[Change]:
    section = DocumentSection.ABOUT
    return [
        *_field(section, "company", "Company", old.company_name, new.company_name),
        *_field(section, "department", "Department", old.department, new.department),
        *_text(section, "About the company", old.about_company, new.about_company),
        *_text(section, "About the team", old.about_team, new.about_team),
    ]


def _items(groups: Iterable[Group]) -> list[str]:
    """Each item once, in the order shown."""
    return list(dict.fromkeys(item for group in groups for item in group.items))


def _added_removed(
    section: DocumentSection, noun: str, kind: str, old: list[str], new: list[str]
) -> list[Change]:
    old_set, new_set = set(old), set(new)
    return [
        *(
            Change(section.value, f"{kind}_added", f"Added {noun}: {_one_line(item)}")
            for item in new
            if item not in old_set
        ),
        *(
            Change(section.value, f"{kind}_removed", f"Removed {noun}: {_one_line(item)}")
            for item in old
            if item not in new_set
        ),
    ]


def _responsibilities(old: Document, new: Document) -> list[Change]:
    return _added_removed(
        DocumentSection.RESPONSIBILITIES,
        "responsibility",
        "task",
        _items(old.responsibilities),
        _items(new.responsibilities),
    )


def _importance(skill: SkillLine) -> str:
    return "required" if skill.required else "nice to have"


def _skills(old: Document, new: Document) -> list[Change]:
    section = DocumentSection.SKILLS.value
    before = {skill.name: skill for skill in old.skills}
    after = {skill.name: skill for skill in new.skills}
    changes = []
    for name, skill in after.items():
        was = before.get(name)
        if was is None:
            changes.append(Change(section, "skill_added", f"{name} added, {_importance(skill)}"))
            continue
        if was.level_name != skill.level_name or was.level_rank != skill.level_rank:
            summary = f"{name}: {was.level_name} {ARROW} {skill.level_name}"
            changes.append(Change(section, "level", summary))
        if was.required != skill.required:
            summary = f"{name}: {_importance(was)} {ARROW} {_importance(skill)}"
            changes.append(Change(section, "importance", summary))
    for name, was in before.items():
        if name not in after:
            summary = f"{name} removed (was {_importance(was)})"
            changes.append(Change(section, "skill_removed", summary))
    return changes


def _stated_experience(months: int | None) -> str:
    # None is the seniority's default: the JD states nothing.
    return "not stated" if months is None else experience_text(months)


def _requirements(old: Document, new: Document) -> list[Change]:
    """The experience and education the JD states (optional posting fields)."""
    section = DocumentSection.SKILLS.value
    changes = []
    if old.months_of_experience != new.months_of_experience:
        was = _stated_experience(old.months_of_experience)
        now = _stated_experience(new.months_of_experience)
        changes.append(Change(section, "experience", f"Experience: {was} {ARROW} {now}"))
    was, now = education_text(old.education_requirement), education_text(new.education_requirement)
    if was != now:
        summary = f"Education: {was or 'not stated'} {ARROW} {now or 'not stated'}"
        changes.append(Change(section, "education", summary))
    return changes


def _tools(old: Document, new: Document) -> list[Change]:
    return _added_removed(
        DocumentSection.TOOLS, "tool", "tool", _items(old.tools), _items(new.tools)
    )


def _compensation(old: Document, new: Document) -> list[Change]:
    section = DocumentSection.COMPENSATION.value
    was, now = old.compensation, new.compensation
    if was == now:
        return []
    if was is None:
        return [Change(section, "salary", f"Salary added: {_pay(now)}")]
    if now is None:
        return [Change(section, "salary", f"Salary removed (was {_pay(was)})")]
    if _pay(was) == _pay(now):  # the same figures written another way (150000 vs 150000.00)
        return []
    summary = f"{_pay(was)} {ARROW} {_pay(now)}"
    if was.currency == now.currency and was.period == now.period:
        old_width, new_width = _width(was), _width(now)
        if old_width == new_width:
            summary += f" (width {_amount(new_width)}, unchanged)"
        else:
            summary += f" (width {_amount(old_width)} {ARROW} {_amount(new_width)})"
    return [Change(section, "salary", summary)]


def _location(old: Document, new: Document) -> list[Change]:
    section = DocumentSection.LOCATION
    old_office = old.office.name if old.office else ""
    new_office = new.office.name if new.office else ""
    return [
        *_field(section, "location", "Location", old.location, new.location),
        *_field(section, "office", "Office", old_office, new_office),
        *_field(
            section,
            "workplace",
            "Workplace",
            old.workplace_type_label,
            new.workplace_type_label,
        ),
        *_field(
            section,
            "applicant_location",
            "Applicants from",
            old.applicant_location,
            new.applicant_location,
        ),
        *_field(
            section,
            "employment_type",
            "Employment type",
            old.employment_type_label,
            new.employment_type_label,
        ),
    ]


def _benefits(old: Document, new: Document) -> list[Change]:
    return _text(
        DocumentSection.BENEFITS, "Benefits", "\n".join(old.benefits), "\n".join(new.benefits)
    )


def _applying(old: Document, new: Document) -> list[Change]:
    section = DocumentSection.APPLYING
    changes = [
        *_text(
            section, "Equal-opportunity statement", old.equal_opportunity, new.equal_opportunity
        ),
        *_text(section, "How to apply", old.how_to_apply, new.how_to_apply),
    ]
    if old.closing_date != new.closing_date:
        summary = f"Closing date: {_date(old.closing_date)} {ARROW} {_date(new.closing_date)}"
        changes.append(Change(section.value, "closing_date", summary))
    return changes


def _general(old: Document, new: Document) -> list[Change]:
    return _added_removed(
        DocumentSection.GENERAL,
        "role worked with",
        "works_with",
        list(old.works_with),
        list(new.works_with),
    )


def _text(section: DocumentSection, label: str, old: str, new: str) -> list[Change]:
    if old.split() == new.split():
        return []
    if not old.split():
        summary = f"{label} added"
    elif not new.split():
        summary = f"{label} removed"
    else:
        summary = f"{label} changed"
    return [Change(section.value, "text", summary, word_diff(old, new))]


_COMPARISONS = (
    _general,
    _title,
    _about,
    _responsibilities,
    _skills,
    _requirements,
    _tools,
    _compensation,
    _location,
    _benefits,
    _applying,
)

__all__ = [
    "ADDED",
    "REMOVED",
    "SAME",
    "Change",
    "Redline",
    "SectionChanges",
    "Segment",
    "redline",
    "word_diff",
]
