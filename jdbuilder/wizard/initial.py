"""What each step form shows first: the draft's choices, then what the catalog offers besides.

The draft always holds a value for every step (the catalog's defaults until the manager changes
them), so the forms and the review never disagree.
"""

from __future__ import annotations

from typing import Any

from jdbuilder.catalog import RoleCatalog
from jdbuilder.defaults import default_level
from jdbuilder.models import JobDescription
from jdbuilder.vocabulary import WizardStep


def initial_for_step(step: str, jd: JobDescription, catalog: RoleCatalog) -> Any:
    """The form initial data of `step`, from the draft's choices."""
    chosen = jd.chosen
    if step == WizardStep.ROLE:
        return {"role_choice": jd.role_id, "seniority": jd.seniority, "title": jd.title}
    if step == WizardStep.RESPONSIBILITIES:
        rows = [
            {
                "task": item.task,
                "include": True,
                "text": item.text,
                "area": item.area,
                "order": position,
            }
            for position, item in enumerate(chosen.responsibilities, start=1)
        ]
        picked = {item.task for item in chosen.responsibilities}
        rows += [
            {"task": rt.task_id, "include": False, "text": rt.task.text, "area": rt.task.area_id}
            for rt in catalog.role_tasks
            if rt.task_id not in picked
        ]
        return rows
    if step == WizardStep.SKILLS:
        rows = [
            {
                "skill": item.skill,
                "level": item.level,
                "importance": item.importance,
                "include": True,
            }
            for item in chosen.skills
        ]
        picked = {item.skill for item in chosen.skills}
        rows += [
            {
                "skill": rs.skill_id,
                "include": False,
                "level": default_level(catalog, rs, seniority=jd.seniority),
                "importance": rs.importance,
            }
            for rs in catalog.role_skills
            if rs.skill_id not in picked
        ]
        return rows
    if step == WizardStep.TOOLS:
        return {
            "tools": chosen.tool_ids,
            "other_tools": "\n".join(item.name for item in chosen.tools if item.tool is None),
        }
    if step == WizardStep.POSTING:
        return chosen.posting.to_json()
    return {}
