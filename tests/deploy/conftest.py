"""Harness for the deployment tests: a fresh PostgreSQL database, production settings, and
gunicorn servers started with the repository's gunicorn.conf.py, all on loopback.

The database is made on the PostgreSQL server at 127.0.0.1:5432 whatever DATABASE_URL the suite
itself runs with, so these tests run in the SQLite pass of CI as well as the PostgreSQL one. It is
dropped at the end, and every server started here is stopped, however the test ends.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.support.processes import (
    ROOT,
    clean_environ,
    fresh_postgres_database,
    manage,
    postgres_url,
)

REDIS_URL = "redis://127.0.0.1:6379/15"  # a database of its own, flushed before and after
MANAGER = "deploy-manager"


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "deploy: starts gunicorn servers on a fresh PostgreSQL database (tests/deploy)"
    )


def production_env(**overrides: str) -> dict[str, str]:
    return clean_environ(
        DJANGO_SETTINGS_MODULE="jdbuilder.settings",
        SECRET_KEY="deploy-test-" + secrets.token_urlsafe(40),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        **overrides,
    )


# --- PostgreSQL -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def postgres_database():
    """The name of a new, empty database, dropped afterwards."""
    with fresh_postgres_database("jdbuilder_deploy") as name:
        yield name


# --- static files ----------------------------------------------------------------------------


def static_fingerprint() -> str:
    """A digest of everything collectstatic reads, so its output can be reused while it holds."""
    from importlib.metadata import version

    from django.contrib.staticfiles import finders

    digest = hashlib.sha256()
    for package in ("Django", "whitenoise", "Brotli"):
        digest.update(f"{package} {version(package)}\n".encode())
    # What the production settings say about static files (not the whole file, which changes
    # for other reasons): the storage classes it names, and the static settings in force.
    from django.conf import settings

    source = (ROOT / "jdbuilder" / "settings.py").read_text()
    digest.update(" ".join(re.findall(r"[\w.]+Storage\b", source)).encode())
    static_settings = ["INSTALLED_APPS", "STATICFILES_DIRS", "STATIC_URL"] + sorted(
        name for name in dir(settings) if name.startswith("WHITENOISE_")
    )
    digest.update(repr([getattr(settings, name) for name in static_settings]).encode())
    entries = []
    for finder in finders.get_finders():
        for path, storage in finder.list(["CVS", ".*", "*~"]):
            entries.append((path, storage.path(path)))
    for path, full_path in sorted(entries):
        digest.update(path.encode() + b"\0" + Path(full_path).read_bytes())
    return digest.hexdigest()[:16]


def static_cache_dir() -> Path:
    """Where collected static files are kept between runs without pytest's cache: one directory
    per checkout, as pytest's own cache is."""
    checkout = hashlib.sha256(str(ROOT).encode()).hexdigest()[:12]
    base = Path(tempfile.gettempdir()) / f"jdbuilder-deploy-static-{checkout}"
    base.mkdir(exist_ok=True)
    return base


def start_collectstatic(request, env: dict[str, str]) -> tuple[Path, subprocess.Popen | None]:
    """STATIC_ROOT for the servers, and the collectstatic still filling it (None if reused).

    The real production storage (WhiteNoise's compressed manifest) takes about half a minute to
    build on two cores, so its output is kept in pytest's cache under a digest of its inputs:
    the second run (CI's PostgreSQL pass, a developer's rerun) reuses it. With pytest's cache
    off (`-p no:cacheprovider`) it is kept in the same way in a directory of this checkout's
    under the system's temporary directory.
    """
    cache = getattr(request.config, "cache", None)
    base = cache.mkdir("jdbuilder-deploy-static") if cache is not None else static_cache_dir()
    target = base / static_fingerprint()
    if (target / "staticfiles.json").exists():
        return target, None
    for stale in base.iterdir():
        # Outputs for other inputs, and builds abandoned long ago (not one running right now).
        abandoned = time.time() - stale.stat().st_mtime > 3600
        if not stale.name.startswith("building-") or abandoned:
            shutil.rmtree(stale, ignore_errors=True)
    building = base / f"building-{os.getpid()}-{secrets.token_hex(4)}"
    process = subprocess.Popen(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
        cwd=ROOT,
        env={**env, "STATIC_ROOT": str(building)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    process.building, process.target = building, target  # type: ignore[attr-defined]
    return target, process


def finish_collectstatic(process: subprocess.Popen | None) -> None:
    if process is None:
        return
    try:
        output, _ = process.communicate(timeout=180)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        shutil.rmtree(process.building, ignore_errors=True)
        pytest.fail("collectstatic took more than 180 s")
    if process.returncode != 0:
        shutil.rmtree(process.building, ignore_errors=True)
        pytest.fail(f"collectstatic failed:\n{output[-3000:]}")
    try:
        process.building.rename(process.target)  # whole, or not at all
    except OSError:  # another run got there first with the same inputs: use theirs
        shutil.rmtree(process.building, ignore_errors=True)


# --- the deployment -----------------------------------------------------------------------------


PREPARE_SCRIPT = f"""
import os
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from jdbuilder.accounts import HIRING_MANAGERS, ensure_groups

call_command("migrate", interactive=False, verbosity=0, skip_checks=False)
call_command("createcachetable")
call_command("load_catalog", verbosity=0)
ensure_groups()
user = get_user_model().objects.create_user(
    {MANAGER!r}, password=os.environ["DEPLOY_TEST_PASSWORD"], first_name="Dana", last_name="Deploy"
)
user.groups.add(Group.objects.get(name=HIRING_MANAGERS))
"""


@dataclass
class Deployment:
    database: str
    env: dict[str, str]
    password: str
    tmp: Path


@pytest.fixture(scope="module")
def deployment(request, postgres_database, tmp_path_factory):
    """A migrated database with the catalog, the cache table and one hiring manager, plus the
    collected static files: what an operator prepares once for all app servers."""
    tmp = tmp_path_factory.mktemp("deploy")
    password = secrets.token_urlsafe(16)
    env = production_env(
        DATABASE_URL=postgres_url(postgres_database),
        MEDIA_ROOT=str(tmp / "media"),
        DEPLOY_TEST_PASSWORD=password,
    )
    static_root, collecting = start_collectstatic(request, env)
    try:
        # migrate (with its system checks), createcachetable, load_catalog and the manager, in
        # that order, as an operator runs them: in one `manage.py shell`, which pays Django's
        # start-up once instead of four times.
        manage(env, "shell", "-v0", "--no-imports", "-c", PREPARE_SCRIPT)
    finally:
        finish_collectstatic(collecting)
    env["STATIC_ROOT"] = str(static_root)
    return Deployment(database=postgres_database, env=env, password=password, tmp=tmp)


def flush_redis() -> None:
    try:
        import redis
    except ImportError:
        pytest.fail("The `redis` package is missing: pip install -r requirements.txt")
    client = redis.Redis.from_url(REDIS_URL, socket_timeout=5, socket_connect_timeout=5)
    try:
        client.flushdb()
    except redis.RedisError as error:
        pytest.fail(f"The deployment tests need Redis at {REDIS_URL} (.ci/run starts it): {error}")
    finally:
        client.close()


# --- gunicorn ---------------------------------------------------------------------------------


def free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


@dataclass
class Server:
    name: str
    port: int
    log_path: Path
    process: subprocess.Popen | None = None

    def start(self, env: dict[str, str]) -> None:
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "jdbuilder.wsgi"],
                cwd=ROOT,
                env={**env, "GUNICORN_BIND": f"127.0.0.1:{self.port}"},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: master and workers
            )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def log_tail(self, chars: int = 3000) -> str:
        return f"--- {self.name} (port {self.port}) log:\n{self.log()[-chars:]}"

    def wait_until_answering(self, deadline: float) -> None:
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(
                    f"gunicorn {self.name} exited ({self.process.returncode})\n{self.log_tail()}"
                )
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/accounts/login/")
                status = conn.getresponse().status
                conn.close()
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        pytest.fail(f"gunicorn {self.name} did not answer in time\n" + self.log_tail())

    def terminate(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()  # graceful: the master stops its workers, then itself

    def wait_stopped(self) -> None:
        if self.process is None:
            return
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)  # the group this harness started
            self.process.wait(timeout=10)


@pytest.fixture
def start_servers(deployment, tmp_path):
    """start_servers(**env) -> two gunicorn servers on the deployment, both answering."""
    started: list[Server] = []

    def start(**env_overrides: str) -> list[Server]:
        env = {
            **deployment.env,
            "WEB_CONCURRENCY": "2",
            "GUNICORN_GRACEFUL_TIMEOUT": "5",
            **env_overrides,
        }
        servers = [
            Server(name, port, tmp_path / f"gunicorn-{name}.log")
            for name, port in zip("AB", free_ports(2), strict=True)
        ]
        for server in servers:
            started.append(server)
            server.start(env)
        deadline = time.monotonic() + 45
        for server in servers:
            server.wait_until_answering(deadline)
        return servers

    yield start
    for server in started:  # all at once: each takes a few seconds to shut down
        server.terminate()
    for server in started:
        server.wait_stopped()


@pytest.fixture
def start_worker(deployment, tmp_path):
    """start_worker(**env) -> a Celery worker process on the deployment, stopped afterwards."""
    started: list[subprocess.Popen] = []

    def start(**env_overrides: str) -> subprocess.Popen:
        log = (tmp_path / "worker.log").open("ab")
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "jdbuilder", "worker", "--concurrency", "1"],
            cwd=ROOT,
            env={**deployment.env, **env_overrides},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)  # warm shutdown of the worker's group
    for process in started:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


# --- a browser-like HTTP client ------------------------------------------------------------------


@dataclass
class Response:
    server: str
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")


@dataclass
class AlternatingClient:
    """One browser's cookies, sent to two servers in turn: every request goes to the server the
    previous one did not, as a load balancer without sticky sessions may do."""

    servers: list[Server]
    cookies: dict[str, str] = field(default_factory=dict)
    history: list[tuple[str, str, str, int]] = field(default_factory=list)
    turn: int = 0

    def request(self, method: str, path: str, fields=None, headers=None) -> Response:
        server = self.servers[self.turn % len(self.servers)]
        self.turn += 1
        body = None
        sent = {"Accept": "text/html,*/*", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        if fields is not None:
            body = urlencode(
                [(name, value) for name, values in fields.items() for value in values]
            ).encode()
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=sent)
            raw = conn.getresponse()
            response = Response(server.name, raw.status, raw.headers, raw.read())
        finally:
            conn.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                if morsel.value == "" or morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        self.history.append((server.name, method, path, response.status))
        return response

    def get(self, path: str, **kwargs) -> Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, fields: dict[str, list[str]], **kwargs) -> Response:
        return self.request("POST", path, fields=fields, **kwargs)
