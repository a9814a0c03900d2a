"""The issues' "done when" examples, each across the checks it names: the hostile sentence is
flagged word by word and its fix is clean (wording and exclusionary); a broken JD is flagged and
its fixed version gets only INFO (pay, bloat and readability). No database: the checks are pure."""

from __future__ import annotations

from jdbuilder.checks import bloat, exclusionary, pay, readability, wording
from jdbuilder.checks.findings import Finding, Report, Severity
from tests.jdbuilder.checks.builders import (
    TOP,
    realistic_document,
    salary,
    skills,
    with_responsibility,
)

HOSTILE = "We want a young, aggressive rockstar who dominates"
FIXED = "We want an experienced engineer who enjoys design reviews"


def verdict_of(findings: list[Finding]) -> Finding:
    (verdict,) = [f for f in findings if "verdict" in f.data]
    return verdict


class TestDoneWhen:
    """The issue's acceptance sentence, as a custom responsibility."""

    def test_the_hostile_sentence_is_flagged_word_by_word(self):
        doc = with_responsibility(HOSTILE)
        findings = wording.check(doc) + exclusionary.check(doc)
        field = "responsibilities.0.0"

        def only(word: str) -> Finding:
            (finding,) = [
                f
                for f in findings
                if "verdict" not in f.data and word in (p.text for p in f.places)
            ]
            place = next(p for p in finding.places if p.text == word)
            assert place.field == field
            assert HOSTILE[place.start : place.end] == word
            assert finding.suggestion
            return finding

        young = only("young")
        assert (young.kind, young.data["category"], young.severity) == (
            "exclusionary",
            "age",
            Severity.ERROR,
        )
        rockstar = only("rockstar")
        assert (rockstar.kind, rockstar.data["category"], rockstar.severity) == (
            "exclusionary",
            "hype",
            Severity.WARNING,
        )
        for word in ("aggressive", "dominates"):
            finding = only(word)
            assert finding.kind == "gender-coded" and finding.data["coded"] == "masculine"
        verdict = verdict_of(findings)
        assert verdict.data["verdict"] == "masculine"
        assert verdict.severity == Severity.WARNING
        assert "masculine" in verdict.message
        assert {p.text for p in verdict.places} == {"aggressive", "dominates"}
        assert not Report(tuple(findings)).is_clean

    def test_the_fixed_sentence_is_clean(self):
        doc = with_responsibility(FIXED)
        findings = wording.check(doc) + exclusionary.check(doc)
        assert [f for f in findings if f.severity != Severity.INFO] == []
        assert Report(tuple(findings)).is_clean
        assert verdict_of(findings).data["verdict"] == "neutral"


# Done when: the broken JD is flagged, and its fixed version passes with only INFO.


def test_done_when_a_broken_jd_is_flagged():
    broken = realistic_document(
        location="Denver, Colorado", compensation=None, required_skills=skills(9)
    )
    (pay_finding,) = pay.check(broken)
    assert pay_finding.severity == Severity.ERROR
    assert "Colorado" in pay_finding.message
    assert pay_finding.data["jurisdictions"] == ["Colorado"]
    bloat_findings = bloat.check(broken)
    assert [f.data["count"] for f in bloat_findings] == [9]
    assert bloat_findings[0].severity == Severity.WARNING


def test_done_when_the_fixed_jd_gets_only_info():
    fixed = realistic_document(location="Denver, Colorado", compensation=salary(150000, 190000))
    assert len(fixed.required_skills) <= 6
    assert fixed.nice_to_have_skills
    assert sum(s.level_rank == TOP for s in fixed.required_skills) <= 2
    findings = bloat.check(fixed) + pay.check(fixed) + readability.check(fixed)
    assert findings, "readability reports its figures as INFO"
    assert {f.severity for f in findings} == {Severity.INFO}
