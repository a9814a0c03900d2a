"""On PostgreSQL the site stays usable while an O*NET import runs: with the import held in the
middle of its one transaction (in a worker thread with its own connection), sign-ins, a new
draft and wizard saves all succeed, the import's progress is visible from outside, and its
uncommitted rows are not; released, the import commits everything at once.
"""

from __future__ import annotations

import threading

import pytest
from django.conf import settings
from django.db import connection, connections
from django.test import Client

from jdbuilder.imports import services
from jdbuilder.imports.models import OnetImport
from jdbuilder.jobs.models import JobKind, JobStatus
from jdbuilder.jobs.progress import Progress
from jdbuilder.jobs.services import run_job
from jdbuilder.models import JobDescription
from roles.models import Role
from tests.factories import ManagerFactory, StaffFactory
from tests.jdbuilder.imports.conftest import upload_of
from tests.roles.onet.helpers import CODES, zipped_release
from tests.support.wizard import WizardDriver, valid_posting

pytestmark = pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="PostgreSQL only: on SQLite one writer excludes the others (test_busy_sqlite.py)",
)

PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory's
HOLD_SECONDS = 60  # the longest the import waits for the test


class HeldImport:
    """`run_job` for the import in a thread of its own (so its own connection), held at its first
    progress report: after the first batch is written, inside the import's transaction."""

    def __init__(self, job_id: int, monkeypatch) -> None:
        self.reached, self.go = threading.Event(), threading.Event()
        self.outcome: list = []
        advance = Progress.advance

        def held_advance(progress, done, *, total=None):
            if not self.reached.is_set():
                self.reached.set()
                self.go.wait(HOLD_SECONDS)
            advance(progress, done, total=total)

        monkeypatch.setattr(Progress, "advance", held_advance)
        self.thread = threading.Thread(target=self._run, args=[job_id], daemon=True)

    def _run(self, job_id: int) -> None:
        try:
            self.outcome.append(run_job(job_id=job_id, kind=JobKind.ONET_IMPORT))
        except Exception as error:  # reported by the test, not lost in the thread
            self.outcome.append(error)
        finally:
            connections.close_all()

    def __enter__(self) -> HeldImport:
        self.thread.start()
        assert self.reached.wait(HOLD_SECONDS), "the import never reached its first batch"
        return self

    def __exit__(self, *exc) -> None:
        self.go.set()
        self.thread.join(HOLD_SECONDS)


def test_sign_ins_and_wizard_saves_succeed_while_an_import_runs(
    catalog, transactional_db, monkeypatch
):
    with connection.cursor() as cursor:  # a request that waited on the import's locks fails
        cursor.execute("SET lock_timeout = '5s'")
    staff, manager = StaffFactory(), ManagerFactory()
    monkeypatch.setattr(services, "enqueue", lambda job: None)  # the thread below is the worker
    job = services.queue_import(uploaded_file=upload_of(zipped_release()), owner=staff)

    writer = Client()
    writer.force_login(manager)
    assert writer.post("/jd/new/", {"role": "software-engineer"}).status_code == 302
    wizard = WizardDriver(writer, JobDescription.objects.get())

    with HeldImport(job.pk, monkeypatch) as held:
        # The import is in its transaction, its first batch written and its rows locked.
        running = OnetImport.objects.get(pk=job.pk)
        assert (running.status, running.stage, running.progress_total) == (
            JobStatus.RUNNING,
            "Importing",
            4,
        )  # its progress, reported through its own connection, is seen at once
        assert not Role.objects.filter(onet_code__in=CODES).exists()  # its rows are not

        signing_in = Client()
        response = signing_in.post(
            "/accounts/login/", {"username": manager.username, "password": PASSWORD}
        )
        assert (response.status_code, response.url) == (302, "/roles/")
        assert signing_in.get("/roles/").status_code == 200

        response = wizard.submit("posting", valid_posting())
        assert response.status_code == 302, response.content.decode()[:2000]
        assert wizard.reload().chosen.posting.company_name == "Acme Analytics"
        assert writer.post("/jd/new/", {"role": "data-scientist"}).status_code == 302
        assert held.thread.is_alive() and not held.outcome

    assert held.outcome == ["succeeded"]
    done = OnetImport.objects.get(pk=job.pk)
    assert done.status == JobStatus.SUCCEEDED, done.error
    assert done.result["counts"]["roles"]["created"] == 4
    assert Role.objects.filter(onet_code__in=CODES).count() == 4
    assert JobDescription.objects.filter(owner=manager).count() == 2
