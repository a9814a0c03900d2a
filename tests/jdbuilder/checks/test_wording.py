"""Gender-coded wording (Gaucher, Friesen & Kay 2011): the data, the matching, the false friends,
the verdict and the findings (the issue's hostile sentence and its fix are in test_done_when.py).
No test touches the database (pytest-django would refuse it), which is how these tests also prove
the check is pure."""

from __future__ import annotations

import tomllib

import pytest

from jdbuilder.checks import wording
from jdbuilder.checks.findings import Finding, Severity
from jdbuilder.checks.tokens import matches, normalize
from tests.jdbuilder.checks.builders import document, realistic_document, with_responsibility


def coded(text: str) -> list[tuple[str, str, str]]:
    """(word as written, side, stem) for every coded word `text` has."""
    return [(m.place.text, m.side, m.stem) for m in wording.find("summary", text)]


def coded_words(text: str) -> list[str]:
    return [word for word, _, _ in coded(text)]


def verdict_of(findings: list[Finding]) -> Finding:
    (verdict,) = [f for f in findings if "verdict" in f.data]
    return verdict


def word_findings(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if "coded" in f.data]


class TestData:
    lists = wording.word_lists()

    def test_cites_the_paper(self):
        source = self.lists.source
        assert source["authors"] == ["Danielle Gaucher", "Justin Friesen", "Aaron C. Kay"]
        assert source["year"] == 2011
        assert source["title"].startswith("Evidence that gendered wording in job advertisements")
        assert source["journal"] == "Journal of Personality and Social Psychology"
        assert (source["volume"], source["issue"], source["pages"]) == (101, 1, "109-128")
        assert source["doi"] == "10.1037/a0022530"
        assert "appendix" in source["notes"] and "Gender Decoder" in source["notes"]

    def test_the_papers_lists_in_full(self):
        masculine, feminine = self.lists.stems["masculine"], self.lists.stems["feminine"]
        assert len(masculine) == len(set(masculine)) == 42
        assert len(feminine) == len(set(feminine)) == 40
        for stem in (
            "aggress*", "ambitio*", "analy*", "assert*", "athlet*", "autonom*", "boast*",
            "challeng*", "compet*", "confident", "courag*", "decide", "decisive", "determin*",
            "dominant", "domina*", "force*", "greedy", "headstrong", "hierarch*", "hostil*",
            "impulsive", "independen*", "individual*", "intellect*", "lead*", "logic",
            "masculine", "objective", "opinion", "outspoken", "persist", "principle*",
            "reckless", "stubborn", "superior", "self-confiden*", "self-relian*",
            "self-sufficien*",
        ):  # fmt: skip
            assert stem in masculine
        for stem in (
            "affectionate", "child*", "cheer*", "commit*", "communal", "compassion*",
            "connect*", "considerate", "cooperat*", "depend*", "emotiona*", "empath*",
            "feminine", "flatterable", "gentle", "honest", "interpersonal", "interdependen*",
            "interpersona*", "kind", "kinship", "loyal*", "modesty", "nag", "nurtur*",
            "pleasant*", "polite", "quiet*", "respon*", "sensitiv*", "submissive", "support*",
            "sympath*", "tender*", "together*", "trust*", "understand*", "warm*", "whin*",
            "yield*",
        ):  # fmt: skip
            assert stem in feminine
        assert not set(masculine) & set(feminine)

    def test_the_gender_decoders_own_additions_are_not_used(self):
        every = {*self.lists.stems["masculine"], *self.lists.stems["feminine"]}
        for added in ("battle", "champion", "driven", "fight", "inclusive", "collab", "feel"):
            assert not any(stem.rstrip("*") == added for stem in every)

    def test_stems_are_lowercase_words(self):
        for stem in {*self.lists.stems["masculine"], *self.lists.stems["feminine"]}:
            assert stem == normalize(stem) and stem.rstrip("*").replace("-", "").isalpha()

    def test_every_false_friend_belongs_to_a_stem_it_narrows_and_has_a_reason(self):
        every = {*self.lists.stems["masculine"], *self.lists.stems["feminine"]}
        for stem, rule in self.lists.exceptions.items():
            assert stem in every, stem
            assert rule.reason, stem
            assert rule.tokens or rule.phrases or rule.before or rule.after, stem
            for pattern in rule.tokens:
                # A token exception only makes sense for words the stem would catch.
                assert matches(stem, pattern.rstrip("*")), (stem, pattern)
            for phrase in rule.phrases:
                assert any(matches(stem, normalize(word.rstrip("*"))) for word in phrase.split()), (
                    stem,
                    phrase,
                )

    def test_every_masculine_stem_has_alternatives_and_they_are_not_coded(self):
        alternatives = self.lists.alternatives
        assert set(alternatives) == set(self.lists.stems["masculine"])
        for stem, words in alternatives.items():
            for word in words:
                assert coded(word) == [], (stem, word)

    def test_the_readme_lists_every_false_friend(self):
        readme = (wording.DATA.parent / "README.md").read_text(encoding="utf-8")
        for stem in self.lists.exceptions:
            assert f"`{stem}`" in readme, stem

    def test_the_data_file_is_valid_toml_with_only_known_sections(self):
        data = tomllib.loads(wording.DATA.read_text(encoding="utf-8"))
        assert set(data) == {
            "source",
            "scoring",
            "masculine",
            "feminine",
            "exceptions",
            "alternatives",
        }
        # Every exception key is one wording.py reads: a misspelt "afer" would do nothing.
        for stem, entry in data["exceptions"].items():
            assert set(entry) <= {"tokens", "phrases", "before", "after", "reason"}, stem
        assert set(data["scoring"]) == {
            "per", "min_words", "lean", "strong", "lean_count", "strong_count"
        }  # fmt: skip


class TestMatching:
    @pytest.mark.parametrize(
        "text, word, side, stem",
        [
            ("Leadership matters", "Leadership", "masculine", "lead*"),
            ("She dominates the market", "dominates", "masculine", "domina*"),
            ("a dominant player", "dominant", "masculine", "domina*"),  # the family, not "dominant"
            ("AGGRESSIVE targets", "AGGRESSIVE", "masculine", "aggress*"),
            ("be competitive", "competitive", "masculine", "compet*"),
            ("be decisive", "decisive", "masculine", "decisive"),
            ("we decide fast", "decide", "masculine", "decide"),
            ("a self-confident speaker", "self-confident", "masculine", "self-confiden*"),
            ("Self-reliant people", "Self-reliant", "masculine", "self-relian*"),
            ("self\u2011sufficient", "self\u2011sufficient", "masculine", "self-sufficien*"),
            ("headstrong", "headstrong", "masculine", "headstrong"),
            ("head-strong", "head-strong", "masculine", "headstrong"),
            ("an analytical mind", "analytical", "masculine", "analy*"),
            ("analyse results", "analyse", "masculine", "analy*"),
            ("a supportive team", "supportive", "feminine", "support*"),
            ("co-operative", "co-operative", "feminine", "cooperat*"),
            ("cooperation", "cooperation", "feminine", "cooperat*"),
            ("inter-personal skills", "inter-personal", "feminine", "interpersona*"),
            ("interpersonal skills", "interpersonal", "feminine", "interpersona*"),
            ("dependable", "dependable", "feminine", "depend*"),
            ("commitment", "commitment", "feminine", "commit*"),
            ("a responsive team", "responsive", "feminine", "respon*"),
            ("be kind", "kind", "feminine", "kind"),
            ("honest feedback", "honest", "feminine", "honest"),
            ("warmth", "warmth", "feminine", "warm*"),
            ("well-supported", "supported", "feminine", "support*"),  # the part, in a compound
            ("lead\u00adership", "lead\u00adership", "masculine", "lead*"),
        ],
    )
    def test_must_match(self, text, word, side, stem):
        assert coded(text) == [(word, side, stem)]

    @pytest.mark.parametrize(
        "text",
        [
            "misleading claims",  # "lead*" only at the start of a word
            "she decides",  # "decide" has no "*" in the paper
            "persistent",  # "persist" has no "*"
            "kindness and kindergarten",  # "kind" has no "*"
            "honesty",  # "honest" has no "*"
            "nagging",  # "nag" has no "*"
            "logical",  # "logic" has no "*"
            "our objectives",  # "objective" has no "*"
            "Principal Engineer",  # never matched "principle*"
            "workforce and Salesforce",  # "force*" only at the start
            "a data warehouse",  # not "warm*"
            "uncompetitive and unsupported",
            "misunderstanding",
            "self confident",  # spaced: "confident" alone counts, see below
        ],
    )
    def test_must_not_match_inside_words_or_past_the_stem(self, text):
        assert [w for w in coded_words(text) if w != "confident"] == []

    def test_spaced_self_confident_counts_only_confident(self):
        assert coded("self confident") == [("confident", "masculine", "confident")]

    def test_places_are_exact_offsets(self):
        text = "Über-team: we lead, you’re supportive; naïve Zoë dominates."
        found = wording.find("summary", text)
        assert [(m.place.start, m.place.end, m.place.text) for m in found] == [
            (14, 18, "lead"),
            (27, 37, "supportive"),
            (49, 58, "dominates"),
        ]
        for m in found:
            assert text[m.place.start : m.place.end] == m.place.text
            assert m.place.field == "summary"

    def test_non_ascii_neighbours_do_not_glue_onto_words(self):
        # A letter with a diacritic is a letter: "leadé" is one token and starts with "lead";
        # "élead" does not.
        assert coded_words("élead leadé") == ["leadé"]


FALSE_FRIENDS = [
    # (not counted, counted) for each decision in data/README.md
    ("You are responsible for releases; responsibilities include on-call. Respond to incidents "
     "and own the response.", "A responsive teammate"),
    ("Data Analyst: analysis, analyses and analytics", "analytical; analyze results"),
    ("competent, competence, competency, competencies; a competitive salary",
     "a competitive team; compete"),
    ("manage dependencies; depending on the team", "dependable; we depend on you"),
    ("review each commit; small commits; the hiring committee", "commitment; committed"),
    ("customer support, technical support, a support engineer, support tickets",
     "support your teammates; supportive"),
    ("connectivity, connectors, database connections, network connection", "connect with users"),
    ("an individual contributor role", "each individual"),
    ("design principles, first principles, a principle", "a principled engineer"),
    ("Tech Lead, team lead, technical leads, work with the product lead",
     "lead the design; leadership; a leader"),
    ("determine the root cause; determines; determining", "determined; determination"),
    ("write assertions", "assertive"),
    ("autonomous vehicles, autonomous driving, autonomous systems", "autonomy"),
    ("intellectual property", "intellectual curiosity"),
    ("an independent contractor", "work independently"),
    ("business logic", "logic"),
    ("Active Directory", "an active role"),
    ("this kind of work; one of a kind", "be kind"),
    ("sensitive data, sensitive information, time-sensitive work", "sensitive to users' needs"),
    ("a solid understanding of SQL", "understanding; understand users"),
    ("zero trust; Trust & Safety; trust and safety", "earn trust"),
]  # fmt: skip


@pytest.mark.parametrize("excused, counted", FALSE_FRIENDS)
def test_false_friends_in_both_directions(excused, counted):
    assert coded_words(excused) == []
    assert coded_words(counted) != []


def test_false_friend_phrases_only_excuse_their_own_words():
    # "customer support" excuses "support" there, not the "supportive" next to it.
    assert coded_words("customer support from a supportive team") == ["supportive"]


class TestVerdict:
    # Short texts (the default 0 words is read as the 100-word minimum): one coded word is never
    # a lean; two more of one side is, three more is a strong one. Scaling with the length is in
    # test_wording_scaling.py.
    @pytest.mark.parametrize(
        "masculine, feminine, expected",
        [
            (0, 0, "neutral"),
            (2, 2, "neutral"),
            (1, 0, "neutral"),  # one word is not a pattern
            (2, 0, "masculine"),
            (4, 2, "masculine"),
            (3, 0, "strongly masculine"),
            (7, 1, "strongly masculine"),
            (0, 1, "neutral"),
            (0, 2, "feminine"),
            (1, 3, "feminine"),
            (0, 3, "strongly feminine"),
            (2, 9, "strongly feminine"),
        ],
    )
    def test_rule_from_the_difference(self, masculine, feminine, expected):
        assert wording.verdict(masculine, feminine) == expected

    def test_masculine_verdict_is_one_warning_with_the_masculine_places(self):
        doc = with_responsibility("Lead an aggressive, competitive team", summary="Be kind.")
        findings = wording.check(doc)
        verdict = verdict_of(findings)
        assert verdict.severity == Severity.WARNING
        assert verdict.kind == "gender-coded"
        assert verdict.data["verdict"] == "masculine"  # 3 masculine - 1 feminine
        assert (verdict.data["masculine"], verdict.data["feminine"]) == (3, 1)
        assert [p.text for p in verdict.places] == ["Lead", "aggressive", "competitive"]
        assert all(p.field == "responsibilities.0.0" for p in verdict.places)
        assert "masculine" in verdict.message and verdict.suggestion
        assert [f.severity for f in findings].count(Severity.WARNING) == 1

    def test_strongly_masculine(self):
        doc = document(summary="Dominate with aggressive, competitive, decisive leadership.")
        verdict = verdict_of(wording.check(doc))
        assert verdict.data["verdict"] == "strongly masculine"
        assert verdict.severity == Severity.WARNING
        assert "strongly masculine" in verdict.message

    def test_neutral_is_info_only(self):
        doc = document(summary="Lead a supportive team.")
        findings = wording.check(doc)
        assert verdict_of(findings).data["verdict"] == "neutral"
        assert all(f.severity == Severity.INFO for f in findings)

    def test_feminine_is_info_only(self):
        doc = document(summary="A warm, supportive, honest and kind team.")
        findings = wording.check(doc)
        verdict = verdict_of(findings)
        assert verdict.data["verdict"] == "strongly feminine"
        assert all(f.severity == Severity.INFO for f in findings)
        assert verdict.places == ()

    def test_no_coded_words_is_one_neutral_info(self):
        findings = wording.check(document())
        assert len(findings) == 1
        assert findings[0].severity == Severity.INFO
        assert findings[0].data["verdict"] == "neutral"
        assert findings[0].data["masculine"] == findings[0].data["feminine"] == 0


class TestWordFindings:
    def test_one_info_per_word_family_with_all_its_places_and_alternatives(self):
        doc = document(
            summary="Dominate the market.",
            about_company="We are dominant, and we dominate.",
            benefits=("Health insurance", "A supportive manager"),
        )
        findings = word_findings(wording.check(doc))
        domina = next(f for f in findings if f.data["stem"] == "domina*")
        assert domina.severity == Severity.INFO
        assert [(p.field, p.start, p.end, p.text) for p in domina.places] == [
            ("summary", 0, 8, "Dominate"),
            ("about_company", 7, 15, "dominant"),
            ("about_company", 24, 32, "dominate"),
        ]
        assert domina.data["words"] == ["Dominate", "dominant"]  # distinct, case-insensitively
        assert domina.data["count"] == 3
        assert domina.data["alternatives"] == ["excel in", "be known for"]
        assert '"excel in"' in domina.suggestion and "3 times" in domina.message
        support = next(f for f in findings if f.data["stem"] == "support*")
        assert support.data["coded"] == "feminine" and support.suggestion == ""
        assert [(p.field, p.text) for p in support.places] == [("benefits.1", "supportive")]

    def test_a_word_without_a_neutral_equivalent_suggests_leaving_it_out(self):
        (finding,) = word_findings(wording.check(document(summary="A reckless pace.")))
        assert finding.suggestion.startswith('Leave out "reckless"')

    def test_every_place_slices_its_field(self):
        doc = realistic_document(summary="Lead, decide and analyse; a warm, self-reliant team.")
        texts = {"summary": doc.summary}
        for finding in wording.check(doc):
            for place in finding.places:
                if place.field in texts:
                    assert texts[place.field][place.start : place.end] == place.text


def test_other_languages_are_not_checked():
    assert wording.check(document(summary="Aggressive leadership", language="de")) == []


def test_the_realistic_document_has_no_wording_warning():
    findings = wording.check(realistic_document())
    assert all(f.severity == Severity.INFO for f in findings)
