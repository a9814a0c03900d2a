"""The catalog as one draft sees it: the role's defaults and what may be added, each part loaded
once, on first use. The wizard's forms and the draft's defaults both read it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber

from roles.models import (
    CatalogVersion,
    ProficiencyLevel,
    Role,
    RoleSkill,
    RoleTask,
    Skill,
    Task,
    TaskArea,
    Tool,
)

OTHER_TOOLS_PER_AREA = 30
# Per-role entries one process keeps per catalog version (five kinds of rows, a few KB a role:
# about 400 roles; an O*NET catalog has about 1,000); past this many the oldest are dropped.
ROLE_ENTRIES_KEPT = 2_000


@dataclass
class CatalogRows:
    """The catalog rows every draft shares (what snapshots name, what the steps offer), as they
    are at one catalog version."""

    token: str
    areas: dict[int, TaskArea]
    levels: list[ProficiencyLevel]
    skills: dict[int, Skill]
    tools: dict[int, Tool]
    # Each role's own rows, read on first use: {(what, role id): rows}. Its "most used other
    # tools": ranking every tool of the role's areas by how many roles use it was most of the
    # tools step's time; its tasks and skills: two queries Django took longer to build than to
    # run, on every step page, save and preview.
    of_roles: dict[tuple[str, int], list] = field(default_factory=dict)

    def of_role(self, what: str, role_id: int, load: Callable[[], Iterable]) -> list:
        """The role's `what` rows, loaded by `load` the first time at this version. The rows
        are shared by every request of the process: read them, never change them."""
        key = (what, role_id)
        rows = self.of_roles.get(key)
        if rows is None:
            if len(self.of_roles) >= ROLE_ENTRIES_KEPT:
                del self.of_roles[next(iter(self.of_roles))]  # the oldest entry
            rows = self.of_roles[key] = list(load())
        return rows

    def task_skills_of(self, role) -> dict[int, tuple[int, ...]]:
        """Traceability: each of the role's tasks -> the ids of the skills it exercises (a task
        that exercises none is absent)."""
        pairs = self.of_role(
            "task_skills",
            role.pk,
            lambda: (
                Task.skills.through.objects.filter(task__role_tasks__role=role)
                .order_by("task_id", "skill_id")
                .values_list("task_id", "skill_id")
            ),
        )
        exercised: dict[int, tuple[int, ...]] = {}
        for task_id, skill_id in pairs:
            exercised[task_id] = (*exercised.get(task_id, ()), skill_id)
        return exercised

    def works_with_of(self, role) -> list[str]:
        return self.of_role(
            "works_with",
            role.pk,
            lambda: role.works_with.order_by("name").values_list("name", flat=True),
        )


# The rows of the latest catalog version this process has read. Every save of a step and every
# preview builds a draft's Document, and every step page reads the levels or skills; reading
# these few small tables each time was most of their cost. The version token
# (roles.models.CatalogVersion) changes, in the same transaction, with every catalog write, so
# one query for it tells whether the rows kept are still the catalog's.
_kept: CatalogRows | None = None


def catalog_rows(token: str | None = None) -> CatalogRows:
    """The catalog's task areas, levels, skills and tools (and each role's "works with"), read
    again only when the catalog version has changed since they were read. `token`: the version
    this request already read (saves reading it again)."""
    global _kept
    token = token or CatalogVersion.objects.current()
    if _kept is None or _kept.token != token:
        _kept = CatalogRows(
            token=token,
            areas=TaskArea.objects.in_bulk(),
            levels=list(ProficiencyLevel.objects.all()),
            skills=Skill.objects.in_bulk(),
            tools=Tool.objects.select_related("area").in_bulk(),
        )
    return _kept


class RoleCatalog:
    """The catalog as one draft's wizard sees it: the role's defaults and what may be added."""

    def __init__(self, role: Role, *, chosen_tool_ids: Iterable[int] = ()) -> None:
        self.role = role
        self.chosen_tool_ids = list(chosen_tool_ids)

    @classmethod
    def for_draft(cls, draft) -> RoleCatalog:
        """What `draft`'s wizard may choose from: its role's catalog, plus the tools it chose."""
        return cls(draft.role, chosen_tool_ids=draft.chosen.tool_ids)

    @cached_property
    def rows(self) -> CatalogRows:
        """The shared catalog rows, their version read once for this catalog (one request)."""
        return catalog_rows()

    @cached_property
    def areas(self) -> list[TaskArea]:
        return list(self.rows.areas.values())

    @cached_property
    def levels(self) -> list[ProficiencyLevel]:
        return list(self.rows.levels)

    @cached_property
    def level_by_rank(self) -> dict[int, ProficiencyLevel]:
        return {level.rank: level for level in self.levels}

    @cached_property
    def role_tasks(self) -> list[RoleTask]:
        return self.rows.of_role(
            "tasks",
            self.role.pk,
            lambda: (
                RoleTask.objects.filter(role=self.role)
                .select_related("task__area")
                .order_by("task__area__position", "pk")
            ),
        )

    @cached_property
    def tasks_by_id(self):
        return {rt.task_id: rt.task for rt in self.role_tasks}

    @cached_property
    def task_skill_ids(self) -> dict[int, tuple[int, ...]]:
        """Each of the role's tasks -> the skills it exercises (traceability)."""
        return self.rows.task_skills_of(self.role)

    @cached_property
    def role_skills(self) -> list[RoleSkill]:
        return self.rows.of_role(
            "skills",
            self.role.pk,
            lambda: (
                RoleSkill.objects.filter(role=self.role)
                .select_related("skill", "level")
                .order_by("-importance", "-level__rank", "skill__name")
            ),
        )

    @cached_property
    def role_skill_ids(self) -> set[int]:
        return {rs.skill_id for rs in self.role_skills}

    @cached_property
    def skills(self) -> list[Skill]:
        return list(self.rows.skills.values())  # by name (Skill's ordering)

    @cached_property
    def skill_by_id(self) -> dict[int, Skill]:
        return {skill.pk: skill for skill in self.skills}

    @cached_property
    def tools(self) -> list[Tool]:
        """The tools the tools step offers, by area: the role's own; the most used others in
        the role's task areas (at most OTHER_TOOLS_PER_AREA each, so an O*NET-sized catalog
        stays a short list); and any tool the draft already chose."""
        wanted = {*self.role_tool_ids, *self._other_tool_ids(), *self.chosen_tool_ids}
        tools = [self.rows.tools[pk] for pk in wanted if pk in self.rows.tools]
        # By area, then name ignoring case: the same order on SQLite and PostgreSQL.
        return sorted(tools, key=lambda tool: (tool.area.position, tool.name.casefold(), tool.pk))

    def _other_tool_ids(self) -> list[int]:
        return self.rows.of_role("other_tools", self.role.pk, self._rank_other_tools)

    def _rank_other_tools(self) -> Iterable[int]:
        return (
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

    @cached_property
    def role_tool_ids(self) -> set[int]:
        ids = self.rows.of_role(
            "tools", self.role.pk, lambda: self.role.tools.values_list("pk", flat=True)
        )
        return set(ids)

    def shifted_rank(self, rank: int, shift: int) -> int:
        """A default level moved by seniority, kept on the scale."""
        ranks = [level.rank for level in self.levels]
        return max(min(ranks), min(max(ranks), rank + shift))
