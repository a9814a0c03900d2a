"""Keeps the catalog's derived rows in step with every write: the roles' search texts and the
catalog version (both in roles.models).

Single saves and deletes (the admin, the factories, any ORM write) go through the signal handlers
below, connected by RolesConfig.ready(): a role's or a title's change rebuilds that role's search
text, and every catalog change bumps the version. Bulk loaders (roles.seed, roles.onet) wrap their
work in `catalog_writes()`, which does both once at the end. `loaddata` (a restore) rebuilds the
texts of the roles it loaded once it commits.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from roles.models import (
    AlternateTitle,
    CatalogVersion,
    ProficiencyLevel,
    Role,
    RoleSearchText,
    RoleSkill,
    RoleTask,
    Skill,
    Task,
    TaskArea,
    Tool,
)

# Role ids whose search texts a `catalog_writes()` block rebuilds when it ends (None: no block).
_batch: ContextVar[set[int] | None] = ContextVar("roles_catalog_writes", default=None)


@contextmanager
def catalog_writes() -> Iterator[set[int]]:
    """Many catalog writes as one change: inside, saves and deletes only note the roles they
    touch; on a normal exit their search texts are rebuilt and the version bumped, once.

    Bulk writes send no signals: add the ids of the roles they touched to the yielded set.
    Nested blocks join the outer one.
    """
    touched = _batch.get()
    if touched is not None:
        yield touched
        return
    touched = set()
    reset = _batch.set(touched)
    try:
        yield touched
    finally:
        _batch.reset(reset)
    RoleSearchText.objects.rebuild(touched)
    CatalogVersion.objects.bump()


# Roles whose titles `loaddata` wrote (raw saves): rebuilt once its transaction commits.
_loaded = threading.local()


def _rebuild_loaded() -> None:
    ids = getattr(_loaded, "ids", set())
    _loaded.ids = set()
    if ids:  # the first of the callbacks does the work; the others find nothing left
        RoleSearchText.objects.rebuild(ids)


def _role_ids_of(instance: models.Model, origin: Any) -> set[int]:
    """The roles whose search text a saved or deleted row changes."""
    deleting_roles = isinstance(origin, Role) or getattr(origin, "model", None) is Role
    if deleting_roles:  # the search row goes with the role
        return set()
    if isinstance(instance, Role):
        return {instance.pk}
    if isinstance(instance, AlternateTitle):
        return {instance.role_id, getattr(instance, "_loaded_role_id", None)} - {None}
    return set()


def _catalog_row_changed(
    sender: type[models.Model], instance: models.Model, raw: bool = False, **kwargs: Any
) -> None:
    role_ids = _role_ids_of(instance, kwargs.get("origin"))
    if raw:
        # loaddata: the rows it loads may come in any order, and a backup holds the search
        # texts and the version already; rebuild the texts once it has committed.
        if role_ids:
            _loaded.ids = getattr(_loaded, "ids", set()) | role_ids
            transaction.on_commit(_rebuild_loaded)
        return
    touched = _batch.get()
    if touched is not None:
        touched.update(role_ids)
        return
    if role_ids:
        RoleSearchText.objects.rebuild(role_ids)
    CatalogVersion.objects.bump()


def _catalog_links_changed(sender: type[models.Model], action: str, **kwargs: Any) -> None:
    if action.startswith("post_") and _batch.get() is None:
        CatalogVersion.objects.bump()


# The catalog's own rows; the derived ones (search texts, version) and history are not among them.
CATALOG_MODELS = (
    TaskArea,
    ProficiencyLevel,
    Skill,
    Role,
    AlternateTitle,
    Task,
    RoleTask,
    RoleSkill,
    Tool,
)


def connect() -> None:
    """Connect the handlers (RolesConfig.ready); connecting twice is harmless."""
    for model in CATALOG_MODELS:
        name = model.__name__
        post_save.connect(_catalog_row_changed, sender=model, dispatch_uid=f"roles-save-{name}")
        post_delete.connect(_catalog_row_changed, sender=model, dispatch_uid=f"roles-del-{name}")
    # A task's skills (traceability) are in every draft's Document, and kept per catalog version
    # by jdbuilder.catalog. The question bank is in no Document: its edits bump nothing.
    links = (
        Role.task_areas.through,
        Role.works_with.through,
        Tool.roles.through,
        Task.skills.through,
    )
    for through in links:
        m2m_changed.connect(
            _catalog_links_changed, sender=through, dispatch_uid=f"roles-m2m-{through.__name__}"
        )
