"""The approvals' Celery task: reminders for stages waiting too long (scheduled by beat,
settings.CELERY_BEAT_SCHEDULE "approval-reminders"). It calls the service and nothing else."""

from __future__ import annotations

from celery import shared_task

from jdbuilder.approvals import reminders


@shared_task(name="approvals.remind", acks_late=True, time_limit=600)
def remind() -> str:
    return str(reminders.remind_waiting())
