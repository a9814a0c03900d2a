"""The seed catalog file (roles/data/catalog.toml): reading, validating and loading it.

`read_catalog_file` parses and checks the TOML, raising `CatalogError` naming the place;
`load_catalog` writes it in one transaction, leaving rows staff already have alone unless told
to overwrite, and with it the interview question bank (roles/data/questions.toml, loaded by
roles.questions). `manage.py load_catalog` runs both.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from roles.models import (
    AlternateTitle,
    Importance,
    ProficiencyLevel,
    Role,
    RoleSkill,
    RoleTask,
    Skill,
    SkillCategory,
    Task,
    TaskArea,
    Tool,
)
from roles.questions import load_questions
from roles.reports import LoadReport
from roles.sync import catalog_writes

__all__ = ["SEED_CATALOG", "CatalogError", "LoadReport", "load_catalog", "read_catalog_file"]

SEED_CATALOG = Path(__file__).resolve().parent / "data" / "catalog.toml"
# An O*NET Content Model element's outline position, e.g. "2.A.1.e" (Mathematics).
ONET_ELEMENT_ID = re.compile(r"[1-9](?:\.[A-Za-z0-9]{1,3}){1,6}")


class CatalogError(ValueError):
    """The catalog file is malformed; the message names the place."""


def read_catalog_file(path: Path) -> dict[str, Any]:
    """The catalog file, parsed and validated; raises CatalogError naming the problem."""
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError as exc:
        raise CatalogError(f"{path}: no such file") from exc
    except tomllib.TOMLDecodeError as exc:
        raise CatalogError(f"{path}: not valid TOML: {exc}") from exc
    validate_catalog(data)
    return data


def _require(entry: dict, keys: tuple[str, ...], where: str) -> None:
    for key in keys:
        if key not in entry or entry[key] in ("", None):
            raise CatalogError(f"{where}: missing '{key}'")


def validate_catalog(data: dict[str, Any]) -> None:
    """Check the shape and every cross-reference before anything is written."""
    for section in ("task_areas", "levels", "skills", "tools", "tasks", "roles"):
        if not isinstance(data.get(section), list):
            raise CatalogError(f"missing list '{section}'")
    areas = set()
    for i, area in enumerate(data["task_areas"]):
        _require(area, ("slug", "name", "position"), f"task_areas[{i}]")
        areas.add(area["slug"])
    ranks = set()
    for i, level in enumerate(data["levels"]):
        _require(level, ("rank", "name", "descriptor"), f"levels[{i}]")
        if not isinstance(level["rank"], int) or level["rank"] < 1:
            raise CatalogError(f"levels[{i}]: rank must be a whole number from 1")
        ranks.add(level["rank"])
    skills = set()
    for i, skill in enumerate(data["skills"]):
        _require(skill, ("slug", "name"), f"skills[{i}]")
        if skill.get("category", SkillCategory.TECHNICAL) not in SkillCategory.values:
            raise CatalogError(f"skills[{i}]: unknown category '{skill['category']}'")
        element = skill.get("onet_element_id", "")
        if not isinstance(element, str) or (element and not ONET_ELEMENT_ID.fullmatch(element)):
            raise CatalogError(
                f"skills[{i}]: onet_element_id '{element}' is not an O*NET Content Model "
                "element ID such as 2.A.1.e"
            )
        skills.add(skill["slug"])
    roles = {role.get("slug") for role in data["roles"]}

    def check_roles(slugs: list[str], where: str) -> None:
        for slug in slugs:
            if slug not in roles:
                raise CatalogError(f"{where}: unknown role '{slug}'")

    for i, tool in enumerate(data["tools"]):
        _require(tool, ("name", "area"), f"tools[{i}]")
        if tool["area"] not in areas:
            raise CatalogError(f"tools[{i}]: unknown task area '{tool['area']}'")
        check_roles(tool.get("roles", []), f"tools[{i}]")
    for i, task in enumerate(data["tasks"]):
        _require(task, ("text", "area"), f"tasks[{i}]")
        if task["area"] not in areas:
            raise CatalogError(f"tasks[{i}]: unknown task area '{task['area']}'")
        check_roles(task.get("roles", []), f"tasks[{i}]")
        check_roles(task.get("optional_for", []), f"tasks[{i}].optional_for")
        for slug in task.get("skills", []):
            if slug not in skills:
                raise CatalogError(f"tasks[{i}].skills: unknown skill '{slug}'")
    for i, role in enumerate(data["roles"]):
        _require(role, ("slug", "name", "summary"), f"roles[{i}]")
        check_roles(role.get("works_with", []), f"roles[{i}].works_with")
        for area in role.get("task_areas", []):
            if area not in areas:
                raise CatalogError(f"roles[{i}]: unknown task area '{area}'")
        for j, link in enumerate(role.get("skills", [])):
            where = f"roles[{i}].skills[{j}]"
            _require(link, ("skill", "level"), where)
            if link["skill"] not in skills:
                raise CatalogError(f"{where}: unknown skill '{link['skill']}'")
            if link["level"] not in ranks:
                raise CatalogError(f"{where}: level {link['level']} is not on the scale")
            if link.get("importance", Importance.REQUIRED) not in Importance.values:
                raise CatalogError(f"{where}: unknown importance '{link['importance']}'")


def _upsert(model, lookup: dict, values: dict, *, overwrite: bool, report: LoadReport, kind: str):
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        report.created[kind] += 1
        return model.objects.create(**lookup, **values), True
    if overwrite and any(getattr(obj, k) != v for k, v in values.items()):
        for key, value in values.items():
            setattr(obj, key, value)
        obj.save()
        report.updated[kind] += 1
    else:
        report.kept[kind] += 1
    return obj, False


@transaction.atomic
def load_catalog(
    *, data: dict[str, Any], overwrite: bool = False, questions: dict[str, Any] | None = None
) -> LoadReport:
    """Create the catalog rows of `data` that are missing, then the interview questions of
    `questions` (a parsed question file, roles.questions), all in one transaction.

    Rows that exist are left as staff have them. A role is the unit: a role already in the
    database keeps its titles, skills, tasks, tools and team as they are. With `overwrite`, the
    file's values replace the stored ones and seeded roles are reset to the file exactly, and
    the question file's skills get exactly its questions.
    """
    validate_catalog(data)
    # One rebuild of the search texts and one version bump for the whole load, at its end.
    with catalog_writes() as touched:
        report = _load(data, overwrite=overwrite, touched=touched)
        if questions is not None:
            report.merge(load_questions(data=questions, overwrite=overwrite))
    return report


def _load(data: dict[str, Any], *, overwrite: bool, touched: set[int]) -> LoadReport:
    report = LoadReport()
    source = data.get("source", "")

    areas = {}
    for entry in data["task_areas"]:
        areas[entry["slug"]], _ = _upsert(
            TaskArea,
            {"slug": entry["slug"]},
            {
                "name": entry["name"],
                "position": entry["position"],
                "description": entry.get("description", ""),
            },
            overwrite=overwrite,
            report=report,
            kind="task areas",
        )
    levels = {}
    for entry in data["levels"]:
        levels[entry["rank"]], _ = _upsert(
            ProficiencyLevel,
            {"rank": entry["rank"]},
            {"name": entry["name"], "descriptor": entry["descriptor"]},
            overwrite=overwrite,
            report=report,
            kind="proficiency levels",
        )
    skills = {}
    for entry in data["skills"]:
        skills[entry["slug"]], _ = _upsert(
            Skill,
            {"slug": entry["slug"]},
            {
                "name": entry["name"],
                "category": entry.get("category", SkillCategory.TECHNICAL),
                "description": entry.get("description", ""),
                "onet_element_id": entry.get("onet_element_id", ""),
            },
            overwrite=overwrite,
            report=report,
            kind="skills",
        )

    # Roles first, so tasks and tools can link to the ones this run owns.
    roles, owned = {}, set()
    for entry in data["roles"]:
        role, created = _upsert(
            Role,
            {"slug": entry["slug"]},
            {
                "name": entry["name"],
                "summary": entry["summary"],
                "code_focus": entry.get("code_focus", ""),
                "notes": entry.get("notes", ""),
                "source": entry.get("source", source),
                "onet_code": entry.get("onet_code", ""),
            },
            overwrite=overwrite,
            report=report,
            kind="roles",
        )
        roles[entry["slug"]] = role
        if created or overwrite:
            owned.add(entry["slug"])

    for entry in data["roles"]:
        if entry["slug"] not in owned:
            continue
        role = roles[entry["slug"]]
        touched.add(role.pk)  # its titles are bulk-created below: no signal tells
        role.task_areas.set([areas[slug] for slug in entry.get("task_areas", [])])
        role.works_with.set([roles[slug] for slug in entry.get("works_with", [])])
        role.alternate_titles.all().delete()
        bulk_create_with_history(
            [AlternateTitle(role=role, title=title) for title in entry.get("alternate_titles", [])],
            AlternateTitle,
        )
        role.role_skills.all().delete()
        bulk_create_with_history(
            [
                RoleSkill(
                    role=role,
                    skill=skills[link["skill"]],
                    level=levels[link["level"]],
                    importance=link.get("importance", Importance.REQUIRED),
                )
                for link in entry.get("skills", [])
            ],
            RoleSkill,
        )
        role.role_tasks.all().delete()
        role.tools.clear()

    for entry in data["tasks"]:
        task, created = _upsert(
            Task,
            {"area": areas[entry["area"]], "text": entry["text"]},
            {},
            overwrite=overwrite,
            report=report,
            kind="tasks",
        )
        # The skills a task exercises are staff's once the task exists (unless overwriting).
        exercised = [skills[slug] for slug in entry.get("skills", [])]
        if created or overwrite:
            task.skills.set(exercised)
        elif exercised and not task.skills.exists():
            # A task loaded before the catalog recorded traceability gets the file's skills.
            task.skills.set(exercised)
        optional = set(entry.get("optional_for", []))
        bulk_create_with_history(
            [
                RoleTask(role=roles[slug], task=task, included_by_default=slug not in optional)
                for slug in entry.get("roles", [])
                if slug in owned
            ],
            RoleTask,
        )
    for entry in data["tools"]:
        tool, _ = _upsert(
            Tool,
            {"area": areas[entry["area"]], "name": entry["name"]},
            {"description": entry.get("description", "")},
            overwrite=overwrite,
            report=report,
            kind="tools",
        )
        tool.roles.add(*[roles[slug] for slug in entry.get("roles", []) if slug in owned])
    return report
