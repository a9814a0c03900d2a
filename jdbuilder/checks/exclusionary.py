"""Exclusionary and hype wording: phrases about age, ability, national origin and culture, and
the "rockstar ninja" vocabulary, each with a neutral alternative (data/exclusionary.toml).

Phrases are matched on token sequences (see tokens.py), so "recent  graduate" across a line break
and "rock-star" are found, and "Youngstown" or "misleading" never are. Each phrase as written is
expanded into its spellings once, when the data is loaded (variants.py: sets, abbreviations,
closed compounds, plurals), and matched with `variant_spans` (an inserted adverb, "..." gaps,
token classes). One finding per rule, with every place the rule matched, so a phrase repeated
three times costs the score once: exclusionary wording is wrong at its first occurrence (one
"young" is the legal risk), so unlike the gender-coded lean it is not scaled by length.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from jdbuilder.checks.findings import Finding, Place, Severity, text_fields
from jdbuilder.checks.tokens import (
    CACHED_TEXT_MAX,
    covered,
    parse_phrase,
    tokens_of,
    variant_spans,
)
from jdbuilder.checks.variants import expand
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
    phrases: tuple[str, ...]  # every spelling matched (expanded from `written`)
    except_: tuple[str, ...]  # expanded too
    message: str
    suggestion: str
    written: tuple[str, ...] = ()  # the phrases as the data file writes them
    unless: tuple[str, ...] = ()  # anywhere in the document, these silence the rule


RULE_KEYS = frozenset(
    {
        "id",
        "category",
        "severity",
        "phrases",
        "except",
        "unless",
        "plurals",
        "compounds",
        "message",
        "suggestion",
    }
)


def _expanded(
    phrases: list[str], data: dict, plurals: bool, compounds: bool = True
) -> tuple[str, ...]:
    spellings = [
        spelling
        for phrase in phrases
        for spelling in expand(
            phrase,
            sets=data.get("sets", {}),
            abbreviations=data.get("abbreviations", {}),
            plurals=plurals,
            compounds=compounds,
        )
    ]
    return tuple(dict.fromkeys(spellings))


@cache
def rules() -> tuple[Rule, ...]:
    data = tomllib.loads(DATA.read_text(encoding="utf-8"))
    loaded = []
    for entry in data["rules"]:
        unknown = set(entry) - RULE_KEYS
        if unknown:  # a misspelt key ("exept") would silently do nothing
            raise ValueError(f"rule {entry.get('id')!r}: unknown keys {sorted(unknown)}")
        plurals = bool(entry.get("plurals", False))
        compounds = bool(entry.get("compounds", True))
        loaded.append(
            Rule(
                id=entry["id"],
                category=entry["category"],
                severity=Severity(entry["severity"]),
                phrases=_expanded(entry["phrases"], data, plurals, compounds),
                except_=_expanded(entry.get("except", []), data, plurals, compounds),
                message=entry["message"],
                suggestion=entry["suggestion"],
                written=tuple(entry["phrases"]),
                unless=_expanded(entry.get("unless", []), data, False),
            )
        )
    return tuple(loaded)


@cache
def _by_first_word() -> tuple[tuple[str, tuple[tuple[int, Rule, str], ...]], ...]:
    """Every spelling of every rule, grouped by its first word: a text is asked once whether a
    first word is there (about 130 of them) instead of once per spelling (about 400)."""
    groups: dict[str, list[tuple[int, Rule, str]]] = {}
    for order, rule in enumerate(rules()):
        for phrase in rule.phrases:
            groups.setdefault(parse_phrase(phrase).parts[0], []).append((order, rule, phrase))
    return tuple((first, tuple(phrases)) for first, phrases in groups.items())


def find(field: str, text: str) -> list[tuple[Rule, Place]]:
    """Every rule occurrence in `text`; overlapping occurrences keep the earliest, longest one
    ("native English speaker" once, not also as "native English")."""
    return list(_cached_find(field, text) if len(text) <= CACHED_TEXT_MAX else _find(field, text))


def _find(field: str, text: str) -> tuple[tuple[Rule, Place], ...]:
    tokens = tokens_of(text)
    if not tokens:
        return ()
    hits: list[tuple[int, int, int, Rule]] = []
    excused: dict[int, set[int]] = {}  # each rule's exceptions, found only once it matched
    for first, phrases in _by_first_word():
        if not tokens.starts(first):  # most first words are absent from most texts
            continue
        for order, rule, phrase in phrases:
            for i, j in variant_spans(text, tokens, phrase):
                if order not in excused:
                    excused[order] = covered(text, tokens, rule.except_)
                if not excused[order].intersection(range(i, j)):
                    hits.append((i, j, order, rule))
    # Earliest, then longest, then the rule listed first in the data file.
    hits.sort(key=lambda hit: (hit[0], -(hit[1] - hit[0]), hit[2]))
    kept: list[tuple[Rule, Place]] = []
    taken = -1  # the last token index a kept occurrence covers
    for i, j, _, rule in hits:
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
    fields = list(text_fields(document))
    for field in fields:
        for rule, place in find(field.key, field.text):
            by_rule.setdefault(rule.id, []).append(place)
    findings = []
    for rule in rules():
        places = by_rule.get(rule.id)
        if not places or (rule.unless and _says_anywhere(fields, rule.unless)):
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
                data={
                    "category": rule.category,
                    "rule": rule.id,
                    "words": words,
                    "count": len(places),
                },
            )
        )
    return findings


def _says_anywhere(fields: list, phrases: tuple[str, ...]) -> bool:
    """Does any field contain one of `phrases` (the context that makes a rule's words fine)?"""
    for field in fields:
        tokens = tokens_of(field.text)
        if any(variant_spans(field.text, tokens, phrase) for phrase in phrases):
            return True
    return False
