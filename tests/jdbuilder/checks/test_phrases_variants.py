"""Phrase variants (issue 16, part 5): the spellings generated from each data entry, the matcher's
inserted adverbs, "..." gaps and token classes, and the new physical, driving, age-limit and
language rules, each with sentences from real-looking ads that must and must not trigger them.
No database: the checks are pure."""

from __future__ import annotations

import pytest

from jdbuilder.checks import exclusionary, variants
from jdbuilder.checks.findings import Severity
from jdbuilder.checks.tokens import is_adverb, parse_phrase, tokenize, variant_spans
from jdbuilder.document import Group
from tests.jdbuilder.checks.builders import document, realistic_document


def hits(text: str) -> list[tuple[str, str]]:
    return [(rule.id, place.text) for rule, place in exclusionary.find("summary", text)]


def spans(text: str, phrase: str) -> list[str]:
    tokens = tokenize(text)
    return [
        text[tokens[i].start : tokens[j - 1].end] for i, j in variant_spans(text, tokens, phrase)
    ]


class TestExpand:
    def test_closed_compound_and_plurals_from_one_entry(self):
        assert variants.expand("rock star", plurals=True) == (
            "rock star",
            "rockstar",
            "rock stars",
            "rockstars",
        )

    def test_without_plurals_or_compounds(self):
        assert variants.expand("rock star") == ("rock star", "rockstar")
        assert variants.expand("native english", compounds=False) == ("native english",)

    @pytest.mark.parametrize(
        "word, expected",
        [
            ("guru", "gurus"),
            ("ninja", "ninjas"),
            ("box", "boxes"),
            ("company", "companies"),
            ("day", "days"),
            ("superhero", "superheroes"),
            ("coach", "coaches"),
        ],
    )
    def test_regular_plurals(self, word, expected):
        assert variants.plural(word) == expected

    def test_sets_fill_every_value(self):
        sets = {"language": ["english", "german"]}
        assert variants.expand("native {language}", sets=sets, compounds=False) == (
            "native english",
            "native german",
        )
        with pytest.raises(KeyError):
            variants.expand("native {langauge}", sets=sets)  # a typo in the data file

    def test_abbreviations_replace_whole_words_only(self):
        found = variants.expand("under * years old", abbreviations={"years": ["yrs"]})
        assert found == ("under * years old", "under * yrs old")
        assert variants.expand("yearsold", abbreviations={"years": ["yrs"]}) == ("yearsold",)

    def test_a_starred_or_class_word_gets_no_plural_and_no_compound(self):
        assert variants.expand("digital native*", plurals=True) == (
            "digital native*",
            "digitalnative*",
        )
        assert variants.expand("lift* ... #weight", plurals=True) == ("lift* ... #weight",)

    def test_a_possessive_is_written_for_the_matcher(self):
        (spelling,) = variants.expand("driver's licen*", compounds=False)
        assert spelling == "driver'’ s licen*"
        assert parse_phrase(spelling).parts == ("driver", "s", "licen*")

    def test_the_loaded_rules_hold_the_generated_spellings(self):
        hype = next(r for r in exclusionary.rules() if r.id == "hype")
        for spelling in ("rock star", "rockstar", "rockstars", "superstars", "ninjas", "10x devs"):
            assert spelling in hype.phrases
        assert "rock star" in hype.written and "rockstar" not in hype.written

    def test_an_unknown_rule_key_is_refused(self, tmp_path, monkeypatch):
        data = tmp_path / "rules.toml"
        data.write_text(
            '[[rules]]\nid = "x"\ncategory = "age"\nseverity = "error"\nphrases = ["young"]\n'
            'exept = ["young company"]\nmessage = "m"\nsuggestion = "s"\n',
            encoding="utf-8",
        )
        monkeypatch.setattr(exclusionary, "DATA", data)
        exclusionary.rules.cache_clear()
        try:
            with pytest.raises(ValueError, match="exept"):
                exclusionary.rules()
        finally:
            monkeypatch.undo()
            exclusionary.rules.cache_clear()
            exclusionary._by_first_word.cache_clear()
        assert exclusionary.rules()  # the real file loads again


class TestMatcher:
    @pytest.mark.parametrize(
        "text, expected",
        [
            ("must be able to lift", "must be able to lift"),
            ("must be able to easily lift", "must be able to easily lift"),
            ("Must be physically able to lift", "Must be physically able to lift"),
            ("must really be able to lift", "must really be able to lift"),
        ],
    )
    def test_one_adverb_may_stand_between_two_words(self, text, expected):
        assert spans(text, "must be able to lift") == [expected]

    @pytest.mark.parametrize(
        "text",
        [
            "must be able to not lift",  # "not" is no adverb: the sense changes
            "must be easily physically able to lift",  # one adverb, not two
            "must be early able to lift",  # "early" ends in -ly but is not inserted so
            "must be able, easily, to lift",  # punctuation the phrase does not write
        ],
    )
    def test_no_other_insertions(self, text):
        assert spans(text, "must be able to lift") == []

    @pytest.mark.parametrize(
        "word, expected",
        [("easily", True), ("physically", True), ("very", True), ("early", False),
         ("family", False), ("only", False), ("fly", False), ("not", False)],
    )  # fmt: skip
    def test_is_adverb(self, word, expected):
        assert is_adverb(word) is expected

    def test_any_words_stay_within_six_words_and_one_sentence(self):
        assert spans("lift boxes of up to 25 kg", "lift* ... kg") == ["lift boxes of up to 25 kg"]
        assert spans("lift one two three four five six kg", "lift* ... kg") == [
            "lift one two three four five six kg"
        ]
        assert spans("lift one two three four five six seven kg", "lift* ... kg") == []
        assert spans("We lift morale. Ship 25 kg of swag", "lift* ... kg") == []
        assert spans("lift 22.5 kg", "lift* ... kg") == ["lift 22.5 kg"]  # a decimal point

    def test_token_classes(self):
        assert spans("lift 50lbs", "lift* #weight") == ["lift 50lbs"]
        assert spans("lift 25KG", "lift* #weight") == ["lift 25KG"]
        assert spans("lift 50 people", "lift* #weight") == []
        assert spans("aged 25-35", "aged #number #number") == ["aged 25-35"]
        assert spans("aged 2025", "aged #number") == []  # a year, not an age

    @pytest.mark.parametrize(
        "phrase", ["... lift", "lift ...", "lift #height"]
    )  # fmt: skip
    def test_malformed_phrases_are_refused(self, phrase):
        with pytest.raises(ValueError):
            parse_phrase(phrase)


# Sentences as ads write them: (text, rule, the words marked).
MUST_TRIGGER = [
    # Hype: every spelling of one entry.
    ("We need a rock star engineer", "hype", "rock star"),
    ("a rock-star engineer", "hype", "rock-star"),
    ("Calling all rockstars!", "hype", "rockstars"),
    ("Rock Stars wanted", "hype", "Rock Stars"),
    ("Be a coding superstar", "hype", "superstar"),
    ("our data superheroes", "hype", "superheroes"),
    ("10x devs only", "hype", "10x devs"),
    ("a Python Jedi", "hype", "Jedi"),
    # Age.
    ("Perfect for new grads", "age-graduate", "new grads"),
    ("Join our NewGrad program", "age-graduate", "NewGrad"),
    ("ideal for a recent university graduate", "age-graduate", "recent university graduate"),
    ("Digital natives preferred", "age-digital-native", "Digital natives"),
    ("a highly energetic team", "age-energetic", "energetic"),
    ("Candidates should be under 35 yrs old", "age-limit", "under 35 yrs old"),
    ("aged 25-35", "age-limit", "aged 25-35"),
    ("aged 22 to 30", "age-limit", "aged 22 to 30"),
    ("applicants under the age of 30", "age-limit", "under the age of"),
    ("between the ages of 25 and 40", "age-limit", "between the ages of"),
    ("35 years of age or younger", "age-limit", "years of age or younger"),
    ("maximum age: 40", "age-limit", "maximum age"),
    # Physical requirements, as ads phrase them.
    ("Must be able to lift 50 lbs", "ability-physical", "Must be able to lift"),
    ("Must be able to easily lift 50 lbs", "ability-physical", "Must be able to easily lift"),
    ("must be physically able to lift", "ability-physical", "must be physically able to lift"),
    ("Lifting up to 25 kg", "ability-physical", "Lifting up to 25 kg"),
    ("regularly lifts boxes of up to 20 kg", "ability-physical", "lifts boxes of up to 20 kg"),
    ("lift 50lbs unassisted", "ability-physical", "lift 50lbs"),
    ("carry up to 40 pounds", "ability-physical", "carry up to 40 pounds"),
    ("lift heavy objects", "ability-physical", "lift heavy objects"),
    ("Stand for long periods", "ability-physical", "Stand for long periods"),
    ("standing for extended periods of time", "ability-physical", "standing for extended periods"),
    ("stand for up to 8 hours", "ability-physical", "stand for up to 8 hours"),
    ("sitting for prolonged periods", "ability-physical", "sitting for prolonged periods"),
    ("you will be on your feet all day", "ability-physical", "on your feet all day"),
    ("on your feet for 8 hours a shift", "ability-physical", "on your feet for 8 hours"),
    ("Applicants must be physically fit", "ability-physical", "physically fit"),
    ("able-bodied applicants", "ability-able-bodied", "able-bodied"),
    ("ablebodied workers", "ability-able-bodied", "ablebodied"),
    # Driving where nothing says the job drives.
    ("Must have a valid driver's license", "ability-driving", "driver's license"),
    ("a valid driver’s licence", "ability-driving", "driver’s licence"),
    ("Drivers license required", "ability-driving", "Drivers license"),
    ("full UK driving licence", "ability-driving", "driving licence"),
    ("reliable transportation is a must", "ability-driving", "reliable transportation"),
    # Languages that exclude by origin, and those that measure against natives.
    ("Native English speaker required", "culture-native-speaker", "Native English speaker"),
    ("native speaker of German", "culture-native-speaker", "native speaker"),
    ("native Spanish", "culture-native-speaker", "native Spanish"),
    ("English native speakers", "culture-native-speaker", "English native speakers"),
    ("native English-speaking", "culture-native-speaker", "native English-speaking"),
    ("English as a first language", "culture-native-speaker", "English as a first language"),
    ("English as your first language", "culture-native-speaker", "English as your first language"),
    ("English is your first language", "culture-native-speaker", "English is your first language"),
    ("first-language English", "culture-native-speaker", "first-language English"),
    ("Mother tongue: French", "culture-native-speaker", "Mother tongue"),
    ("your native language", "culture-native-speaker", "native language"),
    ("native-level English", "culture-native-level", "native-level"),
    ("near-native English", "culture-native-level", "near-native"),
    ("native-like fluency", "culture-native-level", "native-like"),
    ("Native or bilingual proficiency", "culture-native-level", "Native or bilingual"),
    ("native fluency in Japanese", "culture-native-level", "native fluency"),
]

MUST_NOT_TRIGGER = [
    # Hype words' technical senses and lookalikes.
    "the setup wizard and the configuration wizards",
    "rocks, stars and galaxies",  # two words, not the phrase
    "10x faster builds",
    # Age: lawful minimum ages, the age of things, experience.
    "You must be 18 years of age or older",
    "We do not employ anyone under the age of 18",
    "applicants under 21 years old cannot serve alcohol",
    "a 10-year-old codebase",
    "our 25 years old company",
    "aged data in the cold tier",
    "5+ years of experience",
    "the age of the cache entry",
    # Physical: idioms and the tasks of software.
    "Our platform does the heavy lifting",
    "lift conversion by 5%",
    "lift the team's velocity",
    "think on your feet",
    "stand up new services",
    "must be able to sit with customers to learn their work",
    "must be able to walk us through your design",
    "stand for what you believe in",
    "our standards for long periods of support",  # "standards" is not "stand"
    "we lift morale. Ship 25 kg of swag to the office",  # not across a sentence
    # Language: fair requirements.
    "Fluent in English",
    "professional working proficiency in English",
    "C1 English (CEFR)",
    "full professional proficiency in German",
    "bilingual in English and Spanish",
    "Python as a first language",
    "non-native English speakers are welcome",
    "cloud-native services and React Native apps",
    "native language bindings for Python",
    "native mobile apps and native code",
]


@pytest.mark.parametrize("text, rule_id, matched", MUST_TRIGGER)
def test_must_trigger(text, rule_id, matched):
    assert hits(text) == [(rule_id, matched)]


@pytest.mark.parametrize("text", MUST_NOT_TRIGGER)
def test_must_not_trigger(text):
    assert hits(text) == []


class TestDriving:
    def test_a_license_alone_warns_with_the_fair_alternative(self):
        doc = document(how_to_apply="You must have a valid driver's license.")
        (finding,) = exclusionary.check(doc)
        assert finding.data["rule"] == "ability-driving"
        assert finding.severity == Severity.WARNING
        assert "disability" in finding.message
        assert "describe it" in finding.suggestion

    @pytest.mark.parametrize(
        "duty",
        [
            "Drive to client sites twice a week",
            "You will have a company car",
            "Visit hospitals by car in the Denver area",
            "Frequent site visits across the region",
        ],
    )
    def test_where_the_job_drives_the_license_is_part_of_the_work(self, duty):
        doc = document(
            responsibilities=(Group("Field work", (duty,)),),
            how_to_apply="You must have a valid driver's license.",
        )
        assert exclusionary.check(doc) == []


def test_physical_findings_suggest_reasonable_accommodation():
    (finding,) = exclusionary.check(document(summary="Must be able to lift 50 lbs."))
    assert finding.data["rule"] == "ability-physical"
    assert "with or without reasonable accommodation" in finding.suggestion


def test_native_speaker_is_an_error_and_native_level_a_warning():
    doc = document(summary="Native English speaker.", about_company="Near-native German.")
    severities = {f.data["rule"]: f.severity for f in exclusionary.check(doc)}
    assert severities == {
        "culture-native-speaker": Severity.ERROR,
        "culture-native-level": Severity.WARNING,
    }


def test_a_repeated_phrase_is_one_finding_whatever_the_length():
    # Exclusionary wording is wrong at its first occurrence: it is not scaled by length.
    long_doc = realistic_document(summary="We hire rockstars. " + "Plain words. " * 300)
    short_doc = document(summary="rockstars, rock stars and a rock-star")
    (long_finding,) = exclusionary.check(long_doc)
    (short_finding,) = exclusionary.check(short_doc)
    assert long_finding.severity == short_finding.severity == Severity.WARNING
    assert (long_finding.data["count"], short_finding.data["count"]) == (1, 3)
    assert short_finding.data["words"] == ["rockstars", "rock stars", "rock-star"]


def test_the_realistic_document_is_still_clean():
    assert exclusionary.check(realistic_document()) == []
