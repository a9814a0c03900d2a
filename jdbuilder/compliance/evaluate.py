"""Open postings against the pay-transparency rules: the rows of the compliance page and its CSV.

Each posting's Document is read from its published revision's frozen snapshot (no logo, no
further query: the checks need neither), and its rules are evaluated for today, since an open
posting must comply with the rules in force while it is up. One query for every open posting,
whatever their number.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass

from jdbuilder.checks.pay import RuleResult, evaluate_rules
from jdbuilder.publishing.models import Posting
from jdbuilder.snapshots import read_snapshot

CSV_HEADER = (
    "Posting",
    "Reference",
    "Location",
    "Jurisdiction",
    "Law",
    "Rule in force",
    "Applies",
    "Verdict",
    "Reason",
    "Address",
)


@dataclass(frozen=True)
class PostingCompliance:
    posting: Posting
    results: tuple[RuleResult, ...]  # every rule the posting reaches, applicable or not

    @property
    def applicable(self) -> tuple[RuleResult, ...]:
        return tuple(r for r in self.results if r.applies)

    @property
    def failing(self) -> bool:
        return any(not r.passed for r in self.applicable)

    @property
    def verdict(self) -> str:
        """ "fail", "warn", "pass", or "none" when no rule applies."""
        if not self.applicable:
            return "none"
        if self.failing:
            return "fail"
        return "warn" if any(r.verdict == "warn" for r in self.applicable) else "pass"


def open_postings_compliance(
    *, on: datetime.date, failing_only: bool = False
) -> list[PostingCompliance]:
    """Every open posting, newest first, with its rules (only the failing ones if asked)."""
    postings = (
        Posting.objects.open()
        .select_related("revision")
        .only(
            "short_id",
            "slug",
            "title",
            "location",
            "state",
            "first_published_at",
            "revision__snapshot",
            "revision__finalized_at",
        )
    )
    rows = []
    for posting in postings:
        revision = posting.revision
        document = read_snapshot(revision.snapshot, date_posted=revision.finalized_at.date())
        row = PostingCompliance(posting, tuple(evaluate_rules(document, on=on)))
        if not failing_only or row.failing:
            rows.append(row)
    return rows


def csv_rows(rows: list[PostingCompliance], *, site: str = "") -> Iterator[tuple[str, ...]]:
    """One row per posting and applicable rule; one "no rule applies" row where none does."""
    for row in rows:
        posting = row.posting
        base = (posting.title, posting.short_id, posting.location)
        address = f"{site}{posting.get_absolute_url()}"
        if not row.applicable:
            reasons = " ".join(r.reason for r in row.results)
            yield (*base, "", "", "", "no", "no rule applies", reasons, address)
            continue
        for r in row.applicable:
            yield (
                *base,
                r.jurisdiction.name,
                f"{r.jurisdiction.law.title} ({r.jurisdiction.law.citation})",
                r.rule.label,
                "yes",
                r.verdict,
                r.reason,
                address,
            )
