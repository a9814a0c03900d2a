"""Length, Flesch scores and very long sentences."""

from __future__ import annotations

import pytest

from jdbuilder.checks import readability
from jdbuilder.checks.findings import Place, Severity
from jdbuilder.document import Group
from tests.jdbuilder.checks.builders import document, realistic_document, skill

TEN = "Alpha beta gamma delta epsilon zeta eta theta iota kappa."


def bare(**texts):
    """A document whose only words are `texts` (no title, skills or tools)."""
    empty = {
        "title": "",
        "summary": "",
        "about_company": "",
        "responsibilities": (),
        "required_skills": (),
        "nice_to_have_skills": (),
        "tools": (),
        "benefits": (),
        "equal_opportunity": "",
        "how_to_apply": "",
    }
    return document(**{**empty, **texts})


def of_kind(findings, kind):
    return [f for f in findings if f.kind == kind]


def long_sentences(findings):
    return [f for f in findings if f.kind == "readability" and f.places]


# Sentence splitting


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("One. Two words here! Three?", ["One.", "Two words here!", "Three?"]),
        ("No full stop at all", ["No full stop at all"]),
        ("Line one\nLine two.", ["Line one", "Line two."]),
        ("Done.\n\nNext", ["Done.", "Next"]),
        ('He said "go." Then left.', ['He said "go."', "Then left."]),
        ("Really?! Yes...  Fine.", ["Really?!", "Yes...", "Fine."]),
        ("Version 3.5 ships. It works.", ["Version 3.5 ships.", "It works."]),
        ("jobs@acme.example is the address.", ["jobs@acme.example is the address."]),
        ("  padded.  ", ["padded."]),
        (" . ! ", []),
        ("", []),
    ],
)
def test_sentences(text, expected):
    assert [text[a:b] for a, b in readability.sentences(text)] == expected


# Word count


def test_a_realistic_jd_gets_only_info():
    doc = realistic_document()
    findings = readability.check(doc)
    assert {f.severity for f in findings} == {Severity.INFO}
    (length,) = of_kind(findings, "length")
    assert 300 <= length.data["words"] <= 700
    assert length.data["target"] == [300, 700]
    assert str(length.data["words"]) in length.message


@pytest.mark.parametrize(
    ("count", "severity"),
    [
        (0, Severity.WARNING),
        (299, Severity.WARNING),
        (300, Severity.INFO),
        (700, Severity.INFO),
        (701, Severity.WARNING),
    ],
)
def test_word_count_against_the_300_to_700_target(count, severity):
    tens, rest = divmod(count, 10)
    summary = " ".join([TEN] * tens + ["word"] * rest)
    (length,) = of_kind(readability.check(bare(summary=summary)), "length")
    assert length.data["words"] == count
    assert length.severity == severity
    assert "300 to 700" in length.message
    if severity == Severity.WARNING:
        assert length.suggestion


def test_word_count_includes_skill_sentences_and_tool_names():
    programming = skill("Programming", 4)
    doc = bare(
        required_skills=(programming,),
        tools=(Group("Languages", ("Python", "Amazon Web Services")),),
    )
    text = readability.posting_text(doc)
    assert programming.sentence in text and "Amazon Web Services" in text
    (length,) = of_kind(readability.check(doc), "length")
    # "Programming (Advanced): designs and reviews solutions without guidance" + 1 + 3 tools
    assert length.data["words"] == 8 + 1 + 3


# Flesch scores


def test_flesch_figures_are_info_for_plain_prose():
    findings = readability.check(realistic_document())
    (scores,) = [f for f in findings if "flesch_reading_ease" in f.data]
    assert scores.severity == Severity.INFO
    assert scores.kind == "readability"
    assert scores.data["flesch_reading_ease"] >= 30
    assert isinstance(scores.data["flesch_kincaid_grade"], float)
    assert scores.data["band"] == readability.band(scores.data["flesch_reading_ease"])
    assert f"{scores.data['flesch_reading_ease']:g}" in scores.message


def test_very_difficult_prose_warns():
    jargon = (
        "Institutional interoperability considerations necessitate comprehensive organizational "
        "transformation methodologies. Multidisciplinary stakeholder collaboration facilitates "
        "operationalization of sophisticated analytical capabilities."
    )
    (scores,) = [
        f for f in readability.check(bare(summary=jargon)) if "flesch_reading_ease" in f.data
    ]
    assert scores.severity == Severity.WARNING
    assert scores.data["flesch_reading_ease"] < 30
    assert scores.data["band"] == "very difficult"
    assert "very difficult" in scores.message
    assert scores.suggestion


def test_scores_read_only_the_prose_fields_with_bullets_closed():
    doc = realistic_document()
    text = readability.prose(doc)
    assert doc.summary in text
    assert "Design and build the services that load hospital data each night." in text
    assert doc.equal_opportunity not in text
    assert doc.title not in text


def test_no_prose_means_no_scores():
    findings = readability.check(bare(title="Engineer"))
    assert not [f for f in findings if "flesch_reading_ease" in f.data]


@pytest.mark.parametrize(
    ("ease", "name"),
    [
        (95, "very easy"),
        (65, "plain English"),
        (50, "fairly difficult"),
        (30, "difficult"),
        (29.9, "very difficult"),
        (-10, "very difficult"),
    ],
)
def test_bands(ease, name):
    assert readability.band(ease) == name


# Very long sentences


def sentence_of(count: int) -> str:
    return " ".join(["word"] * (count - 1) + ["end."])


def test_a_sentence_of_35_words_is_fine_and_36_warns():
    assert not long_sentences(readability.check(bare(summary=sentence_of(35))))
    (finding,) = long_sentences(readability.check(bare(summary=sentence_of(36))))
    assert finding.severity == Severity.WARNING
    assert finding.data == {"words": 36, "limit": 35}
    assert "Split" in finding.suggestion


def test_a_long_sentence_is_marked_at_its_exact_place():
    first = "We build tools. "
    long = sentence_of(40)
    summary = f"{first}{long} Short again."
    (finding,) = long_sentences(readability.check(bare(summary=summary)))
    start = len(first)
    assert finding.places == (Place("summary", start, start + len(long), long),)
    assert summary[start : start + len(long)] == long


def test_long_sentences_are_found_in_every_field_under_its_key():
    long = sentence_of(37)
    doc = bare(
        responsibilities=(Group("Build", ("Ship it", f"Plan.\n{long}")),),
        benefits=("Leave", long),
    )
    findings = long_sentences(readability.check(doc))
    assert [(p.field, p.start, p.end) for f in findings for p in f.places] == [
        ("responsibilities.0.1", 6, 6 + len(long)),
        ("benefits.1", 0, len(long)),
    ]
    assert "Responsibility (Build)" in findings[0].message
