"""jdbuilder/drafts.py: the typed face of a draft's choices, and the JSON it keeps."""

import dataclasses

import pytest

from jdbuilder.drafts import DraftChoices, Posting, Responsibility, SkillChoice, ToolChoice


def choices() -> DraftChoices:
    return DraftChoices(
        responsibilities=(
            Responsibility(task=3, text="Run the platform", area=5),
            Responsibility(task=None, text="Mentor two engineers", area=None),
        ),
        skills=(SkillChoice(skill=7, level=4, importance="required"),),
        tools=(ToolChoice(tool=11, name="Docker", area=3), ToolChoice(None, "Bazel", None)),
        posting=Posting(company_name="Acme", salary_min="100", salary_max="120"),
        saved_steps=frozenset({"role", "skills"}),
    )


def test_the_json_round_trip_is_lossless_and_keeps_the_stored_shape():
    data = choices().to_json()
    assert data["responsibilities"]["items"][1] == {
        "task": None,
        "text": "Mentor two engineers",
        "area": None,
    }
    assert data["skills"] == {"items": [{"skill": 7, "level": 4, "importance": "required"}]}
    assert data["posting"]["company_name"] == "Acme" and data["posting"]["closing_date"] is None
    assert data["saved_steps"] == ["role", "skills"]
    assert DraftChoices.from_json(data) == choices()


def test_an_empty_or_old_document_reads_as_no_choices_and_nothing_saved():
    assert DraftChoices.from_json(None) == DraftChoices()
    old = {"posting": {"company_name": "Acme", "a_key_no_longer_used": "x"}}
    read = DraftChoices.from_json(old)
    assert read.posting.company_name == "Acme" and read.saved_steps == frozenset()
    assert read.responsibilities == () and read.tools == ()


def test_with_step_returns_a_new_object_and_marks_the_step_saved():
    before = choices()
    skills = (SkillChoice(skill=8, level=2, importance="nice_to_have"),)
    after = before.with_step("skills", skills)
    assert after.skills == skills and before.skills != skills
    assert after.is_saved("skills") and not before.is_saved("tools")
    posting = dataclasses.replace(before.posting, company_name="Globex")
    assert before.with_step("posting", posting).posting.company_name == "Globex"
    assert before.with_step("role").is_saved("role")
    assert before.with_step("review").responsibilities == before.responsibilities


def test_with_step_refuses_a_value_where_none_fits_and_none_where_one_is_needed():
    with pytest.raises(ValueError, match="needs its choices"):
        choices().with_step("skills")
    with pytest.raises(ValueError, match="keeps no choices"):
        choices().with_step("role", ())


def test_restarted_steps_take_the_defaults_and_are_no_longer_saved():
    defaults = DraftChoices(skills=(SkillChoice(skill=1, level=3, importance="required"),))
    restarted = choices().restarted(["skills"], defaults=defaults)
    assert restarted.skills == defaults.skills
    assert not restarted.is_saved("skills") and restarted.is_saved("role")
    assert restarted.tools == choices().tools


def test_tool_ids_are_the_catalog_tools_only():
    assert choices().tool_ids == [11]
