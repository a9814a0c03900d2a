"""Sending a job to the workers: after the transaction that made its row commits, never before
(a worker must find the row), and never failing the request that asked for it.

With no broker configured (a laptop, `make run`, unit tests) Celery runs the task in this
process as it is sent, through the same task and service code. With a broker that cannot be
reached (Redis down), the row stays queued and the scheduler's sweep sends it again later
(`services.sweep`): the page that queued it answers as usual.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from jdbuilder.jobs.models import Job

log = logging.getLogger(__name__)


# Each kind's Celery task, registered by jdbuilder.jobs.tasks as it is imported (the app's
# `ready()` imports it): the tasks call the services, which queue through this module.
_TASKS: dict[str, object] = {}


def register(kind: str, task) -> None:
    _TASKS[kind] = task


def task_for(kind: str):
    return _TASKS[kind]


def publish(job_id: int, kind: str) -> bool:
    """Send the job's message now; False (logged) if the broker cannot be reached."""
    try:
        task_for(kind).apply_async(args=[job_id], retry=False)
    except (BrokerError, ConnectionError, OSError) as error:
        log.warning("Job %s stays queued: the broker cannot be reached (%s)", job_id, error)
        return False
    return True


def enqueue(job: Job) -> None:
    """Send `job` to the workers once the current transaction commits."""
    job_id, kind = job.pk, job.kind
    transaction.on_commit(lambda: publish(job_id, kind))


def resend(job: Job) -> None:
    """Send a queued job again (the sweep, or `manage.py jobs --requeue`)."""
    Job.objects.filter(pk=job.pk).update(queued_at=timezone.now())
    enqueue(job)
