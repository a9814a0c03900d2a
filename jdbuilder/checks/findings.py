"""What a check finds, and where: the value types every check and every page showing findings
share. Plain data, no database access.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from jdbuilder.document import Document


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class TextField:
    """One text of the document a check reads, under a key stable for that document."""

    key: str
    label: str
    text: str


@dataclass(frozen=True)
class Place:
    """`text` is `field`'s text from `start` to `end` (Python string offsets)."""

    field: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Finding:
    kind: str  # e.g. "gender-coded", "exclusionary", "bloat", "pay", "length", "readability"
    severity: Severity
    message: str  # what a manager reads
    places: tuple[Place, ...] = ()
    suggestion: str = ""  # the fix, where there is one
    data: dict[str, Any] = field(default_factory=dict, compare=False)  # figures, verdicts


def text_fields(document: Document) -> Iterator[TextField]:
    """The texts a manager wrote or chose, in document order, with keys the templates use.

    Keys: title, summary, about_company, responsibilities.<group>.<item>, benefits.<item>,
    equal_opportunity, how_to_apply. Catalog skill descriptors and tool names are not checked.
    """
    yield TextField("title", "Title", document.title)
    yield TextField("summary", "Summary", document.summary)
    yield TextField("about_company", "About the company and team", document.about_company)
    for g, group in enumerate(document.responsibilities):
        for i, item in enumerate(group.items):
            yield TextField(f"responsibilities.{g}.{i}", f"Responsibility ({group.heading})", item)
    for i, item in enumerate(document.benefits):
        yield TextField(f"benefits.{i}", "Benefit", item)
    yield TextField("equal_opportunity", "Equal-opportunity statement", document.equal_opportunity)
    yield TextField("how_to_apply", "How to apply", document.how_to_apply)


PENALTY = {Severity.ERROR: 25, Severity.WARNING: 10, Severity.INFO: 0}


@dataclass(frozen=True)
class Report:
    findings: tuple[Finding, ...]

    @property
    def score(self) -> int:
        """100 for a clean JD; each error costs 25 and each warning 10, down to 0."""
        return max(0, 100 - sum(PENALTY[f.severity] for f in self.findings))

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    @property
    def is_clean(self) -> bool:
        return not self.count(Severity.ERROR) and not self.count(Severity.WARNING)

    def summary(self) -> dict[str, Any]:
        """What lists show and drafts store: plain JSON."""
        return {
            "score": self.score,
            "errors": self.count(Severity.ERROR),
            "warnings": self.count(Severity.WARNING),
            "clean": self.is_clean,
        }

    def places_by_field(self) -> dict[str, list[tuple[int, int, str]]]:
        """Highlight ranges per field key, with the severity of the finding that marks them."""
        marks: dict[str, list[tuple[int, int, str]]] = {}
        for finding in self.findings:
            for place in finding.places:
                marks.setdefault(place.field, []).append(
                    (place.start, place.end, str(finding.severity))
                )
        return marks
