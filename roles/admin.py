"""Django admin for the role catalog.

Every model keeps its simple-history "History" page. A role's history page also lists the
changes made to its skills, alternate titles and tasks, because curators edit those inline on
the role and expect to find the edits there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.text import Truncator
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import DeletedObject

from roles.models import (
    AlternateTitle,
    ProficiencyLevel,
    Role,
    RoleSkill,
    RoleTask,
    Skill,
    Task,
    TaskArea,
    Tool,
)

# The role history page shows at most this many inline changes, newest first.
INLINE_HISTORY_LIMIT = 200


# --- Inline changes on the role history page ---------------------------------------------------


@dataclass(frozen=True)
class InlineChange:
    """One row of the role history's inline-changes table; plain text, escaped on render."""

    when: datetime
    who: str
    what: str


@dataclass(frozen=True)
class InlineHistorySource:
    """How to read and describe the history of one model edited inline on the role page."""

    model: type[models.Model]
    # Foreign keys loaded with each historical record, so describing it never queries.
    related: tuple[str, ...]
    # What the row is about, e.g. the skill's name.
    subject: Callable[[Any], str]
    # Fields listed when a row is added or removed.
    summary_fields: tuple[str, ...]


def _related_name(record: Any, field_name: str) -> str:
    value = getattr(record, field_name)
    if value is None:  # The related row is gone; the historical FK has no constraint.
        return f"deleted {field_name} #{getattr(record, f'{field_name}_id')}"
    return str(value)


INLINE_HISTORY_SOURCES: tuple[InlineHistorySource, ...] = (
    InlineHistorySource(
        model=RoleSkill,
        related=("skill", "level"),
        subject=lambda record: _related_name(record, "skill"),
        summary_fields=("level", "importance"),
    ),
    InlineHistorySource(
        model=AlternateTitle,
        related=(),
        subject=lambda record: f"Alternate title “{record.title}”",
        summary_fields=(),
    ),
    InlineHistorySource(
        model=RoleTask,
        related=("task",),
        subject=lambda record: f"Task “{Truncator(_related_name(record, 'task')).chars(80)}”",
        summary_fields=("included_by_default",),
    ),
)


def _display_value(field: models.Field, value: Any) -> str:
    """A field value as a curator reads it: choice labels, yes/no, related objects' names."""
    if value is None or value == "":
        return "—"
    if isinstance(value, DeletedObject):
        return f"deleted {field.name} #{value.pk}"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)


def _describe(source: InlineHistorySource, record: Any, previous: Any | None) -> str:
    subject = source.subject(record)
    opts = source.model._meta
    if record.history_type == "+":
        summary = ", ".join(
            f"{opts.get_field(name).verbose_name} "
            f"{_display_value(opts.get_field(name), getattr(record, name))}"
            for name in source.summary_fields
        )
        return f"{subject}: added ({summary})" if summary else f"{subject}: added"
    if record.history_type == "-":
        return f"{subject}: removed"
    if previous is None:  # Its earlier records were purged: nothing to compare against.
        return f"{subject}: changed"
    # FKs come back as objects; both records were loaded with select_related, so no query.
    delta = record.diff_against(previous, excluded_fields=["role"], foreign_keys_are_objs=True)
    if not delta.changes:
        return f"{subject}: saved, nothing changed"
    changes = "; ".join(
        f"{opts.get_field(change.field).verbose_name} "
        f"{_display_value(opts.get_field(change.field), change.old)} → "
        f"{_display_value(opts.get_field(change.field), change.new)}"
        for change in delta.changes
    )
    return f"{subject}: {changes}"


def _records_with_previous(
    source: InlineHistorySource, role_pk: int, limit: int
) -> list[tuple[Any, Any | None]]:
    """The latest `limit` records of the role's rows, each paired with the row's previous record.

    One query for the records (the previous record's id comes from a subquery) and at most one
    more for previous records that fall outside the window, however many records there are.
    """
    history = source.model.history
    previous_id = (
        history.filter(id=OuterRef("id"))
        .filter(
            Q(history_date__lt=OuterRef("history_date"))
            | Q(history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id"))
        )
        .order_by("-history_date", "-history_id")
        .values("history_id")[:1]
    )
    records = list(
        history.filter(role_id=role_pk)
        .annotate(previous_history_id=Subquery(previous_id))
        .select_related("history_user", *source.related)
        .order_by("-history_date", "-history_id")[:limit]
    )
    by_id = {record.history_id: record for record in records}
    missing = {
        record.previous_history_id
        for record in records
        if record.previous_history_id is not None and record.previous_history_id not in by_id
    }
    if missing:
        by_id.update(
            (record.history_id, record)
            for record in history.filter(history_id__in=missing).select_related(*source.related)
        )
    return [(record, by_id.get(record.previous_history_id)) for record in records]


def role_inline_changes(role_pk: int, limit: int = INLINE_HISTORY_LIMIT) -> list[InlineChange]:
    """The latest changes to a role's skills, alternate titles and tasks, newest first."""
    changes: list[InlineChange] = []
    for source in INLINE_HISTORY_SOURCES:
        for record, previous in _records_with_previous(source, role_pk, limit):
            user = record.history_user
            changes.append(
                InlineChange(
                    when=record.history_date,
                    who=user.get_username() if user is not None else "unknown",
                    what=_describe(source, record, previous),
                )
            )
    changes.sort(key=lambda change: change.when, reverse=True)
    return changes[:limit]


# --- Inlines on the role page -------------------------------------------------------------------


class AlternateTitleInline(admin.TabularInline):
    model = AlternateTitle
    fields = ["title"]
    extra = 1


class RoleSkillInline(admin.TabularInline):
    model = RoleSkill
    fields = ["skill", "level", "importance"]
    autocomplete_fields = ["skill", "level"]
    extra = 1

    def get_queryset(self, request: HttpRequest) -> QuerySet[RoleSkill]:
        return super().get_queryset(request).select_related("skill", "level")


class RoleTaskInline(admin.TabularInline):
    model = RoleTask
    fields = ["task", "included_by_default"]
    autocomplete_fields = ["task"]
    extra = 1

    def get_queryset(self, request: HttpRequest) -> QuerySet[RoleTask]:
        return super().get_queryset(request).select_related("task__area")


class ToolInline(admin.TabularInline):
    model = Tool.roles.through
    fields = ["tool"]
    autocomplete_fields = ["tool"]
    extra = 1
    verbose_name = "tool"
    verbose_name_plural = "tools"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).select_related("tool")


# --- Model admins -------------------------------------------------------------------------------


@admin.register(TaskArea)
class TaskAreaAdmin(SimpleHistoryAdmin):
    list_display = ["name", "position", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    history_list_display = ["position"]


@admin.register(ProficiencyLevel)
class ProficiencyLevelAdmin(SimpleHistoryAdmin):
    list_display = ["rank", "name", "descriptor"]
    list_display_links = ["rank", "name"]
    search_fields = ["name"]
    history_list_display = ["rank", "name"]


@admin.register(Skill)
class SkillAdmin(SimpleHistoryAdmin):
    list_display = ["name", "category"]
    list_filter = ["category"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    history_list_display = ["category"]


@admin.register(Role)
class RoleAdmin(SimpleHistoryAdmin):
    list_display = ["name", "onet_code", "task_area_names", "titles_count", "updated_at"]
    list_filter = ["task_areas"]
    ordering = ["name"]  # the annotated queryset loses Meta.ordering; pagination needs one
    # Titles span a reverse FK, so the changelist de-duplicates the matching roles itself.
    search_fields = ["name", "alternate_titles__title", "onet_code"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["task_areas"]
    autocomplete_fields = ["works_with"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [AlternateTitleInline, RoleSkillInline, RoleTaskInline, ToolInline]
    object_history_template = "admin/roles/role/object_history.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Role]:
        # The list columns read these, so one query each instead of one per row. Distinct
        # keeps the count right when the search joins alternate titles again.
        return (
            super()
            .get_queryset(request)
            .prefetch_related("task_areas")
            .annotate(titles_count=Count("alternate_titles", distinct=True))
        )

    @admin.display(description="Task areas")
    def task_area_names(self, obj: Role) -> str:
        return ", ".join(area.name for area in obj.task_areas.all())

    @admin.display(description="Alternate titles", ordering="titles_count")
    def titles_count(self, obj: Role) -> int:
        return obj.titles_count

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        try:
            role_pk = Role._meta.pk.to_python(unquote(object_id))
        except ValidationError as error:
            raise Http404 from error
        # Check before reading other models' history; super() checks again with the object.
        if not self.has_view_history_or_change_history_permission(request):
            raise PermissionDenied
        changes = role_inline_changes(role_pk)
        context = {
            "inline_changes": changes,
            "inline_changes_limit": INLINE_HISTORY_LIMIT,
            "inline_changes_capped": len(changes) >= INLINE_HISTORY_LIMIT,
            **(extra_context or {}),
        }
        return super().history_view(request, object_id, extra_context=context)


@admin.register(AlternateTitle)
class AlternateTitleAdmin(SimpleHistoryAdmin):
    list_display = ["title", "role"]
    list_select_related = ["role"]
    search_fields = ["title", "role__name"]
    autocomplete_fields = ["role"]
    history_list_display = ["title"]


@admin.register(Task)
class TaskAdmin(SimpleHistoryAdmin):
    list_display = ["text", "area"]
    list_select_related = ["area"]
    list_filter = ["area"]
    search_fields = ["text"]
    autocomplete_fields = ["area"]
    history_list_display = ["area"]


@admin.register(RoleTask)
class RoleTaskAdmin(SimpleHistoryAdmin):
    list_display = ["role", "task", "task_area", "included_by_default"]
    list_select_related = ["role", "task__area"]
    list_filter = ["included_by_default", "task__area"]
    search_fields = ["role__name", "task__text"]
    autocomplete_fields = ["role", "task"]
    history_list_display = ["included_by_default"]

    @admin.display(description="Task area", ordering="task__area__position")
    def task_area(self, obj: RoleTask) -> TaskArea:
        return obj.task.area


@admin.register(RoleSkill)
class RoleSkillAdmin(SimpleHistoryAdmin):
    list_display = ["role", "skill", "level", "importance"]
    list_select_related = ["role", "skill", "level"]
    list_filter = ["importance", "level", "skill"]
    search_fields = ["role__name", "skill__name"]
    autocomplete_fields = ["role", "skill", "level"]
    history_list_display = ["level", "importance"]


@admin.register(Tool)
class ToolAdmin(SimpleHistoryAdmin):
    list_display = ["name", "area", "description"]
    list_select_related = ["area"]
    list_filter = ["area"]
    search_fields = ["name"]
    autocomplete_fields = ["area", "roles"]
    history_list_display = ["area"]
