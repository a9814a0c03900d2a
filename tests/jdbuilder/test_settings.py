"""The production settings (jdbuilder/settings.py), read by `manage.py` in a subprocess: no
start without SECRET_KEY, DEBUG off unless asked for, the deployment checks, DATABASE_URL."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DJANGO_DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    clean.update(env, DJANGO_SETTINGS_MODULE="jdbuilder.settings")
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_refuses_to_start_without_secret_key_when_debug_is_off():
    result = run_manage("check")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_debug_is_off_unless_asked_for():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DEBUG)",
        SECRET_KEY="x" * 60,
    )
    assert result.stdout.strip().endswith("False")


def test_development_runs_without_secret_key_when_debug_is_asked_for():
    result = run_manage("check", DJANGO_DEBUG="1")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("extra", [{}, {"DATABASE_URL": "postgres://u@db.example.com/jd"}])
def test_production_settings_pass_the_deployment_checks(extra):
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY="k3y-" + "a1B2c3D4e5F6g7H8i9J0" * 3,
        ALLOWED_HOSTS="jd.example.com",
        **extra,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_database_url_selects_the_database():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; d = settings.DATABASES['default'];"
        "print(d['ENGINE'], d['NAME'], d['HOST'])",
        DJANGO_DEBUG="1",
        DATABASE_URL="postgres://someone@db.example.com:5432/jobs",
    )
    assert "django.db.backends.postgresql jobs db.example.com" in result.stdout
