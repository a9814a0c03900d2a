"""The machine a run measured on, for the report: CPU, memory, versions, load generator.

`parallel_speedup()` tells how much a second core really gives (2.0 on two real, idle cores);
the load lines depend on it, since the server and the load generator share the machine.
"""

from __future__ import annotations

import os
import platform
import sqlite3
import subprocess
import time
from concurrent.futures import ProcessPoolExecutor
from importlib.metadata import version

import django
import weasyprint

from bench.load import wrk_available


def machine() -> dict[str, str]:
    """What the report's "Machine" section lists, by name."""
    cpu = "unknown"
    with open("/proc/cpuinfo", encoding="utf-8") as info:
        for line in info:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = "unknown"
    with open("/proc/meminfo", encoding="utf-8") as info:
        for line in info:
            if line.startswith("MemTotal:"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    wrk = "not installed (python threads used)"
    if wrk_available():
        result = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
        wrk = (result.stdout or result.stderr).splitlines()[0].strip()
    return {
        "nproc": str(len(os.sched_getaffinity(0))),
        "parallel speedup, 2 CPU-bound processes": f"{parallel_speedup():.2f}x",
        "cpu": cpu,
        "memory": mem,
        "os": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "weasyprint": weasyprint.__version__,
        "gunicorn": version("gunicorn"),
        "sqlite": sqlite3.sqlite_version,
        "load generator": wrk,
    }


def _burn(n: int) -> int:
    total = 0
    for i in range(n):
        total += i * i
    return total


def parallel_speedup(n: int = 4_000_000) -> float:
    """Throughput of two CPU-bound processes over one: 2.0 on two real, idle cores."""
    with ProcessPoolExecutor(2) as pool:
        list(pool.map(_burn, [1000, 1000]))  # start both workers first
        started = time.perf_counter()
        pool.submit(_burn, n).result()
        one = time.perf_counter() - started
        started = time.perf_counter()
        list(pool.map(_burn, [n, n]))
        two = time.perf_counter() - started
    return 2 * one / two
