"""Where and how much `bench.run` measures: the repetitions, the processes' environment.

Free of settings and models, so the runner can import it before `setup_django()` has chosen the
settings and the database of the process.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import django

BASE_DIR = Path(__file__).resolve().parent.parent

REPEATS = {
    "full": {"request": 100, "pdf": 11, "stored": 100, "search": 30, "renders": 200, "warmup": 10,
             "load_seconds": 5, "worker": 9},
    "quick": {"request": 20, "pdf": 3, "stored": 20, "search": 5, "renders": 20, "warmup": 3,
              "load_seconds": 2, "worker": 3},
}  # fmt: skip

# What `--profile` can profile (bench.profiling).
PROFILES = [
    "wizard",
    "get-role",
    "get-responsibilities",
    "get-tools",
    "get-posting",
    "get-review",
    "post",
    "preview",
    "finalize",
    "role",
    "minimal",
    "pdf",
    "stored",
    "static",
    "search",
]


def repeats_for(quick: bool) -> dict[str, int]:
    """The repetitions of a `--quick` run, or of a full one."""
    return REPEATS["quick" if quick else "full"]


def bench_env(workdir: Path, database_url: str) -> dict[str, str]:
    """The environment of a benchmark process on `database_url`, its files under `workdir`."""
    return {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": database_url,
        "STATIC_ROOT": str(workdir / "static"),
        "MEDIA_ROOT": str(workdir / "media"),
        "PYTHONPATH": str(BASE_DIR),
    }


def setup_django(env: dict[str, str]) -> None:
    """Put `env` into this process's environment and set Django up with it."""
    os.environ.update(env)
    sys.path.insert(0, str(BASE_DIR))
    django.setup()
