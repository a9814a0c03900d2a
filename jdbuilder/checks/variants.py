"""The spellings of one phrase of a data file, generated rather than listed by hand.

A data entry is written once ("rock star", "recent graduate", "native {language}") and matched in
every spelling real ads use:

- **Sets**: "{name}" stands for each word of the data file's `[sets] name = [...]` list
  ("native {language}" -> "native english", "native german", ...).
- **Abbreviations**: a word with an entry in `[abbreviations]` is also tried as each of its short
  forms ("years" -> "yrs", "graduate" -> "grad"); only words written without "*".
- **Closed compounds**: a two-word phrase is also one word ("rock star" -> "rockstar", "able
  bodied" -> "ablebodied"), unless its rule says `compounds = false` (no one writes
  "nativeenglish"); the hyphenated and spaced spellings need no variant, the matcher treats
  hyphens and spaces alike (tokens.py).
- **Plurals**: for a rule with `plurals = true`, the last word (without "*") also in its plural
  ("guru" -> "gurus", "rock star" -> "rock stars", "rockstar" -> "rockstars").
- **Possessive "'s"**: "driver's" is written as "driver'’ s" for the matcher, so "driver's",
  "driver’s" (typographic apostrophe) are both found; "drivers" needs its own entry.

Inserted adverbs and gaps ("must be able to easily lift") are the matcher's part
(`tokens.variant_spans`), not spellings.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence

_SET = re.compile(r"\{([a-z_]+)\}")
_POSSESSIVE = re.compile(r"(\w)['’]s\b")
_PLAIN_WORD = re.compile(r"[^\W\d_]+")


def plural(word: str) -> str:
    """The regular English plural of a noun ("guru" -> "gurus", "box" -> "boxes", "company" ->
    "companies", "superhero" -> "superheroes"); the data files pluralize regular nouns only."""
    if re.search(r"(s|x|z|ch|sh|hero)$", word):
        return word + "es"
    if re.search(r"[^aeiou]y$", word):
        return word[:-1] + "ies"
    return word + "s"


def expand(
    phrase: str,
    *,
    sets: Mapping[str, Sequence[str]] = {},
    abbreviations: Mapping[str, Sequence[str]] = {},
    plurals: bool = False,
    compounds: bool = True,
) -> tuple[str, ...]:
    """Every spelling of `phrase` (the phrase as written first, no duplicates, in a stable
    order). A "{name}" without a set raises KeyError: a typo in a data file must not pass."""
    spellings: list[str] = []
    for filled in _fill_sets(phrase.strip(), sets):
        for short in _abbreviated(filled, abbreviations):
            forms = [short]
            words = short.split()
            if compounds and _closable(words):
                forms.append(words[0] + words[1])
            if plurals:
                forms += [_pluralized(form) for form in forms]
            spellings += forms
    return tuple(dict.fromkeys(_POSSESSIVE.sub(r"\1'’ s", s.lower()) for s in spellings if s))


def _fill_sets(phrase: str, sets: Mapping[str, Sequence[str]]) -> list[str]:
    names = _SET.findall(phrase)
    if not names:
        return [phrase]
    filled = []
    for values in itertools.product(*(sets[name] for name in names)):
        pieces = _SET.split(phrase)  # text, name, text, name, ..., text
        pieces[1::2] = values
        filled.append("".join(pieces))
    return filled


def _closable(words: list[str]) -> bool:
    """Two plain words, the first without "*": "rock star" -> "rockstar"."""
    return (
        len(words) == 2
        and not words[0].endswith("*")
        and all(_PLAIN_WORD.fullmatch(word.rstrip("*")) for word in words)
    )


def _abbreviated(phrase: str, abbreviations: Mapping[str, Sequence[str]]) -> list[str]:
    choices = [[word, *abbreviations.get(word.lower(), ())] for word in phrase.split(" ")]
    return [" ".join(words) for words in itertools.product(*choices)]


def _pluralized(phrase: str) -> str:
    head, _, last = phrase.rpartition(" ")
    if last.endswith("*") or not _PLAIN_WORD.fullmatch(last):
        return phrase
    return f"{head} {plural(last)}".strip()
