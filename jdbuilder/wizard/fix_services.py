"""One-click fixes of traceability findings: a finding's button in the wizard's preview names a
fix, and `apply_fix` makes that change to the draft's choices as the step's own save would.

A fix is a short text, "<action>:<id>":

| fix              | what it does                                                        | step    |
|------------------|---------------------------------------------------------------------|---------|
| `nice:<skill>`   | a required skill becomes nice to have                               | skills  |
| `drop-skill:<s>` | the skill is removed                                                | skills  |
| `add-skill:<s>`  | the skill is added at the role's default level for the seniority    | skills  |
|                  | and its default importance (a skill the role does not list: the     |         |
|                  | middle level moved for the seniority, nice to have)                 |         |
| `add-task:<t>`   | the role's task is added to the responsibilities                    | resp.   |
| `drop-task:<t>`  | the task is removed from the responsibilities                       | resp.   |

Each is checked against the draft as it is now (not as the page showed it): a skill or task
that is not the catalog's or the role's, a fix already made (the skill already nice to have, the
task already there), a change the step itself would refuse (no skill or no responsibility left,
too many skills beyond the role's), a step with input typed but not yet valid (a save would drop
it), or a draft that is not a draft any more: FixRefused (or AlreadyFinal), and nothing changes.
A stale version raises DraftChanged, as a step's save does, and nothing changes.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from jdbuilder.catalog import RoleCatalog
from jdbuilder.defaults import default_level
from jdbuilder.drafts import Responsibility, SkillChoice
from jdbuilder.models import JobDescription
from jdbuilder.services import AlreadyFinal, DraftChanged, save_step
from jdbuilder.vocabulary import Seniority, WizardStep
from roles.models import Importance

MAKE_NICE = "nice"
DROP_SKILL = "drop-skill"
ADD_SKILL = "add-skill"
ADD_TASK = "add-task"
DROP_TASK = "drop-task"
ACTIONS = (MAKE_NICE, DROP_SKILL, ADD_SKILL, ADD_TASK, DROP_TASK)
# The skills step's cap on skills beyond the role's own (wizard/formsets.py, a layer above this
# one; a test keeps the two equal).
MAX_ADDED_SKILLS = 10
MAX_FIX = 40  # "drop-skill:" and an 18-digit id fit; anything longer is not a fix of ours


class FixRefused(Exception):
    """The fix does not apply to the draft as it is: the message says why; nothing changed."""


@dataclass(frozen=True)
class Fix:
    action: str
    id: int

    @property
    def value(self) -> str:
        return f"{self.action}:{self.id}"

    @property
    def step(self) -> str:
        skills = (MAKE_NICE, DROP_SKILL, ADD_SKILL)
        return WizardStep.SKILLS if self.action in skills else WizardStep.RESPONSIBILITIES


def parse_fix(text: str) -> Fix:
    """The fix a button sent; FixRefused for anything that is not one."""
    action, _, number = (text or "")[:MAX_FIX].partition(":")
    if action not in ACTIONS or not (number.isascii() and number.isdigit()) or len(number) > 18:
        raise FixRefused("That fix is not one this page offers. Reload the page and try again.")
    return Fix(action, int(number))


def added_skill(catalog: RoleCatalog, skill_id: int, *, seniority: str) -> SkillChoice:
    """The skill as "Add <skill>" adds it: the role's default level for the seniority and its
    default importance; a skill the role does not list, the middle of the scale moved for the
    seniority (what a mid-level default there would become), nice to have."""
    for role_skill in catalog.role_skills:
        if role_skill.skill_id == skill_id:
            level = default_level(catalog, role_skill, seniority=seniority)
            return SkillChoice(skill=skill_id, level=level, importance=role_skill.importance)
    ranks = sorted(catalog.level_by_rank)
    middle = ranks[len(ranks) // 2]
    level = catalog.shifted_rank(middle, Seniority(seniority).level_shift)
    return SkillChoice(skill=skill_id, level=level, importance=Importance.NICE_TO_HAVE)


@transaction.atomic
def apply_fix(*, job_description: JobDescription, fix: str, expected_version: int, user) -> str:
    """Make `fix` to the draft, saved as its step's save is (version-checked, rescored); the
    message to show ("Deep learning is now nice to have.").

    Raises FixRefused (and changes nothing) for a fix that does not apply, AlreadyFinal for a
    JD that is no longer a draft, DraftChanged for a stale `expected_version`.
    """
    jd = job_description
    if jd.owner_id != getattr(user, "pk", None):
        raise FixRefused("Only the owner of a draft can change it.")
    if not jd.is_editable:
        raise AlreadyFinal
    if jd.lock_version != expected_version:
        raise DraftChanged
    parsed = parse_fix(fix)
    if parsed.step in jd.pending_input:
        title = WizardStep(parsed.step).label
        raise FixRefused(
            f"The “{title}” step has changes not saved yet: open it and save it first, so the "
            "fix does not replace what you typed."
        )
    catalog = RoleCatalog.for_draft(jd)
    if parsed.step == WizardStep.SKILLS:
        value, said = _skills_fixed(jd, catalog, parsed)
    else:
        value, said = _tasks_fixed(jd, catalog, parsed)
    save_step(
        job_description=jd,
        step=parsed.step,
        expected_version=expected_version,
        next_step=jd.current_step,
        value=value,
    )
    return said


def _skills_fixed(
    jd: JobDescription, catalog: RoleCatalog, fix: Fix
) -> tuple[tuple[SkillChoice, ...], str]:
    skill = catalog.skill_by_id.get(fix.id)
    if skill is None:
        raise FixRefused("That skill is not in the catalog any more. Reload the page.")
    chosen = jd.chosen.skills
    mine = next((item for item in chosen if item.skill == fix.id), None)
    if fix.action == ADD_SKILL:
        if mine is not None:
            raise FixRefused(f"{skill.name} is already one of the skills.")
        added = [item for item in chosen if item.skill not in catalog.role_skill_ids]
        if fix.id not in catalog.role_skill_ids and len(added) >= MAX_ADDED_SKILLS:
            raise FixRefused(
                f"At most {MAX_ADDED_SKILLS} skills can be added beyond the role's own: remove "
                f"one before adding {skill.name}."
            )
        new = added_skill(catalog, fix.id, seniority=jd.seniority)
        level = catalog.level_by_rank[new.level].name
        importance = Importance(new.importance).label.lower()
        return (*chosen, new), f"{skill.name} was added ({level}, {importance})."
    if mine is None:
        raise FixRefused(f"{skill.name} is not one of the skills any more.")
    if fix.action == MAKE_NICE:
        if mine.importance != Importance.REQUIRED:
            raise FixRefused(f"{skill.name} is already nice to have.")
        value = tuple(
            SkillChoice(item.skill, item.level, Importance.NICE_TO_HAVE) if item is mine else item
            for item in chosen
        )
        return value, f"{skill.name} is now nice to have."
    # DROP_SKILL
    if len(chosen) == 1:
        raise FixRefused(f"{skill.name} is the only skill: a job description keeps at least one.")
    return tuple(item for item in chosen if item is not mine), f"{skill.name} was removed."


def _tasks_fixed(
    jd: JobDescription, catalog: RoleCatalog, fix: Fix
) -> tuple[tuple[Responsibility, ...], str]:
    task = catalog.tasks_by_id.get(fix.id)
    if task is None:
        raise FixRefused("That responsibility is not one of this role's tasks. Reload the page.")
    chosen = jd.chosen.responsibilities
    mine = next((item for item in chosen if item.task == fix.id), None)
    if fix.action == ADD_TASK:
        if mine is not None:
            raise FixRefused(f"“{task.text}” is already one of the responsibilities.")
        new = Responsibility(task=task.pk, text=task.text, area=task.area_id)
        return (*chosen, new), f"“{task.text}” was added to the responsibilities."
    # DROP_TASK
    if mine is None:
        raise FixRefused(f"“{task.text}” is not one of the responsibilities any more.")
    if len(chosen) == 1:
        raise FixRefused(
            f"“{task.text}” is the only responsibility: a job description keeps at least one."
        )
    return (
        tuple(item for item in chosen if item is not mine),
        f"“{task.text}” was removed from the responsibilities.",
    )
