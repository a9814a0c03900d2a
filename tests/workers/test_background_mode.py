"""Which mode background work runs in, as `make run` says it (manage.py background_mode), and
the Makefile's worker and beat targets, which default to the local Redis."""

from __future__ import annotations

import io
import subprocess

import pytest
from django.core.management import call_command

from jdbuilder.management.commands.background_mode import background_mode, without_password
from tests.ops import make_command
from tests.support.processes import ROOT, clean_environ, manage

IN_PROCESS = "Background work: in-process (no CELERY_BROKER_URL or REDIS_URL set)"


def test_without_a_broker_work_runs_in_process(settings):
    settings.CELERY_BROKER_URL = ""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    output = io.StringIO()
    call_command("background_mode", stdout=output)
    assert output.getvalue().startswith(IN_PROCESS)


def test_with_a_broker_work_is_sent_there_and_the_password_is_not_shown(settings):
    settings.CELERY_BROKER_URL = "redis://:s3cret-pw@redis.internal:6379/1"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    output = io.StringIO()
    call_command("background_mode", stdout=output)
    assert output.getvalue() == (
        "Background work: sent to redis://redis.internal:6379/1; "
        "start a worker with `make worker`.\n"
    )


def test_eager_mode_forced_with_a_broker_set_says_in_process(settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/0"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    assert background_mode().startswith(
        "Background work: in-process (CELERY_TASK_ALWAYS_EAGER is on)"
    )


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("redis://127.0.0.1:6379/0", "redis://127.0.0.1:6379/0"),
        ("redis://:pw@host:6379/0", "redis://host:6379/0"),
        ("redis://user:pw@host:6379/0", "redis://user@host:6379/0"),
        ("rediss://user:p%40ss:word@host/2", "rediss://user@host/2"),
        ("redis://host/0?password=pw&socket_timeout=3", "redis://host/0?socket_timeout=3"),
        (
            "sentinel://:pw@s1:26379;sentinel://:pw@s2:26379",
            "sentinel://s1:26379;sentinel://s2:26379",
        ),
        ("redis+socket:///run/redis.sock?password=pw", "redis+socket:///run/redis.sock"),
        ("pw@10.0.0.9:6379", "10.0.0.9:6379"),  # not a URL: shown without what may be secret
    ],
)
def test_broker_urls_lose_their_passwords(url, shown):
    assert without_password(url) == shown


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({}, IN_PROCESS),
        ({"REDIS_URL": "redis://:pw@10.0.0.9:6379/0"}, "Background work: sent to redis://10.0.0.9"),
        (
            {"REDIS_URL": "redis://10.0.0.9:6379/0", "CELERY_BROKER_URL": "redis://10.0.0.8/1"},
            "Background work: sent to redis://10.0.0.8/1;",
        ),
    ],
)
def test_the_command_reads_the_broker_from_the_environment(environment, expected):
    output = manage(clean_environ(DJANGO_DEBUG="1", **environment), "background_mode")
    assert output.startswith(expected)
    assert "pw" not in output


def dry_run(target: str, **environment: str) -> list[str]:
    """The commands `make target` would run, one per line."""
    command = make_command(target)
    command.insert(1, "-n")
    result = subprocess.run(
        command,
        cwd=ROOT,
        env=clean_environ(**environment),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return [line for line in result.stdout.splitlines() if line.strip()]


def test_make_run_says_which_mode_it_is_in_before_serving():
    lines = dry_run("run")
    mode = next(i for i, line in enumerate(lines) if "manage.py background_mode" in line)
    serve = next(i for i, line in enumerate(lines) if "manage.py runserver" in line)
    assert mode == serve - 1


@pytest.mark.parametrize("target", ["worker", "beat"])
@pytest.mark.parametrize(
    ("environment", "broker"),
    [
        ({}, "redis://127.0.0.1:6379/0"),
        ({"REDIS_URL": "redis://10.0.0.9:6379/3"}, "redis://10.0.0.9:6379/3"),
        (
            {"REDIS_URL": "redis://10.0.0.9:6379/3", "CELERY_BROKER_URL": "redis://10.0.0.8/1"},
            "redis://10.0.0.8/1",
        ),
    ],
)
def test_make_worker_and_beat_use_the_apps_broker_or_the_local_redis(target, environment, broker):
    (line,) = dry_run(target, **environment)[-1:]
    assert line.startswith(f"CELERY_BROKER_URL='{broker}' DJANGO_DEBUG=1 ")
    assert line.endswith(f"/bin/celery -A jdbuilder {target} -l info")


def test_worker_and_beat_are_phony_targets():
    phony = set()
    for line in (ROOT / "Makefile").read_text().splitlines():
        if line.startswith(".PHONY:"):
            phony.update(line.removeprefix(".PHONY:").split())
    assert {"run", "worker", "beat"} <= phony
