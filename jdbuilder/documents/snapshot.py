"""A JD's choices with every catalog text copied in: what a finalized revision keeps.

This is the one place where the builder turns catalog ids into texts. The snapshot is plain
JSON, so a later catalog edit never changes a document already issued.
"""

from __future__ import annotations

from typing import Any

from jdbuilder.models import JobDescription, Seniority
from roles.models import ProficiencyLevel, Skill, TaskArea, Tool

SNAPSHOT_SCHEMA = 1


def take_snapshot(job_description: JobDescription) -> dict[str, Any]:
    """Resolve the draft's chosen ids to the catalog's current texts (a fixed number of queries)."""
    choices = job_description.choices
    role = job_description.role
    areas = {area.pk: area for area in TaskArea.objects.all()}
    levels = list(ProficiencyLevel.objects.all())
    level_by_rank = {level.rank: level for level in levels}

    responsibilities = [
        {
            "area": areas[item["area"]].name if item["area"] in areas else "Other",
            "area_position": areas[item["area"]].position if item["area"] in areas else 99,
            "text": item["text"],
            "custom": item["task"] is None,
        }
        for item in choices.get("responsibilities", {}).get("items", [])
    ]

    skill_items = choices.get("skills", {}).get("items", [])
    skills_by_id = Skill.objects.in_bulk([item["skill"] for item in skill_items])
    skills = []
    for item in skill_items:
        skill = skills_by_id.get(item["skill"])
        level = level_by_rank.get(item["level"])
        if skill is None or level is None:  # removed from the catalog since it was chosen
            continue
        skills.append(
            {
                "name": skill.name,
                "category": skill.category,
                "level_rank": level.rank,
                "level_name": level.name,
                "level_descriptor": level.descriptor,
                "importance": item["importance"],
            }
        )

    tool_items = choices.get("tools", {}).get("items", [])
    tools_by_id = Tool.objects.select_related("area").in_bulk(
        [item["tool"] for item in tool_items if item["tool"] is not None]
    )
    tools = []
    for item in tool_items:
        tool = tools_by_id.get(item["tool"]) if item["tool"] is not None else None
        tools.append(
            {
                "name": tool.name if tool else item["name"],
                "area": tool.area.name if tool else None,
                "area_position": tool.area.position if tool else 99,
            }
        )

    return {
        "schema": SNAPSHOT_SCHEMA,
        "public_id": str(job_description.public_id),
        "revision": job_description.revision,
        "title": job_description.title,
        "seniority": job_description.seniority,
        "seniority_label": Seniority(job_description.seniority).label,
        "role": {
            "name": role.name,
            "slug": role.slug,
            "onet_code": role.onet_code,
            "works_with": list(role.works_with.order_by("name").values_list("name", flat=True)),
        },
        "scale": [level.name for level in levels],
        "responsibilities": responsibilities,
        "skills": skills,
        "tools": tools,
        "posting": dict(choices.get("posting", {})),
    }
