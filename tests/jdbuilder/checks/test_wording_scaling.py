"""The gender-coded verdict scales with the counts and the text's length (issue 16, part 5): one
coded word is not a pattern, a long ad with a few coded words is not "masculine-coded", a short
text stuffed with them is. Gaucher, Friesen & Kay (2011) compare ads by the proportion of coded
words, so the lean is per 1,000 words. `Report.score` is unchanged: only the verdict finding's
severity moves. No database: the check is pure."""

from __future__ import annotations

import pytest

from jdbuilder.checks import wording
from jdbuilder.checks.findings import Finding, Report, Severity, text_fields
from jdbuilder.checks.tokens import tokenize
from jdbuilder.document import Document, Group
from tests.jdbuilder.checks.builders import document, realistic_document

PLAIN = "We plan the work, write it down and ship it to the people who use it every week. "


def verdict_of(findings: list[Finding]) -> Finding:
    (verdict,) = [f for f in findings if "verdict" in f.data]
    return verdict


def words_of(doc) -> int:
    return verdict_of(wording.check(doc)).data["words"]


# The realistic document's duties without its one coded word ("kind reviews").
DUTIES = (
    Group(
        "Build the platform",
        (
            "Design and build the services that load hospital data each night",
            "Write clear code with tests, and review the code of your teammates",
            "Help two newer engineers grow through pairing and careful reviews",
        ),
    ),
)


def ad_of_about(words: int, coded: str) -> Document:
    """A realistic document padded to about `words` words (within one sentence of padding),
    with `coded` as its summary, plain sentences as its "about the company" and no other coded
    word."""
    base = realistic_document(summary=coded, about_company="", responsibilities=DUTIES)
    per_sentence = len(tokenize(PLAIN))
    sentences = max(0, -(-(words - words_of(base)) // per_sentence))
    return realistic_document(
        summary=coded, about_company=(PLAIN * sentences).strip(), responsibilities=DUTIES
    )


class TestTheRule:
    @pytest.mark.parametrize(
        "masculine, feminine, words, expected",
        [
            (1, 0, 600, "neutral"),  # one "competitive" in a long ad
            (1, 0, 40, "neutral"),  # one word is never a pattern, however short the text
            (2, 0, 150, "masculine"),  # 13 per 1,000
            (2, 0, 300, "neutral"),  # 6.7 per 1,000: two words in a long text
            (6, 0, 600, "masculine"),  # 10 per 1,000
            (5, 0, 600, "neutral"),  # 8.3
            (12, 0, 600, "strongly masculine"),  # 20
            (4, 0, 100, "strongly masculine"),  # a short text stuffed with coded words
            (4, 0, 30, "strongly masculine"),  # read as 100 words, not 30
            (8, 2, 600, "masculine"),  # 6 more: 10 per 1,000
            (0, 4, 100, "strongly feminine"),
            (0, 6, 600, "feminine"),
            (3, 3, 50, "neutral"),
        ],
    )
    def test_counts_and_length(self, masculine, feminine, words, expected):
        assert wording.verdict(masculine, feminine, words) == expected

    def test_the_lean_is_per_thousand_words_over_at_least_the_minimum(self):
        assert wording.lean(6, 0, 600) == pytest.approx(10.0)
        assert wording.lean(1, 3, 1000) == pytest.approx(-2.0)
        assert wording.lean(2, 0, 10) == pytest.approx(20.0)  # 10 words read as 100
        assert wording.lean(0, 0, 0) == 0

    def test_the_thresholds_are_the_data_files(self):
        scoring = wording.word_lists().scoring
        assert (scoring.per, scoring.min_words) == (1000, 100)
        assert (scoring.lean, scoring.strong) == (10.0, 20.0)
        assert (scoring.lean_count, scoring.strong_count) == (2, 3)


class TestDocuments:
    def test_a_600_word_ad_with_one_competitive_is_not_masculine(self):
        doc = ad_of_about(600, "Join a team that offers a competitive place to grow.")
        verdict = verdict_of(wording.check(doc))
        assert 550 <= verdict.data["words"] <= 700
        assert (verdict.data["masculine"], verdict.data["feminine"]) == (1, 0)
        assert verdict.data["masculine_words"] == ["competitive"]
        assert verdict.data["verdict"] == "neutral"
        assert verdict.severity == Severity.INFO
        assert "too few to make a lean" in verdict.message
        # Each word is still shown, as information, with its alternatives.
        competitive = next(f for f in wording.check(doc) if f.data.get("stem") == "compet*")
        assert competitive.severity == Severity.INFO and competitive.suggestion

    def test_a_short_text_stuffed_with_coded_words_warns(self):
        doc = document(
            summary="Dominate the market as a competitive, aggressive and decisive leader.",
            responsibilities=(Group("Custom", ("Ship the platform",)),),
        )
        verdict = verdict_of(wording.check(doc))
        assert verdict.data["verdict"] == "strongly masculine"
        assert verdict.severity == Severity.WARNING
        assert verdict.data["words"] < 100
        assert verdict.data["lean_per_1000"] == 50.0  # 5 words, read over 100
        assert "per 1,000" in verdict.message

    def test_the_same_words_in_a_longer_ad_weigh_less(self):
        coded = "Dominate the market as a competitive, aggressive and decisive leader."
        short = verdict_of(wording.check(document(summary=coded)))
        long = verdict_of(wording.check(ad_of_about(900, coded)))
        assert short.data["masculine"] == long.data["masculine"]
        assert short.data["lean_per_1000"] > long.data["lean_per_1000"]
        assert (short.severity, long.severity) == (Severity.WARNING, Severity.INFO)
        assert long.data["verdict"] == "neutral"

    def test_the_score_costs_one_warning_at_most(self):
        # Report.score semantics are unchanged: the verdict is one finding, its words are INFO.
        doc = document(summary="Dominate as a competitive, aggressive, decisive leader.")
        report = Report(tuple(wording.check(doc)))
        assert report.count(Severity.WARNING) == 1
        assert report.score == 90

    def test_words_are_the_tokens_of_the_checked_texts(self):
        doc = document()
        expected = sum(len(tokenize(field.text)) for field in text_fields(doc))
        assert words_of(doc) == expected > 0
