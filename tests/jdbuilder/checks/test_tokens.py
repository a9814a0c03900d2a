"""The shared tokenizer: real words with exact offsets, and how patterns and phrases match."""

from __future__ import annotations

import unicodedata

import pytest

from jdbuilder.checks.tokens import (
    Phrase,
    compounds,
    covered,
    find_phrase,
    matches,
    normalize,
    parse_phrase,
    phrase_parts,
    tokenize,
)


def words(text: str) -> list[str]:
    return [token.text for token in tokenize(text)]


def phrase_texts(text: str, phrase: str) -> list[str]:
    tokens = tokenize(text)
    return [text[tokens[i].start : tokens[j - 1].end] for i, j in find_phrase(text, tokens, phrase)]


class TestTokenize:
    def test_offsets_slice_the_text(self):
        text = "  Lead the team,\nand  mentor\tothers. "
        tokens = tokenize(text)
        assert [t.text for t in tokens] == ["Lead", "the", "team", "and", "mentor", "others"]
        for token in tokens:
            assert text[token.start : token.end] == token.text

    @pytest.mark.parametrize(
        "text, expected",
        [
            ("über naïve Zoë", ["über", "naïve", "Zoë"]),
            ("Ångström café façade", ["Ångström", "café", "façade"]),
            ("Привет мир", ["Привет", "мир"]),
            ("ελληνικά λέξεις", ["ελληνικά", "λέξεις"]),
        ],
    )
    def test_letters_of_any_script_stay_inside_tokens(self, text, expected):
        assert words(text) == expected

    def test_combining_marks_stay_inside_tokens(self):
        # "Zoë" typed as "e" + COMBINING DIAERESIS (NFD), as some keyboards and pastes do.
        text = "Zoe\u0308 and nai\u0308ve"
        assert words(text) == ["Zoe\u0308", "and", "nai\u0308ve"]
        assert tokenize(text)[0].key == normalize("Zoë") == "zoë"
        assert unicodedata.is_normalized("NFC", tokenize(text)[2].key)

    def test_digits_are_part_of_tokens(self):
        assert words("a 10x engineer, B2B and 24/7") == [
            "a",
            "10x",
            "engineer",
            "B2B",
            "and",
            "24",
            "7",
        ]

    def test_punctuation_apostrophes_and_underscores_split(self):
        assert words("leader's (lead)/co_operate don't") == [
            "leader", "s", "lead", "co", "operate", "don", "t",
        ]  # fmt: skip

    def test_hyphen_joins_a_compound_but_splits_tokens(self):
        tokens = tokenize("self-confident co\u2010operative non\u2011stop")
        assert [t.text for t in tokens] == ["self", "confident", "co", "operative", "non", "stop"]
        assert [t.joined for t in tokens] == [False, True, False, True, False, True]
        assert list(compounds(tokens)) == [(0, 2), (2, 4), (4, 6)]

    @pytest.mark.parametrize("text", ["self - confident", "self -confident", "self- confident"])
    def test_spaced_hyphens_and_dashes_do_not_join(self, text):
        assert not any(t.joined for t in tokenize(text))

    def test_en_and_em_dashes_do_not_join(self):
        assert not any(t.joined for t in tokenize("design–build and fast—always"))

    def test_a_soft_hyphen_stays_inside_the_word_and_out_of_its_key(self):
        (token,) = tokenize("lead\u00adership")
        assert token.text == "lead\u00adership" and token.key == "leadership"

    def test_empty_and_blank_texts_have_no_tokens(self):
        assert tokenize("") == [] and tokenize(" \n\t—, ") == []


class TestMatches:
    @pytest.mark.parametrize(
        "pattern, word, expected",
        [
            ("lead*", "leadership", True),
            ("lead*", "lead", True),
            ("lead*", "LEADING", True),
            ("lead*", "misleading", False),
            ("domina*", "dominates", True),
            ("kind", "kind", True),
            ("kind", "Kind", True),
            ("kind", "kindness", False),
            ("kind", "kindergarten", False),
            ("young", "Youngstown", False),
            ("strasse", "Straße", True),  # casefolded
        ],
    )
    def test_star_means_starts_with_otherwise_the_whole_word(self, pattern, word, expected):
        assert matches(pattern, normalize(word)) is expected


class TestPhrases:
    def test_phrase_parts_split_at_spaces_and_hyphens_and_keep_stars(self):
        assert phrase_parts("rock star") == ("rock", "star")
        assert phrase_parts("able-bodied") == ("able", "bodied")
        assert phrase_parts("recent graduate*") == ("recent", "graduate*")
        assert phrase_parts("native * speaker*") == ("native", "*", "speaker*")
        with pytest.raises(ValueError):
            phrase_parts("  - ")

    @pytest.mark.parametrize(
        "text",
        [
            "recent graduate",
            "Recent  Graduate",
            "recent\ngraduate",
            "recent\n  graduates",
            "recent-graduate",
            "recent – graduate",
        ],
    )
    def test_spacing_case_line_breaks_hyphens_and_dashes_do_not_matter(self, text):
        assert phrase_texts(text, "recent graduate*") == [text.strip()]

    @pytest.mark.parametrize(
        "text",
        [
            "recent. Graduate",
            "recent, graduate",
            "recent; graduate",
            "recent (graduate",
            "recentgraduate",
        ],
    )
    def test_punctuation_the_phrase_does_not_write_and_glued_words_break_it(self, text):
        assert phrase_texts(text, "recent graduate*") == []

    def test_offsets_of_phrase_occurrences(self):
        text = "We hire rock stars and a rock-star.\nNo rockstars."
        assert phrase_texts(text, "rock star*") == ["rock stars", "rock-star"]
        assert phrase_texts(text, "rockstar*") == ["rockstars"]

    def test_punctuation_written_in_the_phrase_is_allowed_there_and_optional(self):
        phrase = "work hard, play hard"
        assert phrase_texts("Work hard, play hard!", phrase) == ["Work hard, play hard"]
        assert phrase_texts("work hard play hard", phrase) == ["work hard play hard"]
        assert phrase_texts("work, hard play hard", phrase) == []
        assert parse_phrase("trust & safety") == Phrase(("trust", "safety"), (frozenset("&"),))
        with pytest.raises(ValueError):
            parse_phrase("don't")

    def test_a_lone_star_stands_for_any_one_word(self):
        text = "native German speakers, native speaker, native English or Spanish speaker"
        assert phrase_texts(text, "native * speaker*") == ["native German speakers"]

    def test_covered_lists_the_tokens_inside_occurrences(self):
        text = "customer support and support for customers"
        tokens = tokenize(text)
        assert covered(text, tokens, ["customer support"]) == {0, 1}
        assert covered(text, tokens, []) == set()
