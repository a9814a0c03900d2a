"""Every Celery task run twice for the same job finds one result: the second run is "skipped",
and the result, the files and the messages are those of the first (issue 12, item 8).

A message is delivered twice when a worker dies before acknowledging it, or when the sweep sends
again a job whose first message was only late. Renders and e-mails run their own handlers;
exports and imports (other features) run fakes that write as theirs do.
"""

from __future__ import annotations

import pytest

from jdbuilder.jobs import tasks
from jdbuilder.jobs.files import read_chunks
from jdbuilder.jobs.models import Job, JobFile, JobFileRole, JobKind, JobStatus
from jdbuilder.jobs.services import RULES
from jdbuilder.mail import queue_email
from jdbuilder.models import RenderedFile
from jdbuilder.services import STORED_FORMATS
from tests.jdbuilder.jobs import fakes

pytestmark = pytest.mark.django_db


def run(task, *args) -> str:
    """The task as a worker runs it (Celery's tracer, in this process)."""
    return task.apply(args=args).get()


def stored_files(revision) -> list[tuple[str, str]]:
    return sorted(RenderedFile.objects.filter(revision=revision).values_list("format", "sha256"))


def job_files(job: Job) -> list[tuple[str, str, bytes]]:
    return [(f.role, f.sha256, b"".join(read_chunks(f))) for f in JobFile.objects.filter(job=job)]


def test_every_kind_of_job_has_a_task_and_rules():
    assert set(tasks.TASK_OF_KIND) == set(JobKind.values) == set(RULES)


def test_a_render_run_twice_stores_one_file_per_format(final_jd):
    revision = final_jd.latest_revision
    [job] = Job.objects.filter(revision=revision)  # queued by finalizing
    task = tasks.TASK_OF_KIND[JobKind.RENDER]

    assert run(task, job.pk) == "succeeded"
    first = Job.objects.get(pk=job.pk)
    files = stored_files(revision)
    assert [fmt for fmt, _ in files] == sorted(STORED_FORMATS)

    assert run(task, job.pk) == "skipped"
    again = Job.objects.get(pk=job.pk)
    assert (again.status, again.result, again.attempts) == (JobStatus.SUCCEEDED, first.result, 1)
    assert again.finished_at == first.finished_at
    assert stored_files(revision) == files


def test_a_render_redelivered_after_its_worker_died_still_stores_one_file_per_format(final_jd):
    revision = final_jd.latest_revision
    [job] = Job.objects.filter(revision=revision)
    # The first worker claimed it and was killed: the row says running, under a live claim.
    Job.claim(job.pk, lease=RULES[JobKind.RENDER].lease, reclaim=False)
    task = tasks.TASK_OF_KIND[JobKind.RENDER]

    assert run(task, job.pk) == "succeeded"  # renders are taken over at once
    assert run(task, job.pk) == "skipped"
    row = Job.objects.get(pk=job.pk)
    assert (row.status, row.attempts) == (JobStatus.SUCCEEDED, 2)
    assert [fmt for fmt, _ in stored_files(revision)] == sorted(STORED_FORMATS)


def test_an_export_run_twice_keeps_one_file(make_job, use_handler):
    use_handler(JobKind.EXPORT, "write_output")
    job = make_job(kind=JobKind.EXPORT, params={"rows": 5})
    task = tasks.TASK_OF_KIND[JobKind.EXPORT]

    assert run(task, job.pk) == "succeeded"
    first, files = Job.objects.get(pk=job.pk), job_files(job)
    assert [role for role, _, _ in files] == [JobFileRole.OUTPUT]

    assert run(task, job.pk) == "skipped"
    again = Job.objects.get(pk=job.pk)
    assert (again.result, again.expires_at) == (first.result, first.expires_at)
    assert job_files(job) == files
    assert fakes.calls == [job.pk]


def test_an_import_run_twice_runs_once(make_job, use_handler):
    use_handler(JobKind.ONET_IMPORT, "count_params")
    job = make_job(kind=JobKind.ONET_IMPORT, params={"items": ["roles", "skills"]})
    task = tasks.TASK_OF_KIND[JobKind.ONET_IMPORT]

    assert run(task, job.pk) == "succeeded"
    assert run(task, job.pk) == "skipped"
    assert Job.objects.get(pk=job.pk).result == {"items": 2}
    assert fakes.calls == [job.pk]


def test_a_duplicate_message_while_the_first_worker_runs_is_skipped(make_job, use_handler):
    """Kinds that are not idempotent wait for a live claim to run out instead of taking over."""
    use_handler(JobKind.ONET_IMPORT, "count_params")
    job = make_job(JobStatus.RUNNING, kind=JobKind.ONET_IMPORT, lease=600, attempts=1)
    assert run(tasks.TASK_OF_KIND[JobKind.ONET_IMPORT], job.pk) == "skipped"
    assert fakes.calls == []
    assert Job.objects.get(pk=job.pk).attempts == 1


def test_an_email_run_twice_is_sent_once(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):  # the workers run it, below
        job = queue_email(
            to=["pat@example.com"],
            template="import_finished",
            context={"status": "Ready", "summary": "Roles: 1 created", "url": "http://x/"},
        )
    task = tasks.TASK_OF_KIND[JobKind.EMAIL]

    assert run(task, job.pk) == "succeeded"
    first = Job.objects.get(pk=job.pk).result
    assert run(task, job.pk) == "skipped"
    assert len(mailoutbox) == 1
    assert Job.objects.get(pk=job.pk).result == first


def test_the_sweep_run_twice_queues_one_render(final_jd, sent, django_capture_on_commit_callbacks):
    revision = final_jd.latest_revision
    Job.objects.filter(revision=revision).delete()  # its render job was lost

    with django_capture_on_commit_callbacks(execute=True):
        first = run(tasks.sweep)
    with django_capture_on_commit_callbacks(execute=True):
        second = run(tasks.sweep)

    assert first.startswith("1 render(s) queued for missing files")
    assert second.startswith("0 render(s) queued for missing files")
    [job] = Job.objects.filter(revision=revision)
    assert sent == [(job.pk, JobKind.RENDER)]


def test_the_sweep_run_twice_after_the_render_ran_leaves_one_file_per_format(
    final_jd, django_capture_on_commit_callbacks
):
    revision = final_jd.latest_revision
    Job.objects.filter(revision=revision).delete()
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):  # in-process: renders on commit
            run(tasks.sweep)
    assert Job.objects.filter(revision=revision).count() == 1
    assert [fmt for fmt, _ in stored_files(revision)] == sorted(STORED_FORMATS)


def test_the_clean_up_run_twice_deletes_once(make_job, use_handler):
    use_handler(JobKind.EXPORT, "write_output")
    job = make_job(kind=JobKind.EXPORT)
    run(tasks.TASK_OF_KIND[JobKind.EXPORT], job.pk)
    Job.objects.filter(pk=job.pk).update(expires_at=Job.objects.get(pk=job.pk).created_at)

    assert run(tasks.clean_up) == "1 expired file(s) deleted, 0 old job(s)"
    assert run(tasks.clean_up) == "0 expired file(s) deleted, 0 old job(s)"
    assert not JobFile.objects.exists()
    assert Job.objects.get(pk=job.pk).status == JobStatus.SUCCEEDED
