"""The e-mails that say a background job has finished (jdbuilder/notices.py), and how run_job
sends them: once per finished job, never failing it."""

from __future__ import annotations

import dataclasses
import datetime

import pytest
from django.core import mail
from django.utils import timezone

from jdbuilder import notices
from jdbuilder.jobs import services
from jdbuilder.jobs.models import Job, JobKind, JobStatus
from tests.factories import ManagerFactory
from tests.support.jobs import run_queued_jobs

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner():
    return ManagerFactory(email="pat@example.com")


def finished(owner, kind: str, status: str = JobStatus.SUCCEEDED, **fields) -> Job:
    return Job.objects.create(
        kind=kind,
        status=status,
        owner=owner,
        finished_at=timezone.now(),
        **fields,
    )


def sent() -> list:
    run_queued_jobs(kind=JobKind.EMAIL)
    return mail.outbox


def test_a_finished_export_tells_its_owner_where_to_download_it(owner, settings):
    settings.SITE_URL = "https://jd.example.com"
    expires = timezone.now() + datetime.timedelta(hours=24)
    job = finished(owner, JobKind.EXPORT, title="ZIP of 3 job descriptions", expires_at=expires)
    notices.export_finished(job)
    [message] = sent()
    assert message.to == ["pat@example.com"]
    assert message.subject == "Your export is ready"
    assert f"https://jd.example.com/exports/{job.public_id}/" in message.body
    assert "ZIP of 3 job descriptions" in message.body
    html, _ = message.alternatives[0]
    assert f'href="https://jd.example.com/exports/{job.public_id}/"' in html


@pytest.mark.parametrize("status", [JobStatus.FAILED, JobStatus.RUNNING])
def test_an_export_that_did_not_succeed_sends_nothing(owner, status):
    notices.export_finished(finished(owner, JobKind.EXPORT, status=status))
    assert sent() == []


def test_an_owner_without_an_address_gets_no_mail_and_no_error(owner):
    owner.email = ""
    owner.save()
    notices.export_finished(finished(owner, JobKind.EXPORT))
    notices.import_finished(finished(owner, JobKind.ONET_IMPORT))
    assert sent() == []


def test_an_import_tells_the_uploader_how_it_ended(owner):
    ok = finished(owner, JobKind.ONET_IMPORT, result={"summary": "roles: 3 created"})
    notices.import_finished(ok)
    refused = finished(
        owner, JobKind.ONET_IMPORT, status=JobStatus.FAILED, error="Skills.txt line 3: bad"
    )
    notices.import_finished(refused)
    first, second = sent()
    assert first.subject == "O*NET import finished: imported"
    assert "roles: 3 created" in first.body
    assert f"/admin/jdbuilder/onetimport/{ok.pk}/change/" in first.body
    assert second.subject == "O*NET import finished: not imported"
    assert "Skills.txt line 3: bad" in second.body


def test_run_job_sends_the_notice_once_and_a_broken_notice_never_fails_the_job(owner, monkeypatch):
    calls = []
    rules = services.RULES[JobKind.EXPORT]
    monkeypatch.setitem(
        services.RULES,
        JobKind.EXPORT,
        dataclasses.replace(rules, handler="tests.jdbuilder.jobs.fakes.count_params"),
    )

    def broken(job):
        calls.append(job.pk)
        raise RuntimeError("mail templates missing")

    monkeypatch.setattr(notices, "export_finished", broken)
    job = Job.objects.create(kind=JobKind.EXPORT, owner=owner, params={"items": [1, 2]})
    assert services.run_job(job_id=job.pk, kind=JobKind.EXPORT) == "succeeded"
    assert services.run_job(job_id=job.pk, kind=JobKind.EXPORT) == "skipped"
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.result == {"items": 2}
    assert calls == [job.pk]  # once: the duplicate run was skipped
