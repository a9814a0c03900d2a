"""Gender-coded wording: the word stems of Gaucher, Friesen & Kay (2011).

The paper found that job ads worded with more masculine-coded words (agentic: "competitive",
"dominate", "leader") look less appealing to women and make them feel they belong less, while
feminine-coded wording hardly affects men. So the check counts the coded words a manager wrote,
gives a verdict from the difference, and warns only when the wording leans masculine.

Verdict from d = masculine - feminine occurrences (after the false friends in the data file):
d >= 3 strongly masculine, d in 1..2 masculine, d = 0 neutral, d in -2..-1 feminine,
d <= -3 strongly feminine. Occurrences, not distinct words: repeating "lead" three times weighs
like three words, as in the paper's counts.

Findings:
- one verdict finding (kind "gender-coded", data["verdict"]): a WARNING whose places are every
  masculine-coded word when the verdict is (strongly) masculine; otherwise INFO;
- one INFO finding per coded word family (stem) with its places, its alternatives as the
  suggestion for masculine words, and data["coded"] = "masculine" or "feminine".
The warning is counted once per document (not per word), because the research is about the
overall lean of an ad, not any single word.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from jdbuilder.checks.findings import Finding, Place, Severity, text_fields
from jdbuilder.checks.tokens import (
    CACHED_TEXT_MAX,
    Token,
    compounds,
    covered,
    matches,
    tokens_of,
)
from jdbuilder.document import Document

DATA = Path(__file__).parent / "data" / "gaucher_2011.toml"
KIND = "gender-coded"
MASCULINE, FEMININE = "masculine", "feminine"

STRONGLY_MASCULINE = "strongly masculine"
NEUTRAL = "neutral"
STRONGLY_FEMININE = "strongly feminine"
STRONG = 3  # |masculine - feminine| from which the lean is "strong"


@dataclass(frozen=True)
class FalseFriends:
    """Words a stem catches that name the work, not the person (see the data file)."""

    tokens: tuple[str, ...] = ()  # patterns for the matched word itself
    phrases: tuple[str, ...] = ()  # the matched word does not count inside these
    reason: str = ""


@dataclass(frozen=True)
class WordLists:
    source: dict[str, Any]
    stems: dict[str, tuple[str, ...]]  # "masculine"/"feminine" -> stems in the paper's order
    exceptions: dict[str, FalseFriends]  # stem -> its false friends
    alternatives: dict[str, tuple[str, ...]]  # masculine stem -> neutral wording


@cache
def word_lists() -> WordLists:
    data = tomllib.loads(DATA.read_text(encoding="utf-8"))
    return WordLists(
        source=data["source"],
        stems={side: tuple(data[side]["stems"]) for side in (MASCULINE, FEMININE)},
        exceptions={
            stem: FalseFriends(
                tokens=tuple(entry.get("tokens", ())),
                phrases=tuple(entry.get("phrases", ())),
                reason=entry.get("reason", "").strip(),
            )
            for stem, entry in data.get("exceptions", {}).items()
        },
        alternatives={stem: tuple(words) for stem, words in data["alternatives"].items()},
    )


@dataclass(frozen=True)
class Match:
    side: str  # masculine or feminine
    stem: str  # the shortest stem that matched: the word family ("domina*" for "dominant")
    place: Place


def verdict(masculine: int, feminine: int) -> str:
    difference = masculine - feminine
    if difference >= STRONG:
        return STRONGLY_MASCULINE
    if difference > 0:
        return MASCULINE
    if difference <= -STRONG:
        return STRONGLY_FEMININE
    if difference < 0:
        return FEMININE
    return NEUTRAL


@lru_cache(maxsize=8192)  # the same words recur across fields and documents
def _stems_matching(keys: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """(side, stem) pairs for which any of `keys` (forms of one word) matches the stem."""
    lists = word_lists()
    return tuple(
        (side, stem)
        for side, stems in lists.stems.items()
        for stem in stems
        if any(matches(stem, key) for key in keys)
    )


def _excused(stem: str, key: str, span: range, phrase_cover: _PhraseCover) -> bool:
    rule = word_lists().exceptions.get(stem)
    if rule is None:
        return False
    if any(matches(pattern, key) for pattern in rule.tokens):
        return True
    return any(k in phrase_cover.get(stem) for k in span)


class _PhraseCover:
    """The tokens inside each stem's false-friend phrases, found for a stem when first asked:
    most texts have no coded word, so most stems are never asked about."""

    def __init__(self, text: str, tokens: Sequence[Token]) -> None:
        self.text, self.tokens = text, tokens
        self.found: dict[str, set[int]] = {}

    def get(self, stem: str) -> set[int]:
        if stem not in self.found:
            rule = word_lists().exceptions.get(stem)
            phrases = rule.phrases if rule is not None else ()
            self.found[stem] = covered(self.text, self.tokens, phrases) if phrases else set()
        return self.found[stem]


def find(field: str, text: str) -> list[Match]:
    """Every gender-coded word of `text`, as places in `field`, false friends left out."""
    return list(_cached_find(field, text) if len(text) <= CACHED_TEXT_MAX else _find(field, text))


def _find(field: str, text: str) -> tuple[Match, ...]:
    tokens = tokens_of(text)
    if not tokens:
        return ()
    phrase_cover = _PhraseCover(text, tokens)
    found: list[Match] = []
    for i, j in compounds(tokens):
        # A hyphenated compound is first matched whole, with and without its hyphens
        # ("self-confident" -> "self-confiden*", "co-operative" -> "cooperat*"); only if that
        # fails are its parts matched one by one ("customer-supportive" -> "support*").
        candidates: list[tuple[int, int, str]] = []
        if j - i > 1:
            whole = _stems_matching(_compound_keys(tokens[i:j]))
            if whole:
                candidates = [(i, j, "-".join(t.key for t in tokens[i:j]))]
        if not candidates:
            candidates = [(k, k + 1, tokens[k].key) for k in range(i, j)]
        for a, b, key in candidates:
            keys = _compound_keys(tokens[a:b])
            hits = _stems_matching(keys)
            if not hits or any(_excused(stem, key, range(a, b), phrase_cover) for _, stem in hits):
                continue
            # The broadest family names the word: "domina*" for "dominant", and for equal lengths
            # the stem with "*" ("interpersona*" over "interpersonal").
            side, stem = min(hits, key=lambda hit: (len(hit[1].rstrip("*")), "*" not in hit[1]))
            start, end = tokens[a].start, tokens[b - 1].end
            found.append(Match(side, stem, Place(field, start, end, text[start:end])))
    return tuple(found)


# A document's texts recur from one request to the next (the preview and each save rescore
# the whole document when one field changed): their findings are kept, by field and text.
_cached_find = lru_cache(maxsize=1024)(_find)


def _compound_keys(tokens: Sequence[Token]) -> tuple[str, ...]:
    if len(tokens) == 1:
        return (tokens[0].key,)
    keys = [token.key for token in tokens]
    return ("-".join(keys), "".join(keys))


def _quoted(words: Sequence[str]) -> str:
    return ", ".join(f'"{word}"' for word in words)


def _distinct(words: Sequence[str]) -> list[str]:
    """Words as written, each once, first spelling kept (case-insensitively)."""
    seen: dict[str, str] = {}
    for word in words:
        seen.setdefault(word.casefold(), word)
    return list(seen.values())


def _word_finding(side: str, stem: str, occurrences: list[Match]) -> Finding:
    words = _distinct([m.place.text for m in occurrences])
    times = f" ({len(occurrences)} times)" if len(occurrences) > 1 else ""
    data: dict[str, Any] = {
        "coded": side,
        "stem": stem,
        "words": words,
        "count": len(occurrences),
    }
    if side == MASCULINE:
        alternatives = word_lists().alternatives.get(stem, ())
        data["alternatives"] = list(alternatives)
        message = f"Masculine-coded word: {_quoted(words)}{times}."
        if alternatives:
            suggestion = f"Instead of {_quoted(words)}, try {_quoted(alternatives)}."
        else:
            suggestion = f"Leave out {_quoted(words)}: it describes a temperament, not the work."
    else:
        message = (
            f"Feminine-coded word: {_quoted(words)}{times}. Research finds feminine-coded wording "
            "does not put men off; no change needed."
        )
        suggestion = ""
    return Finding(
        kind=KIND,
        severity=Severity.INFO,
        message=message,
        places=tuple(m.place for m in occurrences),
        suggestion=suggestion,
        data=data,
    )


def _verdict_finding(found: list[Match]) -> Finding:
    masculine = [m for m in found if m.side == MASCULINE]
    feminine = [m for m in found if m.side == FEMININE]
    lean = verdict(len(masculine), len(feminine))
    counts = f"{len(masculine)} masculine-coded and {len(feminine)} feminine-coded words"
    data = {
        "verdict": lean,
        "masculine": len(masculine),
        "feminine": len(feminine),
        "difference": len(masculine) - len(feminine),
        "masculine_words": _distinct([m.place.text for m in masculine]),
        "feminine_words": _distinct([m.place.text for m in feminine]),
        "source": "Gaucher, Friesen & Kay (2011), doi:10.1037/a0022530",
    }
    if lean in (MASCULINE, STRONGLY_MASCULINE):
        return Finding(
            kind=KIND,
            severity=Severity.WARNING,
            message=(
                f"The wording reads {lean} ({counts}). Masculine-coded job ads are less "
                "appealing to women (Gaucher, Friesen & Kay, 2011)."
            ),
            places=tuple(m.place for m in masculine),
            suggestion=(
                "Replace some masculine-coded words with neutral ones: "
                + _quoted(data["masculine_words"])
                + "."
            ),
            data=data,
        )
    if not found:
        message = "The wording reads neutral: no gender-coded words."
    elif lean == NEUTRAL:
        message = f"The wording reads neutral ({counts})."
    else:
        message = (
            f"The wording reads {lean} ({counts}). Feminine-coded wording does not make a job "
            "less appealing to men; no change needed."
        )
    return Finding(kind=KIND, severity=Severity.INFO, message=message, data=data)


def check(document: Document) -> list[Finding]:
    # The word lists are English research; other languages would only produce noise.
    if not document.language.lower().startswith("en"):
        return []
    found = [m for field in text_fields(document) for m in find(field.key, field.text)]
    families: dict[tuple[str, str], list[Match]] = {}
    for m in found:
        families.setdefault((m.side, m.stem), []).append(m)
    return [_verdict_finding(found)] + [
        _word_finding(side, stem, group) for (side, stem), group in families.items()
    ]
