"""The health checks (jdbuilder/health.py): /healthz answers without signing in, and 503 when
the database does not; /healthz/jobs reports the broker and the queue, and 503 when the broker
does not answer or a job is stuck."""

import datetime
import socket
import time

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from jdbuilder.jobs.models import Job, JobKind, JobStatus

pytestmark = pytest.mark.django_db


def test_healthz_answers_ok_without_signing_in(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert "no-cache" in response["Cache-Control"]


def test_healthz_answers_503_when_the_database_does_not(client, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("database is down")

    monkeypatch.setattr(connection, "cursor", broken)
    response = client.get("/healthz")
    assert response.status_code == 503


# --- /healthz/jobs: the broker and the queue -----------------------------------------------------


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def make_job(status, *, age=0, queued=None, lease=None, finished=None, **fields) -> Job:
    """A job created `age` seconds ago; `queued`/`lease`/`finished`: seconds from now."""
    now = timezone.now()

    def at(seconds):
        return None if seconds is None else now + datetime.timedelta(seconds=seconds)

    return Job.objects.create(
        kind=fields.pop("kind", JobKind.EMAIL),
        status=status,
        created_at=now - datetime.timedelta(seconds=age),
        queued_at=at(-age if queued is None else queued),
        lease_until=at(lease),
        finished_at=at(finished),
        **fields,
    )


@pytest.fixture
def broker(settings):
    """Point the app at a broker: set_url(url) as CELERY_BROKER_URL, no longer in-process."""

    def set_url(url: str) -> None:
        settings.CELERY_BROKER_URL = url
        settings.CELERY_TASK_ALWAYS_EAGER = False

    return set_url


def test_jobs_health_in_process_with_nothing_waiting(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/healthz/jobs")
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"]
    assert response.json() == {
        "status": "ok",
        "broker": "in-process",
        "broker_answers": None,
        "database": True,
        "queued": 0,
        "running": 0,
        "oldest_queued_age_seconds": None,
        "stuck": 0,
        "failed_last_24h": 0,
    }


def test_jobs_health_counts_the_queue_and_fails_while_a_job_is_stuck(
    client, settings, django_assert_num_queries
):
    settings.JOBS_RESEND_AFTER = 120
    make_job(JobStatus.QUEUED, age=30)  # just queued
    # Created an hour ago and sent again 10 minutes ago: stuck, and the oldest queued.
    make_job(JobStatus.QUEUED, age=3600, queued=-600)
    # Sent again by the sweep a moment ago, never started: still stuck.
    make_job(JobStatus.QUEUED, age=1800, queued=-5)
    make_job(JobStatus.RUNNING, age=60, lease=300)  # a worker holds it
    make_job(JobStatus.RUNNING, age=900, lease=-5)  # its worker died: stuck
    make_job(JobStatus.FAILED, age=7200, finished=-3600, error="Failed: boom")
    make_job(JobStatus.FAILED, age=3 * 86400, finished=-2 * 86400)  # too long ago
    make_job(JobStatus.SUCCEEDED, age=100, finished=-50)

    with django_assert_num_queries(1):
        response = client.get("/healthz/jobs")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert (body["queued"], body["running"], body["stuck"], body["failed_last_24h"]) == (3, 2, 3, 1)
    assert 3600 <= body["oldest_queued_age_seconds"] < 3660


def test_jobs_health_is_ok_with_work_waiting_that_is_not_stuck(client, settings):
    settings.JOBS_RESEND_AFTER = 120
    make_job(JobStatus.QUEUED, age=90)
    make_job(JobStatus.RUNNING, age=60, lease=300)
    make_job(JobStatus.FAILED, age=600, finished=-60, error="Failed: boom")  # failed, not stuck
    response = client.get("/healthz/jobs")
    assert response.status_code == 200
    body = response.json()
    assert (body["queued"], body["running"], body["stuck"], body["failed_last_24h"]) == (1, 1, 0, 1)
    assert 90 <= body["oldest_queued_age_seconds"] < 150


def test_jobs_health_reports_a_broker_that_answers(client, broker, django_assert_num_queries):
    broker("redis://127.0.0.1:6379/15")  # the local Redis
    with django_assert_num_queries(1):
        response = client.get("/healthz/jobs")
    assert response.status_code == 200
    body = response.json()
    assert body["broker"] == "redis://127.0.0.1:6379/15"
    assert body["broker_answers"] is True and body["status"] == "ok"


def test_jobs_health_fails_quickly_when_the_broker_is_down_and_hides_its_password(client, broker):
    port = closed_port()
    broker(f"redis://:s3cret-pass@127.0.0.1:{port}/0")
    started = time.monotonic()
    response = client.get("/healthz/jobs")
    assert time.monotonic() - started < 10
    assert response.status_code == 503
    body = response.json()
    assert body["broker_answers"] is False and body["status"] == "unavailable"
    assert body["broker"] == f"redis://:**@127.0.0.1:{port}/0"
    assert b"s3cret-pass" not in response.content
    assert body["queued"] == 0  # the rest of the report is still there


def test_healthz_itself_stays_ok_while_the_broker_is_down(client, broker):
    broker(f"redis://127.0.0.1:{closed_port()}/0")
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


def test_jobs_health_answers_503_when_the_database_does_not(client, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("database is down")

    monkeypatch.setattr(connection, "cursor", broken)
    response = client.get("/healthz/jobs")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "broker": "in-process",
        "broker_answers": None,
        "database": False,
    }


def test_jobs_health_is_not_redirected_to_https(client, settings):
    """Monitoring probes it over plain HTTP inside the network, like /healthz."""
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz/jobs").status_code == 200
    assert client.get("/healthz").status_code == 200
    assert client.get("/accounts/login/").status_code == 301


def test_jobs_health_only_answers_reads(client):
    assert client.post("/healthz/jobs").status_code == 405
    assert reverse("healthz_jobs") == "/healthz/jobs"
