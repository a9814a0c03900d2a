"""Stopping a worker as docs/systemd/jdbuilder-worker.service stops it: its ExecStop sends
SIGTERM to the main process alone and waits, so the render in hand finishes (a warm shutdown)
before KillMode=control-group signals whatever is left. The second test shows why the unit
needs that ExecStop: SIGTERM to every process of the worker at once, which is what
KillMode=control-group sends without one, ends the pool process in the middle of the render.
"""

from __future__ import annotations

import os
import signal
import subprocess

import pytest

from tests.support.processes import ROOT, clean_environ, read_unit, unit_command, wait_until
from tests.workers.conftest import (
    STORED_FORMATS,
    WORKER_UNIT,
    finalize,
    job_row,
    stored_files,
    wait_until_rendering,
)

pytestmark = pytest.mark.workers


def unit_stop_command() -> list[str]:
    (exec_stop,) = read_unit(WORKER_UNIT)["Service"]["ExecStop"]
    return unit_command(exec_stop, {})


def test_the_units_stop_lets_the_render_in_hand_finish(start_worker, app, workers_database):
    worker = start_worker("stopped", slow_render=2)
    finalized = finalize(app, "Finished while stopping")
    wait_until_rendering(worker, workers_database, finalized["job"])
    pool = worker.pool()

    # systemd runs ExecStop with MAINPID set, and reaps the main process as it exits (here the
    # test is its parent, so the test waits for it while the stop command runs).
    stop = subprocess.Popen(
        unit_stop_command(), cwd=ROOT, env=clean_environ(MAINPID=str(worker.pid))
    )
    try:
        assert worker.process.wait(timeout=60) == 0, worker.log_tail()
        assert stop.wait(timeout=10) == 0, "the stop command returns once the worker is gone"
    finally:
        if stop.poll() is None:
            stop.kill()
            stop.wait()

    job = job_row(workers_database, finalized["job"])
    assert job["status"] == "succeeded", f"the render was cut short: {job}\n{worker.log_tail()}"
    assert job["attempts"] == 1
    assert [fmt for fmt, _, _ in stored_files(workers_database, finalized["revision"])] == sorted(
        STORED_FORMATS
    )
    assert wait_until(lambda: not worker.running_processes(pool), timeout=5)


def test_sigterm_to_every_worker_process_cuts_the_render_short(start_worker, app, workers_database):
    worker = start_worker("group-terminated", slow_render=60)
    finalized = finalize(app, "Cut short by a group SIGTERM")
    wait_until_rendering(worker, workers_database, finalized["job"])

    os.killpg(worker.pid, signal.SIGTERM)
    worker.process.wait(timeout=60)

    assert job_row(workers_database, finalized["job"])["status"] == "running", (
        "the job never finished: its pool process was ended mid-render"
    )
    assert stored_files(workers_database, finalized["revision"]) == []
    assert "WorkerLostError" in worker.log(), worker.log_tail()
