"""Open postings against the pay-transparency rules: the rows of the compliance page and its CSV.

Each posting's Document is read from its published revision's frozen snapshot (no logo, no
further query: the checks need neither), and its rules are evaluated for today, since an open
posting must comply with the rules in force while it is up.

Two ways in, so that neither grows with the library more than it must:

- `page_compliance(page, on=...)`: the postings of one page (the plain page shows 20); only
  they are read and evaluated.
- `open_postings_compliance(on=..., failing_only=...)`: every open posting (the "failing only"
  page and the CSV). A revision's results for one day and one version of the rules never
  change (its snapshot is frozen, the employer's size is in it), so they are kept in the
  default cache as plain data, `RESULT_SECONDS` long, in buckets of `BUCKET` revision ids
  (`_key_prefix`): one `get_many` for them all; only the revisions no bucket holds are read
  and evaluated, and only their buckets are written back (`set_many`). Buckets, not one key per
  revision, because the database cache (production without Redis) and the memory cache (local
  development) keep 300 entries by default and cull a third when full: thousands of per-posting
  keys would evict each other, the careers pages' cached responses and the publishing stamp,
  and a cold CSV would cost thousands of single-row writes. A bucket lost, culled or expired
  only means its revisions are evaluated again.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, fields
from functools import cache
from pathlib import Path
from typing import Any

from django.core.cache import caches

from jdbuilder import snapshots
from jdbuilder.checks import pay, pay_rules
from jdbuilder.checks.pay import RuleResult, evaluate_rules
from jdbuilder.models import JobDescriptionRevision
from jdbuilder.publishing.models import Posting, PostingQuerySet
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

# Revision ids per cache entry: a few entries for thousands of postings, each well under a MB.
BUCKET = 250
# Keys name their day, so a day's entries are dead once it ends; this outlives the longest day
# they could be written in and still lets them go within two days.
RESULT_SECONDS = 36 * 60 * 60
# The stored shape of `Outcome` (bump it when the fields change: older entries are then ignored).
FORMAT = 1
# A bound on the ids in one IN (...) list, below every database's parameter limit.
CHUNK = 900
# What a posting's list shows, and what its address needs.
POSTING_FIELDS = ("short_id", "slug", "title", "location", "state", "first_published_at")


@dataclass(frozen=True)
class Outcome:
    """One rule a posting reaches, as the page and the CSV show it: plain strings and booleans,
    so it can be kept in any cache."""

    jurisdiction_id: str
    jurisdiction: str  # its name: "Ontario"
    law: str  # the law's title
    citation: str
    rule: str  # the rule's period: "from 2026-01-01"
    applies: bool
    passed: bool
    verdict: str  # "pass", "fail", "warn" ("pass" when it does not apply)
    reason: str

    @classmethod
    def of(cls, result: RuleResult) -> Outcome:
        j = result.jurisdiction
        return cls(
            jurisdiction_id=j.id,
            jurisdiction=j.name,
            law=j.law.title,
            citation=j.law.citation,
            rule=result.rule.label,
            applies=result.applies,
            passed=result.passed,
            verdict=result.verdict,
            reason=result.reason,
        )

    def as_data(self) -> tuple[str | bool, ...]:
        # Not dataclasses.astuple: it deep-copies every field, a tenth of a cold CSV's time.
        return tuple(getattr(self, name) for name in _FIELDS)


_FIELDS = tuple(f.name for f in fields(Outcome))
_OUTCOME_TYPES = tuple(bool if name in ("applies", "passed") else str for name in _FIELDS)


def _outcomes_from(data: Any) -> tuple[Outcome, ...] | None:
    """The outcomes kept as `data`, or None if it is not that shape (then it is evaluated)."""
    if not isinstance(data, tuple):
        return None
    outcomes = []
    for item in data:
        if (
            not isinstance(item, tuple)
            or len(item) != len(_OUTCOME_TYPES)
            or not all(type(v) is t for v, t in zip(item, _OUTCOME_TYPES, strict=True))
        ):
            return None
        outcomes.append(Outcome(*item))
    return tuple(outcomes)


@dataclass(frozen=True)
class PostingCompliance:
    posting: Posting
    results: tuple[Outcome, ...]  # every rule the posting reaches, applicable or not

    @property
    def applicable(self) -> tuple[Outcome, ...]:
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


def open_postings() -> PostingQuerySet:
    """Every open posting, newest first, with what the page needs to show it (not its
    snapshot: `page_compliance` reads that for the page's postings only)."""
    return Posting.objects.open().only(*POSTING_FIELDS, "revision_id")


def evaluate_snapshot(snapshot: dict[str, Any], *, on: datetime.date) -> tuple[Outcome, ...]:
    """A revision's outcomes on `on`: its Document read from `snapshot`, the rules evaluated."""
    return tuple(Outcome.of(r) for r in evaluate_rules(read_snapshot(snapshot), on=on))


def page_compliance(postings: Sequence[Posting], *, on: datetime.date) -> list[PostingCompliance]:
    """The outcomes of one page's `postings` (from `open_postings()`), in their order: one
    query for their snapshots, each evaluated (no cache: 20 cost less than keeping them)."""
    snapshot_of = _snapshots({p.revision_id for p in postings})
    return [
        PostingCompliance(p, evaluate_snapshot(snapshot_of[p.revision_id], on=on)) for p in postings
    ]


def open_postings_compliance(
    *, on: datetime.date, failing_only: bool = False
) -> list[PostingCompliance]:
    """Every open posting, newest first, with its outcomes (only the failing ones if asked),
    from the cache where it has them (see the module's docstring)."""
    postings = list(open_postings())
    outcomes = cached_outcomes({p.revision_id for p in postings}, on=on)
    rows = (PostingCompliance(p, outcomes[p.revision_id]) for p in postings)
    return [row for row in rows if not failing_only or row.failing]


def cached_outcomes(
    revision_ids: Iterable[int], *, on: datetime.date
) -> dict[int, tuple[Outcome, ...]]:
    """Each revision's outcomes on `on`: one `get_many` for their buckets; the revisions no
    bucket holds read (a query per `CHUNK`) and evaluated, and their buckets written back with
    one `set_many`."""
    ids = set(revision_ids)
    if not ids:
        return {}
    store = caches["default"]
    prefix = _key_prefix(on)

    def key_of(revision_id: int) -> str:
        return f"{prefix}{revision_id // BUCKET}"

    keys = {key_of(i) for i in ids}
    kept = store.get_many(keys)
    # A bucket of another shape (or none) holds nothing.
    buckets = {k: v if isinstance(v := kept.get(k), dict) else {} for k in keys}
    found: dict[int, tuple[Outcome, ...]] = {}
    for i in ids:
        outcomes = _outcomes_from(buckets[key_of(i)].get(i))
        if outcomes is not None:
            found[i] = outcomes
    missing = ids - found.keys()
    if not missing:
        return found
    changed: dict[str, dict[int, Any]] = {}
    for i, snapshot in _snapshots(missing).items():
        found[i] = evaluate_snapshot(snapshot, on=on)
        key = key_of(i)
        # Written back with what the bucket held; a concurrent writer may win, which only
        # means its revisions are evaluated again next time.
        changed.setdefault(key, dict(buckets[key]))[i] = tuple(o.as_data() for o in found[i])
    store.set_many(changed, RESULT_SECONDS)
    return found


def _snapshots(revision_ids: set[int]) -> dict[int, dict[str, Any]]:
    ordered = sorted(revision_ids)
    found: dict[int, dict[str, Any]] = {}
    for start in range(0, len(ordered), CHUNK):
        rows = JobDescriptionRevision.objects.filter(pk__in=ordered[start : start + CHUNK])
        found.update(rows.values_list("pk", "snapshot"))
    return found


def _key_prefix(on: datetime.date) -> str:
    """What a revision's outcomes depend on besides its frozen snapshot: the day, the rules'
    version, the code that evaluates them (and the stored shape)."""
    rules = pay_rules.pay_rules()
    return f"compliance:{FORMAT}:{rules.version}:{_code_digest()}:{on.isoformat()}:"


@cache
def _code_digest() -> str:
    """The rules file and the code that reads snapshots and evaluates them, hashed once per
    process: a deploy that changes any of them (even without bumping the rules' version)
    starts new keys."""
    digest = hashlib.sha256()
    for path in (pay_rules.DATA, *(Path(m.__file__) for m in (pay, pay_rules, snapshots))):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


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
                r.jurisdiction,
                f"{r.law} ({r.citation})",
                r.rule,
                "yes",
                r.verdict,
                r.reason,
                address,
            )
