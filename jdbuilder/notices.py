"""The e-mails that tell a person their background job has finished (jobs.services RULES'
`notify`). Nothing here fails a job: a person without an e-mail address simply gets none, and
the job's page shows the same news.
"""

from __future__ import annotations

from django.urls import reverse

from jdbuilder.jobs.models import Job, JobStatus
from jdbuilder.mail import absolute_url, queue_email


def _address(job: Job) -> str:
    return (job.owner.email or "").strip() if job.owner_id else ""


def export_finished(job: Job) -> None:
    """Send its owner "Your export is ready" with the link only they can use, until it expires."""
    address = _address(job)
    if job.status != JobStatus.SUCCEEDED or not address:
        return
    queue_email(
        to=[address],
        template="export_ready",
        context={
            "title": job.title,
            "url": absolute_url(reverse("exports:detail", kwargs={"public_id": job.public_id})),
            "expires_at": job.expires_at,
        },
        owner=job.owner,
    )


def import_finished(job: Job) -> None:
    """Tell the staff user who uploaded it how the O*NET import ended, and why if it failed."""
    address = _address(job)
    if not address:
        return
    if job.status == JobStatus.SUCCEEDED:
        summary = job.result.get("summary", "") if isinstance(job.result, dict) else ""
    else:
        summary = job.error
    queue_email(
        to=[address],
        template="import_finished",
        context={
            "status": "imported" if job.status == JobStatus.SUCCEEDED else "not imported",
            "summary": summary,
            "url": absolute_url(reverse("admin:jdbuilder_onetimport_change", args=[job.pk])),
        },
        owner=job.owner,
    )
