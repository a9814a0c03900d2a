"""Data safety under faults: what a failure halfway through a write leaves behind.

- Finalizing writes the revision first, then the JD's status: a failure of the second write
  (an exception, or a database error after the UPDATE ran) leaves no revision and the draft as
  it was, called directly or through the wizard's review POST, and the next try succeeds.
- A worker SIGKILLed while rendering a PDF, or after its INSERT but before the COMMIT, leaves no
  stored file, on a real database of the suite's kind (a SQLite file in CI's first pass, a new
  PostgreSQL database in its second); the next download renders, stores and serves the same
  bytes as a direct render.
- `make backup` that fails halfway leaves no file that looks like a backup; `make restore` of a
  backup that names a row it does not hold fails as a whole and leaves the database empty.
- `make audit` tells a vulnerable pin (fails) from an advisory service that cannot be reached
  (passes, loudly).
"""

from __future__ import annotations

import gzip
import importlib.util
import io
import json
import os
import signal
import subprocess
import threading
import urllib.error
from importlib.machinery import SourceFileLoader

import pytest
from django.db import OperationalError, connection
from django.test import Client

from jdbuilder.models import JobDescription, JobDescriptionRevision
from jdbuilder.services import finalize_job_description
from jdbuilder.vocabulary import Status
from tests.factories import DraftFactory
from tests.ops import (
    ROOT,
    fresh_postgres_database,
    make_command,
    manage,
    query_one,
    run_script,
    shell_command,
    sqlite_url,
    subprocess_env,
)
from tests.support.wizard import WizardDriver, walk_to_review


def row(jd: JobDescription) -> dict:
    """Every column of the JD as the database holds it."""
    return JobDescription.objects.filter(pk=jd.pk).values().get()


@pytest.fixture
def draft(manager, catalog):
    return DraftFactory(owner=manager, posting={})


# --- finalizing -------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
class TestFinalizingFailsHalfway:
    """Real transactions (not the test's savepoints): finalizing's atomic block is outermost."""

    def test_the_jd_save_failing_leaves_no_revision_and_the_draft_as_it_was(
        self, draft, manager, monkeypatch
    ):
        before = row(draft)
        seen = []

        def save_fails(self, *args, **kwargs):
            # The first write happened: the revision is there, inside the transaction.
            seen.append(JobDescriptionRevision.objects.filter(job_description=self).count())
            raise RuntimeError("the database went away")

        monkeypatch.setattr(JobDescription, "save", save_fails)
        with pytest.raises(RuntimeError, match="went away"):
            finalize_job_description(
                job_description=draft, user=manager, expected_version=draft.lock_version
            )
        monkeypatch.undo()

        assert seen == [1], "the revision is written before the JD's status"
        assert not JobDescriptionRevision.objects.exists()
        after = row(draft)
        assert after == before
        assert after["status"] == Status.DRAFT and after["lock_version"] == before["lock_version"]
        # The caller's object is not left claiming otherwise either.
        assert draft.status == Status.DRAFT and draft.lock_version == before["lock_version"]

        revision = finalize_job_description(
            job_description=draft, user=manager, expected_version=draft.lock_version
        )
        assert revision.number == 1 and row(draft)["status"] == Status.FINAL

    def test_a_database_error_after_the_status_update_ran_rolls_both_writes_back(
        self, draft, manager
    ):
        before = row(draft)
        ran = []

        def connection_lost_after_update(execute, sql, params, many, context):
            result = execute(sql, params, many, context)
            if sql.startswith('UPDATE "jdbuilder_jobdescription" SET "status"'):
                ran.append(sql)
                raise OperationalError("server closed the connection unexpectedly")
            return result

        with (
            connection.execute_wrapper(connection_lost_after_update),
            pytest.raises(OperationalError),
        ):
            finalize_job_description(
                job_description=draft, user=manager, expected_version=draft.lock_version
            )
        assert len(ran) == 1, "both writes reached the database before the error"
        assert not JobDescriptionRevision.objects.exists()
        assert row(draft) == before

    def test_the_wizard_review_post_fails_with_a_500_and_issues_nothing(
        self, manager, catalog, monkeypatch
    ):
        client = Client(raise_request_exception=False)
        client.force_login(manager)
        response = client.post("/jd/new/", {"role": "software-engineer"})
        wizard = WizardDriver(client, JobDescription.objects.get(owner=manager))
        walk_to_review(wizard)
        fields = wizard.fields("review")
        before = row(wizard.jd)

        def save_fails(self, *args, **kwargs):
            raise RuntimeError("the database went away")

        monkeypatch.setattr(JobDescription, "save", save_fails)
        response = wizard.submit("review", fields=fields)
        monkeypatch.undo()

        assert response.status_code == 500
        assert "Something went wrong" in response.content.decode()
        assert not JobDescriptionRevision.objects.exists()
        after = row(wizard.jd)
        assert after["status"] == Status.DRAFT
        assert after["choices"] == before["choices"] and after["revision"] == before["revision"]

        # Reloading the review page and finalizing again works.
        response = wizard.submit("review")
        assert response.status_code == 302
        assert row(wizard.jd)["status"] == Status.FINAL
        assert JobDescriptionRevision.objects.get().number == 1

    def test_the_wizard_review_post_that_fails_leaves_the_row_exactly_as_it_was(
        self, manager, catalog, monkeypatch
    ):
        client = Client(raise_request_exception=False)
        client.force_login(manager)
        client.post("/jd/new/", {"role": "software-engineer"})
        wizard = WizardDriver(client, JobDescription.objects.get(owner=manager))
        walk_to_review(wizard)
        fields = wizard.fields("review")
        before = row(wizard.jd)

        def save_fails(self, *args, **kwargs):
            raise RuntimeError("the database went away")

        monkeypatch.setattr(JobDescription, "save", save_fails)
        assert wizard.submit("review", fields=fields).status_code == 500
        monkeypatch.undo()
        assert row(wizard.jd) == before


# --- a worker killed while rendering a PDF ------------------------------------------------------

SETUP_SCRIPT = """
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from jdbuilder.accounts import HIRING_MANAGERS, ensure_groups
from tests.ops import emit
from tests.support.jds import make_final_jd

call_command("load_catalog", verbosity=0)
ensure_groups()
owner = get_user_model().objects.create_user("ops-owner", password="not-used-anywhere-42")
owner.groups.add(Group.objects.get(name=HIRING_MANAGERS))
emit({point: str(make_final_jd(owner, title=f"Killed while {point}").public_id)
      for point in ("rendering", "storing")})
"""

# Export the revision's PDF as a download does, and hang at KILL_AT until killed:
# - rendering: WeasyPrint has written the PDF, nothing is stored yet;
# - storing: the RenderedFile INSERT has run inside its transaction, not yet committed.
KILL_SCRIPT = """
import os, time
import weasyprint
from jdbuilder.documents.formats import FORMATS
from jdbuilder.models import JobDescriptionRevision, RenderedFile
from jdbuilder.services import export_revision

revision = JobDescriptionRevision.objects.get(
    job_description__public_id=os.environ["PUBLIC_ID"], number=1
)
if os.environ["KILL_AT"] == "rendering":
    write_pdf = weasyprint.Document.write_pdf

    def write_pdf_then_hang(self, *args, **kwargs):
        content = write_pdf(self, *args, **kwargs)
        print("HANGING rendered", len(content), flush=True)
        time.sleep(300)
        return content

    weasyprint.Document.write_pdf = write_pdf_then_hang
else:
    save = RenderedFile.save

    def save_then_hang(self, *args, **kwargs):
        save(self, *args, **kwargs)
        seen = RenderedFile.objects.filter(pk=self.pk).exists()
        print("HANGING inserted", seen, flush=True)
        time.sleep(300)

    RenderedFile.save = save_then_hang
export_revision(revision=revision, export_format=FORMATS["pdf"])
print("FINISHED: never reached", flush=True)
"""

DOWNLOAD_SCRIPT = """
import hashlib, os
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from jdbuilder.documents.build import build_document
from jdbuilder.documents.pdf import render_pdf
from jdbuilder.models import JobDescriptionRevision, RenderedFile
from tests.ops import emit

public_id = os.environ["PUBLIC_ID"]
revision = JobDescriptionRevision.objects.get(job_description__public_id=public_id, number=1)
client = Client()
client.force_login(get_user_model().objects.get(username="ops-owner"))
url = reverse("jd:download_revision", kwargs={"public_id": public_id, "number": 1, "fmt": "pdf"})
response = client.get(url)
served = response.content
direct = render_pdf(build_document(revision))
stored = RenderedFile.objects.filter(revision=revision, format="pdf")
emit({
    "status": response.status_code,
    "content_type": response["Content-Type"],
    "starts": served[:5].decode("latin-1"),
    "served_is_direct": served == direct,
    "stored": [[bytes(f.content) == direct, f.sha256 == hashlib.sha256(direct).hexdigest()]
               for f in stored],
    "again_is_same": client.get(url).content == direct,
})
"""


def suite_backend() -> str:
    """The kind of database the suite runs on: CI's two passes cover both kinds."""
    from django.conf import settings

    return "postgresql" if "postgresql" in settings.DATABASES["default"]["ENGINE"] else "sqlite"


@pytest.fixture(scope="module", params=[suite_backend()])
def worker_database(request, tmp_path_factory):
    """A migrated database of its own, of the suite's kind (a real SQLite file, or a new
    PostgreSQL database dropped afterwards), with the catalog, one hiring manager and two final
    JDs, for subprocesses to work on and be killed on."""

    def prepare(url: str) -> dict:
        env = subprocess_env(url)
        manage(env, "migrate", "--no-input", "-v0")
        manage(env, "createcachetable")
        return {"url": url, "env": env, "jds": run_script(env, SETUP_SCRIPT)}

    if request.param == "sqlite":
        yield prepare(sqlite_url(tmp_path_factory.mktemp("worker") / "db.sqlite3"))
    else:
        with fresh_postgres_database("jdbuilder_faults") as url:
            yield prepare(url)


def stored_files(url: str, title: str) -> int:
    """How many stored files the JD called `title` has, read straight from the database."""
    return query_one(
        url,
        "SELECT count(*) FROM jdbuilder_renderedfile f JOIN jdbuilder_jobdescriptionrevision r "
        "ON r.id = f.revision_id JOIN jdbuilder_jobdescription j ON j.id = r.job_description_id "
        f"WHERE j.title = '{title}'",
    )


@pytest.mark.parametrize("kill_at", ["rendering", "storing"])
def test_a_worker_killed_while_exporting_a_pdf_leaves_no_stored_file(
    worker_database, kill_at, tmp_path
):
    url, public_id = worker_database["url"], worker_database["jds"][kill_at]
    title = f"Killed while {kill_at}"
    env = {**worker_database["env"], "PUBLIC_ID": public_id, "KILL_AT": kill_at}
    stderr_path = tmp_path / "worker.stderr"
    with stderr_path.open("w") as stderr:
        worker = subprocess.Popen(
            shell_command(KILL_SCRIPT), cwd=ROOT, env=env, stdout=subprocess.PIPE,
            stderr=stderr, text=True,
        )  # fmt: skip
    watchdog = threading.Timer(90, worker.kill)  # never hang the suite
    watchdog.start()
    try:
        line = worker.stdout.readline()
        assert line.startswith("HANGING"), (
            f"the worker did not reach {kill_at}: {line!r}\n{stderr_path.read_text()[-3000:]}"
        )
        if kill_at == "storing":
            assert line.split()[-1] == "True", "the worker's own transaction sees its row"
            assert stored_files(url, title) == 0, "an uncommitted row is invisible to others"
        os.kill(worker.pid, signal.SIGKILL)
        assert worker.wait(timeout=30) == -signal.SIGKILL
    finally:
        watchdog.cancel()
        if worker.poll() is None:
            worker.kill()
            worker.wait()
        worker.stdout.close()

    assert stored_files(url, title) == 0, "a killed worker left a stored file behind"
    if url.startswith("sqlite:"):
        assert query_one(url, "PRAGMA integrity_check") == "ok"

    download = run_script(
        {**worker_database["env"], "PUBLIC_ID": public_id}, DOWNLOAD_SCRIPT, timeout=120
    )
    assert download["status"] == 200 and download["content_type"] == "application/pdf"
    assert download["starts"] == "%PDF-"
    assert download["served_is_direct"], "the fresh download is the direct render, byte for byte"
    assert download["stored"] == [[True, True]], "one stored file, the same bytes, its digest"
    assert download["again_is_same"]
    assert stored_files(url, title) == 1


# --- make backup that fails -----------------------------------------------------------------------


def make(target: str, url: str, **variables) -> subprocess.CompletedProcess:
    """`make target` against the database at `url`, as an operator runs it."""
    return subprocess.run(
        make_command(target, **variables),
        cwd=ROOT,
        env=subprocess_env(url, settings="jdbuilder.settings"),
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def make_backup(url: str, backup_dir) -> subprocess.CompletedProcess:
    return make("backup", url, BACKUP_DIR=backup_dir)


def make_restore(url: str, backup_file) -> subprocess.CompletedProcess:
    return make("restore", url, FILE=backup_file)


def test_make_backup_writes_a_whole_backup_or_no_file(worker_database, tmp_path):
    failing = make_backup(sqlite_url(tmp_path / "never-migrated.sqlite3"), tmp_path / "bad")
    assert failing.returncode != 0
    assert "no backup written" in failing.stderr
    assert list((tmp_path / "bad").iterdir()) == []

    done = make_backup(worker_database["url"], tmp_path / "good")
    assert done.returncode == 0, done.stderr[-3000:]
    (written,) = (tmp_path / "good").iterdir()
    assert written.name.startswith("jdbuilder-") and written.name.endswith(".json.gz")
    with gzip.open(written, "rt") as file:
        titles = {
            entry["fields"]["title"]
            for entry in json.load(file)
            if entry["model"] == "jdbuilder.jobdescription"
        }
    assert titles == {"Killed while rendering", "Killed while storing"}


def test_a_restore_that_fails_leaves_the_database_empty(worker_database, tmp_path):
    """A backup taken while people work can hold a revision whose JD it missed: its restore fails
    as a whole, and the database stays empty for a restore of a good backup."""
    assert make_backup(worker_database["url"], tmp_path).returncode == 0
    (good,) = tmp_path.glob("jdbuilder-*.json.gz")
    with gzip.open(good, "rt") as file:
        entries = json.load(file)
    missed = next(
        e for e in entries
        if e["model"] == "jdbuilder.jobdescription" and e["fields"]["title"].endswith("storing")
    )  # fmt: skip
    torn = tmp_path / "torn.json.gz"
    with gzip.open(torn, "wt") as file:
        json.dump([e for e in entries if e is not missed], file)

    target = sqlite_url(tmp_path / "target.sqlite3")
    failed = make_restore(target, torn)
    assert failed.returncode != 0
    assert "IntegrityError" in failed.stderr or "FOREIGN KEY" in failed.stderr, failed.stderr[
        -3000:
    ]
    for table in ("auth_user", "roles_role", "roles_historicalrole", "jdbuilder_jobdescription",
                  "jdbuilder_jobdescriptionrevision"):  # fmt: skip
        assert query_one(target, f"SELECT count(*) FROM {table}") == 0, table

    restored = make_restore(target, good)
    assert restored.returncode == 0, restored.stderr[-3000:]
    assert query_one(target, "SELECT count(*) FROM jdbuilder_jobdescriptionrevision") == 2


# --- make audit when the advisory service fails -----------------------------------------------


@pytest.fixture
def audit(monkeypatch):
    """.ci/audit as a module, with the environment variables it reads cleared."""
    loader = SourceFileLoader("ci_audit", str(ROOT / ".ci" / "audit"))
    spec = importlib.util.spec_from_loader("ci_audit", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    for name in ("AUDIT_OFFLINE", "AUDIT_REQUIRED", "AUDIT_SERVICE"):
        monkeypatch.delenv(name, raising=False)
    return module


def fake_pip_audit(monkeypatch, audit, status: int) -> list:
    calls = []

    def run(command, **kwargs):
        calls.append(command)
        return subprocess.CompletedProcess(command, status)

    monkeypatch.setattr(audit.subprocess, "run", run)
    return calls


def fake_service(monkeypatch, audit, *answers) -> None:
    """Each probe of the advisory service gets the next answer: None (it answered) or a problem."""
    remaining = list(answers)
    monkeypatch.setattr(audit, "service_problem", lambda service: remaining.pop(0))


class TestAuditTellsVulnerableFromUnreachable:
    def test_a_vulnerability_fails(self, audit, monkeypatch, capsys):
        fake_service(monkeypatch, audit, None, None)
        calls = fake_pip_audit(monkeypatch, audit, 1)
        assert audit.main() == 1
        assert "FAILED" in capsys.readouterr().out
        (command,) = calls
        assert command[1:3] == ["-m", "pip_audit"]
        assert {"--strict", "--no-deps", "--disable-pip"} <= set(command)
        assert command[command.index("--requirement") + 1] == str(ROOT / "requirements.txt")

    def test_no_vulnerability_passes(self, audit, monkeypatch, capsys):
        fake_service(monkeypatch, audit, None)
        fake_pip_audit(monkeypatch, audit, 0)
        assert audit.main() == 0
        assert "no known vulnerability" in capsys.readouterr().out

    def test_an_unreachable_service_passes_loudly_without_running_pip_audit(
        self, audit, monkeypatch, capsys
    ):
        fake_service(monkeypatch, audit, "api.osv.dev did not answer")
        calls = fake_pip_audit(monkeypatch, audit, 1)
        assert audit.main() == 0
        out = capsys.readouterr().out
        assert "COULD NOT BE REACHED - NOTHING WAS AUDITED" in out and "!!!!" in out
        assert calls == []

    def test_an_unreachable_service_fails_when_an_audit_is_required(
        self, audit, monkeypatch, capsys
    ):
        monkeypatch.setenv("AUDIT_REQUIRED", "1")
        fake_service(monkeypatch, audit, "pypi.org answered HTTP 503")
        assert audit.main() == 1
        assert "FAILING, as AUDIT_REQUIRED=1 asks" in capsys.readouterr().out

    def test_a_service_lost_during_the_audit_is_an_outage_not_a_finding(
        self, audit, monkeypatch, capsys
    ):
        fake_service(monkeypatch, audit, None, "pypi.org did not answer")
        fake_pip_audit(monkeypatch, audit, 1)
        assert audit.main() == 0
        assert "NOTHING WAS AUDITED" in capsys.readouterr().out

    def test_offline_skips_loudly_and_asks_nobody(self, audit, monkeypatch, capsys):
        monkeypatch.setenv("AUDIT_OFFLINE", "1")
        fake_service(monkeypatch, audit)  # any probe would pop from an empty list
        calls = fake_pip_audit(monkeypatch, audit, 1)
        assert audit.main() == 0
        assert "SKIPPED (AUDIT_OFFLINE=1)" in capsys.readouterr().out and calls == []

    @pytest.mark.parametrize(
        ("answer", "problem"),
        [
            (urllib.error.URLError("Name or service not known"), "did not answer"),
            (urllib.error.HTTPError("https://x", 404, "Not Found", {}, None), "HTTP 404"),
            (b"<html>a captive portal</html>", "did not answer"),
            (b'{"info": {}}', "not an advisory record"),
            (b'{"info": {}, "vulnerabilities": []}', None),
        ],
    )
    def test_the_probe_of_the_pypi_service(self, audit, monkeypatch, answer, problem):
        def urlopen(request, timeout):
            assert request.full_url.startswith("https://pypi.org/pypi/Django/")
            if isinstance(answer, Exception):
                raise answer
            return io.BytesIO(answer)

        monkeypatch.setattr(audit.urllib.request, "urlopen", urlopen)
        found = audit.service_problem("pypi")
        assert found is None if problem is None else problem in found
