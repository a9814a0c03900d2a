"""A gunicorn master killed with SIGKILL takes its workers with it (gunicorn.conf.py's post_fork
hook: jdbuilder.processes.end_with_parent), so no worker answers requests unsupervised and the
port is free for the master that replaces it.

Without the hook an idle sync worker notices its master is gone only when its wait for a
connection times out (half of gunicorn's `timeout`: 60 s), and a busy one not while requests
keep coming. Nothing here connects to the server after the kill until the workers are gone, so
no request wakes a worker up early.
"""

from __future__ import annotations

import os
import signal
import time

import pytest

from tests.deploy.conftest import Server, production_env
from tests.support.processes import (
    accepts_connections,
    children_of,
    free_port,
    is_running,
    kill_process_group,
    wait_until,
)

pytestmark = pytest.mark.deploy


def test_workers_end_within_two_seconds_of_their_master(tmp_path):
    # The server is only started and killed: no request it answers reads the database.
    env = production_env(
        DATABASE_URL=f"sqlite:///{tmp_path / 'never-opened.sqlite3'}",
        DJANGO_PLAIN_STATIC="1",
        WEB_CONCURRENCY="2",
    )
    server = Server("master-killed", free_port(), tmp_path / "gunicorn.log")
    server.start(env)
    try:
        server.wait_until_answering(time.monotonic() + 45)
        master = server.process.pid
        workers = wait_until(
            lambda: len(children_of(master)) == 2 and children_of(master), timeout=15
        )
        assert workers, f"gunicorn did not start 2 workers\n{server.log_tail()}"
        assert all(is_running(pid) for pid in workers)

        os.kill(master, signal.SIGKILL)
        killed_at = time.monotonic()
        assert server.process.wait(timeout=5) == -signal.SIGKILL
        all_gone = wait_until(
            lambda: not any(is_running(pid) for pid in workers), timeout=2, interval=0.02
        )
        took = time.monotonic() - killed_at
        still_running = [pid for pid in workers if is_running(pid)]
        assert all_gone, (
            f"workers {still_running} still run {took:.1f} s after their master was killed\n"
            + server.log_tail()
        )
        assert not accepts_connections(server.port), "the port still accepts connections"
    finally:
        kill_process_group(server.process)
