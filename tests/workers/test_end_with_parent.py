"""jdbuilder.processes.end_with_parent: a process that asked ends when its parent dies, even by
SIGKILL, and at once if its parent died before it asked."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from tests.support.processes import ROOT, is_running, kill_process_group, wait_until

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux only")

# A parent that starts a child which asks to end with it; both write to the same pipe.
PARENT = """
import subprocess, sys, time
child = subprocess.Popen([sys.executable, "-c", sys.argv[1]])
print("child", child.pid, flush=True)
time.sleep(60)
"""
CHILD = """
import os, time
from jdbuilder.processes import end_with_parent
print("asked", end_with_parent(parent_pid=os.getppid()), flush=True)
time.sleep(60)
"""


def test_a_child_ends_when_its_parent_is_killed():
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT, CHILD],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        lines = dict(parent.stdout.readline().split() for _ in range(2))
        child = int(lines["child"])
        assert lines["asked"] == "True" and is_running(child)
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(timeout=5)
        assert wait_until(lambda: not is_running(child), timeout=2), "the child outlived it"
    finally:
        parent.stdout.close()
        kill_process_group(parent)


def test_a_child_whose_parent_is_already_gone_ends_at_once():
    # A parent pid that is not this process's parent: as if the parent died (and the child was
    # adopted) between the fork and the call.
    code = (
        "import os, time\n"
        "from jdbuilder.processes import end_with_parent\n"
        "end_with_parent(parent_pid=os.getppid() + 1)\n"
        "time.sleep(60)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, timeout=30, check=False)
    assert result.returncode == -signal.SIGTERM
