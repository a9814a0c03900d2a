"""The systemd units in docs/systemd: each stops its whole process group, restarts after a
failure, reads /etc/jdbuilder/env, runs as its own user, and starts a program and files that
exist in this repository with the same settings module; `systemd-analyze verify` accepts them.

The units name the release's path (/srv/jdbuilder, its virtualenv in .venv); here that is this
checkout and this interpreter's virtualenv. The worker's own command line and its stop command
are run for real by tests/workers (conftest.unit_worker_args, test_worker_stop.py).
"""

from __future__ import annotations

import importlib.util
import re
import runpy
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from jdbuilder.jobs.services import RULES
from tests.support.processes import ROOT, read_unit, unit_command, unit_environment

pytestmark = pytest.mark.deploy

UNITS = ROOT / "docs" / "systemd"
SERVICES = ["jdbuilder-web.service", "jdbuilder-worker.service", "jdbuilder-beat.service"]
TARGET = "jdbuilder.target"
RELEASE = "/srv/jdbuilder"
VENV = Path(sys.prefix)


def service(name: str) -> dict[str, list[str]]:
    return read_unit(UNITS / name)["Service"]


def one(section: dict[str, list[str]], key: str) -> str:
    values = section.get(key, [])
    assert len(values) == 1, f"{key}= given {len(values)} times: {values}"
    return values[0]


def seconds(timespan: str) -> float:
    """A systemd time span ("150", "150s", "1min 30s", "1h") in seconds."""
    units = {"": 1, "s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hr": 3600}
    parts = re.findall(r"(\d+)\s*([a-z]*)", timespan)
    assert parts and "".join(n + u for n, u in parts) == timespan.replace(" ", ""), timespan
    return sum(int(number) * units[unit] for number, unit in parts)


def exec_start(name: str) -> list[str]:
    section = service(name)
    return unit_command(one(section, "ExecStart"), unit_environment(section))


def local(path: str) -> Path:
    """The release path a unit names, in this checkout."""
    assert path.startswith(RELEASE + "/") or path == RELEASE, path
    relative = path.removeprefix(RELEASE).lstrip("/")
    if relative.startswith(".venv/"):
        return VENV / relative.removeprefix(".venv/")
    return ROOT / relative


@pytest.mark.parametrize("name", SERVICES)
def test_each_service_is_supervised_alike(name):
    unit = read_unit(UNITS / name)
    section = unit["Service"]
    assert one(section, "KillMode") == "control-group", "stop or a dead main stops them all"
    assert one(section, "Restart") == "on-failure"
    assert one(section, "EnvironmentFile") == "/etc/jdbuilder/env"
    assert one(section, "User") == one(section, "Group") == "jdbuilder", "a dedicated user"
    assert local(one(section, "WorkingDirectory")) == ROOT
    assert unit_environment(section)["DJANGO_SETTINGS_MODULE"] == "jdbuilder.settings"
    assert importlib.util.find_spec("jdbuilder.settings").origin == str(
        ROOT / "jdbuilder" / "settings.py"
    )
    assert unit["Unit"]["PartOf"] == [TARGET]
    assert unit["Install"]["WantedBy"] == [TARGET]


def test_the_target_groups_the_services():
    target = read_unit(UNITS / TARGET)
    assert target["Install"]["WantedBy"] == ["multi-user.target"]
    assert sorted(path.name for path in UNITS.glob("*.service")) == sorted(SERVICES)


def test_the_web_service_runs_gunicorn_with_the_repositorys_configuration():
    program, *args = exec_start("jdbuilder-web.service")
    assert local(program) == VENV / "bin" / "gunicorn" and local(program).exists()
    assert args[:2] == ["-c", "gunicorn.conf.py"] and (ROOT / "gunicorn.conf.py").exists()
    assert args[2:] == ["jdbuilder.wsgi"]
    assert importlib.util.find_spec("jdbuilder.wsgi").origin == str(ROOT / "jdbuilder" / "wsgi.py")
    assert one(service("jdbuilder-web.service"), "Type") == "notify", "gunicorn calls sd_notify"
    # A stop lets running requests finish: longer than gunicorn's graceful timeout.
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    timeout = seconds(one(service("jdbuilder-web.service"), "TimeoutStopSec"))
    assert timeout > config["graceful_timeout"]


def test_the_worker_runs_the_celery_app_and_outwaits_the_longest_task():
    program, *args = exec_start("jdbuilder-worker.service")
    assert local(program) == VENV / "bin" / "celery" and local(program).exists()
    assert args[:3] == ["-A", "jdbuilder", "worker"]
    assert (ROOT / "jdbuilder" / "celery.py").exists()
    options = dict(arg.removeprefix("--").partition("=")[::2] for arg in args[3:])
    assert int(options["concurrency"]) >= 1
    assert int(options["max-tasks-per-child"]) >= 1
    section = service("jdbuilder-worker.service")
    longest = max(rules.time_limit for rules in RULES.values())
    assert seconds(one(section, "TimeoutStopSec")) > longest, "a stop never cuts a task short"
    # The warm shutdown: SIGTERM to the main process only, then wait for it to exit.
    stop = unit_command(one(section, "ExecStop"), {})
    assert stop[:2] == ["/bin/sh", "-c"] and 'kill -TERM "$MAINPID"' in stop[2]


def test_beat_runs_the_scheduler_with_its_state_where_it_may_write():
    program, *args = exec_start("jdbuilder-beat.service")
    assert local(program) == VENV / "bin" / "celery"
    assert args[:3] == ["-A", "jdbuilder", "beat"]
    section = service("jdbuilder-beat.service")
    state = one(section, "StateDirectory")
    schedule = unit_environment(section)["CELERY_BEAT_SCHEDULE_FILENAME"]
    assert schedule.startswith(f"%S/{state}/"), "in the unit's state directory (/var/lib)"


def test_the_example_environment_file_sets_what_production_needs():
    names = {
        line.partition("=")[0]
        for line in (UNITS / "env.example").read_text().splitlines()
        if line and not line.startswith("#")
    }
    assert {"SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"} <= names


def test_systemd_analyze_verify_accepts_the_units(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed here (Debian: the systemd package)")
    # verify checks that each ExecStart program exists: point the units at this checkout.
    for path in [*(UNITS / name for name in SERVICES), UNITS / TARGET]:
        text = path.read_text().replace(f"{RELEASE}/.venv", str(VENV)).replace(RELEASE, str(ROOT))
        (tmp_path / path.name).write_text(text)
    result = subprocess.run(
        [analyze, "verify", "--man=no", *sorted(str(p) for p in tmp_path.iterdir())],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    # It warns (and still succeeds) about unknown keys and unparsable values: none allowed.
    assert result.stdout.strip() == "" and result.stderr.strip() == "", result.stderr
