"""jdbuilder/jobs/services.py: how `run_job` ends a job, and the scheduler's upkeep (`sweep`,
`clean_up`). Kinds whose handlers belong to other features run fake handlers (fakes.py)."""

from __future__ import annotations

import datetime
import logging

import pytest
from django.utils import timezone

from jdbuilder.jobs import services
from jdbuilder.jobs.files import ChunkWriter
from jdbuilder.jobs.models import Job, JobFile, JobFileChunk, JobFileRole, JobKind, JobStatus
from jdbuilder.jobs.services import RetryLater, clean_up, queue_render, run_job, sweep
from jdbuilder.models import RenderedFile
from jdbuilder.services import STORED_FORMATS
from tests.jdbuilder.jobs import fakes

pytestmark = pytest.mark.django_db


def stored(job: Job) -> Job:
    return Job.objects.get(pk=job.pk)


# --- run_job ---------------------------------------------------------------------------------


def test_a_job_that_succeeds_keeps_its_result_and_progress(make_job, use_handler):
    use_handler(JobKind.EMAIL, "count_params")
    job = make_job(params={"items": ["a", "b", "c"]})

    assert run_job(job_id=job.pk, kind=JobKind.EMAIL) == "succeeded"
    row = stored(job)
    assert (row.status, row.result, row.attempts) == (JobStatus.SUCCEEDED, {"items": 3}, 1)
    assert (row.progress_done, row.progress_total, row.stage) == (3, 3, "Done")
    assert row.expires_at is None  # e-mail results are not links: they do not expire
    assert fakes.calls == [job.pk]


def test_an_export_result_expires_after_its_lifetime(make_job, use_handler):
    use_handler(JobKind.EXPORT, "write_output")
    job = make_job(kind=JobKind.EXPORT)
    before = timezone.now()

    assert run_job(job_id=job.pk, kind=JobKind.EXPORT) == "succeeded"
    row = stored(job)
    lifetime = datetime.timedelta(hours=24)
    assert before + lifetime <= row.expires_at <= timezone.now() + lifetime
    assert row.files.get().complete


def test_a_refused_job_fails_with_the_message_for_people(make_job, use_handler):
    use_handler(JobKind.ONET_IMPORT, "refuse")
    job = make_job(kind=JobKind.ONET_IMPORT)

    assert run_job(job_id=job.pk, kind=JobKind.ONET_IMPORT) == "failed"
    row = stored(job)
    assert row.status == JobStatus.FAILED
    assert row.error == "The upload is not an O*NET release: Occupation Data.txt is missing."
    assert row.attempts == 1 and row.finished_at is not None


def test_a_transient_error_queues_the_job_again_for_a_retry(make_job, use_handler):
    use_handler(JobKind.EXPORT, "lose_the_database", max_attempts=3)
    job = make_job(kind=JobKind.EXPORT, queued=-300)

    with pytest.raises(RetryLater, match="OperationalError: server closed the connection"):
        run_job(job_id=job.pk, kind=JobKind.EXPORT)
    row = stored(job)
    assert (row.status, row.attempts, row.lease_until) == (JobStatus.QUEUED, 1, None)
    assert row.error == (
        "Attempt 1 failed, will retry: OperationalError: server closed the connection unexpectedly"
    )
    assert timezone.now() - row.queued_at < datetime.timedelta(seconds=5)


def test_the_last_attempt_after_transient_errors_fails_the_job(make_job, use_handler):
    use_handler(JobKind.EXPORT, "lose_the_database", max_attempts=3)
    job = make_job(kind=JobKind.EXPORT)

    for _ in range(2):
        with pytest.raises(RetryLater):
            run_job(job_id=job.pk, kind=JobKind.EXPORT)
    assert run_job(job_id=job.pk, kind=JobKind.EXPORT) == "failed"
    row = stored(job)
    assert (row.status, row.attempts) == (JobStatus.FAILED, 3)
    assert row.error == (
        "Gave up after 3 attempts. Last error: "
        "OperationalError: server closed the connection unexpectedly"
    )
    assert fakes.calls == [job.pk] * 3


def test_an_unexpected_error_fails_the_job_and_is_logged(make_job, use_handler, caplog):
    use_handler(JobKind.EXPORT, "crash")
    job = make_job(kind=JobKind.EXPORT)

    with caplog.at_level(logging.ERROR, logger="jdbuilder.jobs.services"):
        assert run_job(job_id=job.pk, kind=JobKind.EXPORT) == "failed"
    assert stored(job).error == "Failed: ValueError: unexpected value in row 12"
    assert "ValueError: unexpected value in row 12" in caplog.text  # with the traceback


def test_a_job_stopped_by_its_soft_time_limit_fails_with_the_limit(make_job, use_handler):
    use_handler(JobKind.EXPORT, "overrun", time_limit=90)
    job = make_job(kind=JobKind.EXPORT)
    assert run_job(job_id=job.pk, kind=JobKind.EXPORT) == "failed"
    assert stored(job).error == "Stopped: it took longer than 90 seconds."


def test_a_finished_job_is_skipped_without_running_its_handler(make_job, use_handler):
    use_handler(JobKind.EXPORT, "count_params")
    job = make_job(JobStatus.FAILED, kind=JobKind.EXPORT, finished=-5, error="Failed: earlier")
    assert run_job(job_id=job.pk, kind=JobKind.EXPORT) == "skipped"
    assert fakes.calls == []
    assert stored(job).error == "Failed: earlier"


def test_a_job_whose_worker_died_in_every_attempt_fails_instead_of_running_again(
    make_job, use_handler
):
    """The broker gives back the message of a task whose worker process died every time; the
    row's attempt count ends it (a render that kills its process must not loop forever)."""
    rules = use_handler(JobKind.EXPORT, "count_params")
    # Its claim ran out: the worker of its last allowed attempt is gone.
    job = make_job(JobStatus.RUNNING, kind=JobKind.EXPORT, attempts=rules.max_attempts, lease=-1)
    assert run_job(job_id=job.pk, kind=JobKind.EXPORT) == "failed"
    failed = stored(job)
    assert failed.attempts == rules.max_attempts + 1
    assert (
        failed.error == f"Gave up: the worker stopped during each of {rules.max_attempts} attempts."
    )
    assert fakes.calls == []


def test_an_export_holds_a_short_claim_that_each_progress_report_renews(make_job, use_handler):
    """Its claim is the heartbeat (plus the margin), not its hour-long time limit: another
    worker takes a killed worker's export over within minutes."""
    rules = services.RULES[JobKind.EXPORT]
    assert rules.heartbeat and rules.lease == datetime.timedelta(seconds=rules.heartbeat)
    assert rules.lease < datetime.timedelta(seconds=rules.time_limit)
    job = make_job(kind=JobKind.EXPORT)
    claimed = Job.claim(job.pk, lease=rules.lease, reclaim=False)
    expected = timezone.now() + rules.lease + datetime.timedelta(seconds=60)
    assert abs((claimed.lease_until - expected).total_seconds()) < 5


# --- queue_render ---------------------------------------------------------------------------


def test_queue_render_reuses_the_active_job_and_makes_one_when_there_is_none(final_jd, sent):
    revision = final_jd.latest_revision
    [active] = Job.objects.filter(revision=revision)  # queued by finalizing
    assert queue_render(revision=revision) == active
    assert sent == []

    Job.objects.filter(pk=active.pk).update(status=JobStatus.FAILED)
    again = queue_render(revision=revision)
    assert again != active and again.status == JobStatus.QUEUED
    assert again.kind == JobKind.RENDER and again.revision == revision


# --- sweep --------------------------------------------------------------------------------------


def test_sweep_renders_a_revision_that_is_missing_its_stored_files(
    final_jd, django_capture_on_commit_callbacks
):
    revision = final_jd.latest_revision
    Job.objects.filter(revision=revision).delete()  # as if its render job was lost
    with django_capture_on_commit_callbacks(execute=True):
        report = sweep()

    assert report.renders_queued == 1
    [job] = Job.objects.filter(revision=revision)
    assert job.status == JobStatus.SUCCEEDED  # in-process: rendered as the sweep committed
    formats = RenderedFile.objects.filter(revision=revision).values_list("format", flat=True)
    assert sorted(formats) == sorted(STORED_FORMATS)


def test_sweep_leaves_a_revision_whose_render_is_queued_or_whose_files_are_stored(
    final_jd, sent, django_capture_on_commit_callbacks
):
    revision = final_jd.latest_revision
    assert Job.objects.active().filter(revision=revision).count() == 1  # queued by finalizing
    with django_capture_on_commit_callbacks(execute=True):
        report = sweep()
    assert report.renders_queued == 0 and sent == []

    [job] = Job.objects.filter(revision=revision)
    run_job(job_id=job.pk, kind=JobKind.RENDER)
    with django_capture_on_commit_callbacks(execute=True):
        report = sweep()
    assert report.renders_queued == 0 and sent == []
    assert Job.objects.filter(revision=revision).count() == 1


def test_sweep_sends_again_a_job_queued_too_long_ago(
    make_job, sent, settings, django_capture_on_commit_callbacks
):
    settings.JOBS_RESEND_AFTER = 120
    lost = make_job(kind=JobKind.EXPORT, age=600, queued=-300)
    recent = make_job(kind=JobKind.EXPORT, age=60)
    with django_capture_on_commit_callbacks(execute=True):
        report = sweep()

    assert report.resent == 1 and sent == [(lost.pk, JobKind.EXPORT)]
    assert timezone.now() - stored(lost).queued_at < datetime.timedelta(seconds=5)
    assert stored(recent).queued_at == recent.queued_at
    assert stored(lost).status == JobStatus.QUEUED


def test_sweep_queues_again_a_job_whose_worker_died(
    make_job, sent, django_capture_on_commit_callbacks
):
    abandoned = make_job(JobStatus.RUNNING, kind=JobKind.EXPORT, lease=-30, attempts=1)
    alive = make_job(JobStatus.RUNNING, kind=JobKind.EXPORT, lease=300, attempts=1)
    with django_capture_on_commit_callbacks(execute=True):
        report = sweep()

    assert report.reclaimed == 1 and sent == [(abandoned.pk, JobKind.EXPORT)]
    row = stored(abandoned)
    assert (row.status, row.lease_until) == (JobStatus.QUEUED, None)
    assert row.error == "The worker stopped; queued again."
    assert stored(alive).status == JobStatus.RUNNING


def test_sweep_gives_up_on_a_job_whose_worker_died_during_every_attempt(
    make_job, sent, django_capture_on_commit_callbacks
):
    attempts = services.RULES[JobKind.EXPORT].max_attempts
    job = make_job(JobStatus.RUNNING, kind=JobKind.EXPORT, lease=-30, attempts=attempts)
    with django_capture_on_commit_callbacks(execute=True):
        report = sweep()

    assert report.given_up == 1 and report.reclaimed == 0 and sent == []
    row = stored(job)
    assert row.status == JobStatus.FAILED
    assert row.error == f"Gave up: the worker stopped during each of {attempts} attempts."


# --- clean_up ---------------------------------------------------------------------------------


def add_file(job: Job, role: str, content: bytes = b"x" * 10) -> JobFile:
    writer = ChunkWriter(job, role=role, name=f"{role}.bin", content_type="application/zip")
    writer.write(content)
    return writer.close()


def test_clean_up_deletes_expired_exports_and_imported_uploads_but_not_fresh_ones(
    make_job, settings
):
    settings.JOBS_KEEP_DAYS = 30
    expired = make_job(JobStatus.SUCCEEDED, kind=JobKind.EXPORT, finished=-90000, expires=-3600)
    fresh = make_job(JobStatus.SUCCEEDED, kind=JobKind.EXPORT, finished=-60, expires=86000)
    imported = make_job(JobStatus.SUCCEEDED, kind=JobKind.ONET_IMPORT, finished=-60)
    importing = make_job(JobStatus.RUNNING, kind=JobKind.ONET_IMPORT, lease=600)
    for job, role in [
        (expired, JobFileRole.OUTPUT),
        (fresh, JobFileRole.OUTPUT),
        (imported, JobFileRole.INPUT),
        (importing, JobFileRole.INPUT),
    ]:
        add_file(job, role)

    report = clean_up()
    assert (report.files_deleted, report.jobs_deleted) == (2, 0)
    assert set(JobFile.objects.values_list("job_id", flat=True)) == {fresh.pk, importing.pk}
    assert JobFileChunk.objects.count() == 2  # the deleted files' chunks went with them
    assert Job.objects.count() == 4  # the jobs stay, to show what happened


def test_clean_up_deletes_jobs_finished_long_ago_but_not_recent_or_active_ones(make_job, settings):
    settings.JOBS_KEEP_DAYS = 30
    day = 86400
    old = make_job(JobStatus.SUCCEEDED, kind=JobKind.EXPORT, age=40 * day, finished=-31 * day)
    add_file(old, JobFileRole.OUTPUT)
    old_failure = make_job(JobStatus.FAILED, age=40 * day, finished=-31 * day)
    recent = make_job(JobStatus.FAILED, age=20 * day, finished=-29 * day)
    waiting = make_job(JobStatus.QUEUED, age=40 * day)  # old, but not finished

    report = clean_up()
    assert report.jobs_deleted == 2
    assert set(Job.objects.values_list("pk", flat=True)) == {recent.pk, waiting.pk}
    assert not JobFile.objects.exists()
    assert not Job.objects.filter(pk=old_failure.pk).exists()


def test_clean_up_with_nothing_to_do_deletes_nothing(make_job):
    kept = make_job(JobStatus.SUCCEEDED, kind=JobKind.EXPORT, finished=-60, expires=3600)
    add_file(kept, JobFileRole.OUTPUT)
    report = clean_up()
    assert (report.files_deleted, report.jobs_deleted) == (0, 0)
    assert str(report) == "0 expired file(s) deleted, 0 old job(s)"
    assert JobFile.objects.filter(job=kept).exists()
