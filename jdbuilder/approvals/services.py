"""Submitting, deciding and commenting: each function is one transaction holding row locks.

Locks are always taken submission first, then its JD, so two of these never wait on each other
in a circle. A decision names the stage it decides (`stage_id`, the one the page showed): of two
approvers acting at once, the second finds the stage decided and gets AlreadyDecided.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

import jdbuilder.approvals.notify as notify
from jdbuilder.approvals.flows import Applies, applicable_stages
from jdbuilder.approvals.models import (
    ApprovalFlow,
    Comment,
    Submission,
    SubmissionStage,
    TimelineEvent,
)
from jdbuilder.document import Document
from jdbuilder.documents.build import take_snapshot
from jdbuilder.models import JobDescription, JobDescriptionRevision
from jdbuilder.services import issue_revision, lock_draft, revision_quality
from jdbuilder.snapshots import read_snapshot
from jdbuilder.vocabulary import DocumentSection, Status, SubmissionState, TimelineKind

MAX_COMMENT_LENGTH = 4000


class ReviewRefused(Exception):
    """The action does not fit the submission's state; the message says why, to the user."""


class AlreadyDecided(ReviewRefused):
    """The stage (or the whole submission) was decided meanwhile."""


class NotAllowed(ReviewRefused):
    """This person may see the submission but not do this to it (a 403)."""


@dataclass(frozen=True)
class Submitted:
    """What submitting did: a submission in review, or (no approval needed) a revision."""

    submission: Submission | None = None
    revision: JobDescriptionRevision | None = None


def stages_for(
    *, job_description: JobDescription, document: Document | Callable[[], Document]
) -> tuple[ApprovalFlow | None, list[Applies]]:
    """The flow the JD goes through and which of its stages apply to `document` (or to what
    `document()` builds, only when there is a flow): none means finalizing issues it at once."""
    flow = ApprovalFlow.objects.for_department(job_description.chosen.posting.department)
    if flow is None:
        return None, []
    if callable(document):
        document = document()
    return flow, applicable_stages(flow.stages.all(), document)


@transaction.atomic
def submit_job_description(
    *, job_description: JobDescription, user, expected_version: int
) -> Submitted:
    """Freeze the draft as submitted and start its flow's first stage; with no stage applying
    (no flow, or none whose condition holds) issue it at once, as finalizing always did.

    Raises DraftChanged (saved since `expected_version`) or AlreadyFinal (not a draft).
    """
    locked = lock_draft(job_description=job_description, expected_version=expected_version)
    snapshot = take_snapshot(locked)
    quality = revision_quality(locked, snapshot)
    flow, stages = stages_for(job_description=locked, document=read_snapshot(snapshot))
    if not stages:
        revision = issue_revision(locked=locked, snapshot=snapshot, user=user, quality=quality)
        _record(locked, TimelineKind.ISSUED, actor=user, text=f"Revision {revision.number}.")
        _mirror(job_description, locked)
        return Submitted(revision=revision)
    now = timezone.now()
    submission = Submission.objects.create(
        job_description=locked,
        number=locked.revision,
        snapshot=snapshot,
        quality=quality,
        flow=flow,
        flow_name=flow.name,
        submitted_by=user,
        submitted_at=now,
    )
    SubmissionStage.objects.bulk_create(
        SubmissionStage(
            submission=submission,
            position=position,
            name=applies.stage.name,
            stage=applies.stage,
            reason=applies.reason,
            started_at=now if position == 1 else None,
        )
        for position, applies in enumerate(stages, start=1)
    )
    locked.status = Status.IN_REVIEW
    locked.lock_version += 1
    locked.save(update_fields=["status", "lock_version", "updated_at"])
    _mirror(job_description, locked)
    _record(locked, TimelineKind.SUBMITTED, actor=user, submission=submission)
    notify.stage_waiting(submission.stages.order_by("position").first())
    return Submitted(submission=submission)


def _mirror(job_description: JobDescription, locked: JobDescription) -> None:
    job_description.status, job_description.lock_version = locked.status, locked.lock_version
    job_description.latest_revision = locked.latest_revision


def _record(jd, kind, *, actor=None, submission=None, **fields) -> TimelineEvent:
    return TimelineEvent.objects.create(
        job_description=jd, submission=submission, kind=kind, actor=actor, **fields
    )


def _lock_in_review(submission: Submission) -> Submission:
    locked = Submission.objects.select_for_update().get(pk=submission.pk)
    if locked.state != SubmissionState.IN_REVIEW:
        raise AlreadyDecided(f"This submission was {locked.get_state_display().lower()} already.")
    return locked


def current_stage(submission: Submission) -> SubmissionStage | None:
    return submission.stages.filter(approved_at__isnull=True).order_by("position").first()


def is_approver(stage: SubmissionStage, user) -> bool:
    return stage.approver_users().filter(pk=user.pk).exists()


def _decider(submission: Submission, stage_id: int, user) -> tuple[SubmissionStage, bool]:
    """The current stage, if it is `stage_id`, and whether `user` decides on its behalf (staff);
    NotAllowed when `user` may not decide it."""
    stage = current_stage(submission)
    if stage is None or stage.pk != stage_id:
        raise AlreadyDecided("This stage was decided meanwhile: here is the submission now.")
    if submission.job_description.owner_id == user.pk:
        raise NotAllowed("You cannot decide on your own job description.")
    if is_approver(stage, user):
        return stage, False
    if user.is_staff:
        return stage, True
    raise NotAllowed(f"You are not an approver of the stage “{stage.name}”.")


@transaction.atomic
def approve(*, submission: Submission, user, stage_id: int, comment: str = "") -> Submission:
    """Approve the current stage; the last one issues the submitted snapshot as the revision."""
    locked = _lock_in_review(submission)
    stage, on_behalf = _decider(locked, stage_id, user)
    now = timezone.now()
    stage.approved_by, stage.approved_at, stage.on_behalf = user, now, on_behalf
    stage.comment = _checked_text(comment, required=False)
    stage.save(update_fields=["approved_by", "approved_at", "on_behalf", "comment"])
    jd = locked.job_description
    _record(
        jd,
        TimelineKind.STAGE_APPROVED,
        actor=user,
        submission=locked,
        on_behalf=on_behalf,
        stage_name=stage.name,
        text=stage.comment,
    )
    following = current_stage(locked)
    if following is not None:
        following.started_at = now
        following.save(update_fields=["started_at"])
        notify.stage_waiting(following)
        notify.decided(locked, stage=stage, kind=TimelineKind.STAGE_APPROVED)
        return locked
    jd = JobDescription.objects.select_for_update().get(pk=jd.pk)
    jd.revision = locked.number
    revision = issue_revision(
        locked=jd, snapshot=locked.snapshot, user=locked.submitted_by, quality=locked.quality
    )
    locked.state, locked.revision = SubmissionState.APPROVED, revision
    locked.decided_by, locked.decided_at = user, now
    locked.save(update_fields=["state", "revision", "decided_by", "decided_at"])
    _record(
        jd,
        TimelineKind.APPROVED,
        actor=user,
        submission=locked,
        text=f"Revision {revision.number}.",
    )
    notify.decided(locked, stage=stage, kind=TimelineKind.APPROVED)
    return locked


@transaction.atomic
def return_for_changes(*, submission: Submission, user, stage_id: int, comment: str) -> Submission:
    """Send the JD back to its manager as a draft, with what to change."""
    return _end(submission, user, stage_id, comment, SubmissionState.RETURNED, Status.DRAFT)


@transaction.atomic
def reject(*, submission: Submission, user, stage_id: int, comment: str) -> Submission:
    """End the JD, with the reason."""
    return _end(submission, user, stage_id, comment, SubmissionState.REJECTED, Status.REJECTED)


def _end(submission, user, stage_id, comment, state, status) -> Submission:
    text = _checked_text(comment, required=True, what="Say why, for the manager.")
    locked = _lock_in_review(submission)
    stage, on_behalf = _decider(locked, stage_id, user)
    now = timezone.now()
    locked.state, locked.decided_by, locked.decided_at = state, user, now
    locked.decision_comment = text
    locked.save(update_fields=["state", "decided_by", "decided_at", "decision_comment"])
    jd = JobDescription.objects.select_for_update().get(pk=locked.job_description_id)
    jd.status = status
    jd.lock_version += 1
    jd.save(update_fields=["status", "lock_version", "updated_at"])
    kind = TimelineKind.RETURNED if state == SubmissionState.RETURNED else TimelineKind.REJECTED
    _record(
        jd,
        kind,
        actor=user,
        submission=locked,
        on_behalf=on_behalf,
        stage_name=stage.name,
        text=text,
    )
    notify.decided(locked, stage=stage, kind=kind)
    return locked


@transaction.atomic
def withdraw(*, submission: Submission, user) -> Submission:
    """The manager takes the submission back: the JD is a draft again."""
    locked = _lock_in_review(submission)
    if locked.job_description.owner_id != user.pk:
        raise NotAllowed("Only the job description's manager can withdraw it.")
    waiting_at = current_stage(locked)
    locked.state, locked.decided_by, locked.decided_at = (
        SubmissionState.WITHDRAWN,
        user,
        timezone.now(),
    )
    locked.save(update_fields=["state", "decided_by", "decided_at"])
    jd = JobDescription.objects.select_for_update().get(pk=locked.job_description_id)
    jd.status = Status.DRAFT
    jd.lock_version += 1
    jd.save(update_fields=["status", "lock_version", "updated_at"])
    _record(jd, TimelineKind.WITHDRAWN, actor=user, submission=locked)
    notify.withdrawn(locked, stage=waiting_at)
    return locked


def _checked_text(text: str, *, required: bool, what: str = "Write the comment.") -> str:
    text = (text or "").strip()
    if required and not text:
        raise ReviewRefused(what)
    if len(text) > MAX_COMMENT_LENGTH:
        raise ReviewRefused(f"At most {MAX_COMMENT_LENGTH:,} characters, please.")
    return text


@transaction.atomic
def add_comment(
    *,
    submission: Submission,
    user,
    text: str,
    section: str = DocumentSection.GENERAL,
    parent: Comment | None = None,
) -> Comment:
    """A comment on a section of the submission, or a reply to a thread on the same JD."""
    if section not in DocumentSection.values:
        raise ReviewRefused("Choose a section to comment on.")
    body = _checked_text(text, required=True)
    if parent is not None:
        if parent.job_description_id != submission.job_description_id or parent.parent_id:
            raise ReviewRefused("Reply to a comment on this job description.")
        section = parent.section
    comment = Comment.objects.create(
        job_description_id=submission.job_description_id,
        submission=submission,
        section=section,
        parent=parent,
        author=user,
        text=body,
    )
    _record(
        submission.job_description,
        TimelineKind.COMMENTED,
        actor=user,
        submission=submission,
        text=f"{DocumentSection(section).label}: {body}",
    )
    notify.commented(comment)
    return comment


@transaction.atomic
def resolve_comment(*, comment: Comment, user) -> Comment:
    """The manager marks a thread as dealt with."""
    locked = (
        Comment.objects.select_for_update(of=("self",))
        .select_related("job_description")
        .get(pk=comment.pk)
    )
    if locked.job_description.owner_id != user.pk:
        raise NotAllowed("Only the job description's manager resolves its comments.")
    if locked.parent_id is not None:
        raise ReviewRefused("Resolve the thread, not a reply.")
    if locked.resolved_at is not None:
        return locked
    locked.resolved_by, locked.resolved_at = user, timezone.now()
    locked.save(update_fields=["resolved_by", "resolved_at"])
    _record(
        locked.job_description,
        TimelineKind.RESOLVED,
        actor=user,
        submission=locked.submission,
        text=f"{locked.get_section_display()}: {locked.text[:200]}",
    )
    return locked
