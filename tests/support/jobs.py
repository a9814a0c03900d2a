"""Running queued jobs in a test as a worker would: through their Celery tasks, in-process.

Unit tests run inside a transaction, so the on-commit sends of `jdbuilder.jobs.queue.enqueue`
never fire there; `run_queued_jobs()` stands in for the worker that would have taken them.
"""

from __future__ import annotations

from jdbuilder.jobs.models import Job, JobStatus
from jdbuilder.jobs.queue import task_for


def run_queued_jobs(*, kind: str | None = None) -> dict[str, str]:
    """Run every queued job (of `kind`), oldest first; {public id: outcome}."""
    jobs = Job.objects.filter(status=JobStatus.QUEUED).order_by("created_at", "pk")
    if kind is not None:
        jobs = jobs.filter(kind=kind)
    return {str(job.public_id): task_for(job.kind).apply(args=[job.pk]).get() for job in list(jobs)}
