"""What the tests that run `manage.py` or servers in other processes share: an environment with
nothing leaked from the suite's own, `manage.py` in a subprocess, and fresh PostgreSQL databases
on the server at 127.0.0.1:5432 (made whatever DATABASE_URL the suite runs with, so both CI passes
run these tests). Kept import-light: Django is never imported here.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shlex
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PG_HOST, PG_PORT, PG_USER = "127.0.0.1", 5432, "postgres"

# What the suite's own environment may have set that must not leak into another process.
LEAKY_PREFIXES = ("DJANGO_", "GUNICORN_", "SECURE_", "SESSION_", "CSRF_", "CELERY_", "JOBS_")
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


# --- processes seen from outside: what is running, and stopping what a test started ----------


def is_running(pid: int) -> bool:
    """Whether `pid` is a live process: a zombie (dead, not yet reaped by whoever adopted it)
    no longer runs code or holds its sockets, so it does not count."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return False
    # The state follows the command name, which is in parentheses and may contain spaces.
    state = stat.rpartition(")")[2].split()[0]
    return state not in {"Z", "X"}


def children_of(pid: int) -> list[int]:
    """The processes `pid` forked that are still its children (any of its threads may fork)."""
    children: list[int] = []
    try:
        threads = list(Path(f"/proc/{pid}/task").iterdir())
    except FileNotFoundError:
        return children
    for thread in threads:
        try:
            children.extend(int(child) for child in (thread / "children").read_text().split())
        except FileNotFoundError:  # the thread ended meanwhile
            continue
    return sorted(set(children))


def wait_until(condition: Callable[[], object], *, timeout: float, interval: float = 0.05):
    """Poll `condition` until it returns something true (returned), or None after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() >= deadline:
            return None
        time.sleep(interval)


def kill_process_group(process: subprocess.Popen) -> None:
    """SIGKILL the process group `process` leads (started with start_new_session=True), and
    reap `process` itself. Nothing it started survives, whatever state the test left it in."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=10)


def free_port() -> int:
    """A loopback TCP port nothing listens on (free when asked; tests bind it soon after)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def accepts_connections(port: int, host: str = "127.0.0.1") -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


# --- systemd unit files (docs/systemd), read as systemd reads them ------------------------------


def read_unit(path: Path) -> dict[str, dict[str, list[str]]]:
    """A unit file's settings: section -> key -> every value given, in order (keys such as
    Environment= may repeat). Comment lines and backslash continuations as systemd reads them."""
    sections: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] | None = None
    logical, lines = "", []
    for raw in path.read_text().splitlines():
        stripped = raw.strip()
        if stripped.startswith(("#", ";")):
            continue
        if stripped.endswith("\\"):
            logical += stripped[:-1] + " "
            continue
        lines.append(logical + stripped)
        logical = ""
    for line in lines:
        if not line:
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], {})
            continue
        assert current is not None, f"{path.name}: a setting before any [Section]: {line!r}"
        key, equals, value = line.partition("=")
        assert equals, f"{path.name}: not a setting: {line!r}"
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


def unit_environment(service: dict[str, list[str]]) -> dict[str, str]:
    """The variables a [Service] section's Environment= lines set (EnvironmentFile= aside)."""
    variables: dict[str, str] = {}
    for value in service.get("Environment", []):
        for assignment in shlex.split(value):
            name, _, setting = assignment.partition("=")
            variables[name] = setting
    return variables


_UNIT_SUBSTITUTION = re.compile(r"\$\$|%%|\$\{(\w+)\}|\$(\w+)")


def unit_command(line: str, environment: dict[str, str]) -> list[str]:
    """An Exec...= line as the arguments systemd runs: quoting as in a shell, `${NAME}` replaced
    by the variable's value within its argument, `$$` and `%%` a literal `$` and `%`."""

    def substitute(match: re.Match) -> str:
        if match.group(0) in ("$$", "%%"):
            return match.group(0)[0]
        if match.group(2):
            raise ValueError(f"${match.group(2)} splits into words: write ${{{match.group(2)}}}")
        return environment[match.group(1)]

    return [_UNIT_SUBSTITUTION.sub(substitute, word) for word in shlex.split(line)]
