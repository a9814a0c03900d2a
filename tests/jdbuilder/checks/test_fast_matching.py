"""The indexed phrase matching (tokens.Tokens, phrase_spans, variant_spans) and the checks'
per-text caches give exactly what the straightforward scan gives: every phrase of the data files
(with their generated spellings), on random texts made of their own words, adverbs, numbers,
hyphens, punctuation and line breaks. And a whole document is still checked fast."""

from __future__ import annotations

import time
import unicodedata
from collections.abc import Sequence

from hypothesis import given, settings
from hypothesis import strategies as st

from jdbuilder.checks import exclusionary, tokens, wording
from jdbuilder.checks.findings import Place
from jdbuilder.checks.tokens import (
    ANY_WORDS,
    WINDOW,
    Token,
    covered,
    find_phrase,
    is_adverb,
    matches,
    parse_phrase,
    phrase_spans,
    tokenize,
    variant_spans,
)
from tests.jdbuilder.checks.builders import realistic_document


def reference_find_phrase(text: str, toks: Sequence[Token], phrase: str) -> list[tuple[int, int]]:
    """The scan as it was: every token tried as the start of every phrase."""
    parsed = parse_phrase(phrase)
    parts, n = parsed.parts, len(parsed.parts)
    found = []
    for i in range(len(toks) - n + 1):
        if all(matches(parts[k], toks[i + k].key) for k in range(n)) and all(
            tokens._gap_ok(text[toks[i + k].end : toks[i + k + 1].start], parsed.allowed[k])
            for k in range(n - 1)
        ):
            found.append((i, i + n))
    return found


def _sentence_end(gap: str) -> bool:
    return any(c in "!?;\n" for c in gap) or any(
        c in ".:" and gap[n + 1 : n + 2].isspace() for n, c in enumerate(gap)
    )


def reference_variant_spans(text: str, toks: Sequence[Token], phrase: str) -> list[tuple[int, int]]:
    """variant_spans as a plain scan: from every token, the set of states reachable token by
    token (part reached, adverb used, words skipped by "..."), the first end that completes."""
    parsed = parse_phrase(phrase)
    parts, n = parsed.parts, len(parsed.parts)
    found = []
    for i in range(len(toks)):
        if not matches(parts[0], toks[i].key):
            continue
        # A state: (k, adverb used, in_dots words skipped so far or -1); k parts matched.
        states = {(1, False, -1)}
        t = i + 1
        end = None
        while states and end is None:
            if any(k == n for k, _, _ in states):
                end = t
                break
            if t >= len(toks):
                break
            gap = text[toks[t - 1].end : toks[t].start]
            key = toks[t].key
            nxt = set()
            for k, used, skipped in states:
                if parts[k] == ANY_WORDS:
                    if _sentence_end(gap):
                        continue
                    if matches(parts[k + 1], key):
                        nxt.add((k + 2, used, -1))
                    if skipped + 1 < WINDOW:
                        nxt.add((k, used, skipped + 1))
                    continue
                plain_gap = tokens._gap_ok(gap, parsed.allowed[k - 1])
                if skipped == -2:  # after an adverb: the gap before it was checked
                    plain_gap = tokens._gap_ok(gap, frozenset())
                if plain_gap and matches(parts[k], key):
                    nxt.add((k + 1, used, -1))
                if not used and skipped != -2 and plain_gap and is_adverb(key):
                    nxt.add((k, True, -2))
            states = nxt
            t += 1
        if end is not None:
            found.append((i, end))
    return found


def reference_exclusionary(field: str, text: str) -> list[tuple[exclusionary.Rule, Place]]:
    """exclusionary.find as it was: every rule's exceptions found first, then its phrases."""
    toks = list(tokenize(text))
    hits = []
    for rule in exclusionary.rules():
        excused = {
            k
            for phrase in rule.except_
            for i, j in reference_find_phrase(text, toks, phrase)
            for k in range(i, j)
        }
        for phrase in rule.phrases:
            for i, j in reference_variant_spans(text, toks, phrase):
                if not excused.intersection(range(i, j)):
                    hits.append((i, j, rule))
    hits.sort(key=lambda hit: (hit[0], -(hit[1] - hit[0])))
    kept, taken = [], -1
    for i, j, rule in hits:
        if i <= taken:
            continue
        taken = j - 1
        start, end = toks[i].start, toks[j - 1].end
        kept.append((rule, Place(field, start, end, text[start:end])))
    return kept


def all_phrases() -> list[str]:
    phrases = [p for rule in exclusionary.rules() for p in (*rule.phrases, *rule.except_)]
    phrases += [p for e in wording.word_lists().exceptions.values() for p in e.phrases]
    return sorted(set(phrases))


PHRASES = all_phrases()
# Words the phrases and stems use (a stem's "*" dropped, sometimes a suffix added), so random
# texts hit them often; plus neutral words.
VOCABULARY = sorted(
    {word.strip("*,.&;:!?'’\"()#").lower() for p in PHRASES for word in p.split()} - {""}
    | {s.rstrip("*") for stems in wording.word_lists().stems.values() for s in stems}
    | {"team", "data", "we", "build", "Youngstown", "misleading", "the", "and"}
    | {"easily", "physically", "very", "early", "25", "50lbs", "kg", "22.5"}
)
single_words = st.sampled_from(VOCABULARY).flatmap(
    lambda w: st.sampled_from([w, w.upper(), w.capitalize(), w + "ing", w + "s"])
)
# Whole phrases too (a lone "*" written as some word), so multi-word phrases occur.
whole_phrases = st.sampled_from(PHRASES).map(
    lambda p: (
        p.replace(" * ", " any ")
        .replace(" ... ", " of up to ")
        .replace("#weight", "25kg")
        .replace("#number", "30")
        .replace("'’ s", "'s")
        .rstrip("*")
    )
)
words = st.one_of(single_words, single_words, whole_phrases)
gaps = st.sampled_from([" ", " ", " ", "  ", "\n", "-", " - ", ", ", ". ", " & ", "—", "\u00ad"])
texts = st.lists(st.tuples(words, gaps), max_size=40).map(
    lambda pairs: "".join(w + g for w, g in pairs)
)


@settings(max_examples=300, deadline=None)
@given(text=texts, picked=st.lists(st.sampled_from(PHRASES), min_size=1, max_size=30))
def test_indexed_phrase_matching_is_the_plain_scan(text, picked):
    indexed = tokenize(text)
    plain = list(indexed)  # a plain list takes the scanning path
    for phrase in picked:
        expected = reference_find_phrase(text, plain, phrase)
        assert phrase_spans(text, indexed, phrase) == expected
        assert list(find_phrase(text, indexed, phrase)) == expected
        assert phrase_spans(text, plain, phrase) == expected
    assert covered(text, indexed, picked) == covered(text, plain, picked)
    for phrase in picked:
        expected = reference_variant_spans(text, plain, phrase)
        assert variant_spans(text, indexed, phrase) == expected
        assert variant_spans(text, plain, phrase) == expected


@settings(max_examples=200, deadline=None)
@given(text=texts)
def test_exclusionary_find_is_the_reference_and_the_cache_changes_nothing(text):
    expected = reference_exclusionary("summary", text)
    assert exclusionary.find("summary", text) == expected
    assert exclusionary.find("summary", text) == expected  # served from the cache
    exclusionary._cached_find.cache_clear()
    assert exclusionary.find("summary", text) == expected


@settings(max_examples=200, deadline=None)
@given(text=texts)
def test_wording_find_is_the_same_cached_or_not(text):
    first = wording.find("summary", text)
    wording._cached_find.cache_clear()
    tokens._recent_tokens.cache_clear()
    assert wording.find("summary", text) == first
    # Each call gives its own list: a caller changing it cannot change the cached result.
    first.clear()
    assert wording.find("summary", text) == wording.find("summary", text)


def test_a_lone_star_first_word_matches_any_word():
    text = "native French speaker"
    assert phrase_spans(text, tokenize(text), "* French") == [(0, 2)]
    assert phrase_spans(text, tokenize(text), "* speaker") == [(1, 3)]


def test_long_texts_are_checked_alike_but_not_kept():
    text = "We want a rockstar ninja who is a digital native. " * 100
    assert len(text) > tokens.CACHED_TEXT_MAX
    exclusionary._cached_find.cache_clear()
    wording._cached_find.cache_clear()
    found = exclusionary.find("summary", text)
    assert found == reference_exclusionary("summary", text) and len(found) == 300
    assert wording.find("summary", text) == list(wording._find("summary", text))
    assert exclusionary._cached_find.cache_info().currsize == 0
    assert wording._cached_find.cache_info().currsize == 0


@settings(max_examples=300, deadline=None)
@given(word=st.text(min_size=1, max_size=12))
def test_the_ascii_shortcut_of_normalize_is_the_full_rule(word):
    full = unicodedata.normalize("NFC", word).casefold().replace(tokens.SOFT_HYPHEN, "")
    assert tokens.normalize(word) == full
    assert (
        tokens.normalize(word.encode("ascii", "ignore").decode())
        == unicodedata.normalize("NFC", word.encode("ascii", "ignore").decode()).casefold()
    )


def test_variant_spans_reference_on_known_cases():
    # The reference itself, on the cases the matcher must get right.
    for text, phrase, expected in [
        ("must be able to easily lift", "must be able to lift", [(0, 6)]),
        ("must be able to not lift", "must be able to lift", []),
        ("lift boxes of up to 25 kg", "lift* ... kg", [(0, 7)]),
        ("lift a b c d e f g kg", "lift* ... kg", []),
        ("lift morale. 25 kg", "lift* ... kg", []),
    ]:
        toks = tokenize(text)
        assert reference_variant_spans(text, toks, phrase) == expected, (text, phrase)
        assert variant_spans(text, toks, phrase) == expected, (text, phrase)


def test_a_whole_document_is_still_checked_fast():
    # The wording checks' share of a live preview: a full posting whose texts were never seen
    # (the per-text caches empty), with about 400 generated spellings to match. About 2 ms on a
    # laptop; the budget leaves room for a slow CI machine.
    doc = realistic_document()
    exclusionary.check(doc), wording.check(doc)  # the data files loaded
    timings = []
    for _ in range(5):
        exclusionary._cached_find.cache_clear()
        wording._cached_find.cache_clear()
        tokens._recent_tokens.cache_clear()
        started = time.perf_counter()
        exclusionary.check(doc)
        wording.check(doc)
        timings.append(time.perf_counter() - started)
    assert min(timings) < 0.02, timings
