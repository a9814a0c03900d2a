"""Requirement bloat: too many required skills, too many at the top level, no nice-to-haves.
(The issue's "done when" pair, a broken JD and its fixed version, is in test_done_when.py.)"""

from __future__ import annotations

import pytest

from jdbuilder.checks import bloat
from jdbuilder.checks.findings import Severity
from tests.jdbuilder.checks.builders import (
    TOP,
    document,
    skill,
    skills,
)


def kinds(findings, severity=Severity.WARNING):
    return [f for f in findings if f.severity == severity]


def test_a_lean_jd_has_no_bloat():
    assert bloat.check(document()) == []


@pytest.mark.parametrize(("count", "warned"), [(5, False), (6, False), (7, True), (9, True)])
def test_more_than_six_required_skills_warns(count, warned):
    doc = document(required_skills=skills(count))
    findings = [f for f in bloat.check(doc) if f.data.get("limit") == 6]
    assert bool(findings) is warned
    if warned:
        (finding,) = findings
        assert finding.kind == "bloat"
        assert finding.severity == Severity.WARNING
        assert finding.data["skills"] == [s.name for s in doc.required_skills]
        assert finding.data["count"] == count
        assert f"{count} skills are marked required" in finding.message
        assert "Mohr" in finding.message and "2014" in finding.message
        assert "nice to have" in finding.suggestion


@pytest.mark.parametrize(("at_top", "warned"), [(0, False), (2, False), (3, True), (4, True)])
def test_more_than_two_required_skills_at_the_top_level_warns(at_top, warned):
    required = skills(at_top, rank=TOP) + skills(6 - at_top, rank=3, start=at_top)
    findings = [f for f in bloat.check(document(required_skills=required)) if "level" in f.data]
    assert bool(findings) is warned
    if warned:
        (finding,) = findings
        assert finding.severity == Severity.WARNING
        assert finding.data["skills"] == [s.name for s in required[:at_top]]
        assert finding.data["level"] == "Expert"
        assert "Expert" in finding.message and "Mohr" in finding.message


def test_the_top_level_is_the_length_of_the_scale():
    # On a three-level scale rank 3 is the top; on the usual five-level scale rank 4 is not.
    three = ("Basic", "Skilled", "Expert")
    required = tuple(skill(name, 3) for name in ("Programming", "Testing", "Security"))
    assert not bloat.check(document(required_skills=required))  # 3 of 5: not the top
    (finding,) = bloat.check(document(required_skills=required, scale=three))
    assert finding.data["skills"] == ["Programming", "Testing", "Security"]
    assert finding.data["level"] == "Expert"


def test_top_level_counts_required_skills_only():
    nice = skills(4, rank=TOP, required=False, start=6)
    assert bloat.check(document(nice_to_have_skills=nice)) == []


def test_an_empty_nice_to_have_list_warns():
    (finding,) = bloat.check(document(nice_to_have_skills=()))
    assert finding.kind == "bloat"
    assert finding.severity == Severity.WARNING
    assert "nice to have" in finding.message
    assert "Mohr" in finding.message
    assert finding.suggestion.startswith("Move some required skills to nice to have")
    assert finding.data["required"] == [s.name for s in document().required_skills]


def test_each_problem_is_its_own_finding():
    doc = document(required_skills=skills(9, rank=TOP), nice_to_have_skills=())
    findings = bloat.check(doc)
    assert len(findings) == 3
    assert all(f.severity == Severity.WARNING and not f.places for f in findings)
    assert all("Why Women Don't Apply" in f.data["source"] for f in findings)
