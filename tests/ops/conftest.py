"""Fixtures the operations tests share: a real database of the suite's kind, prepared once for
every test in tests/ops that runs subprocesses against it."""

from __future__ import annotations

import pytest

from tests.ops import fresh_postgres_database, run_script, sqlite_url, subprocess_env

# What an operator does to a new database (migrate, with its system checks, and the cache table),
# then the catalog and a hiring manager with two final JDs: in one subprocess, which pays
# Django's start-up once instead of three times.
PREPARE_SCRIPT = """
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from jdbuilder.accounts import HIRING_MANAGERS, ensure_groups
from tests.ops import emit
from jdbuilder.models import RenderedFile
from tests.support.jds import make_final_jd

call_command("migrate", interactive=False, verbosity=0, skip_checks=False)
call_command("createcachetable")
call_command("load_catalog", verbosity=0)
ensure_groups()
owner = get_user_model().objects.create_user("ops-owner", password="not-used-anywhere-42")
owner.groups.add(Group.objects.get(name=HIRING_MANAGERS))
ids = {point: str(make_final_jd(owner, title=f"Killed while {point}").public_id)
       for point in ("rendering", "storing")}
# No broker here, so finalizing rendered the PDFs in-process; the tests render them again.
RenderedFile.objects.all().delete()
emit(ids)
"""


def suite_backend() -> str:
    """The kind of database the suite runs on: CI's two passes cover both kinds."""
    from django.conf import settings

    return "postgresql" if "postgresql" in settings.DATABASES["default"]["ENGINE"] else "sqlite"


@pytest.fixture(scope="package", params=[suite_backend()])
def ops_database(request, tmp_path_factory):
    """A migrated database of its own, of the suite's kind (a real SQLite file, or a new
    PostgreSQL database dropped afterwards), with the catalog, one hiring manager (ops-owner)
    and two final JDs ("Killed while rendering", "Killed while storing"), for subprocesses to
    work on, be killed on, and back up.

    Shared by the killed-worker and the backup tests: the workers only ever add stored PDFs,
    which a backup leaves out, and nothing else writes to it."""

    def prepare(url: str) -> dict:
        env = subprocess_env(url)
        return {"url": url, "env": env, "jds": run_script(env, PREPARE_SCRIPT)}

    if request.param == "sqlite":
        yield prepare(sqlite_url(tmp_path_factory.mktemp("ops") / "db.sqlite3"))
    else:
        with fresh_postgres_database("jdbuilder_faults") as url:
            yield prepare(url)
