"""Templates and "updated since you started": save a JD as a template, start a draft from one,
and settle the changes its sources made since (jdbuilder.organization.proposals).

Reads go through the kept organization rows and catalog rows (one query for the version token
while nothing changed); writes are version-checked like a step's save.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from jdbuilder.catalog import RoleCatalog
from jdbuilder.defaults import default_choices
from jdbuilder.models import JobDescription
from jdbuilder.organization.content import BLOCK_FIELDS, organization_content
from jdbuilder.organization.models import Department, JobTemplate, Office
from jdbuilder.organization.proposals import (
    KEEP,
    TAKE,
    BlockNow,
    Change,
    TemplateNow,
    pending_changes,
    role_items,
    settle,
)
from jdbuilder.organization.starting import template_choices
from jdbuilder.services import AlreadyFinal, DraftChanged, score_draft, start_draft


class _Names(Mapping):
    """Skill names by id, read from the kept catalog rows only for the skills asked for."""

    def __init__(self, skills: Mapping[int, Any]) -> None:
        self._skills = skills

    def __getitem__(self, pk: int) -> str:
        return self._skills[pk].name

    def __iter__(self):
        return iter(self._skills)

    def __len__(self) -> int:
        return len(self._skills)


@dataclass(frozen=True)
class Sources:
    """A draft's sources as they are now, in the terms `pending_changes` and `settle` take."""

    template_now: TemplateNow | None
    role_defaults_now: Mapping[str, Any] | None
    blocks_now: Mapping[str, BlockNow]
    levels: Mapping[int, str]
    skill_names: Mapping[int, str]

    def compared(self) -> dict[str, Any]:
        return {
            "template_now": self.template_now,
            "role_defaults_now": self.role_defaults_now,
            "blocks_now": self.blocks_now,
        }


def sources_of(job_description: JobDescription, *, catalog: RoleCatalog | None = None) -> Sources:
    """What `job_description`'s template, role defaults and blocks are now. From the kept rows:
    no query beyond the version token (none when `catalog` has read it already)."""
    jd = job_description
    catalog = catalog or RoleCatalog(jd.role)
    rows = catalog.rows
    content = organization_content(rows.token)
    chosen = jd.chosen
    origins = chosen.origins
    template = content.templates.get(origins.template) if origins.template is not None else None
    role_now = None
    if origins.role_items:
        defaults = default_choices(catalog, seniority=jd.seniority)
        role_now = role_items(defaults, role=jd.role_id, seniority=jd.seniority)
    posting = chosen.posting
    applying = content.blocks_for(department=posting.department, office=posting.office)
    return Sources(
        template_now=template,
        role_defaults_now=role_now,
        blocks_now={BLOCK_FIELDS[kind]: block for kind, block in applying.items()},
        levels={level.rank: level.name for level in rows.levels},
        skill_names=_Names(rows.skills),
    )


def pending_for(
    job_description: JobDescription, *, catalog: RoleCatalog | None = None
) -> list[Change]:
    """The changes offered to `job_description` (none for a final JD)."""
    if not job_description.is_editable:
        return []
    sources = sources_of(job_description, catalog=catalog)
    return pending_changes(
        job_description.chosen,
        title=job_description.title,
        levels=sources.levels,
        skill_names=sources.skill_names,
        **sources.compared(),
    )


@transaction.atomic
def settle_changes(
    *,
    job_description: JobDescription,
    decisions: Mapping[str, str],
    expected_version: int,
) -> list[Change]:
    """Take or keep each change named in `decisions` ({Change.id: "take" | "keep"}), move the
    baselines of what the draft already matched, rescore and save, version-checked like a
    step's save. Changes not named stay offered. Returns the changes decided.

    Raises ValueError for a decision that is neither, AlreadyFinal for a final JD and
    DraftChanged, saving nothing, if the draft was saved since `expected_version`.
    """
    wrong = sorted(value for value in decisions.values() if value not in (TAKE, KEEP))
    if wrong:
        raise ValueError(f"A change is taken or kept, not {wrong[0]!r}.")
    jd = job_description
    if not jd.is_editable:
        raise AlreadyFinal
    sources = sources_of(jd)
    changes = pending_changes(
        jd.chosen,
        title=jd.title,
        levels=sources.levels,
        skill_names=sources.skill_names,
        **sources.compared(),
    )
    chosen = settle(jd.chosen, changes, decisions, **sources.compared())
    for change in changes:
        if change.key == "title" and decisions.get(change.id) == TAKE and change.after:
            jd.title = change.after
    jd.choose(chosen)
    jd.quality, jd.quality_of = score_draft(jd)
    if not jd.save_draft(expected_version=expected_version):
        raise DraftChanged
    return [change for change in changes if change.id in decisions]


# --- templates -----------------------------------------------------------------------------


def template_departments(user) -> list[Department]:
    """The departments `user` may save a template for: all for staff, else their own."""
    content = organization_content()
    departments = content.departments.values() if user.is_staff else content.departments_of(user)
    return sorted(departments, key=lambda department: department.name.casefold())


def may_save_templates_for(user, department: Department | None) -> bool:
    """Staff save templates for any department or the whole company; a manager only for a
    department they are a member of."""
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    return department is not None and department.members.filter(pk=user.pk).exists()


@transaction.atomic
def save_as_template(
    *,
    job_description: JobDescription,
    user,
    name: str,
    department: Department | None,
    replace: bool = False,
) -> JobTemplate:
    """`job_description`'s role, seniority, title, tasks, skills and levels, tools, posting
    texts and office, saved as the template `name` of `department` (None: company-wide).

    With `replace`, a template of that name there is updated (its version moves, so drafts
    started from it are offered the changes); without, the name must be new.
    Raises PermissionDenied unless the user is staff, or owns the JD and is a member of
    `department`; ValidationError for a blank or taken name.
    """
    jd = job_description
    if not user.is_staff and jd.owner_id != user.pk:
        raise PermissionDenied("Only the JD's owner or staff may save it as a template.")
    if not may_save_templates_for(user, department):
        raise PermissionDenied("You may save templates only for your own departments.")
    name = " ".join(name.split())
    if not name:
        raise ValidationError("Give the template a name.")
    if len(name) > JobTemplate._meta.get_field("name").max_length:
        raise ValidationError("The name is too long (at most 120 characters).")
    chosen = jd.chosen
    office = chosen.posting.office
    if office is not None and not Office.objects.filter(pk=office).exists():
        office = None
    values = {
        "role": jd.role,
        "seniority": jd.seniority,
        "title": jd.title,
        "office_id": office,
        "choices": template_choices(chosen).to_json(),
    }
    existing = (
        JobTemplate.objects.select_for_update()
        .filter(name__iexact=name, department=department)
        .first()
    )
    if existing is not None:
        if not replace:
            raise ValidationError(
                f"A template called “{existing.name}” exists already there: pick another name, "
                "or replace it."
            )
        if not JobTemplate.objects.editable_by(user).filter(pk=existing.pk).exists():
            raise PermissionDenied("You may not change that template.")
        for attribute, value in values.items():
            setattr(existing, attribute, value)
        existing.save()
        return existing
    try:
        with transaction.atomic():
            return JobTemplate.objects.create(
                name=name, department=department, created_by=user, **values
            )
    except IntegrityError as error:  # saved by someone else meanwhile
        raise ValidationError(f"A template called “{name}” exists already there.") from error


@transaction.atomic
def start_from_template(*, template: JobTemplate, owner) -> JobDescription:
    """A new draft for `owner` from `template` (`start_draft` with it). Raises
    PermissionDenied for a template `owner` may not use."""
    if not JobTemplate.objects.usable_by(owner).filter(pk=template.pk).exists():
        raise PermissionDenied("You may not use this template.")
    return start_draft(owner=owner, template=template)


@dataclass(frozen=True)
class StartOffer:
    """What "New job description" offers a user: templates first (their departments' before
    the company-wide ones, then the rest), and whether a bare role may be started from."""

    templates: list[JobTemplate]
    roles_allowed: bool


def start_offer(user) -> StartOffer:
    """The templates `user` may start from, and whether starting from a bare role is allowed:
    always for staff; for others unless the organization requires a template."""
    content = organization_content()
    organization = content.organization
    required = bool(organization and organization.require_template) and not user.is_staff
    own = {department.pk for department in content.departments_of(user)}
    templates = JobTemplate.objects.usable_by(user).select_related("role", "department", "office")

    def order(template: JobTemplate) -> tuple:
        place = 0 if template.department_id in own else 1 if template.department_id is None else 2
        return (place, template.name.casefold(), template.pk)

    return StartOffer(templates=sorted(templates, key=order), roles_allowed=not required)
