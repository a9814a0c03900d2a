"""What the job pages share: a job's state as the JSON that static/js/job-progress.js reads."""

from __future__ import annotations

from django.http import JsonResponse

from jdbuilder.jobs.models import Job


def status_json(job: Job) -> JsonResponse:
    response = JsonResponse(
        {
            "status": job.status,
            "status_label": job.get_status_display(),
            "finished": job.is_finished,
            "percent": job.percent,
            "done": job.progress_done,
            "total": job.progress_total,
            "stage": job.stage,
        }
    )
    response["Cache-Control"] = "no-store"
    return response
