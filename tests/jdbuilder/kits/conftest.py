"""A JD for the kit tests: five skills, one at each level of the scale, required and nice to have
interleaved as chosen, and a marker question in the bank for each skill at every level."""

from __future__ import annotations

import pytest

from jdbuilder.drafts import SkillChoice
from jdbuilder.services import finalize_job_description
from roles.models import Importance, InterviewQuestion, ProficiencyLevel, QuestionKind, Skill
from tests.factories import DraftFactory

REQUIRED, NICE = Importance.REQUIRED, Importance.NICE_TO_HAVE
# (skill name, level rank, importance), in the order the manager chose them: nice-to-have first
# on purpose, the kit lists the required ones first.
CHOSEN = (
    ("Communication", 5, NICE),
    ("Software engineering", 3, REQUIRED),
    ("Deep learning", 2, NICE),
    ("Machine learning", 1, REQUIRED),
    ("Algorithmic coding", 4, REQUIRED),
)


def marker(skill_name: str, rank: int) -> str:
    return f"Marker question for {skill_name} at level {rank}"


def skill_choices(chosen=CHOSEN) -> tuple[SkillChoice, ...]:
    ids = dict(Skill.objects.filter(name__in=[c[0] for c in chosen]).values_list("name", "pk"))
    return tuple(
        SkillChoice(skill=ids[name], level=rank, importance=imp) for name, rank, imp in chosen
    )


@pytest.fixture
def marked_bank(catalog):
    """One marker question per chosen skill at every level (after whatever the seed has)."""
    levels = {level.rank: level for level in ProficiencyLevel.objects.all()}
    assert sorted(levels) == [1, 2, 3, 4, 5]
    for name, _rank, _imp in CHOSEN:
        skill = Skill.objects.get(name=name)
        for rank, level in levels.items():
            InterviewQuestion.objects.create(
                skill=skill,
                level=level,
                kind=QuestionKind.EXERCISE if rank % 2 else QuestionKind.QUESTION,
                text=marker(name, rank),
                strong_answer=f"Strong answer for {name} at level {rank}",
                position=99,
            )
    return levels


@pytest.fixture
def every_level_draft(marked_bank, manager):
    return DraftFactory(
        owner=manager, title="Platform Engineer", skills=skill_choices(), posting={}
    )


@pytest.fixture
def every_level_final(every_level_draft):
    jd = every_level_draft
    finalize_job_description(job_description=jd, user=jd.owner, expected_version=jd.lock_version)
    jd.refresh_from_db()
    return jd
