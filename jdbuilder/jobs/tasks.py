"""The Celery tasks: each one calls a service and nothing else.

Every task is acknowledged only when it ends (`acks_late`), and a task whose worker process dies
(SIGKILL, the out-of-memory killer, the hard time limit) is given back to the queue
(`reject_on_worker_lost`), so a killed worker loses nothing: the next worker runs it again, and
the job's row decides whether there is anything left to do. Transient failures retry with
exponential backoff and jitter.
"""

from __future__ import annotations

from celery import shared_task

from jdbuilder.jobs import queue, services
from jdbuilder.jobs.models import JobKind

COMMON = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": (services.RetryLater,),
    "retry_backoff": 5,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 10,  # the row's own attempt count stops a job sooner (services.RULES)
}


def _limits(kind: str) -> dict:
    limit = services.RULES[kind].time_limit
    return {"time_limit": limit, "soft_time_limit": max(limit - 10, 1)}


@shared_task(name="jobs.render", **COMMON, **_limits(JobKind.RENDER))
def render_revision(job_id: int) -> str:
    return services.run_job(job_id=job_id, kind=JobKind.RENDER)


@shared_task(name="jobs.export", **COMMON, **_limits(JobKind.EXPORT))
def export(job_id: int) -> str:
    return services.run_job(job_id=job_id, kind=JobKind.EXPORT)


@shared_task(name="jobs.onet_import", **COMMON, **_limits(JobKind.ONET_IMPORT))
def onet_import(job_id: int) -> str:
    return services.run_job(job_id=job_id, kind=JobKind.ONET_IMPORT)


@shared_task(name="jobs.email", **COMMON, **_limits(JobKind.EMAIL))
def send_email(job_id: int) -> str:
    return services.run_job(job_id=job_id, kind=JobKind.EMAIL)


@shared_task(name="jobs.sweep", acks_late=True, time_limit=300)
def sweep() -> str:
    return str(services.sweep())


@shared_task(name="jobs.clean_up", acks_late=True, time_limit=600)
def clean_up() -> str:
    return str(services.clean_up())


TASK_OF_KIND = {
    JobKind.RENDER: render_revision,
    JobKind.EXPORT: export,
    JobKind.ONET_IMPORT: onet_import,
    JobKind.EMAIL: send_email,
}
for _kind, _task in TASK_OF_KIND.items():
    queue.register(_kind, _task)
