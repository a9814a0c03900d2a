"""Fixtures of the jobs foundation's tests: job rows at chosen moments, fake handlers put in
place of a kind's own (monkeypatched `RULES` entries), and a record of what was sent."""

from __future__ import annotations

import dataclasses
import datetime

import pytest
from django.utils import timezone

from jdbuilder.jobs import queue, services
from jdbuilder.jobs.models import Job, JobKind, JobStatus
from tests.jdbuilder.jobs import fakes


@pytest.fixture
def make_job(db):
    """make_job(status=, kind=, age=, queued=, started=, lease=, finished=, expires=, **fields).

    `age`: seconds since it was created; `queued`, `started`, `lease`, `finished`, `expires`:
    seconds from now (negative: in the past) of queued_at, started_at, lease_until, finished_at,
    expires_at.
    """

    def make(
        status=JobStatus.QUEUED,
        *,
        kind=JobKind.EMAIL,
        age=0,
        queued=None,
        started=None,
        lease=None,
        finished=None,
        expires=None,
        **fields,
    ) -> Job:
        now = timezone.now()

        def at(seconds):
            return None if seconds is None else now + datetime.timedelta(seconds=seconds)

        return Job.objects.create(
            kind=kind,
            status=status,
            created_at=now - datetime.timedelta(seconds=age),
            queued_at=at(-age if queued is None else queued),
            started_at=at(started),
            lease_until=at(lease),
            finished_at=at(finished),
            expires_at=at(expires),
            **fields,
        )

    return make


@pytest.fixture
def use_handler(monkeypatch):
    """use_handler(kind, name, **rules): run `kind`'s jobs with tests/.../fakes.py's `name`."""
    fakes.calls.clear()

    def use(kind: str, name: str, **rules) -> services.KindRules:
        replaced = dataclasses.replace(
            services.RULES[kind], handler=f"tests.jdbuilder.jobs.fakes.{name}", **rules
        )
        monkeypatch.setitem(services.RULES, kind, replaced)
        return replaced

    yield use
    fakes.calls.clear()


@pytest.fixture
def sent(monkeypatch):
    """The (job id, kind) of every message sent to the workers, instead of sending it."""
    messages: list[tuple[int, str]] = []

    def record(job_id: int, kind: str) -> bool:
        messages.append((job_id, kind))
        return True

    monkeypatch.setattr(queue, "publish", record)
    return messages
