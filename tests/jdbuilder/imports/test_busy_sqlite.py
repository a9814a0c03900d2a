"""On SQLite (a real database file, in subprocesses: the suite's in-memory database cannot show
it), sign-ins during an O*NET import either succeed or get the clear 503 page, never a
traceback, and the import does not crash.

Two ways the lock shows:
- an import writing the catalog holds SQLite's one write lock; a sign-in must write (its
  session, the last sign-in time), waits for the lock (transaction_mode IMMEDIATE and a
  timeout, jdbuilder/settings.py) and gets in once the import commits, or, if the import
  outlasts the wait, the 503 page of jdbuilder/busy.py;
- sign-ins that write while the import is between reading and writing: with SQLite's default
  deferred transactions the import then failed at once with "database is locked" (three of
  three imports, with users signing in); taking the lock when its transaction begins, it waits
  its turn instead.
"""

from __future__ import annotations

import queue
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.ops import query_one, result_of, run_script, sqlite_url, subprocess_env
from tests.support.processes import ROOT, kill_process_group

PASSWORD = "correct-horse-battery"
BUSY_TEXT = "The database is busy (an import may be running). Try again in a minute."

PREPARE = """
from django.contrib.auth import get_user_model
from django.core.management import call_command
from tests.ops import emit

call_command("migrate", interactive=False, verbosity=0)
call_command("createcachetable")
call_command("load_catalog", verbosity=0)
User = get_user_model()
User.objects.create_user("importer", password="not-used-here-42", is_staff=True)
User.objects.create_user("signer", password="correct-horse-battery")
emit("ready")
"""

# The import as the admin's upload runs it without a broker (in-process, once the upload
# commits), with two ways to make it last: HOLD_FILE holds it after its first written batch,
# inside its transaction, for as long as the file exists; SLOW_PLAN sleeps inside the
# transaction after reading the catalog and before writing it.
IMPORT = """
import os, pathlib, time
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
import roles.onet.write
from jdbuilder.imports.models import OnetImport
from jdbuilder.imports.services import queue_import
from jdbuilder.jobs.progress import Progress
from tests.ops import emit
from tests.roles.onet.helpers import zipped_release

hold = pathlib.Path(os.environ.get("HOLD_FILE", "/nonexistent"))
advance = Progress.advance

def held_advance(self, done, *, total=None):
    if hold.exists():
        print("HOLDING", flush=True)
        deadline = time.monotonic() + 60
        while hold.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
    advance(self, done, total=total)

Progress.advance = held_advance
plan_roles = roles.onet.write.plan_roles

def slow_plan(release):
    plans = plan_roles(release)
    print("PLANNED", flush=True)
    time.sleep(float(os.environ.get("SLOW_PLAN", "0")))
    return plans

roles.onet.write.plan_roles = slow_plan
owner = get_user_model().objects.get(username="importer")
upload = SimpleUploadedFile("db_30_0_text.zip", zipped_release(), "application/zip")
job = OnetImport.objects.get(pk=queue_import(uploaded_file=upload, owner=owner).pk)
emit({
    "status": job.status,
    "error": job.error,
    "attempts": job.attempts,
    "roles": job.result.get("counts", {}).get("roles"),
})
"""

SIGN_IN = """
import os, time
from django.test import Client
from tests.ops import emit

print("SIGNING IN", flush=True)
results = []
for _ in range(int(os.environ["SIGN_INS"])):
    client = Client(raise_request_exception=False)
    started = time.monotonic()
    response = client.post(
        "/accounts/login/", {"username": "signer", "password": "correct-horse-battery"}
    )
    page = response.content.decode()
    results.append({
        "status": response.status_code,
        "location": response.get("Location", ""),
        "retry_after": response.get("Retry-After"),
        "busy_page": "The database is busy (an import may be running)" in page,
        "traceback": "Traceback" in page or "OperationalError" in page,
        "seconds": time.monotonic() - started,
    })
emit(results)
"""


class Script:
    """`manage.py shell -c CODE` running in the background; its output read line by line."""

    def __init__(self, env: dict, code: str, **extra: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
            cwd=ROOT,
            env={**env, **extra},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line)

    def wait_for(self, text: str, timeout: float = 60) -> None:
        while True:
            try:
                line = self.lines.get(timeout=timeout)
            except queue.Empty:
                pytest.fail(f"no {text!r} within {timeout} s; saw {self.seen}")
            self.seen.append(line)
            if text in line:
                return

    def result(self, timeout: float = 120):
        try:
            self.process.wait(timeout=timeout)
        finally:
            kill_process_group(self.process)
        stderr = self.process.stderr.read()
        while not self.lines.empty():
            self.seen.append(self.lines.get())
        stdout = "".join(self.seen)
        assert self.process.returncode == 0, f"{stdout[-3000:]}\n{stderr[-3000:]}"
        return result_of(stdout)

    def stop(self) -> None:
        kill_process_group(self.process)


@pytest.fixture(scope="module")
def prepared_database(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("busy") / "template.sqlite3"
    assert run_script(subprocess_env(sqlite_url(path)), PREPARE) == "ready"
    return path


@pytest.fixture
def site(prepared_database, tmp_path) -> dict:
    """A migrated SQLite file with the catalog, a staff user and a user who signs in."""
    path = tmp_path / "db.sqlite3"
    shutil.copy(prepared_database, path)
    url = sqlite_url(path)
    return {"url": url, "env": subprocess_env(url)}


def assert_succeeded_or_busy(sign_ins: list[dict]) -> None:
    for sign_in in sign_ins:
        assert not sign_in["traceback"], sign_in
        if sign_in["status"] == 503:
            assert sign_in["busy_page"] and sign_in["retry_after"] == "60", sign_in
        else:
            assert (sign_in["status"], sign_in["location"]) == (302, "/roles/"), sign_in


def assert_imported(result: dict, url: str) -> None:
    assert result["status"] == "succeeded", result
    assert (result["attempts"], result["error"]) == (1, ""), result  # never retried
    assert result["roles"]["created"] == 4
    assert query_one(url, "SELECT COUNT(*) FROM roles_role WHERE onet_code <> ''") == 4


def test_sign_ins_while_an_import_holds_the_lock_wait_or_get_the_busy_page(site, tmp_path):
    hold = tmp_path / "hold"
    hold.touch()
    importing = Script(site["env"], IMPORT, HOLD_FILE=str(hold))
    waiting = None
    try:
        importing.wait_for("HOLDING")
        # Waiting half a second for the lock is not enough: the clear page, at once.
        impatient = Script(site["env"], SIGN_IN, SIGN_INS="2", DATABASE_BUSY_TIMEOUT="0.5")
        refused = impatient.result()
        assert [sign_in["status"] for sign_in in refused] == [503, 503]
        assert_succeeded_or_busy(refused)
        # Waiting long enough: in as soon as the import has committed.
        waiting = Script(site["env"], SIGN_IN, SIGN_INS="1", DATABASE_BUSY_TIMEOUT="30")
        waiting.wait_for("SIGNING IN")
        threading.Event().wait(1.5)  # it is now waiting for the lock
        hold.unlink()
        assert_imported(importing.result(), site["url"])
        (patient,) = waiting.result()
    finally:
        importing.stop()
        if waiting is not None:
            waiting.stop()
    assert_succeeded_or_busy([patient])
    assert patient["status"] == 302
    assert patient["seconds"] > 1  # it waited for the import
    assert query_one(site["url"], "SELECT COUNT(*) FROM django_session") >= 1


def test_sign_ins_between_the_imports_reads_and_writes_do_not_crash_it(site):
    importing = Script(site["env"], IMPORT, SLOW_PLAN="2")
    signing_in = None
    try:
        importing.wait_for("PLANNED")  # inside its transaction, the catalog read, not written
        signing_in = Script(site["env"], SIGN_IN, SIGN_INS="8")
        sign_ins = signing_in.result()
        result = importing.result()
    finally:
        importing.stop()
        if signing_in is not None:
            signing_in.stop()
    assert_imported(result, site["url"])
    assert_succeeded_or_busy(sign_ins)
    assert len(sign_ins) == 8


@pytest.mark.skipif(
    "sqlite" not in settings.DATABASES["default"]["ENGINE"],
    reason="the suite's own database is PostgreSQL; the SQLite settings are checked on SQLite",
)
def test_the_suites_sqlite_connections_take_the_lock_when_a_transaction_begins():
    options = connection.settings_dict["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] == 20
