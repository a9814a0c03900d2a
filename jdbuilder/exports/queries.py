"""Which export jobs a person sees: only their own, whoever else they are (staff included)."""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.utils import timezone

from jdbuilder.jobs.models import ACTIVE, Job, JobKind, JobQuerySet, JobStatus
from jdbuilder.jobs.services import RULES


def exports_of(user) -> JobQuerySet:
    """`user`'s exports, newest first."""
    return Job.objects.owned_by(user).of_kind(JobKind.EXPORT).order_by("-created_at", "-pk")


def current_exports(user, *, now: datetime.datetime | None = None) -> JobQuerySet:
    """What the library reminds `user` of: exports still being made, ready to download, or
    failed within the time a ready one would have stayed (so a failure is not missed)."""
    now = now or timezone.now()
    return exports_of(user).filter(
        Q(status__in=ACTIVE)
        | Q(status=JobStatus.SUCCEEDED, expires_at__gt=now)
        | Q(status=JobStatus.FAILED, finished_at__gt=now - RULES[JobKind.EXPORT].keep_result_for)
    )
