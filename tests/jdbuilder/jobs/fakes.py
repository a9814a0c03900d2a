"""Handlers `(job, progress) -> dict` that stand in for a feature's own in the foundation's
tests (conftest.use_handler registers one for a kind). Each records the job it ran in `calls`."""

from __future__ import annotations

from celery.exceptions import SoftTimeLimitExceeded
from django.db import OperationalError

from jdbuilder.jobs.files import ChunkWriter
from jdbuilder.jobs.models import JobFileRole
from jdbuilder.jobs.services import JobRefused

calls: list[int] = []


def count_params(job, progress) -> dict:
    """Reports progress over the items in its params and returns how many it saw."""
    calls.append(job.pk)
    items = job.params.get("items", [])
    progress.stage("Counting", total=len(items))
    for done, _ in enumerate(items, start=1):
        progress.advance(done)
    return {"items": len(items)}


def refuse(job, progress) -> dict:
    calls.append(job.pk)
    raise JobRefused("The upload is not an O*NET release: Occupation Data.txt is missing.")


def lose_the_database(job, progress) -> dict:
    calls.append(job.pk)
    raise OperationalError("server closed the connection unexpectedly")


def crash(job, progress) -> dict:
    calls.append(job.pk)
    raise ValueError("unexpected value in row 12")


def overrun(job, progress) -> dict:
    calls.append(job.pk)
    raise SoftTimeLimitExceeded()


def write_output(job, progress) -> dict:
    """An export-like handler: writes its result file in chunks, as the real ones do."""
    calls.append(job.pk)
    writer = ChunkWriter(job, role=JobFileRole.OUTPUT, name="export.csv", content_type="text/csv")
    for row in range(job.params.get("rows", 3)):
        writer.write(f"{row},JD number {row}\n".encode())
    stored = writer.close()
    return {"file": stored.name, "size": stored.size, "sha256": stored.sha256}
