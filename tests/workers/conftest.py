"""Harness for the tests with real Celery workers: a fresh PostgreSQL database, a Redis database
of their own, worker processes started as docs/systemd/jdbuilder-worker.service starts them, and
`manage.py shell` scripts that play the app server (finalize a JD, run the sweep).

Everything runs with the production settings (jdbuilder.settings) from a clean environment, as
on a server. The PostgreSQL database is made on the server at 127.0.0.1:5432 whatever
DATABASE_URL the suite runs with, so both CI passes run these tests; it is dropped at the end.
Every worker started here runs in a process group of its own, killed (SIGKILL, the whole group)
when its test ends however it ends; the Redis database is flushed before and after each test.
"""

from __future__ import annotations

import secrets
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

from tests.ops import run_script
from tests.support.processes import (
    ROOT,
    children_of,
    clean_environ,
    fresh_postgres_database,
    is_running,
    kill_process_group,
    manage,
    postgres_url,
    read_unit,
    unit_command,
    unit_environment,
    wait_until,
)
from tests.workers.slow_worker import MARKER

REDIS_URL = "redis://127.0.0.1:6379/11"  # the workers tests' own database, flushed around each
MANAGER = "workers-manager"
SECRET_KEY = "workers-test-" + secrets.token_urlsafe(32)
WORKER_UNIT = ROOT / "docs" / "systemd" / "jdbuilder-worker.service"
STORED_FORMATS = ("pdf", "pdf-letter")  # jdbuilder.services.STORED_FORMATS, read in SQL here


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "workers: starts Celery worker processes on Redis and PostgreSQL"
    )


def app_env(database_url: str, broker_url: str, **extra: str) -> dict[str, str]:
    """The environment of a worker or a `manage.py` run, as /etc/jdbuilder/env would set it."""
    return clean_environ(
        DJANGO_SETTINGS_MODULE="jdbuilder.settings",
        SECRET_KEY=SECRET_KEY,
        ALLOWED_HOSTS="localhost",
        DJANGO_PLAIN_STATIC="1",
        DATABASE_URL=database_url,
        CELERY_BROKER_URL=broker_url,
        **extra,
    )


# --- PostgreSQL ---------------------------------------------------------------------------------

# What an operator does to a new database, then one hiring manager: in one subprocess. No broker
# here (nothing is queued).
PREPARE_SCRIPT = f"""
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from jdbuilder.accounts import HIRING_MANAGERS, ensure_groups

call_command("migrate", interactive=False, verbosity=0, skip_checks=False)
call_command("createcachetable")
call_command("load_catalog", verbosity=0)
ensure_groups()
user = get_user_model().objects.create_user({MANAGER!r}, password="not-used-anywhere-42")
user.groups.add(Group.objects.get(name=HIRING_MANAGERS))
"""


@pytest.fixture(scope="package")
def workers_database() -> str:
    """The URL of a migrated database with the catalog and one hiring manager. Shared by the
    tests here: each works on JDs of its own and looks only at their rows."""
    with fresh_postgres_database("jdbuilder_workers") as name:
        url = postgres_url(name)
        manage(app_env(url, ""), "shell", "-v0", "--no-imports", "-c", PREPARE_SCRIPT)
        yield url


def query(database_url: str, sql: str, params=()) -> list[tuple]:
    with psycopg.connect(database_url, connect_timeout=5) as conn:
        return conn.execute(sql, params).fetchall()


def job_row(database_url: str, job_id: int) -> dict:
    """The job's row; `seconds` is from its creation (the finalize) to its end, if it ended."""
    (row,) = query(
        database_url,
        "SELECT status, attempts, error, stage, EXTRACT(EPOCH FROM finished_at - created_at) "
        "FROM jdbuilder_job WHERE id = %s",
        [job_id],
    )
    return dict(zip(("status", "attempts", "error", "stage", "seconds"), row, strict=True))


def stored_files(database_url: str, revision_id: int) -> list[tuple[str, str, bytes]]:
    """(format, sha256, content) of every stored file of the revision."""
    rows = query(
        database_url,
        "SELECT format, sha256, content FROM jdbuilder_renderedfile WHERE revision_id = %s "
        "ORDER BY format",
        [revision_id],
    )
    return [(fmt, sha256, bytes(content)) for fmt, sha256, content in rows]


def wait_for_job(database_url: str, job_id: int, status: str, *, timeout: float) -> dict:
    row = wait_until(
        lambda: (job := job_row(database_url, job_id))["status"] == status and job,
        timeout=timeout,
        interval=0.2,
    )
    assert row, f"job {job_id} is not {status} after {timeout} s: {job_row(database_url, job_id)}"
    return row


# --- Redis --------------------------------------------------------------------------------------


def redis_client():
    import redis

    return redis.Redis.from_url(REDIS_URL, socket_timeout=5, socket_connect_timeout=5)


def flush_redis() -> None:
    import redis

    client = redis_client()
    try:
        client.flushdb()
    except redis.RedisError as error:
        pytest.fail(f"The workers tests need Redis at {REDIS_URL} (.ci/run starts it): {error}")
    finally:
        client.close()


def unacknowledged_since() -> list[float]:
    """When each message taken by a worker but not acknowledged was taken (kombu's index)."""
    client = redis_client()
    try:
        return [taken for _, taken in client.zrange("unacked_index", 0, -1, withscores=True)]
    finally:
        client.close()


@pytest.fixture
def broker() -> str:
    """The URL of the tests' Redis database, empty at the start and flushed again at the end."""
    flush_redis()
    yield REDIS_URL
    flush_redis()


# --- the app server's side: scripts in `manage.py shell` ----------------------------------------

# Finalize a new draft through the service, as the review page does, and time the call: it
# commits, and on commit sends the render job's message (or fails to, leaving it queued).
FINALIZE_SCRIPT = f"""
import os, time
from django.contrib.auth import get_user_model
from jdbuilder.models import Job, JobDescriptionRevision
from jdbuilder.services import finalize_job_description
from tests.factories import DraftFactory
from tests.ops import emit

owner = get_user_model().objects.get(username={MANAGER!r})
draft = DraftFactory(owner=owner, title=os.environ["JD_TITLE"], posting={{}})
started = time.monotonic()
revision = finalize_job_description(
    job_description=draft, user=owner, expected_version=draft.lock_version
)
took = time.monotonic() - started
job = Job.objects.get(revision=revision)
emit({{"revision": revision.pk, "job": job.pk, "status": job.status, "took": took,
       "final": JobDescriptionRevision.objects.filter(pk=revision.pk).exists()}})
"""

SWEEP_SCRIPT = """
import dataclasses
from jdbuilder.jobs.services import sweep
from tests.ops import emit

emit(dataclasses.asdict(sweep()))
"""

# The stored files of a revision next to a clean render of each stored format, made here from a
# freshly built Document as a download would make it.
COMPARE_SCRIPT = """
import hashlib, os
from jdbuilder.documents.build import build_document
from jdbuilder.documents.formats import FORMATS
from jdbuilder.models import JobDescriptionRevision, RenderedFile
from jdbuilder.services import STORED_FORMATS
from tests.ops import emit

revision = JobDescriptionRevision.objects.get(pk=int(os.environ["REVISION_ID"]))
document = build_document(revision)
report = {}
for key in STORED_FORMATS:
    clean = FORMATS[key].render(document)
    stored = list(RenderedFile.objects.filter(revision=revision, format=key))
    report[key] = {
        "count": len(stored),
        "identical": [bytes(f.content) == clean for f in stored],
        "digest_matches": [f.sha256 == hashlib.sha256(clean).hexdigest() for f in stored],
        "starts": clean[:5].decode("latin-1"),
    }
emit(report)
"""


def finalize(env: dict[str, str], title: str) -> dict:
    return run_script({**env, "JD_TITLE": title}, FINALIZE_SCRIPT)


def sweep(env: dict[str, str]) -> dict:
    return run_script({**env, "JOBS_RESEND_AFTER": "0"}, SWEEP_SCRIPT)


def compare_with_clean_render(env: dict[str, str], revision_id: int) -> dict:
    return run_script({**env, "REVISION_ID": str(revision_id)}, COMPARE_SCRIPT)


# --- workers ------------------------------------------------------------------------------------


def unit_worker_args(concurrency: int) -> list[str]:
    """The worker's command line from docs/systemd/jdbuilder-worker.service, with this
    virtualenv's `celery` and the given concurrency: what these tests start is what the unit
    starts."""
    service = read_unit(WORKER_UNIT)["Service"]
    (exec_start,) = service["ExecStart"]
    environment = {**unit_environment(service), "CELERY_CONCURRENCY": str(concurrency)}
    program, *args = unit_command(exec_start, environment)
    assert program == "/srv/jdbuilder/.venv/bin/celery", program
    return [str(Path(sys.prefix) / "bin" / "celery"), *args]


@dataclass
class Worker:
    name: str
    process: subprocess.Popen
    log_path: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def log_tail(self, chars: int = 4000) -> str:
        return f"--- worker {self.name} log:\n{self.log()[-chars:]}"

    def wait_for_log(self, text: str, *, timeout: float) -> None:
        def seen():
            if self.process.poll() is not None:
                pytest.fail(f"worker {self.name} exited ({self.process.returncode}) before "
                            f"logging {text!r}\n{self.log_tail()}")  # fmt: skip
            return text in self.log()

        assert wait_until(seen, timeout=timeout, interval=0.1), (
            f"worker {self.name} did not log {text!r} within {timeout} s\n{self.log_tail()}"
        )

    def pool(self) -> list[int]:
        return children_of(self.pid)

    def running_processes(self, pool: list[int]) -> list[int]:
        return [pid for pid in [self.pid, *pool] if is_running(pid)]


def wait_until_rendering(worker: Worker, database_url: str, job_id: int) -> None:
    """Until a slow worker's pool process is inside the job's first PDF render."""
    wait_for_job(database_url, job_id, "running", timeout=30)
    worker.wait_for_log(MARKER, timeout=30)


@pytest.fixture
def start_worker(workers_database, broker, tmp_path):
    """start_worker(name, slow_render=None, concurrency=1, **env) -> a ready Worker on the
    tests' database and broker. With `slow_render` (seconds) it is tests/workers/slow_worker.py,
    whose PDF renders sleep that long before returning."""
    started: list[Worker] = []

    def start(
        name: str, *, slow_render: float | None = None, concurrency: int = 1, **env: str
    ) -> Worker:
        command = unit_worker_args(concurrency)
        if slow_render is not None:
            env["SLOW_RENDER_SECONDS"] = str(slow_render)
            # The same arguments, from `worker` on, given to the app by the script.
            command = [sys.executable, "-m", "tests.workers.slow_worker", *command[3:]]
        # A name of its own (several run one after another on this host), and no start-up
        # handshakes with other workers (mingle, gossip), which only slow each start here.
        command += [f"--hostname={name}@%h", "--without-mingle", "--without-gossip"]
        log_path = tmp_path / f"worker-{name}.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=app_env(workers_database, broker, **env),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: main process and pool
            )
        worker = Worker(name, process, log_path)
        started.append(worker)
        worker.wait_for_log(" ready.", timeout=60)
        return worker

    yield start
    for worker in started:
        kill_process_group(worker.process)


@pytest.fixture
def app(workers_database, broker) -> dict[str, str]:
    """The environment of the app server's scripts, sending work to the tests' broker."""
    return app_env(workers_database, broker)
