"""A worker killed with SIGKILL in the middle of a render loses nothing and leaves nothing behind:
its pool processes end with it (jdbuilder/celery.py: end_with_parent in each pool process), the
unacknowledged message is delivered again (acks_late, Redis's visibility timeout), and the next
worker stores exactly one file per format, the same bytes as a clean render.

The renders are made slow by tests/workers/slow_worker.py (it patches WeasyPrint in the worker's
process before Celery starts), so the kill lands while a pool process is inside one.
"""

from __future__ import annotations

import os
import signal
import time

import pytest

from tests.support.processes import kill_process_group, wait_until
from tests.workers.conftest import (
    STORED_FORMATS,
    compare_with_clean_render,
    finalize,
    job_row,
    stored_files,
    unacknowledged_since,
    wait_for_job,
    wait_until_rendering,
)

pytestmark = pytest.mark.workers

# Redis hands a message that a worker took and never acknowledged to another worker after this
# many seconds (the settings' default is 900: long enough for any task to be acknowledged).
SHORT_VISIBILITY = {"CELERY_VISIBILITY_TIMEOUT": "5"}


def test_pool_processes_end_with_a_killed_worker(start_worker, app, workers_database):
    worker = start_worker("pool-owner", slow_render=120, concurrency=2)
    pool = worker.pool()
    assert len(pool) == 2, f"expected 2 pool processes, found {pool}\n{worker.log_tail()}"
    finalized = finalize(app, "Pool of a killed worker")
    wait_until_rendering(worker, workers_database, finalized["job"])

    # Only the main process is killed, as the out-of-memory killer would: one of its pool
    # processes is inside a render that would go on for two minutes, the other is idle.
    os.kill(worker.pid, signal.SIGKILL)
    assert worker.process.wait(timeout=10) == -signal.SIGKILL
    gone = wait_until(lambda: not worker.running_processes(pool), timeout=5, interval=0.1)
    assert gone, f"pool processes {worker.running_processes(pool)} outlived their worker"
    assert stored_files(workers_database, finalized["revision"]) == []
    # What the test leaves: a running job whose message a later worker takes over (see below).
    assert job_row(workers_database, finalized["job"])["status"] == "running"


def test_a_render_killed_midway_is_done_once_by_the_next_worker(
    start_worker, app, workers_database
):
    slow = start_worker("killed", slow_render=120, **SHORT_VISIBILITY)
    finalized = finalize(app, "Killed while rendering")
    wait_until_rendering(slow, workers_database, finalized["job"])
    pool = slow.pool()

    kill_process_group(slow.process)  # the main process and its pool, at once
    assert slow.process.returncode == -signal.SIGKILL
    assert wait_until(lambda: not slow.running_processes(pool), timeout=5)
    assert stored_files(workers_database, finalized["revision"]) == []
    assert job_row(workers_database, finalized["job"])["attempts"] == 1

    # Redis keeps the message the killed worker took but never acknowledged, with the time it
    # was taken. Once it is older than the visibility timeout, a worker's check (at its start,
    # then every 100 s or so) puts it back in the queue.
    taken_at = unacknowledged_since()
    assert len(taken_at) == 1, f"unacknowledged messages: {taken_at}"
    visible_again_at = taken_at[0] + int(SHORT_VISIBILITY["CELERY_VISIBILITY_TIMEOUT"]) + 0.5
    time.sleep(max(0.0, visible_again_at - time.time()))
    start_worker("successor", **SHORT_VISIBILITY)
    job = wait_for_job(workers_database, finalized["job"], "succeeded", timeout=40)
    assert job["attempts"] == 2, "the killed attempt, then the one that finished"
    assert job["error"] == ""

    comparison = compare_with_clean_render(app, finalized["revision"])
    assert sorted(comparison) == sorted(STORED_FORMATS)
    for fmt, found in comparison.items():
        assert found["starts"] == "%PDF-", fmt
        assert found["count"] == 1, f"{found['count']} stored {fmt} files"
        assert found["identical"] == [True], f"the stored {fmt} differs from a clean render"
        assert found["digest_matches"] == [True], fmt
