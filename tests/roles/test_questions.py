"""The interview question bank's file: validation, the generic questions, and loading."""

from __future__ import annotations

import copy
import json
import tomllib
from pathlib import Path
from typing import Any

import pytest

from roles.models import InterviewQuestion, ProficiencyLevel, QuestionKind, Skill
from roles.questions import (
    SEED_QUESTIONS,
    SEED_REASON,
    QuestionFileError,
    generic_question_rows,
    generic_questions,
    load_questions,
    read_question_file,
    validate_questions,
)
from roles.seed import SEED_CATALOG, read_catalog_file
from tests.factories import InterviewQuestionFactory, ProficiencyLevelFactory, SkillFactory

SEED = tomllib.loads(SEED_QUESTIONS.read_text(encoding="utf-8"))
CATALOG = read_catalog_file(SEED_CATALOG)
SLUGS = {skill["slug"] for skill in CATALOG["skills"]}
RANKS = {level["rank"] for level in CATALOG["levels"]}


def question(**fields: Any) -> dict[str, Any]:
    return {
        "skill": "mathematics",
        "level": 2,
        "kind": "question",
        "text": "What is a mean?",
        "strong_answer": "The sum divided by the count.",
        **fields,
    }


def generic(**fields: Any) -> dict[str, Any]:
    return {
        "level": 1,
        "kind": "question",
        "text": "What do you know of {skill}?",
        "strong_answer": "Names the core ideas of {skill}.",
        **fields,
    }


def dump(data: dict[str, Any], path: Path) -> Path:
    """A minimal TOML writer: arrays of inline tables (JSON strings are TOML strings)."""
    lines = []
    for key, value in data.items():
        if isinstance(value, list):
            tables = [
                "{ " + ", ".join(f"{k} = {json.dumps(v)}" for k, v in entry.items()) + " }"
                for entry in value
            ]
            lines.append(f"{key} = [\n  " + ",\n  ".join(tables) + "\n]")
        else:
            lines.append(f"{key} = {json.dumps(value)}")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


# --- The seed file ------------------------------------------------------------------------------


def test_the_seed_file_is_valid_against_the_seed_catalog() -> None:
    data = read_question_file(SEED_QUESTIONS, skill_slugs=SLUGS, ranks=RANKS)
    assert data["version"] == 1


def test_every_seed_skill_has_two_or_three_entries_at_every_level() -> None:
    counts: dict[tuple[str, int], list[str]] = {}
    for entry in SEED["questions"]:
        counts.setdefault((entry["skill"], entry["level"]), []).append(entry["kind"])
    assert set(counts) == {(slug, rank) for slug in SLUGS for rank in RANKS}
    for (slug, rank), kinds in counts.items():
        assert 2 <= len(kinds) <= 3, (slug, rank)
        assert QuestionKind.QUESTION in kinds, (slug, rank)  # at least one question
        if rank >= 3:
            assert QuestionKind.EXERCISE in kinds, (slug, rank)  # and an exercise from level 3


def test_seed_questions_differ_between_levels_of_a_skill() -> None:
    texts = [(entry["skill"], entry["text"].casefold()) for entry in SEED["questions"]]
    assert len(texts) == len(set(texts))  # no text reused at another level of the same skill


def test_the_generic_templates_are_two_per_level_and_name_the_skill() -> None:
    by_level: dict[int, int] = {}
    for entry in SEED["generic"]:
        by_level[entry["level"]] = by_level.get(entry["level"], 0) + 1
        assert "{skill}" in entry["text"]
    assert by_level == dict.fromkeys(RANKS, 2)


# --- Validation: each error names its place -----------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"questions": [question(skill="juggling")]}, "questions[0]: unknown skill 'juggling'"),
        ({"questions": [question(level=9)]}, "questions[0]: level 9 is not on the scale"),
        ({"questions": [question(level=0)]}, "questions[0]: level must be a whole number"),
        ({"questions": [question(level="2")]}, "questions[0]: level must be a whole number"),
        ({"questions": [question(answer="x")]}, "questions[0]: unknown key 'answer'"),
        ({"generic": [generic(skill="x")]}, "generic[0]: unknown key 'skill'"),
        ({"questions": [], "extra": 1}, "unknown key 'extra'"),
        ({"questions": [question(text="   ")]}, "questions[0]: 'text' is empty"),
        ({"questions": [question(strong_answer="")]}, "questions[0]: 'strong_answer' is empty"),
        ({"questions": [question(text=3)]}, "questions[0]: 'text' is empty"),
        ({"questions": [question(kind="quiz")]}, "questions[0]: unknown kind 'quiz'"),
        (
            {"questions": [{k: v for k, v in question().items() if k != "strong_answer"}]},
            "questions[0]: missing 'strong_answer'",
        ),
        (
            {"questions": [question(), question(text="  what is a MEAN? ")]},
            "questions[1]: the same text as questions[0] for skill 'mathematics' at level 2",
        ),
        (
            {"generic": [generic(), generic(strong_answer="Another.")]},
            "generic[1]: the same text as generic[0] at level 1",
        ),
        (
            {"generic": [generic(text="How would {role} use {skill}?")]},
            "generic[0]: 'text' has the placeholder {role}; only {skill} is filled in",
        ),
        (
            {"generic": [generic(strong_answer="Knows {}.")]},
            "generic[0]: 'strong_answer' has the placeholder {}",
        ),
        ({"generic": [generic(text="Use {skill here")]}, "generic[0]: 'text' has an unmatched"),
        ({"questions": [question(text="x" * 1001)]}, "'text' is longer than 1000 characters"),
        ({"questions": {"skill": "mathematics"}}, "'questions' must be a list of tables"),
        ({"questions": ["text"]}, "questions[0]: not a table"),
    ],
)
def test_a_malformed_entry_is_refused_with_its_place(data: dict, message: str) -> None:
    with pytest.raises(QuestionFileError) as excinfo:
        validate_questions(data, skill_slugs=SLUGS, ranks=RANKS)
    assert message in str(excinfo.value)


def test_the_same_text_at_another_level_or_for_another_skill_is_fine() -> None:
    validate_questions(
        {"questions": [question(), question(level=3), question(skill="data-science")]},
        skill_slugs=SLUGS,
        ranks=RANKS,
    )


def test_reading_a_file_names_the_file(tmp_path: Path) -> None:
    path = dump({"questions": [question(kind="quiz")]}, tmp_path / "bank.toml")
    with pytest.raises(QuestionFileError, match=r"^bank\.toml: questions\[0\]: unknown kind"):
        read_question_file(path)
    broken = tmp_path / "broken.toml"
    broken.write_text("questions = [", encoding="utf-8")
    with pytest.raises(QuestionFileError, match="not valid TOML"):
        read_question_file(broken)
    with pytest.raises(QuestionFileError, match="no such file"):
        read_question_file(tmp_path / "absent.toml")


# --- Generic questions --------------------------------------------------------------------------


def test_generic_questions_fill_the_skill_name_as_written() -> None:
    questions = generic_questions(skill_name="SQL and spreadsheets", level_rank=2)
    assert len(questions) == 2
    assert all(q.generic for q in questions)
    assert all("SQL and spreadsheets" in q.text for q in questions)
    assert not any("{" in q.text + q.strong_answer for q in questions)
    templates = [entry for entry in SEED["generic"] if entry["level"] == 2]
    assert [q.text for q in questions] == [
        entry["text"].replace("{skill}", "SQL and spreadsheets") for entry in templates
    ]


def test_generic_questions_differ_by_level() -> None:
    texts = [
        tuple(q.text for q in generic_questions(skill_name="Writing", level_rank=rank))
        for rank in sorted(RANKS)
    ]
    assert len(set(texts)) == len(RANKS)
    expert = generic_questions(skill_name="Writing", level_rank=5)
    assert any("direction" in q.text for q in expert)


@pytest.mark.parametrize(("asked", "given"), [(0, 1), (-3, 1), (6, 5), (40, 5)])
def test_an_unknown_rank_gets_the_nearest_levels_questions(asked: int, given: int) -> None:
    assert generic_questions(skill_name="Writing", level_rank=asked) == generic_questions(
        skill_name="Writing", level_rank=given
    )


def test_an_exercise_keeps_its_kind() -> None:
    kinds = [q.kind for q in generic_questions(skill_name="Writing", level_rank=3)]
    assert kinds == [QuestionKind.QUESTION, QuestionKind.EXERCISE]


@pytest.mark.django_db
def test_generic_rows_cover_every_skill_and_level_in_order() -> None:
    skills = SkillFactory.create_batch(2)
    levels = [ProficiencyLevelFactory(rank=rank) for rank in (1, 2, 3)]
    rows = generic_question_rows(skills, levels)
    assert len(rows) == 2 * 3 * 2
    assert {(row.skill, row.level.rank, row.position) for row in rows} == {
        (skill, rank, position) for skill in skills for rank in (1, 2, 3) for position in (1, 2)
    }
    assert all(row.generic and row.skill.name in row.text for row in rows)


# --- Loading ------------------------------------------------------------------------------------


def _bank(*entries: dict[str, Any]) -> dict[str, Any]:
    return {"version": 1, "questions": list(entries)}


@pytest.mark.django_db
def test_loading_creates_the_questions_with_their_order_and_history() -> None:
    math = SkillFactory(slug="mathematics", name="Mathematics")
    for rank in (1, 2):
        ProficiencyLevelFactory(rank=rank)
    data = _bank(
        question(text="First?"),
        question(text="Second, about {skill}?", kind="exercise"),
        question(level=1, text="Basic?"),
    )
    report = load_questions(data=data)
    assert report.created["interview questions"] == 3
    rows = list(InterviewQuestion.objects.for_skills([math.pk]))
    assert [(row.level.rank, row.position, row.text) for row in rows] == [
        (1, 1, "Basic?"),
        (2, 1, "First?"),
        (2, 2, "Second, about Mathematics?"),
    ]
    assert rows[2].kind == QuestionKind.EXERCISE
    assert not any(row.generic for row in rows)
    reasons = set(InterviewQuestion.history.values_list("history_change_reason", flat=True))
    assert reasons == {SEED_REASON}


@pytest.mark.django_db
def test_a_skill_or_level_not_in_the_catalog_is_refused_and_nothing_is_written() -> None:
    SkillFactory(slug="mathematics")
    ProficiencyLevelFactory(rank=2)
    with pytest.raises(QuestionFileError, match=r"questions\[1\]: unknown skill 'data-science'"):
        load_questions(data=_bank(question(), question(skill="data-science")))
    with pytest.raises(QuestionFileError, match=r"questions\[1\]: level 4 is not on the scale"):
        load_questions(data=_bank(question(), question(level=4)))
    assert not InterviewQuestion.objects.exists()


@pytest.mark.usefixtures("catalog")
class TestTheSeedBank:
    """The seed catalog (loaded by load_catalog) with its questions."""

    def test_every_seed_skill_has_questions_at_every_level(self) -> None:
        found = set(
            InterviewQuestion.objects.filter(skill__slug__in=SLUGS, generic=False).values_list(
                "skill__slug", "level__rank"
            )
        )
        assert found == {(slug, rank) for slug in SLUGS for rank in RANKS}
        assert InterviewQuestion.objects.count() == len(SEED["questions"])

    def test_a_second_load_keeps_everything(self) -> None:
        before = sorted(InterviewQuestion.objects.values_list())
        report = load_questions(data=SEED)
        assert report.created["interview questions"] == 0
        assert report.kept["interview questions"] == len(SEED["questions"])
        assert sorted(InterviewQuestion.objects.values_list()) == before

    def test_staff_edits_and_deletions_are_kept_until_overwrite(self) -> None:
        edited = InterviewQuestion.objects.filter(skill__slug="deep-learning", level__rank=3)[0]
        original = edited.text
        edited.text = "Staff wrote this question instead."
        edited.save()
        gone = InterviewQuestion.objects.filter(skill__slug="communication", level__rank=1)[0]
        gone_text = gone.text
        gone.delete()
        added = InterviewQuestionFactory(
            skill=Skill.objects.get(slug="business-acumen"),
            level=ProficiencyLevel.objects.get(rank=2),
            text="A question staff added.",
        )

        report = load_questions(data=SEED)

        assert report.created["interview questions"] == 0  # neither comes back
        assert not InterviewQuestion.objects.filter(text=original).exists()
        assert not InterviewQuestion.objects.filter(text=gone_text).exists()
        assert InterviewQuestion.objects.filter(pk=edited.pk, text=edited.text).exists()
        assert InterviewQuestion.objects.filter(pk=added.pk).exists()

        report = load_questions(data=SEED, overwrite=True)

        assert report.created["interview questions"] == 2  # the original text, the deleted one
        assert report.deleted["interview questions"] == 2  # staff's text and staff's addition
        assert InterviewQuestion.objects.filter(text=original).exists()
        assert InterviewQuestion.objects.filter(text=gone_text).exists()
        assert not InterviewQuestion.objects.filter(pk__in=[edited.pk, added.pk]).exists()
        assert InterviewQuestion.objects.count() == len(SEED["questions"])

    def test_overwrite_restores_a_changed_answer_in_place(self) -> None:
        row = InterviewQuestion.objects.filter(skill__slug="mathematics", level__rank=5)[0]
        answer = row.strong_answer
        InterviewQuestion.objects.filter(pk=row.pk).update(strong_answer="Edited.", generic=True)
        report = load_questions(data=SEED, overwrite=True)
        assert report.updated["interview questions"] == 1
        row.refresh_from_db()
        assert (row.strong_answer, row.generic) == (answer, False)

    def test_overwrite_leaves_skills_the_file_does_not_name(self) -> None:
        other = InterviewQuestionFactory(
            skill=SkillFactory(name="Juggling"), level=ProficiencyLevel.objects.get(rank=1)
        )
        load_questions(data=SEED, overwrite=True)
        assert InterviewQuestion.objects.filter(pk=other.pk).exists()

    def test_a_change_by_the_loader_itself_does_not_count_as_staffs(self) -> None:
        row = InterviewQuestion.objects.filter(skill__slug="data-science", level__rank=4)[0]
        InterviewQuestion.objects.filter(pk=row.pk).update(strong_answer="Edited.")
        load_questions(data=SEED, overwrite=True)  # a "~" record with the loader's reason
        data = copy.deepcopy(SEED)
        data["questions"].append(question(skill="data-science", level=4, text="New in v2?"))
        report = load_questions(data=data)
        assert report.created["interview questions"] == 1
        assert InterviewQuestion.objects.filter(text="New in v2?", position=3).exists()
