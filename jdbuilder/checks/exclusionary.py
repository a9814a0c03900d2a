"""Exclusionary and hype wording: phrases about age, ability, national origin and culture, and
the "rockstar ninja" vocabulary, each with a neutral alternative (data/exclusionary.toml).

Phrases are matched on token sequences (see tokens.py), so "recent  graduate" across a line break
and "rock-star" are found, and "Youngstown" or "misleading" never are. One finding per rule, with
every place the rule matched, so a phrase repeated three times costs the score once.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from jdbuilder.checks.findings import Finding, Place, Severity, text_fields
from jdbuilder.checks.tokens import CACHED_TEXT_MAX, covered, phrase_spans, tokens_of
from jdbuilder.document import Document

DATA = Path(__file__).parent / "data" / "exclusionary.toml"
KIND = "exclusionary"
CATEGORY_LABELS = {
    "age": "Age",
    "ability": "Disability",
    "culture": "Culture and origin",
    "hype": "Hype",
}


@dataclass(frozen=True)
class Rule:
    id: str
    category: str
    severity: Severity
    phrases: tuple[str, ...]
    except_: tuple[str, ...]
    message: str
    suggestion: str


@cache
def rules() -> tuple[Rule, ...]:
    data = tomllib.loads(DATA.read_text(encoding="utf-8"))
    return tuple(
        Rule(
            id=entry["id"],
            category=entry["category"],
            severity=Severity(entry["severity"]),
            phrases=tuple(entry["phrases"]),
            except_=tuple(entry.get("except", ())),
            message=entry["message"],
            suggestion=entry["suggestion"],
        )
        for entry in data["rules"]
    )


def find(field: str, text: str) -> list[tuple[Rule, Place]]:
    """Every rule occurrence in `text`; overlapping occurrences keep the earliest, longest one
    ("native English speaker" once, not also as "native English")."""
    return list(_cached_find(field, text) if len(text) <= CACHED_TEXT_MAX else _find(field, text))


def _find(field: str, text: str) -> tuple[tuple[Rule, Place], ...]:
    tokens = tokens_of(text)
    if not tokens:
        return ()
    hits: list[tuple[int, int, Rule]] = []
    for rule in rules():
        excused: set[int] | None = None  # the rule's exceptions, found only if it matched
        for phrase in rule.phrases:
            for i, j in phrase_spans(text, tokens, phrase):
                if excused is None:
                    excused = covered(text, tokens, rule.except_)
                if not excused.intersection(range(i, j)):
                    hits.append((i, j, rule))
    hits.sort(key=lambda hit: (hit[0], -(hit[1] - hit[0])))
    kept: list[tuple[Rule, Place]] = []
    taken = -1  # the last token index a kept occurrence covers
    for i, j, rule in hits:
        if i <= taken:
            continue
        taken = j - 1
        start, end = tokens[i].start, tokens[j - 1].end
        kept.append((rule, Place(field, start, end, text[start:end])))
    return tuple(kept)


# A document's texts recur from one request to the next (the preview and each save rescore
# the whole document when one field changed): their findings are kept, by field and text.
_cached_find = lru_cache(maxsize=1024)(_find)


def check(document: Document) -> list[Finding]:
    # The phrase lists are English; other languages would only produce noise.
    if not document.language.lower().startswith("en"):
        return []
    by_rule: dict[str, list[Place]] = {}
    for field in text_fields(document):
        for rule, place in find(field.key, field.text):
            by_rule.setdefault(rule.id, []).append(place)
    findings = []
    for rule in rules():
        places = by_rule.get(rule.id)
        if not places:
            continue
        words = list(dict.fromkeys(" ".join(place.text.casefold().split()) for place in places))
        quoted = ", ".join(f'"{word}"' for word in words)
        findings.append(
            Finding(
                kind=KIND,
                severity=rule.severity,
                message=f"{CATEGORY_LABELS[rule.category]}: {quoted}. {rule.message}",
                places=tuple(places),
                suggestion=rule.suggestion,
                data={"category": rule.category, "rule": rule.id, "words": words},
            )
        )
    return findings
