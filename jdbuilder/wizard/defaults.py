"""Choices a new draft starts with, and the forms' initial data derived from a draft's choices.

A draft's `choices` always holds every step: the catalog's defaults until the manager changes
them. Each step form starts from those choices, so what the review shows and what the forms
show never disagree.
"""

from __future__ import annotations

from typing import Any

from jdbuilder.models import JobDescription, Seniority, WorkplaceType
from jdbuilder.wizard.catalog import RoleCatalog
from jdbuilder.wizard.forms import DEFAULT_EEO_STATEMENT, DEFAULT_HOW_TO_APPLY

ROLE_DEPENDENT_STEPS = ("responsibilities", "skills", "tools")


def default_responsibilities(catalog: RoleCatalog) -> dict[str, Any]:
    return {
        "items": [
            {"task": rt.task_id, "text": rt.task.text, "area": rt.task.area_id}
            for rt in catalog.role_tasks
            if rt.included_by_default
        ]
    }


def default_skills(catalog: RoleCatalog, seniority: str) -> dict[str, Any]:
    shift = Seniority(seniority).level_shift
    return {
        "items": [
            {
                "skill": rs.skill_id,
                "level": catalog.shifted_rank(rs.level.rank, shift),
                "importance": rs.importance,
            }
            for rs in catalog.role_skills
        ]
    }


def default_tools(catalog: RoleCatalog) -> dict[str, Any]:
    return {
        "items": [
            {"tool": tool.pk, "name": tool.name, "area": tool.area_id}
            for tool in catalog.tools
            if tool.pk in catalog.role_tool_ids
        ]
    }


def default_posting(catalog: RoleCatalog) -> dict[str, Any]:
    return {
        "summary": catalog.role.summary,
        "company_name": "",
        "about_company": "",
        "location": "",
        "workplace_type": WorkplaceType.HYBRID,
        "applicant_location": "",
        "employment_type": "FULL_TIME",
        "salary_min": None,
        "salary_max": None,
        "salary_currency": "USD",
        "salary_period": "YEAR",
        "benefits": "",
        "equal_opportunity": DEFAULT_EEO_STATEMENT,
        "how_to_apply": DEFAULT_HOW_TO_APPLY,
        "closing_date": None,
    }


def default_choices(catalog: RoleCatalog, *, seniority: str) -> dict[str, Any]:
    return {
        "responsibilities": default_responsibilities(catalog),
        "skills": default_skills(catalog, seniority),
        "tools": default_tools(catalog),
        "posting": default_posting(catalog),
    }


def initial_for_step(step: str, jd: JobDescription, catalog: RoleCatalog) -> Any:
    """The form initial data of `step`, from the draft's choices."""
    choices = jd.choices.get(step) or default_choices(catalog, seniority=jd.seniority).get(step)
    if step == "role":
        return {"role_choice": jd.role_id, "seniority": jd.seniority, "title": jd.title}
    if step == "responsibilities":
        rows = [
            {
                "task": item["task"],
                "include": True,
                "text": item["text"],
                "area": item["area"],
                "order": position,
            }
            for position, item in enumerate(choices["items"], start=1)
        ]
        chosen = {item["task"] for item in choices["items"]}
        rows += [
            {"task": rt.task_id, "include": False, "text": rt.task.text, "area": rt.task.area_id}
            for rt in catalog.role_tasks
            if rt.task_id not in chosen
        ]
        return rows
    if step == "skills":
        rows = [{**item, "include": True} for item in choices["items"]]
        chosen = {item["skill"] for item in choices["items"]}
        shift = Seniority(jd.seniority).level_shift
        rows += [
            {
                "skill": rs.skill_id,
                "include": False,
                "level": catalog.shifted_rank(rs.level.rank, shift),
                "importance": rs.importance,
            }
            for rs in catalog.role_skills
            if rs.skill_id not in chosen
        ]
        return rows
    if step == "tools":
        return {
            "tools": [item["tool"] for item in choices["items"] if item["tool"] is not None],
            "other_tools": "\n".join(
                item["name"] for item in choices["items"] if item["tool"] is None
            ),
        }
    if step == "posting":
        return dict(choices)
    return {}
