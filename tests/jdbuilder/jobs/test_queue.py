"""jdbuilder/jobs/queue.py: a job is sent to the workers once its row is committed, and a broker
that cannot be reached leaves the row queued (for the sweep to send again) without failing the
request that queued it."""

from __future__ import annotations

import datetime
import logging
import socket

import pytest
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from jdbuilder.celery import app
from jdbuilder.jobs import services, tasks
from jdbuilder.jobs.models import Job, JobKind, JobStatus
from jdbuilder.jobs.queue import enqueue, resend

pytestmark = pytest.mark.django_db


def stored(job: Job) -> Job:
    return Job.objects.get(pk=job.pk)


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def broker_down(monkeypatch):
    """Sending raises what kombu raises when Redis refuses the connection."""
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise BrokerError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.export, "apply_async", refuse)
    return attempts


@pytest.fixture
def unreachable_broker(settings, monkeypatch):
    """The app configured for a real Redis broker on a port where nothing listens."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{closed_port()}/0"
    # Pools made for this broker are dropped afterwards (monkeypatch puts the old ones back).
    monkeypatch.setattr(app, "_pool", None)
    monkeypatch.setattr(app.amqp, "_producer_pool", None)
    yield
    if app._pool is not None:
        app._pool.force_close_all()


def test_a_job_is_sent_only_when_its_transaction_commits(
    make_job, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            job = make_job(kind=JobKind.EXPORT)
            enqueue(job)
            assert sent == []  # a worker must find the row
        assert sent == []  # nor before the outermost transaction commits
    assert len(callbacks) == 1
    assert sent == [(job.pk, JobKind.EXPORT)]


def test_a_job_whose_transaction_rolls_back_is_never_sent(
    make_job, sent, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        enqueue(make_job(kind=JobKind.EXPORT))
        raise RuntimeError("the request failed")
    assert callbacks == [] and sent == []


def test_without_a_broker_the_job_runs_in_this_process_on_commit(
    make_job, use_handler, django_capture_on_commit_callbacks
):
    use_handler(JobKind.EXPORT, "count_params")
    job = make_job(kind=JobKind.EXPORT, params={"items": [1, 2]})
    with django_capture_on_commit_callbacks(execute=True):
        enqueue(job)
    row = stored(job)
    assert (row.status, row.result) == (JobStatus.SUCCEEDED, {"items": 2})


def test_a_broker_that_refuses_leaves_the_job_queued_and_does_not_raise(
    make_job, broker_down, django_capture_on_commit_callbacks, caplog
):
    job = make_job(kind=JobKind.EXPORT)
    with (
        caplog.at_level(logging.WARNING, logger="jdbuilder.jobs.queue"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        enqueue(job)
    assert len(broker_down) == 1
    assert stored(job).status == JobStatus.QUEUED
    assert f"Job {job.pk} stays queued: the broker cannot be reached" in caplog.text


def test_an_unreachable_redis_leaves_the_job_queued_and_does_not_raise(
    make_job, unreachable_broker, django_capture_on_commit_callbacks, caplog
):
    job = make_job(kind=JobKind.EXPORT)
    with (
        caplog.at_level(logging.WARNING, logger="jdbuilder.jobs.queue"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        enqueue(job)
    row = stored(job)
    assert (row.status, row.attempts) == (JobStatus.QUEUED, 0)
    assert f"Job {job.pk} stays queued: the broker cannot be reached" in caplog.text


def test_a_job_left_queued_by_a_broker_outage_runs_when_the_sweep_sends_it_again(
    make_job, broker_down, use_handler, monkeypatch, settings, django_capture_on_commit_callbacks
):
    use_handler(JobKind.EXPORT, "count_params")
    job = make_job(kind=JobKind.EXPORT, params={"items": [1]})
    with django_capture_on_commit_callbacks(execute=True):
        enqueue(job)
    assert stored(job).status == JobStatus.QUEUED

    monkeypatch.undo()  # the broker is back (in-process here)
    use_handler(JobKind.EXPORT, "count_params")
    settings.JOBS_RESEND_AFTER = 120
    later = timezone.now() + datetime.timedelta(seconds=121)
    with django_capture_on_commit_callbacks(execute=True):
        report = services.sweep(now=later)
    assert report.resent == 1
    assert stored(job).status == JobStatus.SUCCEEDED


def test_resend_marks_the_job_sent_now_and_sends_it_on_commit(
    make_job, sent, django_capture_on_commit_callbacks
):
    job = make_job(kind=JobKind.EXPORT, age=900, queued=-600)
    with django_capture_on_commit_callbacks(execute=True):
        resend(job)
    assert sent == [(job.pk, JobKind.EXPORT)]
    row = stored(job)
    assert timezone.now() - row.queued_at < datetime.timedelta(seconds=5)
    assert row.created_at == job.created_at
