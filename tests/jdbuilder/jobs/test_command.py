"""`manage.py jobs` (jdbuilder/management/commands/jobs.py): lists stuck and failed jobs one line
each, sends the stuck ones again with --requeue, and exits with status 1 while any is stuck."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import ManagementUtility, call_command
from django.core.management.base import CommandError

from jdbuilder.jobs.models import Job, JobKind, JobStatus
from jdbuilder.management.commands.jobs import format_age

pytestmark = pytest.mark.django_db


def jobs(*args: str) -> tuple[int, str]:
    """Run the command; (its exit status, what it printed)."""
    out = io.StringIO()
    try:
        call_command("jobs", *args, stdout=out)
    except CommandError as error:
        if error.returncode != 1:
            raise
        return 1, out.getvalue()
    return 0, out.getvalue()


@pytest.fixture
def queue_state(make_job, manager, settings):
    """A lost queued export, an abandoned import, fresh and live work, and two failures."""
    settings.JOBS_RESEND_AFTER = 120
    return {
        "lost": make_job(kind=JobKind.EXPORT, age=3900, queued=-600, owner=manager),
        "abandoned": make_job(
            JobStatus.RUNNING,
            kind=JobKind.ONET_IMPORT,
            age=600,
            lease=-60,
            attempts=1,
            error="The worker stopped; queued again.\nmore detail",
        ),
        "fresh": make_job(age=20),
        "working": make_job(JobStatus.RUNNING, kind=JobKind.EXPORT, lease=300, attempts=1),
        "failed": make_job(
            JobStatus.FAILED,
            age=7200,
            finished=-3600,
            attempts=3,
            owner=manager,
            error="Gave up after 3 attempts. Last error: OperationalError: gone\nTraceback",
        ),
        "failed_long_ago": make_job(JobStatus.FAILED, age=200000, finished=-180000),
    }


def test_nothing_stuck_says_so_and_exits_0(make_job, settings):
    settings.JOBS_RESEND_AFTER = 120
    make_job(age=30)
    assert jobs() == (0, "No stuck jobs.\n")


def test_stuck_jobs_are_listed_one_line_each_and_exit_1(queue_state, manager):
    status, output = jobs()
    assert status == 1
    lines = output.splitlines()
    assert lines[0] == "Stuck jobs (2):"
    lost, abandoned = queue_state["lost"], queue_state["abandoned"]
    assert lines[1].split() == [
        "export",
        f"#{lost.pk}",
        str(lost.public_id),
        f"owner={manager.username}",
        "queued",
        "age=1h05m",
        "attempts=0",
    ]
    assert lines[2].split()[:7] == [
        "onet_import",
        f"#{abandoned.pk}",
        str(abandoned.public_id),
        "owner=-",
        "running",
        "age=10m",
        "attempts=1",
    ]
    assert lines[2].endswith("  The worker stopped; queued again.")  # the error's first line
    assert len(lines) == 3  # no failed jobs without --failed


def test_failed_jobs_of_the_last_day_are_listed_with_failed(queue_state, manager):
    status, output = jobs("--failed")
    assert status == 1  # still stuck
    failed = queue_state["failed"]
    section = output.split("Failed in the last 24 hours (1):\n")[1].splitlines()
    assert len(section) == 1
    assert section[0].split()[:7] == [
        "email",
        f"#{failed.pk}",
        str(failed.public_id),
        f"owner={manager.username}",
        "failed",
        "age=2h00m",
        "attempts=3",
    ]
    assert section[0].endswith("Gave up after 3 attempts. Last error: OperationalError: gone")


def test_since_looks_further_back(queue_state):
    _, output = jobs("--since", "72")
    assert "Failed in the last 72 hours (2):" in output
    assert f"#{queue_state['failed_long_ago'].pk} " in output


def test_no_failures_in_the_window_says_so(make_job):
    make_job(JobStatus.FAILED, finished=-7200)
    assert jobs("--failed", "--since", "1") == (
        0,
        "No stuck jobs.\nNo job failed in the last 1 hour.\n",
    )


def test_listing_takes_one_query_per_list(queue_state, django_assert_num_queries):
    with django_assert_num_queries(2):  # stuck jobs with their owners, failed jobs with theirs
        jobs("--failed")


def test_requeue_sends_the_stuck_jobs_again(queue_state, sent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        status, output = jobs("--requeue")
    assert status == 1  # they were stuck: monitoring hears of it
    assert output.endswith("Sent 2 stuck job(s) to the workers again.\n")
    lost, abandoned = queue_state["lost"], queue_state["abandoned"]
    assert sorted(sent) == sorted([(lost.pk, JobKind.EXPORT), (abandoned.pk, JobKind.ONET_IMPORT)])
    row = Job.objects.get(pk=abandoned.pk)
    assert (row.status, row.lease_until) == (JobStatus.QUEUED, None)
    assert row.error == "The worker stopped; queued again by manage.py jobs --requeue."
    # The live and fresh jobs were left alone.
    assert Job.objects.get(pk=queue_state["working"].pk).status == JobStatus.RUNNING
    assert Job.objects.get(pk=queue_state["fresh"].pk).queued_at == queue_state["fresh"].queued_at
    # Sent is not started: they stay on the list until a worker takes them.
    assert jobs()[1].startswith("Stuck jobs (2):")


def test_requeue_runs_the_jobs_in_process_without_a_broker(
    make_job, use_handler, settings, django_capture_on_commit_callbacks
):
    settings.JOBS_RESEND_AFTER = 120
    use_handler(JobKind.EXPORT, "count_params")
    job = make_job(kind=JobKind.EXPORT, age=900, queued=-600, params={"items": [1, 2, 3]})
    with django_capture_on_commit_callbacks(execute=True):
        status, _ = jobs("--requeue")
    assert status == 1
    row = Job.objects.get(pk=job.pk)
    assert (row.status, row.result) == (JobStatus.SUCCEEDED, {"items": 3})


def test_requeue_with_nothing_stuck_sends_nothing(make_job, sent, settings):
    settings.JOBS_RESEND_AFTER = 120
    make_job(age=30)
    assert jobs("--requeue") == (0, "No stuck jobs.\n")
    assert sent == []


@pytest.mark.parametrize("since", ["abc", "0", "-3", "nan", "100000"])
def test_a_bad_since_is_refused_with_a_clear_error(since, make_job):
    make_job(JobStatus.FAILED, finished=-60)
    with pytest.raises(CommandError, match="argument --since: a number of hours"):
        call_command("jobs", "--since", since, stdout=io.StringIO())


def test_the_exit_status_reaches_the_shell(queue_state, monkeypatch, capsys):
    """What cron sees: `manage.py jobs` exits 1 (its message on stderr) while a job is stuck."""
    # The command closes the connections as it ends; this test's transaction must stay open.
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)
    utility = ManagementUtility(["manage.py", "jobs"])
    with pytest.raises(SystemExit) as exit_:
        utility.execute()
    assert exit_.value.code == 1
    assert capsys.readouterr().err == "CommandError: 2 job(s) stuck.\n"


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [(0, "0s"), (59, "59s"), (60, "1m"), (3599, "59m"), (3660, "1h01m"), (90000, "1d01h")],
)
def test_ages_read_at_a_glance(seconds, shown):
    assert format_age(datetime.timedelta(seconds=seconds)) == shown
