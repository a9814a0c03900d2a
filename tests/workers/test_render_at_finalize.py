"""Finalizing a JD with a broker configured: the request only queues the render, a real worker
process stores both PDFs without anyone downloading them; and when the broker is down at that
moment, or flushed before a worker takes the message, the job waits in PostgreSQL and the
sweep sends it again.
"""

from __future__ import annotations

import hashlib
import time

import pytest
from django.conf import settings

from tests.support.processes import free_port
from tests.workers.conftest import (
    STORED_FORMATS,
    app_env,
    finalize,
    job_row,
    redis_client,
    stored_files,
    sweep,
    wait_for_job,
)

pytestmark = pytest.mark.workers

# How much longer than the broker's connection timeout a finalize may take with the broker down:
# the finalize itself takes a fraction of a second.
MARGIN = 3


def assert_both_pdfs_stored(database_url: str, revision_id: int) -> None:
    files = stored_files(database_url, revision_id)
    assert [fmt for fmt, _, _ in files] == sorted(STORED_FORMATS)
    for fmt, sha256, content in files:
        assert content.startswith(b"%PDF-"), fmt
        assert sha256 == hashlib.sha256(content).hexdigest(), fmt


def test_a_worker_stores_both_pdfs_soon_after_finalizing(start_worker, app, workers_database):
    start_worker("integration")

    finalized = finalize(app, "Stored by a worker")

    assert finalized["final"]
    job = wait_for_job(workers_database, finalized["job"], "succeeded", timeout=30)
    assert job["attempts"] == 1 and job["error"] == ""
    assert_both_pdfs_stored(workers_database, finalized["revision"])
    took = float(job["seconds"])  # from the job's row: queued at finalize, finished when stored
    print(f"finalize to both PDFs stored: {took:.1f} s")
    assert took < 15, f"the worker took {took:.1f} s to store two PDFs"


def test_finalizing_with_the_broker_down_queues_the_job_for_the_sweep(
    start_worker, app, workers_database, broker
):
    nothing_listens = f"redis://127.0.0.1:{free_port()}/0"
    finalized = finalize(app_env(workers_database, nothing_listens), "Broker down")

    assert finalized["final"], "the finalize went through"
    limit = settings.CELERY_BROKER_CONNECTION_TIMEOUT + MARGIN
    assert finalized["took"] < limit, f"finalizing took {finalized['took']:.1f} s"
    job = job_row(workers_database, finalized["job"])
    assert job["status"] == "queued" and job["attempts"] == 0
    assert stored_files(workers_database, finalized["revision"]) == []

    start_worker("after-outage")
    time.sleep(1)  # nothing reaches the worker: the message was never sent
    assert job_row(workers_database, finalized["job"])["status"] == "queued"

    report = sweep(app)
    assert report["resent"] >= 1
    job = wait_for_job(workers_database, finalized["job"], "succeeded", timeout=30)
    assert job["attempts"] == 1
    assert_both_pdfs_stored(workers_database, finalized["revision"])


def test_a_flushed_redis_loses_no_work(start_worker, app, workers_database):
    finalized = finalize(app, "Redis flushed")
    client = redis_client()
    try:
        assert client.llen("celery") == 1, "the render's message waits in the queue"
        client.flushdb()
        assert client.llen("celery") == 0
    finally:
        client.close()

    start_worker("after-flush")
    time.sleep(1)
    job = job_row(workers_database, finalized["job"])
    assert job["status"] == "queued" and job["attempts"] == 0, "the row still says queued"
    assert stored_files(workers_database, finalized["revision"]) == []

    report = sweep(app)
    assert report["resent"] >= 1
    job = wait_for_job(workers_database, finalized["job"], "succeeded", timeout=30)
    assert job["attempts"] == 1
    assert_both_pdfs_stored(workers_database, finalized["revision"])
