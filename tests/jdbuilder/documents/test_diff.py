"""The redline: two Documents -> what changed, in the skill model's terms (pure)."""

from __future__ import annotations

import datetime

from jdbuilder.document import Group
from jdbuilder.documents.diff import Segment, redline, word_diff
from jdbuilder.vocabulary import DocumentSection
from tests.support.redline import base_document, changed, pay, skill


def only_change(old, new):
    result = redline(old, new)
    assert len(result.changes) == 1, result.summaries
    return result.changes[0]


def test_two_identical_documents_give_an_empty_redline():
    result = redline(base_document(), base_document())
    assert result.is_empty
    assert result.changes == ()
    assert result.sections == ()
    assert not result.first


def test_nothing_issued_before_gives_an_empty_first_redline():
    result = redline(None, base_document())
    assert result.is_empty
    assert result.first


def test_a_revision_number_or_date_alone_is_no_change():
    old = base_document()
    new = changed(old, revision=2, date_posted=datetime.date(2030, 3, 1))
    assert redline(old, new).is_empty


def test_a_level_moved_is_named_with_the_level_names():
    old = base_document()
    new = changed(old, required_skills=(skill("Machine learning", "Advanced"), old.skills[1]))
    change = only_change(old, new)
    assert change.section == DocumentSection.SKILLS
    assert change.kind == "level"
    assert change.summary == "Machine learning: Accomplished → Advanced"


def test_a_skill_added_says_its_importance():
    old = base_document()
    nice = (*old.nice_to_have_skills, skill("Kubernetes", "Working", required=False))
    change = only_change(old, changed(old, nice_to_have_skills=nice))
    assert (change.kind, change.summary) == ("skill_added", "Kubernetes added, nice to have")


def test_a_skill_removed_says_what_it_was():
    old = base_document()
    change = only_change(old, changed(old, required_skills=old.required_skills[:1]))
    assert (change.kind, change.summary) == ("skill_removed", "Python removed (was required)")


def test_a_skill_moved_between_required_and_nice_to_have_is_an_importance_change():
    old = base_document()
    new = changed(
        old,
        required_skills=(*old.required_skills, skill("Docker", "Working")),
        nice_to_have_skills=(),
    )
    change = only_change(old, new)
    assert (change.kind, change.summary) == ("importance", "Docker: nice to have → required")


def test_a_skill_whose_level_and_importance_both_change_gives_both():
    old = base_document()
    new = changed(
        old,
        required_skills=old.required_skills[:1],
        nice_to_have_skills=(*old.nice_to_have_skills, skill("Python", "Expert", required=False)),
    )
    assert redline(old, new).summaries == (
        "Python: Advanced → Expert",
        "Python: required → nice to have",
    )


def test_a_task_ticked_and_one_unticked():
    old = base_document()
    new = changed(
        old,
        responsibilities=(
            Group("Data", ("Clean the training data",)),
            Group("Modeling", ("Train models", "Monitor drift")),
        ),
    )
    result = redline(old, new)
    assert [(c.section, c.kind, c.summary) for c in result.changes] == [
        ("responsibilities", "task_added", "Added responsibility: Monitor drift"),
        ("responsibilities", "task_removed", "Removed responsibility: Label edge cases"),
    ]


def test_a_task_moved_to_another_group_is_no_change():
    old = base_document()
    new = changed(
        old,
        responsibilities=(
            Group("Data", ("Clean the training data",)),
            Group("Modeling", ("Train models", "Label edge cases")),
        ),
    )
    assert redline(old, new).is_empty


def test_tools_added_and_removed():
    old = base_document()
    new = changed(old, tools=(Group("Modeling", ("PyTorch", "MLflow")),))
    assert [(c.section, c.kind, c.summary) for c in redline(old, new).changes] == [
        ("tools", "tool_added", "Added tool: MLflow"),
        ("tools", "tool_removed", "Removed tool: Git"),
    ]


def test_salary_and_its_width():
    old = base_document()
    change = only_change(old, changed(old, compensation=pay(130_000, 170_000)))
    assert change.section == DocumentSection.COMPENSATION
    assert change.kind == "salary"
    assert change.summary == (
        "120,000 to 150,000 USD a year → 130,000 to 170,000 USD a year (width 30,000 → 40,000)"
    )


def test_salary_moved_with_the_same_width_says_so():
    old = base_document()
    change = only_change(old, changed(old, compensation=pay(130_000, 160_000)))
    assert change.summary.endswith("(width 30,000, unchanged)")


def test_salary_in_another_currency_gives_no_width():
    old = base_document()
    change = only_change(old, changed(old, compensation=pay(110_000, 140_000, "EUR")))
    assert change.summary == "120,000 to 150,000 USD a year → 110,000 to 140,000 EUR a year"


def test_salary_added_and_removed():
    old = base_document()
    removed = only_change(old, changed(old, compensation=None))
    assert removed.summary == "Salary removed (was 120,000 to 150,000 USD a year)"
    added = only_change(changed(old, compensation=None), old)
    assert added.summary == "Salary added: 120,000 to 150,000 USD a year"


def test_location_workplace_and_employment_type():
    old = base_document()
    new = changed(
        old,
        location="Berlin",
        workplace_type="remote",
        workplace_type_label="Remote",
        employment_type="PART_TIME",
        employment_type_label="Part-time",
    )
    result = redline(old, new)
    assert {c.section for c in result.changes} == {"location"}
    assert result.summaries == (
        "Location: Denver, Colorado → Berlin",
        "Workplace: Hybrid → Remote",
        "Employment type: Full-time → Part-time",
    )


def test_a_location_emptied_says_none():
    old = base_document()
    change = only_change(old, changed(old, location=""))
    assert change.summary == "Location: Denver, Colorado → none"


def test_title_and_closing_date():
    old = base_document()
    new = changed(old, title="Senior ML Engineer", closing_date=datetime.date(2030, 3, 15))
    result = redline(old, new)
    assert result.summaries == (
        "Title: Machine Learning Engineer → Senior ML Engineer",
        "Closing date: 28 February 2030 → 15 March 2030",
    )
    assert [c.section for c in result.changes] == ["title", "applying"]


def test_a_free_text_gives_a_word_diff():
    old = base_document()
    new = changed(old, summary="Build and ship the models that predict hospital admissions.")
    change = only_change(old, new)
    assert (change.section, change.kind, change.summary) == ("title", "text", "Summary changed")
    assert change.segments == (
        Segment("same", "Build and ship the models that"),
        Segment("removed", "forecast"),
        Segment("added", "predict"),
        Segment("same", "hospital"),
        Segment("removed", "admissions for our customers."),
        Segment("added", "admissions."),
    )


def test_every_free_text_is_compared():
    old = base_document()
    new = changed(
        old,
        about_company="We build tools.",
        about_team="A team of six.",
        benefits=("Health insurance", "Five weeks of paid leave"),
        equal_opportunity="We hire fairly.",
        how_to_apply="Apply online.",
    )
    result = redline(old, new)
    assert [(c.section, c.summary) for c in result.changes] == [
        ("about", "About the company changed"),
        ("about", "About the team added"),
        ("benefits", "Benefits changed"),
        ("applying", "Equal-opportunity statement changed"),
        ("applying", "How to apply changed"),
    ]
    benefits = result.changes[2].segments
    assert Segment("removed", "Four") in benefits and Segment("added", "Five") in benefits


def test_whitespace_alone_is_no_change():
    old = base_document()
    assert redline(old, changed(old, summary=f"  {old.summary}\n")).is_empty


def test_long_unchanged_runs_are_cut_short():
    words = [f"w{n}" for n in range(40)]
    old, new = " ".join(words), " ".join([*words[:20], "NEW", *words[20:]])
    segments = word_diff(old, new, context=3)
    assert segments == (
        Segment("same", "… w17 w18 w19"),
        Segment("added", "NEW"),
        Segment("same", "w20 w21 w22 …"),
    )


def test_an_unchanged_run_between_two_changes_keeps_both_sides():
    words = [f"w{n}" for n in range(30)]
    new = ["A", *words[1:29], "B"]
    segments = word_diff(" ".join(words), " ".join(new), context=2)
    assert segments[2] == Segment("same", "w1 w2 … w27 w28")
    assert [s.op for s in segments] == ["removed", "added", "same", "removed", "added"]


def test_sections_come_in_document_order_whatever_the_finding_order():
    old = base_document()
    new = changed(
        old,
        how_to_apply="Apply online.",
        title="ML Engineer",
        required_skills=(skill("Machine learning", "Expert"), old.skills[1]),
    )
    result = redline(old, new)
    assert [s.section for s in result.sections] == ["title", "skills", "applying"]
    assert result.sections[1].label == "Skills and proficiency"
    assert result.sections[1].changes[0].summary == "Machine learning: Accomplished → Expert"


def test_stated_experience_added_changed_and_removed():
    stated = changed(base_document(), months_of_experience=60)
    change = only_change(base_document(), stated)
    assert (change.section, change.kind) == (DocumentSection.SKILLS.value, "experience")
    assert change.summary == "Experience: not stated → 5 years"
    assert only_change(stated, changed(stated, months_of_experience=0)).summary == (
        "Experience: 5 years → no prior experience required"
    )
    assert only_change(stated, base_document()).summary == "Experience: 5 years → not stated"


def test_stated_education_added_changed_and_removed():
    bachelor = changed(base_document(), education_requirement="bachelor degree")
    change = only_change(base_document(), bachelor)
    assert (change.section, change.kind) == (DocumentSection.SKILLS.value, "education")
    assert change.summary == "Education: not stated → Bachelor's degree"
    postgraduate = changed(bachelor, education_requirement="postgraduate degree")
    assert only_change(bachelor, postgraduate).summary == (
        "Education: Bachelor's degree → Postgraduate degree"
    )
    assert only_change(bachelor, base_document()).summary == (
        "Education: Bachelor's degree → not stated"
    )
