"""Coherence: the title's seniority words, the levels and the pay band against the seniority."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jdbuilder.checks import CHECKS, bands, coherence, run_checks
from jdbuilder.checks.findings import Severity, text_fields
from jdbuilder.document import PayBand
from tests.jdbuilder.checks.builders import SCALE, TOP, document, salary, skill, skills

LABELS = {
    "junior": "Junior",
    "mid": "Mid-level",
    "senior": "Senior",
    "staff": "Staff",
    "principal": "Principal",
}
# Levels every seniority finds coherent: one skill at 4, the rest at 3.
FINE = (skill("Programming", 4), *skills(3, rank=3, start=1))


def jd(title="Data Scientist", seniority="mid", required=FINE, **kw):
    return document(
        title=title,
        seniority=seniority,
        seniority_label=LABELS.get(seniority, ""),
        required_skills=required,
        **kw,
    )


def problems(doc, problem):
    return [f for f in coherence.check(doc) if f.data["problem"] == problem]


def test_the_check_runs_with_the_others():
    assert coherence.check in CHECKS
    kinds = {f.kind for f in run_checks(jd("Senior Data Scientist", "junior")).findings}
    assert "coherence" in kinds


# --- the title ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "title, seniority, word",
    [
        ("Senior Data Scientist", "junior", "Senior"),
        ("senior data scientist", "mid", "senior"),
        ("Sr. Data Scientist", "staff", "Sr."),
        ("Sr Data Scientist", "junior", "Sr"),
        ("Junior Data Analyst", "senior", "Junior"),
        ("Jr. Data Analyst", "mid", "Jr."),
        ("Entry-level Data Analyst", "senior", "Entry-level"),
        ("Entry level Data Analyst", "mid", "Entry level"),
        ("Graduate Software Engineer", "staff", "Graduate"),
        ("Staff Software Engineer", "senior", "Staff"),
        ("Principal Machine Learning Engineer", "staff", "Principal"),
        ("Distinguished Engineer", "senior", "Distinguished"),
        ("Lead Data Scientist", "mid", "Lead"),
        ("Tech Lead", "junior", "Lead"),
        ("Data Science Intern", "senior", "Intern"),
        ("Software Engineering Internship", "mid", "Internship"),
        ("Data Scientist (Senior)", "junior", "Senior"),
        ("Software Engineer, Staff", "mid", "Staff"),
        ("Payments – Senior Engineer", "junior", "Senior"),
        ("Mid-level Software Engineer", "principal", "Mid-level"),
        ("Senior Staff Engineer", "senior", "Senior Staff"),
    ],
)
def test_a_title_word_the_seniority_contradicts_is_a_warning_on_the_word(title, seniority, word):
    [finding] = problems(jd(title, seniority), "title-seniority")
    assert finding.kind == "coherence" and finding.severity is Severity.WARNING
    assert finding.data["word"] == word
    assert f"“{word}”" in finding.message
    assert LABELS[seniority] in finding.message
    fields = {f.key: f.text for f in text_fields(jd(title, seniority))}
    marked = " ".join(fields[p.field][p.start : p.end] for p in finding.places)
    assert marked == word  # "Senior Staff": one place per word, one finding for the run
    assert all(place.field == "title" for place in finding.places)


@pytest.mark.parametrize(
    "title, seniority",
    [
        ("Senior Data Scientist", "senior"),
        ("Sr. Data Scientist", "senior"),
        ("Junior Data Analyst", "junior"),
        ("Data Science Intern", "junior"),
        ("Staff Software Engineer", "staff"),
        ("Principal Engineer", "principal"),
        ("Lead Data Scientist", "senior"),
        ("Lead Data Scientist", "staff"),
        ("Tech Lead", "principal"),
        ("Senior Staff Engineer", "staff"),
        ("Senior Staff Engineer", "principal"),
        ("Data Scientist", "junior"),
        ("Data Scientist", "principal"),
        # Not seniority words where they stand:
        ("Lead Generation Analyst", "junior"),
        ("Chief of Staff", "junior"),
        ("Head of Lead Scoring", "mid"),
        ("Senior Living Coordinator", "junior"),
        ("Staffing Coordinator", "junior"),
        ("Seniority Analyst", "junior"),
        ("Leadership Coach", "junior"),
        ("Data Scientist, Internal Tools", "senior"),
        ("Machine Learning Engineer for Senior Care", "junior"),
    ],
)
def test_a_title_that_agrees_or_uses_the_word_otherwise_is_no_finding(title, seniority):
    assert problems(jd(title, seniority), "title-seniority") == []


def test_an_unknown_seniority_says_nothing():
    assert coherence.check(jd("Senior Data Scientist", "")) == []


def test_the_suggestion_and_data_name_what_the_title_allows():
    [finding] = problems(jd("Lead Data Scientist", "junior"), "title-seniority")
    assert finding.data["title_says"] == ["senior", "staff", "principal"]
    assert "Senior, Staff or Principal" in finding.message
    assert "take “Lead” out of the title" in finding.suggestion


# --- levels --------------------------------------------------------------------------------


def test_a_junior_jd_with_two_top_level_required_skills_is_a_warning():
    required = (skill("Programming", TOP), skill("Statistics", TOP), skill("Testing", 2))
    [finding] = problems(jd(seniority="junior", required=required), "junior-top-levels")
    assert finding.severity is Severity.WARNING
    assert finding.data["skills"] == ["Programming", "Statistics"]
    assert finding.data["level"] == SCALE[-1]
    assert "Expert" in finding.message and "Programming, Statistics" in finding.message


def test_a_junior_jd_with_one_top_level_skill_is_no_finding():
    required = (skill("Programming", TOP), skill("Statistics", 4))
    assert problems(jd(seniority="junior", required=required), "junior-top-levels") == []


def test_top_level_nice_to_have_skills_do_not_count_for_a_junior():
    nice = (skill("Statistics", TOP, required=False), skill("Testing", TOP, required=False))
    required = (skill("Programming", TOP),)
    doc = jd(seniority="junior", required=required, nice_to_have_skills=nice)
    assert coherence.check(doc) == []


@pytest.mark.parametrize("seniority", ["mid", "senior", "staff", "principal"])
def test_two_top_levels_are_coherent_for_anyone_but_a_junior(seniority):
    required = (skill("Programming", TOP), skill("Statistics", TOP))
    assert problems(jd(seniority=seniority, required=required), "junior-top-levels") == []


@pytest.mark.parametrize("seniority", ["staff", "principal"])
def test_a_staff_or_principal_jd_with_nothing_above_the_middle_is_a_warning(seniority):
    required = skills(4, rank=3)
    [finding] = problems(jd(seniority=seniority, required=required), "senior-low-levels")
    assert finding.severity is Severity.WARNING
    assert finding.data["level"] == "Accomplished"
    assert LABELS[seniority] in finding.message and "Accomplished" in finding.message


@pytest.mark.parametrize("seniority", ["staff", "principal"])
def test_one_required_skill_above_the_middle_is_enough(seniority):
    required = (*skills(3, rank=2), skill("Security", 4))
    assert problems(jd(seniority=seniority, required=required), "senior-low-levels") == []


@pytest.mark.parametrize("seniority", ["junior", "mid", "senior"])
def test_low_levels_are_coherent_below_staff(seniority):
    assert problems(jd(seniority=seniority, required=skills(3, rank=2)), "senior-low-levels") == []


def test_the_middle_of_a_four_level_scale():
    scale = SCALE[:4]
    # Above the middle of four levels: 3 and 4.
    doc = jd(seniority="staff", required=(skill("Programming", 3),), scale=scale)
    assert problems(doc, "senior-low-levels") == []
    doc = jd(seniority="staff", required=(skill("Programming", 2),), scale=scale)
    [finding] = problems(doc, "senior-low-levels")
    assert finding.data["level"] == "Developing"


def test_no_required_skill_or_no_scale_says_nothing_about_levels():
    assert problems(jd(seniority="staff", required=()), "senior-low-levels") == []
    assert coherence.check(jd(seniority="junior", required=FINE, scale=())) == []


# --- pay against the band for the seniority: the bands check, once ------------------------


def band(minimum: int, maximum: int) -> PayBand:
    return PayBand(
        minimum=Decimal(minimum),
        maximum=Decimal(maximum),
        currency="USD",
        period="YEAR",
        scope="Data Scientist · Senior · Denver",
    )


def test_pay_outside_the_band_is_reported_once_by_the_bands_check():
    doc = jd(
        "Senior Data Scientist",
        "senior",
        compensation=salary(120000, 240000),
        pay_band=band(150000, 200000),
    )
    band_findings = [f for f in run_checks(doc).findings if f.data.get("band") == "pay-band"]
    assert sorted(f.data["end"] for f in band_findings) == ["maximum", "minimum"]
    assert band_findings == bands.check(doc)
    assert coherence.check(doc) == []


@pytest.mark.django_db
@pytest.mark.usefixtures("catalog")
def test_the_band_that_applies_is_the_one_for_the_drafts_seniority(manager):
    """A band for Senior only: a Senior draft paying under it is flagged; a Mid-level draft with
    the same pay has no band, so no finding."""
    from jdbuilder.documents.build import build_document
    from jdbuilder.services import start_draft
    from roles.models import Role
    from tests.factories import PayBandFactory

    role = Role.objects.get(slug="data-scientist")
    PayBandFactory(role=role, seniority="senior", minimum=150000, maximum=200000)
    findings = {}
    for seniority in ("senior", "mid"):
        draft = start_draft(owner=manager, role=role, seniority=seniority)
        chosen = draft.chosen
        posting = type(chosen.posting)(
            **{**chosen.posting.to_json(), "salary_min": "100000", "salary_max": "180000"}
        )
        draft.choose(chosen.with_step("posting", posting))
        report = run_checks(build_document(draft))
        findings[seniority] = [f for f in report.findings if f.data.get("band") == "pay-band"]
    assert [f.data["end"] for f in findings["senior"]] == ["minimum"]
    assert findings["mid"] == []
