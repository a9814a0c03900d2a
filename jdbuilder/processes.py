"""Processes that must not outlive the process that started them."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys

PR_SET_PDEATHSIG = 1


def end_with_parent(sig: int = signal.SIGTERM, *, parent_pid: int | None = None) -> bool:
    """Ask Linux to send `sig` to this process when its parent dies (prctl PR_SET_PDEATHSIG).

    A gunicorn master or Celery worker killed with SIGKILL cannot stop its children itself;
    with this, they stop at once instead of answering requests (or running tasks) unsupervised.
    `parent_pid`, the parent that forked this process, closes the gap between the fork and this
    call: if that parent died meanwhile (this process was already handed to another), `sig` is
    sent now. Returns False where the call does not exist (not Linux).
    """
    if not sys.platform.startswith("linux"):
        return False
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0) != 0:
        return False
    if parent_pid is not None and os.getppid() != parent_pid:
        os.kill(os.getpid(), sig)
    return True
