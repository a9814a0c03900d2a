"""Traceability: a required skill no responsibility uses, a responsibility using no skill the JD
asks for; and the seed catalog's defaults, which must raise neither."""

from __future__ import annotations

import pytest

from jdbuilder.checks import CHECKS, run_checks, traceability
from jdbuilder.checks.findings import Severity, text_fields
from jdbuilder.document import Group, Trace
from jdbuilder.vocabulary import Seniority
from tests.jdbuilder.checks.builders import document, skill

DEEP = "Deep learning"


def doc(traces, required=("Machine learning", DEEP), nice=("Communication",), groups=None):
    """A document whose responsibilities are `traces` (one group, in order)."""
    traces = tuple(traces)
    return document(
        responsibilities=groups or (Group("Modeling", tuple(t.text for t in traces)),),
        traces=traces,
        required_skills=tuple(skill(name, 3) for name in required),
        nice_to_have_skills=tuple(skill(name, 2, required=False) for name in nice),
    )


TRAIN = Trace(
    "Train models and compare them against baselines", ("Machine learning", "Mathematics")
)
PAPERS = Trace("Read research papers", ("Machine learning", DEEP, "Mathematics"))
DASHBOARDS = Trace("Build dashboards", ("SQL and spreadsheets", "Business acumen"))


def kinds(findings, problem):
    return [f for f in findings if f.data.get("problem") == problem]


def test_the_check_runs_with_the_others():
    assert traceability.check in CHECKS
    report = run_checks(doc([TRAIN]))
    assert f"{DEEP} is required but no responsibility uses it" in [
        f.message for f in report.findings
    ]


def test_a_required_skill_no_responsibility_uses_is_a_warning_with_the_issues_words():
    [finding] = traceability.check(doc([TRAIN]))
    assert finding.kind == "traceability"
    assert finding.severity is Severity.WARNING
    assert finding.message == "Deep learning is required but no responsibility uses it"
    assert finding.data == {"problem": "unused-skill", "skill": DEEP}
    assert "nice to have" in finding.suggestion and "remove" in finding.suggestion
    assert finding.places == ()


def test_a_required_skill_some_responsibility_uses_is_no_finding():
    assert traceability.check(doc([TRAIN, PAPERS])) == []


def test_a_nice_to_have_skill_no_responsibility_uses_is_no_finding():
    # Communication is nice to have and nothing exercises it: that is fine.
    assert traceability.check(doc([PAPERS])) == []


def test_each_unused_required_skill_is_its_own_finding():
    findings = traceability.check(doc([PAPERS], required=(DEEP, "Statistics", "Security")))
    assert [f.data["skill"] for f in findings] == ["Statistics", "Security"]


def test_skill_names_match_whatever_their_case():
    lower = Trace("Train models", ("machine learning", "deep LEARNING"))
    assert traceability.check(doc([lower])) == []


def test_a_responsibility_using_none_of_the_jds_skills_points_at_its_text():
    findings = traceability.check(doc([PAPERS, DASHBOARDS]))
    [finding] = kinds(findings, "unskilled-responsibility")
    assert finding.severity is Severity.WARNING
    assert finding.message == (
        "“Build dashboards” uses none of the skills this job description asks for"
    )
    assert finding.data["responsibility"] == "Build dashboards"
    assert finding.data["skills"] == ["SQL and spreadsheets", "Business acumen"]
    [place] = finding.places
    fields = {f.key: f.text for f in text_fields(doc([PAPERS, DASHBOARDS]))}
    assert place.field == "responsibilities.0.1"
    assert fields[place.field][place.start : place.end] == "Build dashboards"
    assert "SQL and spreadsheets, Business acumen" in finding.suggestion


def test_a_responsibility_using_one_nice_to_have_skill_is_no_finding():
    chat = Trace("Present results", ("Communication", "Business acumen"))
    assert kinds(traceability.check(doc([PAPERS, chat])), "unskilled-responsibility") == []


def test_places_follow_the_documents_grouping():
    groups = (Group("Data", (DASHBOARDS.text,)), Group("Modeling", (PAPERS.text,)))
    findings = traceability.check(doc([DASHBOARDS, PAPERS], groups=groups))
    [finding] = kinds(findings, "unskilled-responsibility")
    assert finding.places[0].field == "responsibilities.0.0"


def test_a_trace_that_does_not_match_the_documents_text_has_no_place_but_is_reported():
    other = (Group("Modeling", ("Something else", PAPERS.text)),)
    [finding] = kinds(
        traceability.check(doc([DASHBOARDS, PAPERS], groups=other)), "unskilled-responsibility"
    )
    assert finding.places == ()


def test_a_catalog_task_with_no_skills_recorded_is_not_reported():
    unknown = Trace("An O*NET task statement", ())
    assert kinds(traceability.check(doc([PAPERS, unknown])), "unskilled-responsibility") == []


# --- the manager's own responsibilities: they name the skill ---------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Apply deep learning to medical images",
        "Apply Deep Learning to medical images",
        "Apply deep-learning models to scans",
        "Deep learning: vision models",
        "Apply deep\u00a0learning to scans",
    ],
)
def test_a_custom_responsibility_naming_the_skill_uses_it(text):
    own = Trace(text, (), custom=True)
    assert kinds(traceability.check(doc([TRAIN, own])), "unused-skill") == []


@pytest.mark.parametrize(
    "text",
    [
        "Deeply learning the domain",
        "Learn deep water safety",
        "Apply deeplearning",
        "Work on learning paths, deep in the code",
    ],
)
def test_a_custom_responsibility_not_naming_the_skill_does_not_use_it(text):
    own = Trace(text, (), custom=True)
    [finding] = traceability.check(doc([TRAIN, own]))
    assert finding.data["skill"] == DEEP


def test_a_custom_responsibility_is_never_reported_for_using_no_skill():
    own = Trace("Organise the team's summer party", (), custom=True)
    assert traceability.check(doc([TRAIN, PAPERS, own])) == []


def test_a_revision_from_before_traceability_says_nothing():
    old = document(
        traces=None,
        required_skills=(skill(DEEP, 3),),
        responsibilities=(Group("Modeling", ("Build dashboards",)),),
    )
    assert traceability.check(old) == []


def test_names_skill_needs_whole_words():
    assert traceability.names_skill("Strong SQL and spreadsheets work", "SQL and spreadsheets")
    assert not traceability.names_skill("MySQL and spreadsheets", "SQL and spreadsheets")
    assert not traceability.names_skill("anything", "  ")


# --- the seed catalog: a default JD is clean ---------------------------------------------------


@pytest.mark.django_db
@pytest.mark.usefixtures("catalog")
@pytest.mark.parametrize("seniority", Seniority.values)
def test_every_seed_roles_default_jd_has_no_traceability_finding(seniority, manager):
    from jdbuilder.documents.build import build_document
    from jdbuilder.services import start_draft
    from roles.models import Role

    roles = list(Role.objects.order_by("slug"))
    assert len(roles) == 6
    for role in roles:
        draft = start_draft(owner=manager, role=role, seniority=seniority)
        document = build_document(draft)
        assert document.traces, role.slug
        assert traceability.check(document) == [], (role.slug, seniority)


@pytest.mark.django_db
@pytest.mark.usefixtures("catalog")
def test_a_senior_data_scientist_with_deep_learning_required_gets_the_finding(manager):
    from jdbuilder.documents.build import build_document
    from jdbuilder.services import start_draft
    from roles.models import Role, Skill

    draft = start_draft(
        owner=manager, role=Role.objects.get(slug="data-scientist"), seniority="senior"
    )
    deep = Skill.objects.get(slug="deep-learning").pk
    chosen = draft.chosen
    skills = tuple(
        type(c)(c.skill, c.level, "required") if c.skill == deep else c for c in chosen.skills
    )
    draft.choose(chosen.with_step("skills", skills))
    messages = [f.message for f in traceability.check(build_document(draft))]
    assert messages == ["Deep learning is required but no responsibility uses it"]
