"""The inline changes of a role's history page: edits to its skills, titles and tasks.

Curators edit a role's skills, alternate titles and tasks inline on the role page, so they look
for those edits on the role's history page; simple-history records them on each row's own
model. `role_inline_changes` reads those records (in a fixed number of queries) and describes
each one in plain text; RoleAdmin.history_view shows them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.utils.text import Truncator
from simple_history.models import DeletedObject

from roles.models import AlternateTitle, RoleSkill, RoleTask

# The role history page shows at most this many inline changes, newest first.
INLINE_HISTORY_LIMIT = 200


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
