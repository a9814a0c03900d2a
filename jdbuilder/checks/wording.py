"""Gender-coded wording: the word stems of Gaucher, Friesen & Kay (2011).

The paper found that job ads worded with more masculine-coded words (agentic: "competitive",
"dominate", "leader") look less appealing to women and make them feel they belong less, while
feminine-coded wording hardly affects men. So the check counts the coded words a manager wrote,
gives a verdict from the difference, and warns only when the wording leans masculine.

Verdict from d = masculine - feminine occurrences (after the false friends in the data file),
scaled by the length of the text: the paper measures gendered wording as a proportion of an ad's
words, not a count, so the lean is d per 1,000 words of the texts checked (at least
`[scoring] min_words` words, so a three-line draft is not read as a dense ad). The verdict is
masculine when d >= 2 and the lean is at least 10 per 1,000 (1 % of the words), strongly
masculine when d >= 3 and at least 20 per 1,000; the same for feminine; otherwise neutral. So a
600-word ad with one "competitive" reads neutral, and a 100-word text with four masculine words
strongly masculine. Occurrences, not distinct words: repeating "lead" three times weighs like
three words, as in the paper's counts. The figures are in `[scoring]` of the data file.

False friends: a word a stem catches is not counted where it names the work rather than the
person. Decided per occurrence by the words around it: the word itself (`tokens`), a phrase it is
part of (`phrases`), the word right before it (`before`: "data-driven", "armed forces") or the
head noun it modifies or its object, one of the next two words after a determiner (`after`:
"aggressive caching", "dominates the runtime", "competitive salary"). So "an aggressive engineer
who likes aggressive caching" still counts the first "aggressive".

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
    DASHES,
    HYPHENS,
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


@dataclass(frozen=True)
class FalseFriends:
    """Words a stem catches that name the work, not the person (see the data file)."""

    tokens: tuple[str, ...] = ()  # patterns for the matched word itself
    phrases: tuple[str, ...] = ()  # the matched word does not count inside these
    before: tuple[str, ...] = ()  # ... nor right after one of these words
    after: tuple[str, ...] = ()  # ... nor before one of these (its head noun or object)
    reason: str = ""


@dataclass(frozen=True)
class WordLists:
    source: dict[str, Any]
    stems: dict[str, tuple[str, ...]]  # "masculine"/"feminine" -> stems in the paper's order
    exceptions: dict[str, FalseFriends]  # stem -> its false friends
    alternatives: dict[str, tuple[str, ...]]  # masculine stem -> neutral wording
    scoring: Scoring


@dataclass(frozen=True)
class Scoring:
    """How the lean is read from the counts and the length (the data file's `[scoring]`)."""

    per: int = 1000  # the lean is counted per this many words
    min_words: int = 100  # shorter texts are read as this long
    lean: float = 10.0  # per `per` words: from here the wording leans
    strong: float = 20.0  # ... and from here it leans strongly
    lean_count: int = 2  # and at least this many more words of one side
    strong_count: int = 3


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
                before=tuple(entry.get("before", ())),
                after=tuple(entry.get("after", ())),
                reason=entry.get("reason", "").strip(),
            )
            for stem, entry in data.get("exceptions", {}).items()
        },
        alternatives={stem: tuple(words) for stem, words in data["alternatives"].items()},
        scoring=Scoring(**data.get("scoring", {})),
    )


@dataclass(frozen=True)
class Match:
    side: str  # masculine or feminine
    stem: str  # the shortest stem that matched: the word family ("domina*" for "dominant")
    place: Place


def lean(masculine: int, feminine: int, words: int) -> float:
    """More masculine than feminine words per `Scoring.per` words (negative: feminine), over
    at least `Scoring.min_words` words."""
    scoring = word_lists().scoring
    return (masculine - feminine) * scoring.per / max(words, scoring.min_words, 1)


def verdict(masculine: int, feminine: int, words: int = 0) -> str:
    """The lean of a text of `words` words with these counts (module docstring)."""
    scoring = word_lists().scoring
    difference = masculine - feminine
    rate = abs(lean(masculine, feminine, words))
    size = abs(difference)
    if size >= scoring.strong_count and rate >= scoring.strong:
        strength = "strong"
    elif size >= scoring.lean_count and rate >= scoring.lean:
        strength = "lean"
    else:
        return NEUTRAL
    if difference > 0:
        return STRONGLY_MASCULINE if strength == "strong" else MASCULINE
    return STRONGLY_FEMININE if strength == "strong" else FEMININE


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
    if rule.before or rule.after:
        text, tokens = phrase_cover.text, phrase_cover.tokens
        if rule.before and _word_before(text, tokens, span.start, rule.before):
            return True
        if rule.after and _head_after(text, tokens, span.stop, rule.after):
            return True
    return any(k in phrase_cover.get(stem) for k in span)


# Words skipped before the head noun or the object: "dominates the runtime", "a competitive and
# fair salary" is not needed; "competitive base salary" is one modifier, within the window.
_DETERMINERS = frozenset(
    ["the", "a", "an", "our", "its", "their", "your", "this", "that", "these", "those", "all"]
)
_HEAD_WINDOW = 2  # the head noun is the next word, or the one after a single modifier
_LINKS = frozenset(" \t\n/" + HYPHENS + DASHES)  # gaps inside one noun phrase; not , . ; :


def _linked(text: str, before: Token, after: Token) -> bool:
    return all(char in _LINKS or char.isspace() for char in text[before.end : after.start])


def _word_before(text: str, tokens: Sequence[Token], i: int, patterns: tuple[str, ...]) -> bool:
    """Is the word right before token `i`, in the same phrase, one of `patterns`?"""
    if i == 0 or not _linked(text, tokens[i - 1], tokens[i]):
        return False
    return any(matches(pattern, tokens[i - 1].key) for pattern in patterns)


def _head_after(text: str, tokens: Sequence[Token], j: int, patterns: tuple[str, ...]) -> bool:
    """Is one of the next `_HEAD_WINDOW` words after token `j - 1` (determiners skipped, not past
    punctuation) one of `patterns`: the noun the word modifies or the object of the verb."""
    seen, k = 0, j
    while k < len(tokens) and seen < _HEAD_WINDOW and _linked(text, tokens[k - 1], tokens[k]):
        key = tokens[k].key
        if key not in _DETERMINERS:
            if any(matches(pattern, key) for pattern in patterns):
                return True
            seen += 1
        k += 1
    return False


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


def _verdict_finding(found: list[Match], words: int) -> Finding:
    masculine = [m for m in found if m.side == MASCULINE]
    feminine = [m for m in found if m.side == FEMININE]
    scoring = word_lists().scoring
    reading = verdict(len(masculine), len(feminine), words)
    per_1000 = round(lean(len(masculine), len(feminine), words), 1)
    counts = (
        f"{len(masculine)} masculine-coded and {len(feminine)} feminine-coded words "
        f"in {words} words"
    )
    data = {
        "verdict": reading,
        "masculine": len(masculine),
        "feminine": len(feminine),
        "difference": len(masculine) - len(feminine),
        "words": words,
        "lean_per_1000": per_1000,
        "thresholds": {"lean": scoring.lean, "strong": scoring.strong, "per": scoring.per},
        "masculine_words": _distinct([m.place.text for m in masculine]),
        "feminine_words": _distinct([m.place.text for m in feminine]),
        "source": "Gaucher, Friesen & Kay (2011), doi:10.1037/a0022530",
    }
    if reading in (MASCULINE, STRONGLY_MASCULINE):
        return Finding(
            kind=KIND,
            severity=Severity.WARNING,
            message=(
                f"The wording reads {reading} ({counts}: {abs(per_1000):g} more masculine "
                f"than feminine per {scoring.per:,}). Masculine-coded job ads are less "
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
    elif reading == NEUTRAL:
        message = f"The wording reads neutral ({counts}): too few to make a lean."
        if len(masculine) == len(feminine):
            message = f"The wording reads neutral ({counts}): they balance."
    else:
        message = (
            f"The wording reads {reading} ({counts}). Feminine-coded wording does not make a "
            "job less appealing to men; no change needed."
        )
    return Finding(kind=KIND, severity=Severity.INFO, message=message, data=data)


def check(document: Document) -> list[Finding]:
    # The word lists are English research; other languages would only produce noise.
    if not document.language.lower().startswith("en"):
        return []
    fields = list(text_fields(document))
    found = [m for field in fields for m in find(field.key, field.text)]
    # The length the lean is measured against: the words of the same texts the coded words
    # are counted in (tokens, as the matching sees them; the tokens are cached for `find`).
    words = sum(len(tokens_of(field.text)) for field in fields)
    families: dict[tuple[str, str], list[Match]] = {}
    for m in found:
        families.setdefault((m.side, m.stem), []).append(m)
    return [_verdict_finding(found, words)] + [
        _word_finding(side, stem, group) for (side, stem), group in families.items()
    ]
