"""What a new draft starts with: the catalog's defaults for its role, and our default texts.

The services start drafts from `default_choices`; the wizard offers the same levels and texts
for what a manager has not chosen yet, so the two never disagree.
"""

from __future__ import annotations

from jdbuilder.catalog import RoleCatalog
from jdbuilder.drafts import DraftChoices, Posting, Responsibility, SkillChoice, ToolChoice
from jdbuilder.vocabulary import Seniority
from roles.models import RoleSkill

DEFAULT_EEO_STATEMENT = (
    "We are an equal-opportunity employer. We welcome applicants of every background and "
    "consider all qualified applicants without regard to race, colour, religion, sex, sexual "
    "orientation, gender identity, national origin, age, disability or veteran status. If you "
    "need an adjustment to apply or interview, tell us and we will make it."
)
DEFAULT_HOW_TO_APPLY = (
    "Send your CV and a few lines on a project you are proud of. We reply to every applicant."
)


def default_level(catalog: RoleCatalog, role_skill: RoleSkill, *, seniority: str) -> int:
    """The catalog's level for a mid-level hire, moved for `seniority` and kept on the scale."""
    return catalog.shifted_rank(role_skill.level.rank, Seniority(seniority).level_shift)


def default_choices(catalog: RoleCatalog, *, seniority: str) -> DraftChoices:
    """The role's default tasks, skills at the seniority's levels, tools and posting texts."""
    return DraftChoices(
        responsibilities=tuple(
            Responsibility(task=rt.task_id, text=rt.task.text, area=rt.task.area_id)
            for rt in catalog.role_tasks
            if rt.included_by_default
        ),
        skills=tuple(
            SkillChoice(
                skill=rs.skill_id,
                level=default_level(catalog, rs, seniority=seniority),
                importance=rs.importance,
            )
            for rs in catalog.role_skills
        ),
        tools=tuple(
            ToolChoice(tool=tool.pk, name=tool.name, area=tool.area_id)
            for tool in catalog.tools
            if tool.pk in catalog.role_tool_ids
        ),
        posting=Posting(
            summary=catalog.role.summary,
            equal_opportunity=DEFAULT_EEO_STATEMENT,
            how_to_apply=DEFAULT_HOW_TO_APPLY,
        ),
    )
