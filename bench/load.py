"""Requests per second of gunicorn (two sync workers) under a loopback load generator.

The generator is `wrk` (Debian's package) when it is on PATH, else a bounded pool of Python
threads making http.client requests; `LoadResult.tool` says which one ran. Both use 8 concurrent
connections for a fixed duration and only ever connect to 127.0.0.1. An empty `cookie` sends
no Cookie header at all (an anonymous visitor: the careers pages, bench.careers).
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

HOST = "127.0.0.1"
CONNECTIONS = 8
WRK_THREADS = 2


@dataclass
class LoadResult:
    rps: float
    requests: int
    errors: int
    seconds: float
    tool: str


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def production_env(extra: dict[str, str]) -> dict[str, str]:
    """The production settings' environment, as the benchmark runs them over plain HTTP."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_DEBUG", "SECURE_", "SESSION_", "CSRF_", "ALLOWED_HOSTS"))
    }
    env.update(
        SECRET_KEY=os.environ.get("SECRET_KEY", "bench-only-secret-key-0123456789-abcdefghijklmn"),
        ALLOWED_HOSTS=HOST,
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        DJANGO_PLAIN_STATIC="1",
        DJANGO_SETTINGS_MODULE="bench.settings",
    )
    env.update(extra)
    return env


class Gunicorn:
    """`gunicorn jdbuilder.wsgi --workers 2 --bind 127.0.0.1:<free port>`, stopped on exit."""

    def __init__(self, env: dict[str, str], *, workers: int = 2, log: Path) -> None:
        self.port = free_port()
        self.env = env
        self.workers = workers
        self.log = log
        self.process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"

    def __enter__(self) -> Gunicorn:
        gunicorn = Path(sys.executable).with_name("gunicorn")
        command = [
            str(gunicorn),
            "jdbuilder.wsgi",
            "--workers",
            str(self.workers),
            "--bind",
            f"{HOST}:{self.port}",
        ]
        self._log = self.log.open("wb")
        self.process = subprocess.Popen(
            command, env=self.env, stdout=self._log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: see {self.log}")
            try:
                status, _ = get(self.port, "/bench/ok/", {})
                if status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        self.__exit__(None, None, None)
        raise RuntimeError(f"gunicorn did not answer in 30 s: see {self.log}")

    def __exit__(self, *exc) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # the arbiter stops its own workers
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()


def get(port: int, path: str, headers: dict[str, str], timeout: float = 60) -> tuple[int, int]:
    """One GET on a new connection (gunicorn's sync workers close after each response)."""
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        body = response.read()
        return response.status, len(body)
    finally:
        conn.close()


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def cookie_headers(cookie: str) -> dict[str, str]:
    return {"Cookie": cookie} if cookie else {}


def run_wrk(port: int, path: str, cookie: str, seconds: int) -> LoadResult:
    command = [
        "wrk",
        f"-t{WRK_THREADS}",
        f"-c{CONNECTIONS}",
        f"-d{seconds}s",
        "--timeout",
        "30s",
        *(["-H", f"Cookie: {cookie}"] if cookie else []),
        f"http://{HOST}:{port}{path}",
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    errors = 0
    if match := re.search(r"Non-2xx or 3xx responses: (\d+)", output):
        errors += int(match.group(1))
    if match := re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    ):
        errors += sum(int(n) for n in match.groups())
    return LoadResult(rps, requests, errors, seconds, "wrk")


def run_python(port: int, paths: list[str], cookie: str, seconds: float | None) -> LoadResult:
    """CONNECTIONS threads GET `paths` in turn until `seconds` pass, or each path once if None."""
    headers = cookie_headers(cookie)
    lock = threading.Lock()
    counts = {"ok": 0, "errors": 0, "next": 0}
    started = time.perf_counter()
    deadline = started + seconds if seconds else None

    def take() -> str | None:
        with lock:
            i = counts["next"]
            counts["next"] += 1
        if deadline is None:
            return paths[i] if i < len(paths) else None
        return paths[i % len(paths)] if time.perf_counter() < deadline else None

    def worker() -> None:
        while (path := take()) is not None:
            try:
                status, _ = get(port, path, headers)
                ok = status == 200
            except OSError:
                ok = False
            with lock:
                counts["ok" if ok else "errors"] += 1

    with ThreadPoolExecutor(CONNECTIONS) as pool:
        for _ in range(CONNECTIONS):
            pool.submit(worker)
    elapsed = time.perf_counter() - started
    done = counts["ok"] + counts["errors"]
    return LoadResult(counts["ok"] / elapsed, done, counts["errors"], elapsed, "python threads")


def measure(port: int, path: str, cookie: str, seconds: int) -> LoadResult:
    # A short warm-up first, so each worker has imported what the endpoint needs.
    for _ in range(4):
        get(port, path, cookie_headers(cookie))
    if wrk_available():
        return run_wrk(port, path, cookie, seconds)
    return run_python(port, [path], cookie, seconds)
