"""Health checks, answered without signing in.

`/healthz` is for load balancers: is this server able to answer with data? It does not look at
the broker: pages keep working while Redis is down (queued work waits), so a broker outage must
not take the app servers out of rotation.

`/healthz/jobs` is for monitoring the background work: the broker, and whether jobs wait.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Min, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from kombu import Connection
from kombu.utils.url import maybe_sanitize_url

from jdbuilder.jobs.models import ACTIVE, Job, JobStatus

BROKER_TIMEOUT = 1.0  # seconds per connection attempt; a probe must answer quickly
FAILED_WINDOW = datetime.timedelta(hours=24)


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """200 "ok" when the database (and the Redis cache, where one is set) answers; else 503."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        if getattr(settings, "REDIS_URL", ""):
            cache.get("healthz")
    except Exception:  # noqa: BLE001 - any failure means "do not send me traffic"
        return HttpResponse("unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")


def broker_answers(url: str) -> bool:
    """Whether the broker at `url` accepts a connection (one retry, short timeouts)."""
    broker = Connection(
        url,
        connect_timeout=BROKER_TIMEOUT,
        transport_options={
            "socket_connect_timeout": BROKER_TIMEOUT,
            "socket_timeout": BROKER_TIMEOUT,
        },
    )
    try:
        broker.ensure_connection(
            max_retries=1, interval_start=0, interval_step=0.2, interval_max=0.2
        )
    except Exception:  # noqa: BLE001 - whatever the transport raises, the broker is not there
        return False
    finally:
        broker.release()
    return True


def job_counts(now: datetime.datetime) -> dict:
    """Queued, running, stuck and recently failed jobs, and the oldest queued job's creation
    time, in one query over the active and recently failed rows only."""
    stuck = Job.objects.stuck(now, datetime.timedelta(seconds=settings.JOBS_RESEND_AFTER))
    recently_failed = Q(status=JobStatus.FAILED, finished_at__gte=now - FAILED_WINDOW)
    return Job.objects.filter(Q(status__in=ACTIVE) | recently_failed).aggregate(
        queued=Count("pk", filter=Q(status=JobStatus.QUEUED)),
        running=Count("pk", filter=Q(status=JobStatus.RUNNING)),
        # Since it was created: a resend moves `queued_at`, and a job that no worker takes
        # must look older with every probe.
        oldest_queued_at=Min("created_at", filter=Q(status=JobStatus.QUEUED)),
        stuck=Count("pk", filter=Q(pk__in=stuck.values("pk"))),
        failed_last_24h=Count("pk", filter=recently_failed),
    )


@require_safe
@never_cache
def healthz_jobs(request: HttpRequest) -> JsonResponse:
    """The broker and the queue, as JSON: 200 when the broker answers (or work runs
    in-process) and no job is stuck; 503 otherwise."""
    in_process = settings.CELERY_TASK_ALWAYS_EAGER or not settings.CELERY_BROKER_URL
    report: dict = {
        "broker": "in-process" if in_process else maybe_sanitize_url(settings.CELERY_BROKER_URL),
        "broker_answers": None if in_process else broker_answers(settings.CELERY_BROKER_URL),
    }
    now = timezone.now()
    try:
        counts = job_counts(now)
    except Exception:  # noqa: BLE001 - the database is down: report it, do not raise
        report.update(database=False, status="unavailable")
        return JsonResponse(report, status=503)
    oldest = counts.pop("oldest_queued_at")
    report.update(
        database=True,
        **counts,
        oldest_queued_age_seconds=None
        if oldest is None
        else max(0, int((now - oldest).total_seconds())),
    )
    healthy = report["broker_answers"] is not False and counts["stuck"] == 0
    report["status"] = "ok" if healthy else "unavailable"
    return JsonResponse(report, status=200 if healthy else 503)
