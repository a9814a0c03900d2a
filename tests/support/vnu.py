"""Run the Nu HTML Checker (vnu.jar, from the npm package vnu-jar) on an HTML file.

The jar comes from `npm ci` at the repository root (package.json pins vnu-jar); Java comes from
the machine. Tests reach the checker through the `vnu` fixture of the HTML export tests, which
fails, not skips, when either is missing: CI installs both, so a missing one is a broken setup.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
# Where the vnu-jar package keeps its jar (see node_modules/vnu-jar/vnu-jar.js).
VNU_JAR = REPO_ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


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


def check_file(path: Path, *, timeout: float = 120) -> list[Message]:
    """Every message the checker reports for the HTML file at `path`."""
    command = [
        java_command(),
        "-jar",
        str(jar_path()),
        "--format",
        "json",
        "--stdout",
        "--exit-zero-always",  # errors come back as messages; a non-zero exit means it broke
        str(path),
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    try:
        report: dict[str, Any] = json.loads(result.stdout)
    except json.JSONDecodeError as error:
        raise CheckerUnavailable(
            f"vnu produced no JSON report (exit {result.returncode}): {result.stderr[-2000:]}"
        ) from error
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


def check_html(html: str, directory: Path) -> list[Message]:
    """Write `html` to a file in `directory` and check it (vnu reads files, not strings here)."""
    path = directory / "document.html"
    path.write_text(html, encoding="utf-8")
    return check_file(path)
