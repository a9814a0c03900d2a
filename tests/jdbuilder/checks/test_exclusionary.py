"""Exclusionary and hype wording: the data, what must and must not trigger, exact places,
severities and grouping. No database (pytest-django would refuse it): the check is pure."""

from __future__ import annotations

import pytest

from jdbuilder.checks import exclusionary
from jdbuilder.checks.findings import Severity
from jdbuilder.checks.tokens import ANY_WORDS, CLASSES, phrase_parts, tokenize
from jdbuilder.document import Group
from tests.jdbuilder.checks.builders import document, realistic_document


def hits(text: str) -> list[tuple[str, str]]:
    """(rule id, matched text) for every occurrence in `text`."""
    return [(rule.id, place.text) for rule, place in exclusionary.find("summary", text)]


def rule(rule_id: str) -> exclusionary.Rule:
    return next(r for r in exclusionary.rules() if r.id == rule_id)


class TestData:
    def test_rules_are_complete(self):
        rules = exclusionary.rules()
        assert len({r.id for r in rules}) == len(rules)
        for r in rules:
            assert r.category in exclusionary.CATEGORY_LABELS, r.id
            assert r.severity in (Severity.ERROR, Severity.WARNING), r.id
            assert r.phrases and r.message and r.suggestion, r.id

    def test_every_phrase_word_is_one_token(self):
        # A phrase word that the tokenizer would split ("don't") could never match.
        for r in exclusionary.rules():
            for phrase in (*r.phrases, *r.except_):
                for part in phrase_parts(phrase):
                    if part in ("*", ANY_WORDS) or part in CLASSES:
                        continue
                    assert len(tokenize(part.rstrip("*"))) == 1, (r.id, phrase)

    @pytest.mark.parametrize(
        "rule_id, category, severity",
        [
            ("age-young", "age", Severity.ERROR),
            ("age-graduate", "age", Severity.ERROR),
            ("age-digital-native", "age", Severity.ERROR),
            ("age-energetic", "age", Severity.WARNING),
            ("ability-able-bodied", "ability", Severity.ERROR),
            ("ability-physical", "ability", Severity.WARNING),
            ("culture-fit", "culture", Severity.WARNING),
            ("culture-native-speaker", "culture", Severity.ERROR),
            ("culture-native-level", "culture", Severity.WARNING),
            ("age-limit", "age", Severity.ERROR),
            ("ability-driving", "ability", Severity.WARNING),
            ("hype", "hype", Severity.WARNING),
        ],
    )
    def test_severity_decisions(self, rule_id, category, severity):
        assert (rule(rule_id).category, rule(rule_id).severity) == (category, severity)

    def test_native_speaker_suggests_fluent_in_english(self):
        assert "fluent in English" in rule("culture-native-speaker").suggestion

    def test_the_readme_lists_every_rule(self):
        readme = (exclusionary.DATA.parent / "README.md").read_text(encoding="utf-8")
        for r in exclusionary.rules():
            assert f"`{r.id}`" in readme, r.id


@pytest.mark.parametrize(
    "text, rule_id, matched",
    [
        ("We want a young team", "age-young", "young"),
        ("Young, hungry people", "age-young", "Young"),
        ("younger candidates", "age-young", "younger"),
        ("a youthful outlook", "age-young", "youthful"),
        ("ideal for a recent graduate", "age-graduate", "recent graduate"),
        ("recent  graduates welcome", "age-graduate", "recent  graduates"),
        ("open to recent\ngraduates", "age-graduate", "recent\ngraduates"),
        ("New Grads", "age-graduate", "New Grads"),
        ("fresh graduate", "age-graduate", "fresh graduate"),
        ("recent college graduates", "age-graduate", "recent college graduates"),
        ("you are a digital native", "age-digital-native", "digital native"),
        ("Digital-natives", "age-digital-native", "Digital-natives"),
        ("an energetic self-starter", "age-energetic", "energetic"),
        ("a high-energy team", "age-energetic", "high-energy"),
        ("able-bodied workers", "ability-able-bodied", "able-bodied"),
        ("Able bodied", "ability-able-bodied", "Able bodied"),
        ("Must be able to lift 25 kg", "ability-physical", "Must be able to lift"),
        ("must be able to stand for 8 hours", "ability-physical", "must be able to stand"),
        ("must be able to walk the site", "ability-physical", "must be able to walk"),
        ("a strong culture fit", "culture-fit", "culture fit"),
        ("cultural fit", "culture-fit", "cultural fit"),
        ("Native English speaker", "culture-native-speaker", "Native English speaker"),
        ("native speakers of German", "culture-native-speaker", "native speakers"),
        ("a native German speaker", "culture-native-speaker", "native German speaker"),
        ("native-level English", "culture-native-level", "native-level"),
        ("native English", "culture-native-speaker", "native English"),
        ("a rockstar", "hype", "rockstar"),
        ("Rock Stars wanted", "hype", "Rock Stars"),
        ("a rock-star engineer", "hype", "rock-star"),
        ("JavaScript ninja", "hype", "ninja"),
        ("a data guru", "hype", "guru"),
        ("CSS wizards", "hype", "wizards"),
        ("a superstar", "hype", "superstar"),
        ("a unicorn", "hype", "unicorn"),
        ("a 10x engineer", "hype", "10x engineer"),
        ("10X developers", "hype", "10X developers"),
        ("we crush it", "hype", "crush it"),
        ("crushing it every day", "hype", "crushing it"),
        ("Work hard, play hard!", "hype", "Work hard, play hard"),
        ("work hard play hard", "hype", "work hard play hard"),
    ],
)
def test_must_trigger(text, rule_id, matched):
    assert hits(text) == [(rule_id, matched)]


@pytest.mark.parametrize(
    "text",
    [
        "Youngstown, Ohio",  # a place, not "young"
        "Neil Youngs",
        "the youngest of our products",  # decided: not a request for an age
        "a young company",  # the employer's age
        "a young startup that helps young people and young adults",
        "we work with young children",
        "recent graduation rates",  # "graduate*" needs "graduate"
        "our new gradient descent code",
        "a graduate degree or recent experience",
        "digital, native apps",  # two phrases' words, not the phrase
        "cloud-native services in React Native",
        "nativeEnglish",  # glued: one token, not the phrase
        "we went digital. Native apps came later",  # not across a sentence
        "stand up new services; walk us through your design; walk through the code",
        "must be able to stand up a service",
        "must be able to walk us through a design",
        "able to lift the team's velocity",  # decided: only "must be able to ..." is flagged
        "10x faster builds",  # not a person
        "the setup wizard and the installation wizard",
        "we build with ninja build files",
    ],
)
def test_must_not_trigger(text):
    assert hits(text) == []


def test_plurals_of_hype_words_trigger():
    assert hits("rockstars, ninjas and gurus") == [
        ("hype", "rockstars"),
        ("hype", "ninjas"),
        ("hype", "gurus"),
    ]


def test_overlapping_phrases_are_reported_once_as_the_longest():
    # "native English speaker" also contains "native English": one place, the whole phrase.
    assert hits("a native English speaker") == [
        ("culture-native-speaker", "native English speaker")
    ]


def test_places_are_exact_offsets():
    text = "Ünïcode intro: young\u00a0and a rock–star? No, a rock-star."
    found = exclusionary.find("about_company", text)
    assert [(r.id, p.field, p.start, p.end, p.text) for r, p in found] == [
        ("age-young", "about_company", 15, 20, "young"),
        ("hype", "about_company", 27, 36, "rock–star"),  # an en dash is a gap like a space
        ("hype", "about_company", 44, 53, "rock-star"),
    ]
    for _, place in found:
        assert text[place.start : place.end] == place.text


class TestCheck:
    def test_one_finding_per_rule_with_every_place_across_fields(self):
        doc = document(
            title="Young Engineer",
            summary="A young, energetic team.",
            responsibilities=(Group("Custom", ("Be a rockstar", "and a ninja")),),
            benefits=("Health insurance", "Snacks for young people"),
        )
        findings = exclusionary.check(doc)
        by_rule = {f.data["rule"]: f for f in findings}
        assert set(by_rule) == {"age-young", "age-energetic", "hype"}
        young = by_rule["age-young"]
        assert [(p.field, p.start, p.end, p.text) for p in young.places] == [
            ("title", 0, 5, "Young"),
            ("summary", 2, 7, "young"),
        ]
        assert young.severity == Severity.ERROR and young.kind == "exclusionary"
        assert young.data["words"] == ["young"]
        assert young.message.startswith('Age: "young".')
        assert young.suggestion
        hype = by_rule["hype"]
        assert [(p.field, p.text) for p in hype.places] == [
            ("responsibilities.0.0", "rockstar"),
            ("responsibilities.0.1", "ninja"),
        ]
        assert hype.severity == Severity.WARNING
        assert hype.data == {
            "category": "hype",
            "rule": "hype",
            "words": ["rockstar", "ninja"],
            "count": 2,
        }

    def test_message_words_are_single_spaced(self):
        (finding,) = exclusionary.check(document(summary="recent\n  graduates"))
        assert '"recent graduates"' in finding.message
        assert finding.places[0].text == "recent\n  graduates"

    def test_clean_documents_have_no_findings(self):
        assert exclusionary.check(document()) == []
        assert exclusionary.check(realistic_document()) == []

    def test_other_languages_are_not_checked(self):
        assert exclusionary.check(document(summary="young rockstar", language="fr")) == []

    def test_only_manager_texts_are_checked(self):
        # The company name and location are not in text_fields(): they are names, not wording.
        doc = document(company_name="Rockstar Games", location="Young, New South Wales")
        assert exclusionary.check(doc) == []
