"""queue_import and run_import: a checked upload becomes a job that imports the release all or
nothing and reports its checks, progress and counts; every refusal keeps nothing."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import OperationalError

from jdbuilder.imports import services
from jdbuilder.imports.models import OnetImport
from jdbuilder.imports.services import ALREADY_RUNNING, queue_import, run_import
from jdbuilder.jobs.files import read_chunks
from jdbuilder.jobs.models import Job, JobFile, JobFileChunk, JobFileRole, JobKind, JobStatus
from jdbuilder.jobs.progress import Progress
from jdbuilder.jobs.services import JobRefused, RetryLater, run_job
from roles.models import AlternateTitle, Role
from roles.onet.attribution import ONET_SOURCE
from roles.onet.report import ImportReport
from tests.jdbuilder.imports.conftest import upload_of
from tests.roles.onet.helpers import CODES, edit, line_of, make_zip, snapshot, zipped_release


def queue_and_run(data: bytes, owner, capture) -> OnetImport:
    """Upload `data` as staff do and let the in-process worker run it when the upload commits."""
    with capture(execute=True):
        job = queue_import(uploaded_file=upload_of(data), owner=owner)
    return OnetImport.objects.get(pk=job.pk)


def nothing_stored() -> bool:
    return not (Job.objects.exists() or JobFile.objects.exists() or JobFileChunk.objects.exists())


LEASE = datetime.timedelta(seconds=60)


class RecordingProgress(Progress):
    """The job's real Progress, also recording what the handler reported."""

    def __init__(self, job):
        super().__init__(job, lease=LEASE)
        self.reports: list[tuple] = []

    def stage(self, text, *, total=None, done=0):
        self.reports.append(("stage", text, total))
        super().stage(text, total=total, done=done)

    def advance(self, done, *, total=None):
        self.reports.append(("advance", done, total))
        super().advance(done, total=total)


# --- queueing -----------------------------------------------------------------------------------


def test_an_upload_is_stored_as_the_jobs_input_and_queued(
    staff, release_zip, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        job = queue_import(uploaded_file=upload_of(release_zip), owner=staff)
    assert len(callbacks) == 1  # sent to the workers once the upload commits
    assert (job.kind, job.status, job.owner) == (JobKind.ONET_IMPORT, JobStatus.QUEUED, staff)
    assert job.title == "O*NET release db_30_0_text.zip"
    upload = job.params["upload"]
    assert upload["name"] == "db_30_0_text.zip"
    assert upload["folder"] == "db_30_0_text"
    assert upload["upload_size"] == len(release_zip)
    assert [file["name"] for file in upload["files"]] == [
        "Occupation Data.txt",
        "Alternate Titles.txt",
        "Task Statements.txt",
        "Skills.txt",
        "Technology Skills.txt",
        "Tools Used.txt",
    ]
    stored = JobFile.objects.get(job=job)
    assert (stored.role, stored.complete, stored.size) == (
        JobFileRole.INPUT,
        True,
        len(release_zip),
    )
    assert b"".join(read_chunks(stored)) == release_zip
    assert OnetImport.objects.get() == job


@pytest.mark.parametrize(
    ("members", "message"),
    [
        (
            [("db_30_0_text/../Skills.txt", b"x")],
            "db_30_0_text.zip: not imported: 'db_30_0_text/../Skills.txt': a path that climbs "
            "out of its folder ('..')",
        ),
        (
            [("Skills.txt", b"x"), ("notes.md", b"x")],
            "db_30_0_text.zip: not imported: 'notes.md': not a file of an O*NET text release",
        ),
        (
            [("Skills.txt", b"x")],
            "db_30_0_text.zip: not imported: the zip lacks Occupation Data.txt",
        ),
    ],
)
def test_a_bad_zip_is_refused_and_nothing_is_kept(staff, members, message):
    with pytest.raises(ValidationError) as refused:
        queue_import(uploaded_file=upload_of(make_zip(*members)), owner=staff)
    assert refused.value.messages[0].startswith(message)
    assert nothing_stored()


def test_not_a_zip_is_refused(staff):
    with pytest.raises(ValidationError, match=r"db_30_0_text.zip: not imported: not a zip file"):
        queue_import(uploaded_file=upload_of(b"O*NET-SOC Code\tTitle\n"), owner=staff)
    assert nothing_stored()


def test_an_upload_over_the_cap_is_refused(staff, release_zip, settings):
    settings.ONET_UPLOAD_MAX_BYTES = len(release_zip) - 1
    with pytest.raises(ValidationError, match="more than the 0.0 MB an upload may be"):
        queue_import(uploaded_file=upload_of(release_zip), owner=staff)
    assert nothing_stored()


@pytest.mark.parametrize("status", [JobStatus.QUEUED, JobStatus.RUNNING])
def test_one_import_at_a_time(staff, release_zip, make_import, status):
    running = make_import(status=status)
    with pytest.raises(ValidationError) as refused:
        queue_import(uploaded_file=upload_of(release_zip), owner=staff)
    assert refused.value.messages == [ALREADY_RUNNING]
    assert list(Job.objects.all()) == [running]
    assert not JobFile.objects.exists()


def test_finished_imports_do_not_stop_a_new_one(staff, release_zip, make_import):
    make_import(status=JobStatus.SUCCEEDED)
    make_import(status=JobStatus.FAILED)
    job = queue_import(uploaded_file=upload_of(release_zip), owner=staff)
    assert job.status == JobStatus.QUEUED


def test_two_uploads_at_the_same_moment_one_is_refused(
    staff, release_zip, make_import, monkeypatch
):
    """The other request's import appears between the check and the insert: the database's
    constraint (one_onet_import_at_a_time) refuses the second row, with the same message."""
    running = make_import(status=JobStatus.QUEUED)
    monkeypatch.setattr(services, "import_running", lambda: False)
    with pytest.raises(ValidationError) as refused:
        queue_import(uploaded_file=upload_of(release_zip), owner=staff)
    assert refused.value.messages == [ALREADY_RUNNING]
    assert list(Job.objects.all()) == [running]
    assert not JobFile.objects.exists()


# --- running ------------------------------------------------------------------------------------


def test_the_sample_release_is_imported_with_counts_and_log(
    catalog, staff, release_zip, django_capture_on_commit_callbacks
):
    job = queue_and_run(release_zip, staff, django_capture_on_commit_callbacks)
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert {role.onet_code: role.name for role in Role.objects.filter(onet_code__in=CODES)} == CODES
    assert Role.objects.get(onet_code="15-1252.00").source == ONET_SOURCE

    result = job.result
    assert result["checked"] == {
        "occupations": 4,
        "skills": 35,
        "tool_files": ["Technology Skills.txt", "Tools Used.txt"],
        "notes": [],
    }
    assert result["occupations"] == 4
    assert set(result["counts"]) == set(ImportReport.KINDS)  # shown in KINDS order
    assert result["counts"]["roles"] == {"created": 4, "updated": 0, "deleted": 0, "kept": 0}
    titles = AlternateTitle.objects.filter(role__onet_code__in=CODES).count()
    assert result["counts"]["alternate titles"]["created"] == titles > 0
    assert result["counts"]["skills"]["kept"] == 1  # the seed's Mathematics, reused
    assert result["summary"].startswith("4 occupations: roles 4 created; ")
    assert result["log"][0] == f"Source recorded on each imported role: {ONET_SOURCE}"
    assert result["log"][1].startswith("Imported in ")
    assert result["log"][1].endswith(result["summary"])
    assert (job.stage, job.progress_done, job.progress_total, job.percent) == ("Done", 4, 4, 100)


def test_a_second_import_of_the_same_release_changes_nothing(
    catalog, staff, release_zip, django_capture_on_commit_callbacks
):
    queue_and_run(release_zip, staff, django_capture_on_commit_callbacks)
    before = snapshot()
    again = queue_and_run(release_zip, staff, django_capture_on_commit_callbacks)
    assert again.status == JobStatus.SUCCEEDED
    assert snapshot() == before
    assert again.result["counts"]["roles"] == {"created": 0, "updated": 0, "deleted": 0, "kept": 4}
    assert "roles 0 created, 4 kept" in again.result["summary"]


def test_missing_optional_files_are_noted(
    catalog, staff, release, django_capture_on_commit_callbacks
):
    (release / "Tools Used.txt").unlink()
    job = queue_and_run(zipped_release(release), staff, django_capture_on_commit_callbacks)
    assert job.status == JobStatus.SUCCEEDED
    note = "Tools Used.txt not found: its tools are not imported, and tool links are only added."
    assert job.params["upload"]["missing_optional"] == ["Tools Used.txt"]
    assert job.result["checked"]["notes"] == [note]
    assert job.result["log"][0] == f"Note: {note}"


def test_a_bad_line_fails_the_import_naming_file_and_line_and_changes_nothing(
    catalog, staff, release, django_capture_on_commit_callbacks
):
    edit(
        release,
        "Skills.txt",
        "Programming\tIM\tImportance\t4.50",
        "Programming\tIM\tImportance\tthree",
    )
    number = line_of(release, "Skills.txt", "Importance\tthree")
    before = snapshot()
    job = queue_and_run(zipped_release(release), staff, django_capture_on_commit_callbacks)
    assert job.status == JobStatus.FAILED
    assert job.error == (
        f"O*NET not imported, nothing changed: Skills.txt line {number}: Data Value 'three' is "
        f"not a number"
    )
    assert "checked" not in job.result
    assert snapshot() == before


def test_a_catalog_the_release_does_not_fit_fails_after_the_check(
    catalog, staff, release_zip, django_capture_on_commit_callbacks
):
    # A staff role with the occupation's name but another code: the import stops, names it.
    from tests.factories import RoleFactory

    RoleFactory(name="Data Scientists", slug="data-scientists-staff", onet_code="99-9999.00")
    before = snapshot()
    job = queue_and_run(release_zip, staff, django_capture_on_commit_callbacks)
    assert job.status == JobStatus.FAILED
    assert job.error == (
        "O*NET not imported, nothing changed: role 'Data Scientists' has O*NET code "
        "99-9999.00, but Occupation Data.txt gives that title to 15-2051.00: correct the role's "
        "code or name"
    )
    assert job.result["checked"]["occupations"] == 4  # the files passed; the catalog did not
    assert snapshot() == before


def test_without_the_seed_catalog_nothing_is_imported(
    db, staff, release_zip, django_capture_on_commit_callbacks
):
    job = queue_and_run(release_zip, staff, django_capture_on_commit_callbacks)
    assert job.status == JobStatus.FAILED
    assert job.error == (
        "O*NET not imported, nothing changed: task areas data-engineering, modeling, deployment, "
        "business-analysis, ai-infrastructure are missing: run `manage.py load_catalog` first"
    )
    assert not Role.objects.exists()


def test_the_handler_reports_its_stages_and_progress(catalog, staff, release_zip):
    job = queue_import(uploaded_file=upload_of(release_zip), owner=staff)
    job = Job.claim(job.pk, lease=LEASE, reclaim=False)
    progress = RecordingProgress(job)
    result = run_import(job, progress)
    assert progress.reports == [
        ("stage", "Checking the files", None),
        ("stage", "Importing", 4),
        ("advance", 1, 4),
        ("advance", 2, 4),
        ("advance", 3, 4),
        ("advance", 4, 4),
    ]
    assert result["counts"]["roles"]["created"] == 4


def test_an_upload_no_longer_stored_is_refused(catalog, staff, release_zip):
    job = queue_import(uploaded_file=upload_of(release_zip), owner=staff)
    JobFile.objects.filter(job=job).delete()
    job = Job.claim(job.pk, lease=LEASE, reclaim=False)
    with pytest.raises(JobRefused, match="the uploaded release is no longer stored"):
        run_import(job, RecordingProgress(job))
    assert not Role.objects.filter(onet_code__in=CODES).exists()


def test_the_stored_zip_is_checked_again_before_it_is_unpacked(catalog, staff, release_zip):
    from jdbuilder.jobs.files import store_upload

    job = queue_import(uploaded_file=upload_of(release_zip), owner=staff)
    bad = make_zip(("db_30_0_text/Skills.txt", b"x"), ("/etc/cron.d/job", b"x"))
    store_upload(
        job, role=JobFileRole.INPUT, name="db_30_0_text.zip", content_type="", chunks=[bad]
    )
    job = Job.claim(job.pk, lease=LEASE, reclaim=False)
    with pytest.raises(JobRefused) as refused:
        run_import(job, RecordingProgress(job))
    assert str(refused.value) == (
        "O*NET not imported, nothing changed: '/etc/cron.d/job': an absolute path"
    )
    assert not Role.objects.filter(onet_code__in=CODES).exists()


def test_a_busy_database_queues_the_import_again_and_it_then_succeeds(
    catalog, staff, release_zip, monkeypatch
):
    """SQLite's "database is locked" is transient: the job goes back to the queue (the worker
    retries it with backoff) with nothing changed, and the next attempt imports."""
    import roles.onet.run

    job = queue_import(uploaded_file=upload_of(release_zip), owner=staff)
    real_import = roles.onet.run.import_release

    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(roles.onet.run, "import_release", locked)
    with pytest.raises(RetryLater, match="database is locked"):
        run_job(job_id=job.pk, kind=JobKind.ONET_IMPORT)
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED
    assert job.error == "Attempt 1 failed, will retry: OperationalError: database is locked"
    assert not Role.objects.filter(onet_code__in=CODES).exists()

    monkeypatch.setattr(roles.onet.run, "import_release", real_import)
    assert run_job(job_id=job.pk, kind=JobKind.ONET_IMPORT) == "succeeded"
    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.SUCCEEDED, 2)
    assert Role.objects.filter(onet_code__in=CODES).count() == 4
