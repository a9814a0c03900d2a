"""Trait versus technical sense of a gender-coded word, decided per occurrence by its neighbours
(issue 16, part 5): the word before it, the noun it modifies, the verb's object. A trait use next
to a technical one in the same text is still counted. No database: the check is pure."""

from __future__ import annotations

import pytest

from jdbuilder.checks import wording
from jdbuilder.checks.findings import Severity
from tests.jdbuilder.checks.builders import realistic_document


def coded_words(text: str) -> list[str]:
    return [m.place.text for m in wording.find("summary", text)]


TECHNICAL = [
    "Tune aggressive caching and aggressive timeouts",
    "aggressively cache hot keys",
    "classify aggressive tumours in pathology slides",
    "find the dominant eigenvalue",
    "I/O is the dominant cost",
    "GC dominates the runtime",
    "the profile is dominated by I/O",
    "a competitive salary and competitive benefits",
    "a competitive base salary",
    "competitive analysis of the market",
    "competitive programming experience",
    "top ten in Kaggle competitions",
    "own lead generation and lead scoring",
    "route inbound leads to sales",
    "cut lead times in the supply chain",
    "watch leading indicators",
    "run analytical queries on our analytical database",
    "analytical workloads on the warehouse",
    "brute-force search and force-push rules",
    "veterans of the armed forces are encouraged to apply",
    "train decision trees",
    "write architecture decision records",
    "hierarchical clustering of patients",
    "minimise the objective function",
    "a custom training objective",
    "platform-independent code",
    "independently deployable services",
    "independent variables",
    "active learning for labelling",
    "monthly active users",
    "an active-active database setup",
    "active listening",
    "data-driven and event-driven systems",  # "driven" is not on the paper's list at all
]

TRAIT = [
    ("an aggressive negotiator", "aggressive"),
    ("hit aggressive targets", "aggressive"),  # the pace asked of people: the culture
    ("a dominant personality", "dominant"),
    ("dominate the market", "dominate"),
    ("you are competitive", "competitive"),
    ("thrive in a competitive environment", "competitive"),
    ("lead the team", "lead"),
    ("an analytical mind", "analytical"),
    ("analytical skills", "analytical"),
    ("a forceful communicator", "forceful"),
    ("make decisions fast", "decisions"),
    ("be objective", "objective"),
    ("work independently", "independently"),
    ("an active role in design", "active"),
]


@pytest.mark.parametrize("text", TECHNICAL)
def test_technical_senses_are_not_counted(text):
    assert coded_words(text) == []


@pytest.mark.parametrize("text, word", TRAIT)
def test_trait_senses_still_count(text, word):
    assert coded_words(text) == [word]


@pytest.mark.parametrize(
    "text, word, first",
    [
        ("An aggressive engineer who loves aggressive caching", "aggressive", True),
        ("The dominant eigenvalue; a dominant personality", "dominant", False),
        ("A competitive salary for a competitive team", "competitive", False),
        ("Lead generation is yours: lead the team that owns it", "lead", False),
        ("Write analytical queries with an analytical mind", "analytical", False),
        ("Brute force is fine; force change when needed", "force", False),
    ],
)
def test_a_trait_use_next_to_a_technical_one_is_still_found(text, word, first):
    (match,) = wording.find("summary", text)
    # The trait occurrence is the one marked, at its own place.
    assert match.place.text == word
    assert match.place.start == (text.index(word) if first else text.rindex(word))


@pytest.mark.parametrize(
    "text",
    [
        "be aggressive. Caching is someone else's job",  # the next sentence is no head noun
        "competitive, salary-driven people",  # a comma: "salary" is not what it modifies
        "an aggressive team that does caching",  # the head noun is "team"
    ],
)
def test_context_does_not_reach_past_punctuation_or_the_head_noun(text):
    assert len(coded_words(text)) == 1


def test_the_equal_opportunity_statement_of_a_us_employer_is_not_coded():
    doc = realistic_document(
        equal_opportunity=(
            "We are an equal-opportunity employer. Veterans of the armed forces, including "
            "active duty and protected veterans, are encouraged to apply."
        )
    )
    verdict = next(f for f in wording.check(doc) if "verdict" in f.data)
    # "decide" (in "what we decide") is the document's one masculine-coded word.
    assert verdict.data["masculine_words"] == ["decide"]
    assert verdict.severity == Severity.INFO
