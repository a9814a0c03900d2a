"""What the tests that run `manage.py` or servers in other processes share: an environment with
nothing leaked from the suite's own, `manage.py` in a subprocess, and fresh PostgreSQL databases
on the server at 127.0.0.1:5432 (made whatever DATABASE_URL the suite runs with, so both CI passes
run these tests). Kept import-light: Django is never imported here.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PG_HOST, PG_PORT, PG_USER = "127.0.0.1", 5432, "postgres"

# What the suite's own environment may have set that must not leak into another process.
LEAKY_PREFIXES = ("DJANGO_", "GUNICORN_", "SECURE_", "SESSION_", "CSRF_")
LEAKY_NAMES = {
    "DATABASE_URL",
    "DATABASE_CONN_MAX_AGE",
    "REDIS_URL",
    "SECRET_KEY",
    "STATIC_ROOT",
    "MEDIA_ROOT",
    "ALLOWED_HOSTS",
    "BEHIND_TLS_PROXY",
    "WEB_CONCURRENCY",
    "FORWARDED_ALLOW_IPS",
    "PORT",
    "LOG_LEVEL",
    "MAKEFLAGS",
    "MFLAGS",
    "MAKELEVEL",
    "MAKEOVERRIDES",
}


def clean_environ(**settings: str) -> dict[str, str]:
    """This process's environment without anything that configures the app, plus `settings`."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in LEAKY_NAMES and not key.startswith(LEAKY_PREFIXES)
    }
    env.update(PYTHONUNBUFFERED="1", **settings)
    return env


def manage(env: dict[str, str], *args: str, timeout: float = 120) -> str:
    """`manage.py args` in a subprocess; its standard output, or a failed assertion with both."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert result.returncode == 0, (
        f"manage.py {' '.join(args)} failed ({result.returncode}):\n"
        f"{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    )
    return result.stdout


def postgres_url(name: str) -> str:
    return f"postgres://{PG_USER}@{PG_HOST}:{PG_PORT}/{name}"


def admin_connection():
    import psycopg
    import pytest

    try:
        return psycopg.connect(
            host=PG_HOST,
            port=PG_PORT,
            user=PG_USER,
            dbname="postgres",
            autocommit=True,
            connect_timeout=5,
        )
    except psycopg.OperationalError as error:
        pytest.fail(
            f"These tests need the PostgreSQL server at {PG_HOST}:{PG_PORT} "
            f"(user {PG_USER}, trust auth); .ci/run starts it. {error}"
        )


@contextlib.contextmanager
def fresh_postgres_database(prefix: str) -> Iterator[str]:
    """The name of a new, empty PostgreSQL database, dropped afterwards however the test ends."""
    name = f"{prefix}_{os.getpid()}_{secrets.token_hex(4)}"
    with admin_connection() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        with admin_connection() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
