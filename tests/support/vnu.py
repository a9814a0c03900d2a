"""The Nu HTML Checker (vnu.jar, from the npm package vnu-jar), run once as a local HTTP service.

The jar comes from `npm ci` at the repository root (package.json pins vnu-jar); Java comes from
the machine. Starting the JVM takes seconds and checking a page takes milliseconds, so tests do
not run `java -jar vnu.jar` per page: the `vnu` fixture (tests/jdbuilder/conftest.py) starts
`NuService` once per session, on 127.0.0.1 only, posts every page to it and stops it when the
session ends. The fixture fails, not skips, when Java or the jar is missing: CI installs both, so
a missing one is a broken setup.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

REPO_ROOT = Path(__file__).resolve().parents[2]
# Where the vnu-jar package keeps its jar (see node_modules/vnu-jar/vnu-jar.js).
VNU_JAR = REPO_ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
HOST = "127.0.0.1"
# What the service prints once its port is bound and it answers (nu.validator.servlet.Main).
STARTED = "Checker service started at"
USER_AGENT = "jdbuilder-tests"


class CheckerUnavailable(RuntimeError):
    """Java or the jar is missing, or the checker did not produce its JSON report."""


@dataclass(frozen=True)
class Message:
    type: str  # "error", "info" (subType "warning" for warnings) or "non-document-error"
    sub_type: str
    message: str
    extract: str
    line: int | None

    @property
    def is_error(self) -> bool:
        return self.type in ("error", "non-document-error") or self.sub_type == "fatal"

    @property
    def is_warning(self) -> bool:
        return self.type == "info" and self.sub_type == "warning"

    def __str__(self) -> str:
        kind = self.sub_type or self.type
        return f"{kind} (line {self.line}): {self.message} [{self.extract.strip()}]"


def java_command() -> str:
    java = shutil.which("java")
    if java is None:
        raise CheckerUnavailable(
            "java is not on PATH: install a JRE (Debian: apt-get install default-jre-headless)."
        )
    return java


def jar_path() -> Path:
    if not VNU_JAR.is_file():
        raise CheckerUnavailable(
            f"{VNU_JAR} is missing: run `npm ci --ignore-scripts` at the repository root."
        )
    return VNU_JAR


def messages_of(report: dict[str, Any]) -> list[Message]:
    """The messages of the checker's JSON report (the same for the command line and the service)."""
    return [
        Message(
            type=item.get("type", ""),
            sub_type=item.get("subType", ""),
            message=item.get("message", ""),
            extract=item.get("extract", ""),
            line=item.get("lastLine"),
        )
        for item in report.get("messages", [])
    ]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def die_with_parent() -> Callable[[], None] | None:
    """On Linux, what makes a child get SIGTERM when this process dies without stopping it (say,
    SIGKILL). Looked up here, so the child runs only the C call between fork and exec."""
    if sys.platform != "linux":
        return None
    import ctypes

    prctl = ctypes.CDLL(None, use_errno=True).prctl
    pr_set_pdeathsig = 1

    def hook() -> None:
        prctl(pr_set_pdeathsig, signal.SIGTERM)

    return hook


class NuService:
    """`java -cp vnu.jar nu.validator.servlet.Main <port>` on 127.0.0.1, and what it reports.

    Use it as a context manager: `with NuService.start() as service: service.check(html)`.
    """

    def __init__(self, process: subprocess.Popen, port: int, log: IO[bytes]) -> None:
        self.process = process
        self.port = port
        self._log = log

    @classmethod
    def start(cls, *, timeout: float = 120, attempts: int = 3) -> NuService:
        """A running service, once it says it has bound its port (another process's service on
        the same port would answer too, so answering is not proof it is ours). A port taken
        between choosing it and binding it costs a retry on another one."""
        java, jar = java_command(), str(jar_path())
        command = [java, f"-Dnu.validator.servlet.bind-address={HOST}", "-cp", jar]
        problem = ""
        for _ in range(attempts):
            port = free_port()
            log = tempfile.TemporaryFile()  # noqa: SIM115 - the service closes it in close()
            process = subprocess.Popen(
                [*command, "nu.validator.servlet.Main", str(port)],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                preexec_fn=die_with_parent(),
            )
            service = cls(process, port, log)
            deadline = time.monotonic() + timeout
            while process.poll() is None and time.monotonic() < deadline:
                if STARTED in service.log():
                    return service
                time.sleep(0.05)
            problem = service.log()[-2000:]
            service.close()
        raise CheckerUnavailable(f"the Nu checker service did not start: {problem}")

    def log(self) -> str:
        """What the service has printed so far (read without moving its write position)."""
        return os.pread(self._log.fileno(), 1 << 20, 0).decode("utf-8", "replace")

    def check(self, html: str, *, timeout: float = 120) -> list[Message]:
        """Every message the checker reports for the HTML document `html`."""
        if self.process.poll() is not None:
            raise CheckerUnavailable(f"the Nu checker service has stopped: {self.log()[-2000:]}")
        connection = http.client.HTTPConnection(HOST, self.port, timeout=timeout)
        try:
            connection.request(
                "POST",
                "/?out=json",
                body=html.encode("utf-8"),
                # The service refuses a request without a User-Agent.
                headers={"Content-Type": "text/html; charset=utf-8", "User-Agent": USER_AGENT},
            )
            response = connection.getresponse()
            body = response.read()
        except OSError as error:
            raise CheckerUnavailable(f"the Nu checker service did not answer: {error}") from error
        finally:
            connection.close()
        try:
            report: dict[str, Any] = json.loads(body)
        except json.JSONDecodeError as error:
            raise CheckerUnavailable(
                f"vnu produced no JSON report (HTTP {response.status}): {body[-2000:]!r}"
            ) from error
        return messages_of(report)

    def close(self) -> None:
        """Stop the service (and wait for it), and drop its log."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        with contextlib.suppress(OSError):
            self._log.close()

    def __enter__(self) -> NuService:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
