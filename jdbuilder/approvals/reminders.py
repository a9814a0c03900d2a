"""Reminders for stages that have waited too long: e-mail their approvers, once per period.

A stage in review that started more than APPROVAL_REMINDER_WORKING_DAYS working days (Monday to
Friday) ago, and was not reminded within as many working days, reminds its approvers who want
reminders. The stage is claimed with a conditional UPDATE on its `reminded_at` before anything
is queued, so two beats at once, or a run repeated, send one reminder.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from jdbuilder.approvals.models import SubmissionStage
from jdbuilder.approvals.notify import (
    REMINDERS,
    display_name,
    one_line,
    send_each,
    stage_approvers,
    submission_context,
)
from jdbuilder.vocabulary import SubmissionState

SATURDAY = 5


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """How many working days (Monday to Friday) there are after `start`, up to and including
    `end`: a Friday is 1 working day before the Monday after it; 0 when `end` is not later."""
    if end <= start:
        return 0
    days = (end - start).days
    weeks, rest = divmod(days, 7)
    count = weeks * 5
    for offset in range(1, rest + 1):
        if (start + datetime.timedelta(days=offset)).weekday() < SATURDAY:
            count += 1
    return count


def waited_too_long(since: datetime.datetime, now: datetime.datetime, working_days: int) -> bool:
    """Whether more than `working_days` working days have passed from `since` to `now`, counted
    in whole days of the site's time zone."""
    return working_days_between(timezone.localdate(since), timezone.localdate(now)) > working_days


def reminder_working_days() -> int:
    return getattr(settings, "APPROVAL_REMINDER_WORKING_DAYS", 2)


def due_stages(*, now: datetime.datetime, working_days: int) -> list[SubmissionStage]:
    """The current stages in review waiting more than `working_days` working days and not
    reminded within as many."""
    # A working day is a calendar day at least: this only narrows what is read.
    started_before = now - datetime.timedelta(days=working_days)
    candidates = (
        SubmissionStage.objects.current()
        .filter(started_at__lt=started_before)
        .select_related("submission__job_description", "submission__submitted_by")
        .order_by("started_at", "pk")
    )
    return [
        stage
        for stage in candidates
        if waited_too_long(stage.started_at, now, working_days)
        and (stage.reminded_at is None or waited_too_long(stage.reminded_at, now, working_days))
    ]


def remind_waiting(*, now: datetime.datetime | None = None) -> int:
    """E-mail the approvers of every stage that has waited too long; how many stages were
    reminded (claimed, with at least one approver who wants reminders)."""
    now = now or timezone.now()
    working_days = reminder_working_days()
    reminded = 0
    for stage in due_stages(now=now, working_days=working_days):
        if _remind(stage, now=now, working_days=working_days):
            reminded += 1
    return reminded


@transaction.atomic
def _remind(stage: SubmissionStage, *, now: datetime.datetime, working_days: int) -> bool:
    """Claim `stage` (its `reminded_at` as it was read) and queue its reminders; False when
    another run claimed it first, or nobody wants its reminder."""
    claimed = (
        SubmissionStage.objects.filter(
            pk=stage.pk,
            approved_at__isnull=True,
            submission__state=SubmissionState.IN_REVIEW,
        )
        .filter(
            **(
                {"reminded_at__isnull": True}
                if stage.reminded_at is None
                else {"reminded_at": stage.reminded_at}
            )
        )
        .update(reminded_at=now)
    )
    if not claimed:
        return False
    stage.reminded_at = now
    people = stage_approvers(stage, REMINDERS)
    if not people:
        return False
    submission = stage.submission
    context = {
        **submission_context(submission),
        "stage_name": stage.name,
        "subject_stage": one_line(stage.name, limit=60),
        "submitted_by": display_name(submission.submitted_by),
        "started_at": stage.started_at,
        "working_days": working_days_between(
            timezone.localdate(stage.started_at), timezone.localdate(now)
        ),
    }
    return send_each(people, template="review_reminder", context=context) > 0
