"""Words of a text with their exact offsets, and the two ways checks match them.

A word list only works on real words: "lead*" must find "leadership" but not "misleading", and
"young" must not find "Youngstown". So texts are split into tokens, and patterns are matched
against whole tokens (or runs of tokens for phrases), never against substrings.

- A token is a run of letters, digits and combining marks of any script ("über", "naïve", and
  "Zoë" typed as "e" + U+0308 are one token each). Apostrophes, punctuation and spaces split.
  A soft hyphen (U+00AD) stays inside its word: it is an invisible line-break hint.
- A hyphen ("-", U+2010, U+2011) between two tokens with no space around it splits them too, but
  the second token remembers it was `joined`, so "self-confident" can be matched as one compound
  ("self-confiden*") and "rock-star" as the phrase "rock star".
- A pattern ending in "*" matches tokens that start with the rest; any other pattern matches the
  whole token only. Matching ignores case (casefold) and Unicode normalization form (NFC).
- A phrase is a sequence of patterns matched on consecutive tokens. Between its words the text may
  have any whitespace (line breaks too), hyphens and dashes, and only the punctuation the phrase
  itself writes there: "work hard, play hard" allows a comma after the first "hard" (and matches
  without it too), "recent graduate" matches "recent\n graduate" and "recent-graduate" but not
  "recent, graduate" or "recent. Graduate" ("digital, native apps" is not "digital native").
- `variant_spans` matches a phrase the way real ads vary it (the exclusionary check uses it): one
  adverb may stand between two of its words ("must be able to easily lift", "must be physically
  able to lift"), a word "..." stands for up to `WINDOW` words of the same sentence ("lift ...
  #weight" finds "lift boxes of up to 25 kg"), and a word "#weight" or "#number" matches a
  class of tokens (`CLASSES`: "25kg", "50lbs"; "35"). Plain `phrase_spans` knows none of these.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

HYPHENS = "-\u2010\u2011"
DASHES = "\u2012\u2013\u2014\u2015"  # figure, en, em dash, horizontal bar
SOFT_HYPHEN = "\u00ad"


def _mark_ranges() -> str:
    """A character-class body of every combining mark (Unicode category M*).

    Python's `re` has no \\p{M}, and \\w leaves marks out ("e\\u0308" would split), so the class
    is built from unicodedata once. Planes 0-1 and the variation selectors supplement hold every
    mark Unicode has.
    """
    codepoints = [
        cp
        for cp in (*range(0x20000), *range(0xE0100, 0xE01F0))
        if unicodedata.category(chr(cp)).startswith("M")
    ]
    ranges: list[tuple[int, int]] = []
    for cp in codepoints:
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1] = (ranges[-1][0], cp)
        else:
            ranges.append((cp, cp))
    return "".join(
        re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
        for a, b in ranges
    )


# A token: letters and digits of any script ([^\W_] is \w without "_"), combining marks, and
# soft hyphens inside a word.
_TOKEN = re.compile(rf"(?:[^\W_]|[{_mark_ranges()}{SOFT_HYPHEN}])+")


_PHRASE_SPLIT = re.compile(rf"[\s{re.escape(HYPHENS)}]+")
_PHRASE_PIECE = re.compile(r"([^\w*#]*)(#[a-z]+|(?:[^\W_]|\*)*)([^\w*]*)")
ANY_WORDS = "..."  # a phrase word: up to WINDOW words of the same sentence (variant_spans only)
WINDOW = 6
# Token classes a phrase word "#name" matches (variant_spans and matches): a weight written as
# one token ("25kg", "50lbs", "22.5" is two tokens and ends in the unit word) and a plain number.
CLASSES: dict[str, re.Pattern[str]] = {
    "#number": re.compile(r"\d{1,3}"),
    "#weight": re.compile(r"\d+(?:lbs?|kgs?|kilos?|kilograms?|pounds?)"),
}
_ALWAYS_IN_GAPS = frozenset(HYPHENS + DASHES)


@dataclass(frozen=True, slots=True)
class Token:
    text: str  # exactly text[start:end]
    start: int
    end: int
    joined: bool  # follows the previous token across a single hyphen ("self-confident")
    key: str  # normalize(text): what patterns are compared with


def normalize(word: str) -> str:
    """The form words and patterns are compared in: NFC, casefolded, soft hyphens removed."""
    if word.isascii():  # most words: ASCII is NFC already, and casefolds as it lowercases
        return word.lower()
    return unicodedata.normalize("NFC", word).casefold().replace(SOFT_HYPHEN, "")


class Tokens(list):
    """The tokens of one text (a list of `Token`), with an index of where each key stands.

    The checks look for about a hundred phrases in each text; scanning every token for each
    phrase was most of their time. The index, built on first use, gives each phrase's candidate
    starts directly: the tokens whose key equals (or, for "lead*", starts with) its first word.
    """

    __slots__ = ("_index",)

    def starts(self, pattern: str) -> list[int]:
        """Indices, ascending, of the tokens whose key matches `pattern` (see `matches`)."""
        if not hasattr(self, "_index"):
            self._index = _KeyIndex(self)
        return self._index.starts(pattern)


class _KeyIndex:
    def __init__(self, tokens: Sequence[Token]) -> None:
        self.count = len(tokens)
        self.by_key: dict[str, list[int]] = {}
        for i, token in enumerate(tokens):
            self.by_key.setdefault(token.key, []).append(i)
        self.keys = sorted(self.by_key)
        self.memo: dict[str, list[int]] = {}

    def starts(self, pattern: str) -> list[int]:
        found = self.memo.get(pattern)
        if found is None:
            found = self.memo[pattern] = self._starts(pattern)
        return found

    def _starts(self, pattern: str) -> list[int]:
        stem, prefix = _pattern(pattern)
        if not prefix:
            return self.by_key.get(stem, [])
        if not stem:  # a lone "*": any word
            return list(range(self.count))
        found: list[int] = []
        k = bisect_left(self.keys, stem)
        while k < len(self.keys) and self.keys[k].startswith(stem):
            found += self.by_key[self.keys[k]]
            k += 1
        return sorted(found)


def tokenize(text: str) -> Tokens:
    tokens = Tokens()
    for found in _TOKEN.finditer(text):
        start, end = found.span()
        joined = bool(tokens and tokens[-1].end == start - 1 and text[start - 1] in HYPHENS)
        tokens.append(Token(found.group(), start, end, joined, normalize(found.group())))
    return tokens


# Texts longer than this are not kept by the checks' caches (a few hostile or pasted texts must
# not fill a worker's memory); real fields are far shorter.
CACHED_TEXT_MAX = 4000


def tokens_of(text: str) -> Tokens:
    """`tokenize(text)`, shared by the checks that read the same text (treat it as read-only):
    the last few texts' tokens are kept, so a document's run of checks tokenizes each once."""
    return _recent_tokens(text) if len(text) <= CACHED_TEXT_MAX else tokenize(text)


_recent_tokens = lru_cache(maxsize=64)(tokenize)


def compounds(tokens: Sequence[Token]) -> Iterator[tuple[int, int]]:
    """Token index ranges [i, j) of hyphen-joined runs; a lone word is a run of one."""
    i = 0
    while i < len(tokens):
        j = i + 1
        while j < len(tokens) and tokens[j].joined:
            j += 1
        yield i, j
        i = j


@cache
def _pattern(pattern: str) -> tuple[str, bool]:
    prefix = pattern.endswith("*")
    return normalize(pattern.rstrip("*")), prefix


def matches(pattern: str, key: str) -> bool:
    """Does a normalized token `key` match `pattern` ("lead*" = starts with, "kind" = equals)?"""
    stem, prefix = _pattern(pattern)
    if prefix:
        return key.startswith(stem)
    if stem[:1] == "#":  # a class; "#" never starts a key, so a plain word is compared at once
        return CLASSES[stem].fullmatch(key) is not None
    return key == stem


@dataclass(frozen=True)
class Phrase:
    parts: tuple[str, ...]  # one token pattern per word
    allowed: tuple[frozenset[str], ...]  # punctuation allowed after each word (len(parts) - 1)


@cache
def parse_phrase(phrase: str) -> Phrase:
    """A phrase as data files write it: words split at spaces and hyphens, each a pattern
    ("rock star", "able-bodied", "recent graduate*"; "native * speaker*", where a lone "*" stands
    for any one word). Punctuation written between two words ("work hard, play hard",
    "trust & safety") is allowed there in the text, not required."""
    parts: list[str] = []
    allowed: list[set[str]] = []
    for piece in _PHRASE_SPLIT.split(phrase):
        if piece == ANY_WORDS:
            if not parts:
                raise ValueError(f"a phrase cannot start with {ANY_WORDS!r}: {phrase!r}")
            parts.append(ANY_WORDS)
            allowed.append(set())
            continue
        found = _PHRASE_PIECE.fullmatch(piece)
        if found is None:
            raise ValueError(f"phrase word is not one token: {piece!r} in {phrase!r}")
        before, word, after = found.groups()
        if before and parts:
            allowed[-1].update(before)
        if word:
            parts.append(word)
            allowed.append(set())
        if after and parts:
            allowed[-1].update(after)
    if not parts:
        raise ValueError(f"phrase without words: {phrase!r}")
    if parts[-1] == ANY_WORDS:
        raise ValueError(f"a phrase cannot end with {ANY_WORDS!r}: {phrase!r}")
    unknown = [part for part in parts if part.startswith("#") and part not in CLASSES]
    if unknown:
        raise ValueError(f"unknown token class {unknown[0]!r} in {phrase!r}")
    return Phrase(tuple(parts), tuple(frozenset(chars) for chars in allowed[:-1]))


def phrase_parts(phrase: str) -> tuple[str, ...]:
    return parse_phrase(phrase).parts


def _gap_ok(gap: str, allowed: frozenset[str]) -> bool:
    return all(char.isspace() or char in _ALWAYS_IN_GAPS or char in allowed for char in gap)


def find_phrase(text: str, tokens: Sequence[Token], phrase: str) -> Iterator[tuple[int, int]]:
    """Token index ranges [i, j) where `phrase` occurs in `tokens` (the tokens of `text`)."""
    return iter(phrase_spans(text, tokens, phrase))


def phrase_spans(text: str, tokens: Sequence[Token], phrase: str) -> list[tuple[int, int]]:
    """`find_phrase` as a list, in ascending order (empty at once when the first word is absent)."""
    parsed = parse_phrase(phrase)
    parts, n = parsed.parts, len(parsed.parts)
    # Only the tokens matching the first word can start an occurrence (most texts have none).
    if isinstance(tokens, Tokens):
        candidates: Sequence[int] = tokens.starts(parts[0])
        if not candidates:
            return []
    else:
        candidates = [i for i, token in enumerate(tokens) if matches(parts[0], token.key)]
    last = len(tokens) - n  # the last index an occurrence can start at
    spans = []
    for i in candidates:
        if i > last:
            break
        if all(matches(parts[k], tokens[i + k].key) for k in range(1, n)) and all(
            _gap_ok(text[tokens[i + k].end : tokens[i + k + 1].start], parsed.allowed[k])
            for k in range(n - 1)
        ):
            spans.append((i, i + n))
    return spans


def covered(text: str, tokens: Sequence[Token], phrases: Sequence[str]) -> set[int]:
    """Indices of the tokens that are part of an occurrence of any of `phrases`."""
    return {
        k for phrase in phrases for i, j in phrase_spans(text, tokens, phrase) for k in range(i, j)
    }


# Words that end in "-ly" but are not adverbs a writer slips into a phrase ("early", "family").
_NOT_ADVERBS = frozenset(
    [
        "only",
        "early",
        "daily",
        "weekly",
        "monthly",
        "yearly",
        "hourly",
        "quarterly",
        "family",
        "elderly",
        "friendly",
        "likely",
        "supply",
        "apply",
        "reply",
        "italy",
        "july",
        "assembly",
        "anomaly",
    ]
)
_ADVERBS = frozenset(
    [
        "very",
        "also",
        "always",
        "often",
        "still",
        "even",
        "just",
        "quite",
        "fully",
        "truly",
        "really",
    ]
)
# What may stand between the words "..." skips: anything but the end of a sentence.
# (A gap is always followed by a token, so a "." at its very end is inside "22.5" or "e.g.x".)
_SENTENCE_END = re.compile(r"[.!?;:]\s|[!?;\n]")


def is_adverb(key: str) -> bool:
    """A word that can be inserted into a phrase without changing what it asks for: "-ly" words
    ("easily", "highly", "physically") and a few common adverbs ("very", "always")."""
    if key in _ADVERBS:
        return True
    return len(key) >= 5 and key.endswith("ly") and key not in _NOT_ADVERBS


def variant_spans(text: str, tokens: Sequence[Token], phrase: str) -> list[tuple[int, int]]:
    """Token index ranges [i, j) where `phrase` occurs, allowing one adverb between two of its
    words, "..." for up to WINDOW words of one sentence and "#class" words (module docstring).
    Each start gives its shortest occurrence; ascending order."""
    parsed = parse_phrase(phrase)
    first = parsed.parts[0]
    if isinstance(tokens, Tokens):
        candidates: Sequence[int] = tokens.starts(first)
    else:
        candidates = [i for i, token in enumerate(tokens) if matches(first, token.key)]
    spans = []
    for i in candidates:
        end = _rest(text, tokens, parsed, 1, i, False)
        if end is not None:
            spans.append((i, end))
    return spans


def _rest(
    text: str, tokens: Sequence[Token], parsed: Phrase, k: int, last: int, skipped: bool
) -> int | None:
    """The end (exclusive) of the shortest match of parts[k:] right after token `last`."""
    parts = parsed.parts
    if k == len(parts):
        return last + 1
    if parts[k] == ANY_WORDS:  # never last: parse_phrase refuses it
        for t in range(last + 1, min(last + 2 + WINDOW, len(tokens))):
            if _SENTENCE_END.search(text[tokens[t - 1].end : tokens[t].start]):
                return None
            if matches(parts[k + 1], tokens[t].key):
                end = _rest(text, tokens, parsed, k + 2, t, skipped)
                if end is not None:
                    return end
        return None
    allowed = parsed.allowed[k - 1]
    t = last + 1
    if t >= len(tokens):
        return None
    if matches(parts[k], tokens[t].key) and _gap_ok(
        text[tokens[last].end : tokens[t].start], allowed
    ):
        end = _rest(text, tokens, parsed, k + 1, t, skipped)
        if end is not None:
            return end
    # One adverb between two words of the phrase, at most once per occurrence.
    if (
        not skipped
        and t + 1 < len(tokens)
        and is_adverb(tokens[t].key)
        and matches(parts[k], tokens[t + 1].key)
        and _gap_ok(text[tokens[last].end : tokens[t].start], allowed)
        and _gap_ok(text[tokens[t].end : tokens[t + 1].start], frozenset())
    ):
        return _rest(text, tokens, parsed, k + 1, t + 1, True)
    return None
