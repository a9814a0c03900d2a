"""The catalog as one draft sees it: the role's defaults and what may be added, each part loaded
once, on first use. The wizard's forms and the draft's defaults both read it."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property

from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber

from roles.models import (
    CatalogVersion,
    ProficiencyLevel,
    Role,
    RoleSkill,
    RoleTask,
    Skill,
    TaskArea,
    Tool,
)

OTHER_TOOLS_PER_AREA = 30

# The "most used other tools" of each role, by catalog version: ranking every tool of the role's
# areas by how many roles use it was most of the tools step's time, and only a catalog write
# (which changes the version token) can change the answer.
_other_tools: dict[str, dict[int, list[int]]] = {}


class RoleCatalog:
    """The catalog as one draft's wizard sees it: the role's defaults and what may be added."""

    def __init__(self, role: Role, *, chosen_tool_ids: Iterable[int] = ()) -> None:
        self.role = role
        self.chosen_tool_ids = list(chosen_tool_ids)

    @cached_property
    def areas(self) -> list[TaskArea]:
        return list(TaskArea.objects.all())

    @cached_property
    def levels(self) -> list[ProficiencyLevel]:
        return list(ProficiencyLevel.objects.all())

    @cached_property
    def level_by_rank(self) -> dict[int, ProficiencyLevel]:
        return {level.rank: level for level in self.levels}

    @cached_property
    def role_tasks(self) -> list[RoleTask]:
        return list(
            RoleTask.objects.filter(role=self.role)
            .select_related("task__area")
            .order_by("task__area__position", "pk")
        )

    @cached_property
    def tasks_by_id(self):
        return {rt.task_id: rt.task for rt in self.role_tasks}

    @cached_property
    def role_skills(self) -> list[RoleSkill]:
        return list(
            RoleSkill.objects.filter(role=self.role)
            .select_related("skill", "level")
            .order_by("-importance", "-level__rank", "skill__name")
        )

    @cached_property
    def role_skill_ids(self) -> set[int]:
        return {rs.skill_id for rs in self.role_skills}

    @cached_property
    def skills(self) -> list[Skill]:
        return list(Skill.objects.order_by("name"))

    @cached_property
    def skill_by_id(self) -> dict[int, Skill]:
        return {skill.pk: skill for skill in self.skills}

    @cached_property
    def tools(self) -> list[Tool]:
        """The tools the tools step offers, by area: the role's own; the most used others in
        the role's task areas (at most OTHER_TOOLS_PER_AREA each, so an O*NET-sized catalog
        stays a short list); and any tool the draft already chose."""
        others = self._other_tool_ids()
        wanted = Q(roles=self.role) | Q(pk__in=others) | Q(pk__in=self.chosen_tool_ids)
        return list(
            Tool.objects.filter(wanted)
            .distinct()
            .select_related("area")
            .order_by("area__position", "name")
        )

    def _other_tool_ids(self) -> list[int]:
        token = CatalogVersion.objects.current()
        by_role = _other_tools.get(token)
        if by_role is None:
            _other_tools.clear()  # an older version's answers are of no further use
            by_role = _other_tools[token] = {}
        if self.role.pk in by_role:
            return by_role[self.role.pk]
        others = (
            Tool.objects.filter(area__in=self.role.task_areas.all())
            .exclude(roles=self.role)
            .annotate(usage=Count("roles"))
            .annotate(
                place=Window(
                    RowNumber(),
                    partition_by=[F("area_id")],
                    order_by=[F("usage").desc(), F("name").asc()],
                )
            )
            .filter(place__lte=OTHER_TOOLS_PER_AREA)
            .values_list("pk", flat=True)
        )
        by_role[self.role.pk] = list(others)
        return by_role[self.role.pk]

    @cached_property
    def role_tool_ids(self) -> set[int]:
        return set(self.role.tools.values_list("pk", flat=True))

    def shifted_rank(self, rank: int, shift: int) -> int:
        """A default level moved by seniority, kept on the scale."""
        ranks = [level.rank for level in self.levels]
        return max(min(ranks), min(max(ranks), rank + shift))
