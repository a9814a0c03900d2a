"""`make backup` and `make restore` when something goes wrong.

`make backup` that fails halfway leaves no file that looks like a backup; `make restore` of a
backup that names a row it does not hold fails as a whole and leaves the database empty. Both
work on the `ops_database` of tests/ops/conftest.py, as an operator runs them (production
settings, through the Makefile).
"""

from __future__ import annotations

import gzip
import json
import subprocess

import pytest

from tests.ops import ROOT, make_command, query_one, sqlite_url, subprocess_env


def make(target: str, url: str, **variables) -> subprocess.CompletedProcess:
    """`make target` against the database at `url`, as an operator runs it."""
    return subprocess.run(
        make_command(target, **variables),
        cwd=ROOT,
        env=subprocess_env(url, settings="jdbuilder.settings"),
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def make_backup(url: str, backup_dir) -> subprocess.CompletedProcess:
    return make("backup", url, BACKUP_DIR=backup_dir)


def make_restore(url: str, backup_file) -> subprocess.CompletedProcess:
    return make("restore", url, FILE=backup_file)


@pytest.fixture(scope="module")
def good_backup(ops_database, tmp_path_factory):
    """`make backup` of the ops database, into a directory of its own: (the run, the directory).
    Taken once for this module; each test checks what it needs of it."""
    directory = tmp_path_factory.mktemp("good-backup")
    return make_backup(ops_database["url"], directory), directory


def test_make_backup_writes_a_whole_backup_or_no_file(good_backup, tmp_path):
    failing = make_backup(sqlite_url(tmp_path / "never-migrated.sqlite3"), tmp_path / "bad")
    assert failing.returncode != 0
    assert "no backup written" in failing.stderr
    assert list((tmp_path / "bad").iterdir()) == []

    done, directory = good_backup
    assert done.returncode == 0, done.stderr[-3000:]
    (written,) = directory.iterdir()
    assert written.name.startswith("jdbuilder-") and written.name.endswith(".json.gz")
    with gzip.open(written, "rt") as file:
        titles = {
            entry["fields"]["title"]
            for entry in json.load(file)
            if entry["model"] == "jdbuilder.jobdescription"
        }
    assert titles == {"Killed while rendering", "Killed while storing"}


def test_a_restore_that_fails_leaves_the_database_empty(good_backup, tmp_path):
    """A backup taken while people work can hold a revision whose JD it missed: its restore fails
    as a whole, and the database stays empty for a restore of a good backup."""
    done, directory = good_backup
    assert done.returncode == 0
    (good,) = directory.glob("jdbuilder-*.json.gz")
    with gzip.open(good, "rt") as file:
        entries = json.load(file)
    missed = next(
        e for e in entries
        if e["model"] == "jdbuilder.jobdescription" and e["fields"]["title"].endswith("storing")
    )  # fmt: skip
    torn = tmp_path / "torn.json.gz"
    with gzip.open(torn, "wt") as file:
        json.dump([e for e in entries if e is not missed], file)

    target = sqlite_url(tmp_path / "target.sqlite3")
    failed = make_restore(target, torn)
    assert failed.returncode != 0
    assert "IntegrityError" in failed.stderr or "FOREIGN KEY" in failed.stderr, failed.stderr[
        -3000:
    ]
    for table in ("auth_user", "roles_role", "roles_historicalrole", "jdbuilder_jobdescription",
                  "jdbuilder_jobdescriptionrevision"):  # fmt: skip
        assert query_one(target, f"SELECT count(*) FROM {table}") == 0, table

    restored = make_restore(target, good)
    assert restored.returncode == 0, restored.stderr[-3000:]
    assert query_one(target, "SELECT count(*) FROM jdbuilder_jobdescriptionrevision") == 2
