"""jdbuilder/jobs/models.py: a job's transitions under row locks, their guards, the queries
that find jobs needing attention, and the constraints the database enforces."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from jdbuilder.jobs.models import LEASE_MARGIN, Job, JobKind, JobStatus

pytestmark = pytest.mark.django_db

LEASE = datetime.timedelta(seconds=60)


def stored(job: Job) -> Job:
    return Job.objects.get(pk=job.pk)


# --- claim ------------------------------------------------------------------------------------


def test_claim_marks_a_queued_job_running_for_one_worker(make_job):
    job = make_job(error="Attempt 1 failed, will retry: OperationalError: gone")
    before = timezone.now()
    claimed = Job.claim(job.pk, lease=LEASE, reclaim=False)

    row = stored(job)
    assert claimed.pk == job.pk
    assert (row.status, row.attempts, row.error) == (JobStatus.RUNNING, 1, "")
    assert before <= row.started_at <= timezone.now()
    assert row.lease_until == row.started_at + LEASE + LEASE_MARGIN


@pytest.mark.parametrize("status", [JobStatus.SUCCEEDED, JobStatus.FAILED])
def test_a_finished_job_is_not_claimed(make_job, status):
    job = make_job(status, finished=-1, result={"kept": True})
    assert Job.claim(job.pk, lease=LEASE, reclaim=True) is None
    row = stored(job)
    assert (row.status, row.attempts, row.result) == (status, 0, {"kept": True})


def test_a_missing_job_is_not_claimed():
    assert Job.claim(987654, lease=LEASE, reclaim=True) is None


def test_a_job_under_another_workers_live_claim_is_left_alone(make_job):
    job = make_job(JobStatus.RUNNING, lease=300, attempts=1)
    assert Job.claim(job.pk, lease=LEASE, reclaim=False) is None
    assert stored(job).attempts == 1


def test_idempotent_work_may_be_taken_over_at_once(make_job):
    """A redelivered render (its worker killed) need not wait for the claim to run out."""
    job = make_job(JobStatus.RUNNING, kind=JobKind.EMAIL, lease=300, attempts=1)
    claimed = Job.claim(job.pk, lease=LEASE, reclaim=True)
    assert claimed is not None and stored(job).attempts == 2


def test_a_job_whose_claim_ran_out_is_taken_by_the_next_worker(make_job):
    job = make_job(JobStatus.RUNNING, lease=-1, attempts=1)
    claimed = Job.claim(job.pk, lease=LEASE, reclaim=False)
    assert claimed is not None
    row = stored(job)
    assert row.attempts == 2 and row.lease_until > timezone.now()


# --- succeed, fail, release ----------------------------------------------------------------------


def test_succeed_records_the_result_and_fills_the_progress_bar(make_job):
    job = Job.claim(make_job(progress_total=7, progress_done=3).pk, lease=LEASE, reclaim=False)
    expires = timezone.now() + datetime.timedelta(hours=24)
    assert job.succeed({"files": 2}, expires_at=expires) is True

    row = stored(job)
    assert (row.status, row.result, row.stage) == (JobStatus.SUCCEEDED, {"files": 2}, "Done")
    assert (row.progress_done, row.progress_total, row.percent) == (7, 7, 100)
    assert row.expires_at == expires and row.lease_until is None
    assert row.finished_at is not None and row.is_finished and not row.is_active


def test_the_first_outcome_is_kept(make_job):
    """A duplicate delivery that finishes second changes nothing."""
    job = Job.claim(make_job().pk, lease=LEASE, reclaim=False)
    duplicate = stored(job)
    assert job.succeed({"first": True}) is True
    assert duplicate.succeed({"second": True}) is False
    assert duplicate.fail("Failed: too late") is False

    row = stored(job)
    assert (row.status, row.result, row.error) == (JobStatus.SUCCEEDED, {"first": True}, "")


def test_fail_records_the_error_within_its_limit(make_job):
    job = Job.claim(make_job().pk, lease=LEASE, reclaim=False)
    assert job.fail("Failed: " + "x" * 5000) is True
    row = stored(job)
    assert row.status == JobStatus.FAILED and row.lease_until is None
    assert len(row.error) == 4000 and row.error.startswith("Failed: xxx")


def test_release_puts_a_running_job_back_in_the_queue(make_job):
    job = Job.claim(make_job(queued=-600).pk, lease=LEASE, reclaim=False)
    job.release("Attempt 1 failed, will retry: ConnectionError: refused")
    row = stored(job)
    assert (row.status, row.lease_until) == (JobStatus.QUEUED, None)
    assert row.error == "Attempt 1 failed, will retry: ConnectionError: refused"
    assert timezone.now() - row.queued_at < datetime.timedelta(seconds=5)
    assert row.attempts == 1  # the next claim counts the next attempt


def test_release_leaves_a_finished_job_as_it_is(make_job):
    job = make_job(JobStatus.SUCCEEDED, finished=-1, result={"ok": 1})
    job.release("late")
    row = stored(job)
    assert (row.status, row.error, row.result) == (JobStatus.SUCCEEDED, "", {"ok": 1})


def test_percent_and_expiry(make_job):
    assert make_job(progress_done=1, progress_total=3).percent == 33
    assert make_job(progress_done=0, progress_total=0).percent == 0
    assert make_job(JobStatus.SUCCEEDED, finished=-1).percent == 100
    now = timezone.now()
    assert make_job(JobStatus.SUCCEEDED, expires=-1).is_expired(now)
    assert not make_job(JobStatus.SUCCEEDED, expires=60).is_expired(now)
    assert not make_job(JobStatus.SUCCEEDED).is_expired(now)  # no expiry: kept


# --- the queries ---------------------------------------------------------------------------


def test_the_queries_that_find_jobs_needing_attention(make_job, manager, recruiter):
    now = timezone.now()
    fresh = make_job(age=30, owner=manager)
    lost = make_job(age=900, queued=-600, owner=recruiter)
    resent = make_job(age=900, queued=-5)  # the sweep sent it again; still no worker took it
    retrying = make_job(age=900, started=-30, queued=-10, attempts=1)  # its retry is coming
    working = make_job(JobStatus.RUNNING, lease=300)
    abandoned = make_job(JobStatus.RUNNING, lease=-10)
    failed = make_job(JobStatus.FAILED, finished=-60, expires=-1)
    done = make_job(JobStatus.SUCCEEDED, finished=-60, expires=3600)

    def pks(queryset):
        return set(queryset.values_list("pk", flat=True))

    grace = datetime.timedelta(seconds=120)
    queued = {fresh.pk, lost.pk, resent.pk, retrying.pk}
    assert pks(Job.objects.active()) == queued | {working.pk, abandoned.pk}
    assert pks(Job.objects.waiting_since(now - grace)) == {lost.pk}  # the sweep sends it
    assert pks(Job.objects.abandoned(now)) == {abandoned.pk}
    # Stuck: not started for `grace` since it was made (or last started), however often sent.
    assert pks(Job.objects.stuck(now, grace)) == {lost.pk, resent.pk, abandoned.pk}
    assert pks(Job.objects.failed()) == {failed.pk}
    assert pks(Job.objects.expired(now)) == {failed.pk}
    assert pks(Job.objects.owned_by(manager)) == {fresh.pk}
    assert pks(Job.objects.owned_by(AnonymousUser())) == set()
    assert pks(Job.objects.of_kind(JobKind.EMAIL)) == pks(Job.objects.all())
    assert done.pk not in pks(Job.objects.active())


# --- the constraints ---------------------------------------------------------------------------


def refused(**fields) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Job.objects.create(**fields)


def test_one_onet_import_at_a_time(make_job):
    first = make_job(kind=JobKind.ONET_IMPORT)
    refused(kind=JobKind.ONET_IMPORT)
    refused(kind=JobKind.ONET_IMPORT, status=JobStatus.RUNNING)
    Job.objects.filter(pk=first.pk).update(status=JobStatus.SUCCEEDED)
    second = Job.objects.create(kind=JobKind.ONET_IMPORT)  # the first one has finished
    assert list(Job.objects.active().of_kind(JobKind.ONET_IMPORT)) == [second]


def test_one_active_render_per_revision(final_jd):
    revision = final_jd.latest_revision
    [queued] = Job.objects.filter(revision=revision)  # finalizing queued it
    refused(kind=JobKind.RENDER, revision=revision)
    Job.objects.filter(pk=queued.pk).update(status=JobStatus.FAILED)
    again = Job.objects.create(kind=JobKind.RENDER, revision=revision)
    assert list(Job.objects.active().filter(revision=revision)) == [again]


def test_progress_stays_within_its_total(make_job):
    refused(kind=JobKind.EMAIL, progress_done=4, progress_total=3)
    job = make_job(progress_total=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        Job.objects.filter(pk=job.pk).update(progress_done=5)
    assert stored(job).progress_done == 0


def test_only_a_render_job_has_a_revision(final_jd):
    revision = final_jd.latest_revision
    refused(kind=JobKind.EXPORT, revision=revision)
    refused(kind=JobKind.EMAIL, revision=revision)
    refused(kind=JobKind.RENDER, revision=None)  # and a render job always has one


@pytest.mark.parametrize(
    "fields", [{"kind": "fax"}, {"kind": JobKind.EMAIL, "status": "paused"}], ids=["kind", "status"]
)
def test_an_unknown_kind_or_status_is_refused(fields):
    refused(**fields)
    assert not Job.objects.exists()
