"""The catalog pages for signed-in users: the role list (with search and matrix) and a role."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import groupby
from typing import Any, NamedTuple

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from roles.chart import ChartBar, skill_profile_svg
from roles.models import (
    AlternateTitle,
    ProficiencyLevel,
    Role,
    RoleSkill,
    RoleTask,
    TaskArea,
    Tool,
    normalize_query,
)
from roles.onet.attribution import ONET_ATTRIBUTION

# Longer queries match nothing useful and only cost the database work.
MAX_QUERY_LENGTH = 100


@dataclass(frozen=True)
class RoleListItem:
    role: Role
    # Alternate titles that matched the query, shown only when the name itself did not match.
    matched_titles: list[AlternateTitle]
    # One boolean per task area, in the order of the matrix columns.
    covers: list[bool]


class AreaGroup(NamedTuple):
    area: TaskArea
    items: list[Any]


def _group_by_area(items: Iterable[Any], area_of: Callable[[Any], TaskArea]) -> list[AreaGroup]:
    """Items grouped under their task area, areas in lifecycle order, items in their own order."""
    ordered = sorted(items, key=lambda item: area_of(item).position)  # stable: keeps item order
    return [AreaGroup(area, list(group)) for area, group in groupby(ordered, key=area_of)]


@login_required
def role_list(request: HttpRequest) -> HttpResponse:
    # Same whitespace rule as Role.objects.search, so the title prefetch matches the same rows.
    query = normalize_query(request.GET.get("q", ""))[:MAX_QUERY_LENGTH]
    roles = Role.objects.search(query).with_task_areas()
    if query:
        # One query for every role's matching titles, instead of one per role.
        roles = roles.prefetch_related(
            Prefetch(
                "alternate_titles",
                queryset=AlternateTitle.objects.filter(title__icontains=query),
                to_attr="matching_titles",
            )
        )
    task_areas = list(TaskArea.objects.all())
    items = []
    for role in roles:
        area_ids = {area.pk for area in role.task_areas.all()}
        name_matched = query.casefold() in role.name.casefold()
        titles = [] if not query or name_matched else role.matching_titles
        items.append(RoleListItem(role, titles, [area.pk in area_ids for area in task_areas]))
    context = {"q": query, "items": items, "task_areas": task_areas}
    return render(request, "roles/role_list.html", context)


@login_required
def role_detail(request: HttpRequest, slug: str) -> HttpResponse:
    # A fixed number of queries however many tasks, skills, tools, titles and partners.
    role = get_object_or_404(
        Role.objects.prefetch_related(
            Prefetch("role_tasks", queryset=RoleTask.objects.select_related("task__area")),
            Prefetch("role_skills", queryset=RoleSkill.objects.select_related("skill", "level")),
            Prefetch("tools", queryset=Tool.objects.select_related("area")),
            "works_with",
            "alternate_titles",
        ),
        slug=slug,
    )
    levels = list(ProficiencyLevel.objects.all())
    # A bar's length is the level's place on the scale, so gaps in the ranks cannot overrun it.
    place = {level.pk: number for number, level in enumerate(levels, start=1)}
    role_skills = list(role.role_skills.all())
    skill_chart = ""
    if role_skills:
        skill_chart = skill_profile_svg(
            bars=[
                ChartBar(label=rs.skill.name, rank=place[rs.level_id], note=rs.level.name)
                for rs in role_skills
            ],
            levels=[level.name for level in levels],
            title=f"Skill profile: {role.name}",
        )
    context = {
        "role": role,
        "task_groups": _group_by_area(role.role_tasks.all(), lambda rt: rt.task.area),
        "role_skills": role_skills,
        "levels": levels,
        "skill_chart": skill_chart,
        "tool_groups": _group_by_area(role.tools.all(), lambda tool: tool.area),
        "works_with": list(role.works_with.all()),
        "alternate_titles": list(role.alternate_titles.all()),
        # The notice O*NET's licence asks for wherever its data is shown.
        "onet_attribution": ONET_ATTRIBUTION if role.source.startswith("O*NET") else "",
    }
    return render(request, "roles/role_detail.html", context)
