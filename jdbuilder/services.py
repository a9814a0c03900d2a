"""What the builder does to drafts and revisions: start, save a step, score, finalize, export.

Views, the demo data, management commands and tests all go through these functions, so every
draft's score matches its choices and every save is version-checked.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.db import transaction

import jdbuilder.publishing.services as publishing
from jdbuilder.catalog import RoleCatalog
from jdbuilder.checks import run_checks
from jdbuilder.defaults import default_choices
from jdbuilder.documents.build import build_document, take_snapshot
from jdbuilder.documents.formats import FORMATS, STORED_FORMATS, ExportFormat
from jdbuilder.drafts import StepValue
from jdbuilder.jobs.models import Job
from jdbuilder.jobs.progress import Progress
from jdbuilder.jobs.services import queue_render
from jdbuilder.models import JobDescription, JobDescriptionRevision, RenderedFile
from jdbuilder.organization.blocks import saved_posting
from jdbuilder.organization.content import organization_content
from jdbuilder.organization.proposals import role_items
from jdbuilder.organization.starting import starting_choices
from jdbuilder.snapshots import read_snapshot, required_skill_count
from jdbuilder.vocabulary import ROLE_DEPENDENT_STEPS, Seniority, Status, WizardStep
from roles.models import Role


class DraftChanged(Exception):
    """The draft was saved since it was read (another tab, another server): nothing was saved."""


class AlreadyFinal(DraftChanged):
    """The draft was finalized already, or submitted for approval, or rejected."""


@dataclass(frozen=True)
class RoleChoice:
    """What the role step chooses; it is kept on the draft's own columns."""

    role: Role
    seniority: str
    title: str


@dataclass(frozen=True)
class StepSaved:
    """What a step's save changed besides the step itself."""

    # The steps that went back to the catalog's defaults (a new role or seniority).
    restarted: tuple[str, ...] = ()
    role_changed: bool = False


# Steps whose choices are not in `DraftChoices`: the role's are the draft's columns, the review
# has none.
_NO_CHOICES = (WizardStep.ROLE, WizardStep.REVIEW)


def start_draft(
    *, owner, role: Role | None = None, seniority: str = Seniority.MID, template=None
) -> JobDescription:
    """A new draft for `role`, with the catalog's defaults as its first choices, scored; the
    organization's blocks for the owner's first department are filled in.

    From a `template` (a `JobTemplate`; role and seniority are then the template's): its title,
    tasks, skills, tools and posting texts over the defaults, and its department's and office's
    blocks. Either way the draft remembers what it started from, to propose later changes
    (jdbuilder.organization.proposals).
    """
    if template is not None:
        role, seniority = template.role, template.seniority
    if role is None:
        raise ValueError("A draft needs a role or a template.")
    catalog = RoleCatalog(role)
    content = organization_content(catalog.rows.token)
    if template is not None:
        department, office = template.department_id, template.office_id
    else:
        departments = content.departments_of(owner)
        department, office = (departments[0].pk if departments else None), None
    chosen = starting_choices(
        default_choices(catalog, seniority=seniority),
        content=content,
        role=role.pk,
        seniority=seniority,
        department=department,
        office=office,
        template=template,
    )
    draft = JobDescription(
        owner=owner,
        role=role,
        title=template.title if template is not None else role.name,
        seniority=seniority,
        choices=chosen.to_json(),
        current_step=WizardStep.ROLE,
    )
    draft.quality, draft.quality_of = score_draft(draft)
    draft.save()
    return draft


def save_step(
    *,
    job_description: JobDescription,
    step: str,
    expected_version: int,
    next_step: str,
    value: StepValue | RoleChoice | None = None,
    unsaved_input: dict[str, list[str]] | None = None,
) -> StepSaved:
    """Save one wizard step and move the draft to `next_step`, in one version-checked UPDATE.

    Either `value`, the step's valid choices (None for the review step): they replace the
    step's, the step counts as saved and the draft is scored again. Or `unsaved_input`, what was
    posted on a step left before it was valid: it is kept to show again, and nothing else changes.
    A new role restarts the role's steps from its defaults; a new seniority restarts the skills.

    Raises DraftChanged, and saves nothing, if the draft was saved since `expected_version`.
    """
    jd = job_description
    pending = dict(jd.pending_input)
    saved = StepSaved()
    if unsaved_input is not None:
        pending[step] = unsaved_input
    else:
        pending.pop(step, None)
        if step == WizardStep.ROLE:
            saved = _choose_role(jd, value)
        chosen = jd.chosen.with_step(step, None if step in _NO_CHOICES else value)
        if step == WizardStep.POSTING:
            # Texts follow a new department or office; block origins move with them.
            chosen = saved_posting(jd.chosen, chosen, content=organization_content())
        if saved.restarted:
            defaults = default_choices(RoleCatalog(jd.role), seniority=jd.seniority)
            chosen = chosen.restarted(saved.restarted, defaults=defaults)
            # What later catalog edits are compared with: the defaults the steps restarted from.
            baseline = role_items(defaults, role=jd.role_id, seniority=jd.seniority)
            chosen = dataclasses.replace(
                chosen, origins=dataclasses.replace(chosen.origins, role_items=baseline)
            )
            for restarted in saved.restarted:
                pending.pop(restarted, None)
        jd.choose(chosen)
        jd.quality, jd.quality_of = score_draft(jd)
    jd.pending_input = pending
    jd.current_step = next_step
    if not jd.save_draft(expected_version=expected_version):
        raise DraftChanged
    return saved


def _choose_role(jd: JobDescription, choice: RoleChoice) -> StepSaved:
    role_changed = choice.role.pk != jd.role_id
    seniority_changed = choice.seniority != jd.seniority
    jd.role, jd.seniority, jd.title = choice.role, choice.seniority, choice.title
    if role_changed:
        return StepSaved(restarted=ROLE_DEPENDENT_STEPS, role_changed=True)
    if seniority_changed:
        return StepSaved(restarted=(WizardStep.SKILLS,))
    return StepSaved()


def score(source: JobDescription | JobDescriptionRevision) -> dict:
    """The quality checks' summary of a draft as it stands, or of a revision: what lists show."""
    return run_checks(build_document(source)).summary()


# Snapshot keys the checks never read: they name the JD and its revision, and change on reopen.
NOT_CHECKED = frozenset({"public_id", "revision"})


def checked_digest(snapshot: dict[str, Any]) -> str:
    """A digest of what the quality checks read in `snapshot` (all but NOT_CHECKED)."""
    checked = {key: value for key, value in snapshot.items() if key not in NOT_CHECKED}
    text = json.dumps(checked, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def score_draft(draft: JobDescription) -> tuple[dict, str]:
    """The draft's summary (as `score`) and the digest of the snapshot it was computed from."""
    snapshot = take_snapshot(draft)
    return _checked_summary(snapshot), checked_digest(snapshot)


def revision_quality(draft: JobDescription, snapshot: dict[str, Any]) -> dict:
    """The summary of the revision being issued: the draft's own when the checks would read the
    same texts (nothing saved and no catalog text changed since it was computed), else anew."""
    if draft.quality and draft.quality_of == checked_digest(snapshot):
        return draft.quality
    return _checked_summary(snapshot)


def _checked_summary(snapshot: dict[str, Any]) -> dict:
    return run_checks(read_snapshot(snapshot)).summary()


@transaction.atomic
def finalize_job_description(
    *, job_description: JobDescription, user, expected_version: int
) -> JobDescriptionRevision:
    """Freeze the draft as its next revision: snapshot the catalog texts, then mark it final,
    and queue the rendering of its stored formats (sent to the workers when this commits).

    The row is locked first, so two finalizations of the same draft cannot both succeed.
    """
    locked = lock_draft(job_description=job_description, expected_version=expected_version)
    snapshot = take_snapshot(locked)
    revision = issue_revision(
        locked=locked, snapshot=snapshot, user=user, quality=revision_quality(locked, snapshot)
    )
    job_description.status, job_description.lock_version = locked.status, locked.lock_version
    job_description.latest_revision = revision
    return revision


def lock_draft(*, job_description: JobDescription, expected_version: int) -> JobDescription:
    """The draft's row, locked until the transaction ends; raises AlreadyFinal when it is no
    longer a draft (issued, in review, rejected) and DraftChanged when it was saved since
    `expected_version`."""
    locked = JobDescription.objects.select_for_update().get(pk=job_description.pk)
    if not locked.is_editable:
        raise AlreadyFinal
    if locked.lock_version != expected_version:
        raise DraftChanged
    return locked


def issue_revision(
    *, locked: JobDescription, snapshot: dict[str, Any], user, quality: dict
) -> JobDescriptionRevision:
    """Issue `snapshot` as the locked JD's revision `locked.revision`: the JD becomes final, its
    latest revision this one, and the stored formats are queued for rendering. Call it inside
    a transaction holding the JD's row lock."""
    revision = JobDescriptionRevision.objects.create(
        job_description=locked,
        number=locked.revision,
        snapshot=snapshot,
        finalized_by=user,
        quality=quality,
        required_skills=required_skill_count(snapshot),
    )
    locked.status = Status.FINAL
    locked.latest_revision = revision
    locked.lock_version += 1
    locked.save(update_fields=["status", "latest_revision", "lock_version", "updated_at"])
    queue_render(revision=revision, new=True)
    publishing.follow_new_revision(locked=locked, revision=revision)
    return revision


def stored_copy(*, revision: JobDescriptionRevision, export_format: ExportFormat) -> bytes | None:
    """The stored file of a stored format, or None while the workers have not made it."""
    content = (
        RenderedFile.objects.filter(revision=revision, format=export_format.key)
        .values_list("content", flat=True)
        .first()
    )
    return None if content is None else bytes(content)


def render_stored_files(job: Job, progress: Progress) -> dict:
    """The render job's handler: every stored format of its revision, each rendered once."""
    revision = job.revision
    progress.stage("Rendering", total=len(STORED_FORMATS))
    stored = []
    for done, key in enumerate(STORED_FORMATS, start=1):
        content = export_revision(revision=revision, export_format=FORMATS[key])
        stored.append({"format": key, "size": len(content)})
        progress.advance(done)
    return {"files": stored}


def export_revision(*, revision: JobDescriptionRevision, export_format: ExportFormat) -> bytes:
    """The revision in `export_format`; stored formats are rendered once and kept.

    The stored copy is kept by `RenderedFile.objects.keep`: two workers racing both return the
    same bytes.
    """
    if not export_format.stored:
        return export_format.render(build_document(revision))
    stored = RenderedFile.objects.filter(revision=revision, format=export_format.key).first()
    if stored is not None:
        return bytes(stored.content)
    document = build_document(revision)
    kept = RenderedFile.objects.keep(
        revision=revision,
        fmt=export_format.key,
        content=export_format.render(document),
        filename=export_format.filename(document),
    )
    return bytes(kept.content)
