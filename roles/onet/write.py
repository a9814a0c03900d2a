"""Writing a validated O*NET release to the catalog: all or nothing, in one transaction.

`import_release` matches occupations to roles (roles.onet.plan), then writes in batches of
occupations with bulk queries only, keeping simple-history records for every row it can.
A role the import owns is made to mirror O*NET; a staff role only gets an empty O*NET code
filled in.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence

from django.db import models, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from roles.models import (
    AlternateTitle,
    InterviewQuestion,
    ProficiencyLevel,
    Role,
    RoleSkill,
    RoleTask,
    Skill,
    Task,
    TaskArea,
    Tool,
)
from roles.onet.attribution import ONET_SOURCE
from roles.onet.files import OPTIONAL_FILES, Occupation, OnetError, Release
from roles.onet.mapping import (
    AREA_ORDER,
    skill_category_for,
    skills_named_in,
    task_area_for,
    tool_area_for,
)
from roles.onet.plan import RolePlan, plan_roles, unique_slug
from roles.onet.report import ImportReport
from roles.questions import generic_question_rows
from roles.sync import catalog_writes

CHANGE_REASON = "O*NET import"
DEFAULT_BATCH_SIZE = 200  # occupations per write batch
# Rows per INSERT / UPDATE are left to Django, which fits them to the backend's parameter limit;
# `pk__in` lists are cut to this size for the same reason (SQLite allows 999 in old builds).
IDS_PER_QUERY = 500


def _chunks(items: Sequence, size: int) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class _Importer:
    """One run: reference rows, the plan, shared rows, then the roles batch by batch."""

    def __init__(self, release: Release, batch_size: int) -> None:
        self.release = release
        self.batch_size = batch_size
        self.report = ImportReport(occupations=len(release.occupations))
        self.report.skipped.update(release.skipped)
        self.prune_tools = len(release.tool_files) == len(OPTIONAL_FILES)
        self.unlinked_tasks: set[int] = set()
        self.role_ids: set[int] = set()  # every role written: their search texts are rebuilt
        self._areas_of: dict[str, int] = {}

    def area_of(self, text: str) -> int:
        """Task area id of a statement; cached, as each statement is looked up three times."""
        if text not in self._areas_of:
            self._areas_of[text] = self.areas[task_area_for(text)]
        return self._areas_of[text]

    # Reference and shared rows ----------------------------------------------------------------

    def load_reference(self) -> None:
        self.areas = {area.slug: area.pk for area in TaskArea.objects.all()}
        missing = [slug for slug in AREA_ORDER if slug not in self.areas]
        if missing:
            raise OnetError(
                f"task areas {', '.join(missing)} are missing: run `manage.py load_catalog` first"
            )
        self.level_rows = list(ProficiencyLevel.objects.order_by("rank"))
        self.levels = [level.pk for level in self.level_rows]
        if not self.levels:
            raise OnetError("no proficiency levels: run `manage.py load_catalog` first")

    def ensure_skills(self) -> dict[str, int]:
        """Skill id per O*NET element name. A skill created here keeps its O*NET Content Model
        element id (the JSON-LD names it); an existing skill of the same name is reused as is,
        except that an empty element id is filled in, as a staff role's empty O*NET code is."""
        existing = {skill.name.casefold(): skill for skill in Skill.objects.all()}
        slugs = {skill.slug for skill in existing.values()}
        limit = Skill._meta.get_field("slug").max_length
        element_limit = Skill._meta.get_field("onet_element_id").max_length
        elements = {
            name: element
            for name, element in self.release.skill_elements.items()
            if len(element) <= element_limit
        }
        new = [
            Skill(
                name=name,
                slug=unique_slug(name, slugs, "onet", limit),
                category=skill_category_for(name),
                onet_element_id=elements.get(name, ""),
            )
            for name in self.release.skill_names
            if name.casefold() not in existing
        ]
        filled = []
        for name in self.release.skill_names:
            skill = existing.get(name.casefold())
            if skill is not None and not skill.onet_element_id and elements.get(name):
                skill.onet_element_id = elements[name]
                filled.append(skill)
        self.bulk_create(new, Skill, "skills")
        self.bulk_update(filled, Skill, ["onet_element_id"], "skills")
        self.report.kept["skills"] += len(self.release.skill_names) - len(new) - len(filled)
        existing.update({skill.name.casefold(): skill for skill in new})
        self.skill_rows = [existing[name.casefold()] for name in self.release.skill_names]
        return {name: existing[name.casefold()].pk for name in self.release.skill_names}

    def ensure_questions(self) -> None:
        """The generic interview questions by level (roles.questions) for every skill of the
        release that has no questions yet, at every level of the scale: one query to find them,
        bulk inserts to write them. A skill with questions (the seed's Mathematics, or one
        staff wrote questions for) is left as it is."""
        ids = [skill.pk for skill in self.skill_rows]
        # One skill id per question: a few hundred at most, and "kept" counts the questions.
        owners = list(
            InterviewQuestion.objects.filter(skill_id__in=ids).values_list("skill_id", flat=True)
        )
        asked = set(owners)
        unasked = [skill for skill in self.skill_rows if skill.pk not in asked]
        rows = generic_question_rows(unasked, self.level_rows)
        self.bulk_create(rows, InterviewQuestion, "interview questions")
        self.report.kept["interview questions"] += len(owners)

    def link_task_skills(
        self, plans: list[RolePlan], tasks: dict[tuple[int, str], int], skills: dict[str, int]
    ) -> None:
        """Traceability: link each task statement of the mirrored occupations to the skills it
        names (`roles.onet.mapping.skills_named_in`), among those its occupation rates (the ones
        that become role skills). A task shared by several occupations gets the union.

        Only tasks with no skill links yet are written, as the seed loader does: links on a
        task are staff's once it has any, and a rerun adds nothing. One query per chunk to find
        the linked tasks, then bulk inserts into the through table (no per-row history, like the
        other links the import writes)."""
        steps = len(self.levels)
        wanted: dict[int, set[int]] = defaultdict(set)
        for plan in plans:
            rated = [
                name
                for name, rating in plan.occupation.skills.items()
                if rating.mapped(steps) is not None
            ]
            for text in plan.occupation.tasks:
                named = skills_named_in(text, rated)
                if named:
                    wanted[tasks[(self.area_of(text), text)]] |= {skills[n] for n in named}
        through = Task.skills.through
        linked: set[int] = set()
        for chunk in _chunks(sorted(wanted), IDS_PER_QUERY):
            linked.update(
                through.objects.filter(task_id__in=chunk).values_list("task_id", flat=True)
            )
        new = [
            through(task_id=task, skill_id=skill)
            for task in sorted(wanted.keys() - linked)
            for skill in sorted(wanted[task])
        ]
        through.objects.bulk_create(new)
        self.report.created["task skill links"] += len(new)
        self.report.kept["task skill links"] += sum(len(wanted[task]) for task in linked)

    def ensure_tasks(self, plans: list[RolePlan]) -> dict[tuple[int, str], int]:
        tasks = {
            (area, text): pk for pk, area, text in Task.objects.values_list("pk", "area", "text")
        }
        new: dict[tuple[int, str], Task] = {}
        for plan in plans:
            for text in plan.occupation.tasks:
                key = (self.area_of(text), text)
                if key not in tasks and key not in new:
                    new[key] = Task(area_id=key[0], text=text)
        self.bulk_create(list(new.values()), Task, "tasks")
        tasks.update({key: task.pk for key, task in new.items()})
        return tasks

    def ensure_tools(self, plans: list[RolePlan]) -> dict[str, int]:
        """Tool id per folded name: a tool of that name in any area is reused, else one is made.

        Several areas may hold a tool of the same name; the one in the heuristic's area wins,
        then the earliest area, so reruns pick the same row.
        """
        position = dict(TaskArea.objects.values_list("pk", "position"))
        found: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
        for pk, name, area in Tool.objects.values_list("pk", "name", "area"):
            found[name.casefold()].append((position.get(area, 0), pk, area))
        chosen: dict[str, int] = {}
        new: dict[str, Tool] = {}
        description_limit = Tool._meta.get_field("description").max_length
        for plan in plans:
            for folded, (name, commodity) in plan.occupation.tools.items():
                if folded in chosen or folded in new:
                    continue
                area = self.areas[tool_area_for(commodity)]
                if folded in found:
                    rows = sorted(found[folded])
                    chosen[folded] = next((pk for _, pk, a in rows if a == area), rows[0][1])
                else:
                    new[folded] = Tool(
                        name=name, area_id=area, description=commodity[:description_limit]
                    )
        self.bulk_create(list(new.values()), Tool, "tools")
        chosen.update({folded: tool.pk for folded, tool in new.items()})
        return chosen

    # Bulk helpers -----------------------------------------------------------------------------

    def bulk_create(self, objs: list[models.Model], model: type[models.Model], kind: str) -> None:
        if objs:
            bulk_create_with_history(objs, model, default_change_reason=CHANGE_REASON)
            self.report.created[kind] += len(objs)

    def bulk_update(
        self, objs: list[models.Model], model: type[models.Model], fields: list[str], kind: str
    ) -> None:
        if objs:
            bulk_update_with_history(
                objs,
                model,
                fields,
                default_change_reason=CHANGE_REASON,
            )
            self.report.updated[kind] += len(objs)

    def delete(self, model: type[models.Model], pks: list[int], kind: str) -> None:
        """Delete rows in bulk and keep a "-" history record of each: per chunk of ids, one
        SELECT, one history INSERT (split by Django only at the backend's parameter limit)
        and one DELETE, however many rows a changed release drops.

        `QuerySet.delete()` would send pre_delete and post_delete for every row, and
        simple-history writes one history row per post_delete: 12,600 queries for 12,400 rows.
        A plain DELETE is safe here because nothing cascades from these rows: alternate titles,
        role tasks and role skills have no dependants, and a task is deleted only once no role
        task refers to it (its skill links go first, in `run`). The catalog's own delete handler
        has nothing to add either: every role the import touches gets its search text rebuilt
        at the end (`import_release`).
        """
        history = model.history.model
        tracked = history.tracked_fields
        when = timezone.now()
        for chunk in _chunks(pks, IDS_PER_QUERY):
            rows = list(model.objects.filter(pk__in=chunk))
            records = []
            for row in rows:
                record = history(
                    history_date=when,
                    history_type="-",
                    history_user=history.get_default_history_user(row),
                    history_change_reason=CHANGE_REASON,
                    **{field.attname: getattr(row, field.attname) for field in tracked},
                )
                if hasattr(history, "history_relation"):
                    record.history_relation_id = row.pk
                records.append(record)
            history.objects.bulk_create(records)
            # The DELETE that QuerySet.delete() sends on its fast path, without the signals.
            model.objects.filter(pk__in=[row.pk for row in rows])._raw_delete(model.objects.db)
        self.report.deleted[kind] += len(pks)

    # One batch --------------------------------------------------------------------------------

    def write_roles(self, plans: list[RolePlan]) -> None:
        now = timezone.now()
        new, changed, linked = [], [], []
        for plan in plans:
            occupation = plan.occupation
            if plan.role is None:
                plan.role = Role(
                    name=occupation.title,
                    slug=plan.slug,
                    summary=occupation.description,
                    source=ONET_SOURCE,
                    onet_code=occupation.code,
                )
                new.append(plan.role)
                continue
            role = plan.role
            values = {"onet_code": occupation.code}
            if plan.owned:
                values |= {
                    "name": occupation.title,
                    "summary": occupation.description,
                    "source": ONET_SOURCE,
                }
            elif role.onet_code:
                values = {}  # a staff role: only an empty code is filled in
            if any(getattr(role, key) != value for key, value in values.items()):
                for key, value in values.items():
                    setattr(role, key, value)
                role.updated_at = now  # bulk_update skips auto_now
                (changed if plan.owned else linked).append(role)
            else:
                self.report.kept["roles"] += 1
        self.bulk_create(new, Role, "roles")
        fields = ["name", "summary", "source", "onet_code", "updated_at"]
        self.bulk_update(changed, Role, fields, "roles")
        self.bulk_update(linked, Role, ["onet_code", "updated_at"], "roles")

    def sync_titles(self, plans: list[RolePlan]) -> None:
        ids = [plan.role.pk for plan in plans]
        existing: dict[int, dict[str, AlternateTitle]] = defaultdict(dict)
        for title in AlternateTitle.objects.filter(role_id__in=ids):
            existing[title.role_id][title.title.casefold()] = title
        new, changed, gone = [], [], []
        for plan in plans:
            have = existing[plan.role.pk]
            for folded, text in plan.occupation.titles.items():
                row = have.pop(folded, None)
                if row is None:
                    new.append(AlternateTitle(role=plan.role, title=text))
                elif row.title != text:
                    row.title = text
                    changed.append(row)
            gone += [row.pk for row in have.values()]
        self.delete(AlternateTitle, gone, "alternate titles")
        self.bulk_update(changed, AlternateTitle, ["title"], "alternate titles")
        self.bulk_create(new, AlternateTitle, "alternate titles")

    def sync_tasks(self, plans: list[RolePlan], tasks: dict[tuple[int, str], int]) -> None:
        ids = [plan.role.pk for plan in plans]
        existing: dict[int, dict[int, RoleTask]] = defaultdict(dict)
        for link in RoleTask.objects.filter(role_id__in=ids):
            existing[link.role_id][link.task_id] = link
        new, changed, gone = [], [], []
        for plan in plans:
            have = existing[plan.role.pk]
            for text, core in plan.occupation.tasks.items():
                task = tasks[(self.area_of(text), text)]
                link = have.pop(task, None)
                if link is None:
                    new.append(RoleTask(role=plan.role, task_id=task, included_by_default=core))
                elif link.included_by_default != core:
                    link.included_by_default = core
                    changed.append(link)
            gone += [link.pk for link in have.values()]
            self.unlinked_tasks.update(have)
        self.delete(RoleTask, gone, "role tasks")
        self.bulk_update(changed, RoleTask, ["included_by_default"], "role tasks")
        self.bulk_create(new, RoleTask, "role tasks")

    def sync_skills(self, plans: list[RolePlan], skills: dict[str, int]) -> None:
        ids = [plan.role.pk for plan in plans]
        existing: dict[int, dict[int, RoleSkill]] = defaultdict(dict)
        for link in RoleSkill.objects.filter(role_id__in=ids):
            existing[link.role_id][link.skill_id] = link
        steps = len(self.levels)
        new, changed, gone = [], [], []
        for plan in plans:
            have = existing[plan.role.pk]
            for name, rating in plan.occupation.skills.items():
                mapped = rating.mapped(steps)
                if mapped is None:
                    continue  # left in `have`: a link that no longer qualifies goes
                level, importance = self.levels[mapped[0] - 1], mapped[1]
                link = have.pop(skills[name], None)
                if link is None:
                    new.append(
                        RoleSkill(
                            role=plan.role,
                            skill_id=skills[name],
                            level_id=level,
                            importance=importance,
                        )
                    )
                elif (link.level_id, link.importance) != (level, importance):
                    link.level_id, link.importance = level, importance
                    changed.append(link)
            gone += [link.pk for link in have.values()]
        self.delete(RoleSkill, gone, "role skills")
        self.bulk_update(changed, RoleSkill, ["level", "importance"], "role skills")
        self.bulk_create(new, RoleSkill, "role skills")

    def sync_links(
        self,
        through: type[models.Model],
        own: str,
        other: str,
        wanted: dict[int, set[int]],
        kind: str,
        *,
        prune: bool = True,
    ) -> None:
        """Make a role's many-to-many rows (tools, task areas) equal `wanted` role -> ids.

        Written on the through table directly: one query, not one per role. Simple-history
        keeps no row for these links (see docs/onet-import.md).
        """
        existing: dict[int, dict[int, int]] = defaultdict(dict)
        rows = through.objects.filter(**{f"{own}__in": list(wanted)})
        for pk, role, target in rows.values_list("pk", own, other):
            existing[role][target] = pk
        new, gone = [], []
        for role, targets in wanted.items():
            have = existing[role]
            new += [through(**{own: role, other: t}) for t in sorted(targets - have.keys())]
            if prune:
                gone += [pk for target, pk in have.items() if target not in targets]
        for chunk in _chunks(gone, IDS_PER_QUERY):
            through.objects.filter(pk__in=chunk).delete()
        through.objects.bulk_create(new)
        self.report.created[kind] += len(new)
        self.report.deleted[kind] += len(gone)

    def run(self, progress: Callable[[int, int, Occupation], None] | None) -> ImportReport:
        self.load_reference()
        plans = plan_roles(self.release)
        mirrored = [plan for plan in plans if plan.owned]
        skills = self.ensure_skills()
        self.ensure_questions()
        tasks = self.ensure_tasks(mirrored)
        self.link_task_skills(mirrored, tasks, skills)
        tools = self.ensure_tools(mirrored) if self.release.tool_files else {}
        total = len(plans)
        for start in range(0, total, self.batch_size):
            batch = plans[start : start + self.batch_size]
            self.write_roles(batch)
            self.role_ids.update(plan.role.pk for plan in batch)
            owned = [plan for plan in batch if plan.owned]
            self.sync_titles(owned)
            self.sync_tasks(owned, tasks)
            self.sync_skills(owned, skills)
            areas = {
                plan.role.pk: {self.area_of(text) for text in plan.occupation.tasks}
                for plan in owned
            }
            self.sync_links(
                Role.task_areas.through, "role_id", "taskarea_id", areas, "task area links"
            )
            if self.release.tool_files:
                wanted = {
                    plan.role.pk: {tools[folded] for folded in plan.occupation.tools}
                    for plan in owned
                }
                self.sync_links(
                    Tool.roles.through,
                    "role_id",
                    "tool_id",
                    wanted,
                    "tool links",
                    prune=self.prune_tools,
                )
            if progress is not None:
                for number, plan in enumerate(batch, start=start + 1):
                    progress(number, total, plan.occupation)
        # A statement no role carries any more (its link was dropped above) goes with it.
        orphans = Task.objects.filter(role_tasks__isnull=True)
        gone = [
            pk
            for chunk in _chunks(sorted(self.unlinked_tasks), IDS_PER_QUERY)
            for pk in orphans.filter(pk__in=chunk).values_list("pk", flat=True)
        ]
        # Their skill links first: the raw DELETE below sends no cascade (links, no history).
        for chunk in _chunks(gone, IDS_PER_QUERY):
            Task.skills.through.objects.filter(task_id__in=chunk)._raw_delete(Task.objects.db)
        self.delete(Task, gone, "tasks")
        return self.report


def import_release(
    release: Release,
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: Callable[[int, int, Occupation], None] | None = None,
) -> ImportReport:
    """Write a validated release to the catalog, all or nothing, in one transaction.

    New occupations become roles owned by the import. A role owned by the import (its source is
    the O*NET attribution) is made to mirror O*NET: name, summary, alternate titles, tasks,
    skills, tools and task areas. A role staff own (any other source) that matches an
    occupation by code or name only gets its empty onet_code filled in.
    """
    if batch_size < 1:
        raise OnetError("batch size must be at least 1")
    importer = _Importer(release, batch_size)
    with transaction.atomic(), catalog_writes() as touched:
        report = importer.run(progress)
        # Bulk writes send no signals: every role the import wrote gets its search text rebuilt.
        touched.update(importer.role_ids)
    return report
