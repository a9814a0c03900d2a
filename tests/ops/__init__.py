"""Helpers for the operations tests: fresh databases, `manage.py` in a subprocess, the backup
command as the Makefile spells it, and a canonical form of what a backup must keep.

Kept import-light (Django is imported inside the functions) so that a `manage.py shell` in a
subprocess can import this module to print the canonical form of its own database.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import re
import secrets
import shlex
import subprocess
import sys
import uuid
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

from tests.support import processes
from tests.support.processes import ROOT, clean_environ, manage, postgres_url

MARKER = "@@ops-result@@ "


# --- databases ------------------------------------------------------------------------------


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


@contextlib.contextmanager
def fresh_postgres_database(prefix: str) -> Iterator[str]:
    """The URL of a new, empty PostgreSQL database, dropped afterwards however the test ends."""
    with processes.fresh_postgres_database(prefix) as name:
        yield postgres_url(name)


def query_one(url: str, sql: str):
    """The first column of the first row of `sql`, read with a plain driver connection."""
    if url.startswith("sqlite:///"):
        import sqlite3

        conn = sqlite3.connect(url.removeprefix("sqlite:///"), timeout=10)
        try:
            return conn.execute(sql).fetchone()[0]
        finally:
            conn.close()
    import psycopg

    with psycopg.connect(url, connect_timeout=5) as conn:
        return conn.execute(sql).fetchone()[0]


# --- subprocesses ---------------------------------------------------------------------------


def subprocess_env(database_url: str, *, settings: str = "tests.settings", **extra: str) -> dict:
    """The environment of a `manage.py` run against `database_url`, nothing leaked from ours."""
    return clean_environ(
        DJANGO_SETTINGS_MODULE=settings,
        SECRET_KEY="ops-test-" + secrets.token_urlsafe(32),
        DATABASE_URL=database_url,
        # No collectstatic in tests: static files are found where they are, as in development.
        DJANGO_PLAIN_STATIC="1",
        ALLOWED_HOSTS="testserver,localhost",
        **extra,
    )


def check(result: subprocess.CompletedProcess, what: str) -> str:
    assert result.returncode == 0, (
        f"{what} failed ({result.returncode}):\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    )
    return result.stdout


def make_command(target: str, **variables) -> list[str]:
    """`make target VAR=value ...` with this interpreter's virtualenv, which make never
    reinstalls here: `-o` tells it the virtualenv's .installed stamp is up to date."""
    venv = sys.prefix
    assignments = [f"{name}={value}" for name, value in variables.items()]
    return ["make", "-s", "-o", f"{venv}/.installed", target, f"VENV={venv}", *assignments]


def shell_command(code: str) -> list[str]:
    return [sys.executable, "manage.py", "shell", "--no-imports", "-c", code]


def result_of(stdout: str):
    """The JSON a script printed with `emit`, whatever else was printed around it."""
    lines = [line for line in stdout.splitlines() if line.startswith(MARKER)]
    assert lines, f"the script printed no result:\n{stdout[-4000:]}"
    return json.loads(lines[-1].removeprefix(MARKER))


def run_script(env: dict, code: str, timeout: float = 120):
    """Run `code` in `manage.py shell` and return what it passed to `emit`."""
    return result_of(manage(env, "shell", "--no-imports", "-c", code, timeout=timeout))


def emit(value) -> None:
    """Print `value` as the result of a script (see `result_of`)."""
    print(MARKER + json.dumps(value, sort_keys=True, default=_plain), flush=True)


# --- the backup command as the Makefile spells it --------------------------------------------


def makefile_variable(name: str) -> str:
    text = (ROOT / "Makefile").read_text()
    match = re.search(rf"^{name}\s*:?=\s*(.*)$", text, flags=re.MULTILINE)
    assert match, f"the Makefile defines no {name}"
    return match.group(1).strip()


def backup_dumpdata_args() -> list[str]:
    """`dumpdata` and its arguments, exactly as `make backup` passes them."""
    args = shlex.split(makefile_variable("BACKUP_DUMPDATA"))
    assert args[0] == "dumpdata", args
    return args


def backed_up_models(args: list[str] | None = None) -> list:
    """The concrete models `dumpdata` with these arguments writes, as dumpdata selects them."""
    from django.apps import apps

    args = (args or backup_dumpdata_args())[1:]
    labels, excludes = [], set()
    while args:
        arg = args.pop(0)
        if arg in ("-e", "--exclude"):
            excludes.add(args.pop(0).lower())
        elif not arg.startswith("-"):
            labels.append(arg)
    selected = []
    for label in labels:
        if "." in label:
            selected.append(apps.get_model(label))
        else:
            selected.extend(apps.get_app_config(label).get_models())
    return [
        model
        for model in selected
        if model._meta.app_label not in excludes and model._meta.label_lower not in excludes
    ]


# --- canonical form of the backed-up data -----------------------------------------------------


def _plain(value):
    """JSON for values from the database. Times in UTC to the millisecond: what a JSON dump of
    Django keeps (DjangoJSONEncoder drops the microseconds)."""
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat(timespec="milliseconds")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID | Decimal):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    raise TypeError(f"no canonical form for {type(value).__name__}")


def _natural(obj):
    if obj is None:
        return None
    key = obj.natural_key()
    return list(key) if len(key) > 1 else key[0]


def canonical() -> dict:
    """Every backed-up row of this database, by model, comparable across databases.

    Rows of models dumped by primary key (the catalog, JDs, revisions, history) keep their keys;
    users, groups and permissions are dumped by natural key, so references to them are compared
    by natural key (username, group name, permission codename) and their own ids are left out.
    """
    from django.contrib.auth.models import Group, Permission, User

    by_natural_key = (User, Group, Permission)
    result = {}
    for model in sorted(backed_up_models(), key=lambda m: m._meta.label):
        fk_natural = [
            field
            for field in model._meta.concrete_fields
            if field.is_relation and field.related_model in by_natural_key
        ]
        rows = []
        queryset = model._base_manager.all().select_related(*(f.name for f in fk_natural))
        for obj in queryset.order_by("pk"):
            row = {}
            for field in model._meta.concrete_fields:
                if field.primary_key and model in by_natural_key:
                    continue
                if field in fk_natural:
                    row[field.name] = _natural(getattr(obj, field.name))
                else:
                    row[field.attname] = field.value_from_object(obj)
            for field in model._meta.many_to_many:
                related = getattr(obj, field.name).all()
                if field.related_model in by_natural_key:
                    row[field.name] = sorted(json.dumps(_natural(o)) for o in related)
                else:
                    row[field.name] = sorted(o.pk for o in related)
            rows.append(row)
        if model in by_natural_key:
            rows.sort(key=lambda row: json.dumps(row, sort_keys=True, default=_plain))
        result[model._meta.label] = rows
    # Through JSON and back: the form a subprocess prints, so both sides compare alike.
    return json.loads(json.dumps(result, sort_keys=True, default=_plain))
