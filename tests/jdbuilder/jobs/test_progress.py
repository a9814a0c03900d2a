"""jdbuilder/jobs/progress.py: a running job's stage and counts written to its row, where every
app server reads them, at most every MIN_INTERVAL seconds (stages and the last step at once).

These tests commit (transactional_db): what they check is what other connections see.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from jdbuilder.jobs import progress as progress_module
from jdbuilder.jobs.models import Job, JobStatus
from jdbuilder.jobs.progress import MIN_INTERVAL, Progress

pytestmark = pytest.mark.django_db(transaction=True)

LEASE = datetime.timedelta(seconds=60)


@pytest.fixture
def clock(monkeypatch):
    """The monotonic clock Progress reads, moved by hand: clock.now = seconds."""

    class Clock:
        now = 1000.0

    monkeypatch.setattr(progress_module.time, "monotonic", lambda: Clock.now)
    return Clock


@pytest.fixture
def running(make_job):
    return make_job(JobStatus.RUNNING, lease=5)


def row(job: Job) -> tuple:
    stored = Job.objects.get(pk=job.pk)
    return stored.stage, stored.progress_done, stored.progress_total


def test_a_stage_is_written_at_once_and_renews_the_claim(running, clock):
    progress = Progress(running, lease=LEASE)
    progress.stage("Rendering PDFs", total=40)
    assert row(running) == ("Rendering PDFs", 0, 40)
    lease_until = Job.objects.get(pk=running.pk).lease_until
    assert lease_until > timezone.now() + LEASE - datetime.timedelta(seconds=5)

    clock.now += 0.01  # a new stage is shown however soon it comes
    progress.stage("Zipping", total=40, done=10)
    assert row(running) == ("Zipping", 10, 40)


def test_counts_are_written_at_most_every_interval_and_the_last_one_always(running, clock):
    progress = Progress(running, lease=LEASE)
    progress.stage("Exporting", total=10)
    clock.now += MIN_INTERVAL
    progress.advance(1)
    assert row(running) == ("Exporting", 1, 10)

    clock.now += MIN_INTERVAL / 5
    progress.advance(2)
    progress.advance(3)
    assert row(running) == ("Exporting", 1, 10)  # too soon after the last report
    assert progress.job.progress_done == 3

    clock.now += MIN_INTERVAL
    progress.advance(4)
    assert row(running) == ("Exporting", 4, 10)

    progress.advance(10)  # the end is always shown
    assert row(running) == ("Exporting", 10, 10)


def test_advance_never_goes_past_the_total_and_may_change_it(running, clock):
    progress = Progress(running, lease=LEASE)
    progress.stage("Exporting", total=5)
    progress.advance(9)
    assert row(running) == ("Exporting", 5, 5)
    clock.now += MIN_INTERVAL
    progress.advance(6, total=12)  # more items found than first counted
    assert row(running) == ("Exporting", 6, 12)


def test_a_long_stage_name_is_cut_to_the_column(running):
    Progress(running, lease=LEASE).stage("x" * 300)
    assert row(running)[0] == "x" * 120


def test_a_job_that_is_no_longer_running_is_not_written(running):
    Job.objects.filter(pk=running.pk).update(status=JobStatus.FAILED, error="Gave up")
    Progress(running, lease=LEASE).stage("Still working", total=3)
    stored = Job.objects.get(pk=running.pk)
    assert (stored.status, stored.stage, stored.progress_total) == (JobStatus.FAILED, "", 0)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's side connection")
def test_inside_a_long_transaction_reports_are_seen_by_others_at_once_on_postgresql(running):
    progress = Progress(running, lease=LEASE)
    other = connections.create_connection("default")
    try:
        with transaction.atomic():  # as the O*NET import writes the catalog
            progress.stage("Writing roles", total=3, done=1)
            with other.cursor() as cursor:
                cursor.execute(
                    "SELECT stage, progress_done, progress_total FROM jdbuilder_job WHERE id = %s",
                    [running.pk],
                )
                assert cursor.fetchone() == ("Writing roles", 1, 3)
    finally:
        other.close()
        progress.close()
    assert progress._side is None


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite has one writer at a time")
def test_inside_a_long_transaction_reports_are_skipped_on_sqlite(running):
    progress = Progress(running, lease=LEASE)
    with transaction.atomic():
        progress.stage("Writing roles", total=3, done=1)
    assert row(running) == ("", 0, 0)  # the page shows the stage it had before
    assert progress.job.stage == "Writing roles"
    progress.close()
