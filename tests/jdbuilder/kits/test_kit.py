"""The kit's content (jdbuilder/kits/kit.py, services.questions_for): each skill's rubric is the
JD's level descriptor, its questions the bank's at that level only, required skills before
nice-to-have ones, generic questions (marked) where the bank has none."""

from __future__ import annotations

import dataclasses

import pytest

from jdbuilder.documents.build import build_document
from jdbuilder.drafts import SkillChoice
from jdbuilder.kits.kit import MARKS, build_kit
from jdbuilder.kits.services import kit_of, questions_for
from roles.models import InterviewQuestion, ProficiencyLevel, Skill
from roles.questions import generic_questions
from tests.factories import DraftFactory, SkillFactory
from tests.jdbuilder.kits.conftest import CHOSEN, NICE, REQUIRED, marker, skill_choices

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalog")]


def bank_texts(skill_name: str, rank: int) -> list[str]:
    return list(
        InterviewQuestion.objects.filter(skill__name=skill_name, level__rank=rank)
        .order_by("position", "pk")
        .values_list("text", flat=True)
    )


def test_every_level_rubric_is_the_descriptor_and_questions_are_that_levels_only(
    every_level_draft,
):
    document = build_document(every_level_draft)
    kit = kit_of(document)
    descriptors = dict(ProficiencyLevel.objects.values_list("rank", "descriptor"))
    names = dict(ProficiencyLevel.objects.values_list("rank", "name"))
    assert sorted(skill.level_rank for skill in kit.skills) == [1, 2, 3, 4, 5]
    for skill in kit.skills:
        assert skill.rubric == descriptors[skill.level_rank]
        assert skill.level_name == names[skill.level_rank]
        texts = [q.text for q in skill.questions]
        assert texts == bank_texts(skill.name, skill.level_rank)
        assert marker(skill.name, skill.level_rank) in texts
        for other in {1, 2, 3, 4, 5} - {skill.level_rank}:
            assert marker(skill.name, other) not in texts
        ours = next(q for q in skill.questions if q.text == marker(skill.name, skill.level_rank))
        assert ours.strong_answer == f"Strong answer for {skill.name} at level {skill.level_rank}"
        assert ours.kind_label == ("Exercise" if skill.level_rank % 2 else "Question")
        assert not ours.generic
        # The scorecard row: this skill at this level, the three marks, blank notes.
        assert skill.scorecard.skill == skill.name
        assert skill.scorecard.level_expected == names[skill.level_rank]
        assert skill.scorecard.marks == MARKS == ("Below", "Meets", "Above")
        assert skill.scorecard.notes == ""


def test_required_first_then_nice_to_have_each_in_the_documents_order(every_level_draft):
    document = build_document(every_level_draft)
    kit = kit_of(document)
    expected = [s.name for s in document.required_skills] + [
        s.name for s in document.nice_to_have_skills
    ]
    assert [s.name for s in kit.skills] == expected
    assert {s.name for s in kit.required} == {n for n, _, imp in CHOSEN if imp == REQUIRED}
    assert {s.name for s in kit.nice_to_have} == {n for n, _, imp in CHOSEN if imp == NICE}
    assert [row.skill for row in kit.scorecard] == expected
    assert kit.title == "Platform Engineer" and kit.revision is None
    assert kit.revision_label == "draft"


def test_an_issued_revisions_kit_names_its_revision(every_level_final):
    kit = kit_of(build_document(every_level_final.latest_revision))
    assert kit.revision == 1 and kit.revision_label == "revision 1"
    assert kit.date == every_level_final.latest_revision.finalized_at.date()


def test_skills_without_bank_questions_get_the_generic_ones_marked(manager):
    # A catalog skill with no questions (as an O*NET import leaves one), added as an extra.
    imported = SkillFactory(name="Quantum annealing")
    other = Skill.objects.get(name="Communication")
    InterviewQuestion.objects.filter(skill=other, level__rank=4).delete()  # none at that level
    jd = DraftFactory(
        owner=manager,
        skills=(
            SkillChoice(skill=imported.pk, level=3, importance=REQUIRED),
            SkillChoice(skill=other.pk, level=4, importance=NICE),
        ),
        posting={},
    )
    kit = kit_of(build_document(jd))
    by_name = {skill.name: skill for skill in kit.skills}
    for name, rank in (("Quantum annealing", 3), ("Communication", 4)):
        expected = generic_questions(skill_name=name, level_rank=rank)
        assert expected, "the seed file has generic questions for every level"
        skill = by_name[name]
        assert [q.text for q in skill.questions] == [q.text for q in expected]
        assert all(q.generic for q in skill.questions)
        assert skill.all_generic
        assert any(name in q.text for q in skill.questions)  # about this skill, by name


def test_the_questions_come_in_one_query(every_level_draft, django_assert_num_queries):
    document = build_document(every_level_draft)
    with django_assert_num_queries(1):
        found = questions_for(document)
    assert set(found) == {name for name, _, _ in CHOSEN}


def test_a_document_without_skills_has_an_empty_kit_and_no_query(
    every_level_draft, django_assert_num_queries
):
    document = dataclasses.replace(
        build_document(every_level_draft), required_skills=(), nice_to_have_skills=()
    )
    with django_assert_num_queries(0):
        kit = kit_of(document)
    assert kit.skills == () and kit.scorecard == ()


def test_bank_text_control_characters_are_cleaned(every_level_draft):
    document = build_document(every_level_draft)
    line = document.required_skills[0]

    class Row:
        kind, text, strong_answer, generic = "question", "Tell\x0bme\x00 more", "Clear\x07", False

    kit = build_kit(document, {line.name: [Row()]})
    question = kit.skills[0].questions[0]
    assert question.text == "Tell\nme more" and question.strong_answer == "Clear"


def test_skill_choices_helper_covers_every_level():
    assert sorted(c.level for c in skill_choices()) == [1, 2, 3, 4, 5]
