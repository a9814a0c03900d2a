"""The measuring phases of `bench.run`, each giving table rows. They need Django set up.

- the catalog: migrate, the seed catalog, the generated one, timed (`build_catalog`);
- in process, on SQLite: the request, PDF and search benchmarks of `bench.benchmarks`;
- in child processes (`python -m bench.run --phase ...`, dispatched to `run_phase`): memory over
  many PDF renders, and PostgreSQL; each writes its result as JSON into the work directory;
- load: gunicorn on the SQLite database, driven over loopback (`bench.load`).
"""

from __future__ import annotations

import argparse
import io
import json
import time
from pathlib import Path

from django.core.management import call_command
from django.db import connection

from bench import benchmarks, pages
from bench.config import repeats_for
from bench.fixtures import BenchContext
from bench.generate_catalog import generate_catalog
from bench.load import Gunicorn, LoadResult, measure, production_env
from bench.postgres import PG_TRIGRAM_INDEXES_SQL, PG_TRIGRAM_TABLES_SQL
from bench.timing import Row
from jdbuilder.documents.formats import FORMATS
from jdbuilder.models import JobDescriptionRevision, RenderedFile
from jdbuilder.services import export_revision

# --- catalog ------------------------------------------------------------------------------------


def build_catalog(roles: int) -> float:
    """Migrate, load the seed catalog, generate; returns the generation's seconds."""
    call_command("migrate", verbosity=0, interactive=False)
    # The production settings' cache is a database table (no REDIS_URL): made as an operator does.
    call_command("createcachetable", verbosity=0)
    call_command("load_catalog", verbosity=0, stdout=io.StringIO())
    started = time.perf_counter()
    generate_catalog(roles=roles)
    return time.perf_counter() - started


def generation_row(seconds: float, database: str) -> Row:
    """The table row of a catalog generation on `database`."""
    return Row(
        f"catalog generation, {database}", seconds, None, 60.0, kind="max", unit="s",
        notes=["1,000 roles, 60,000 titles, 20,000 tasks, 35,000 role skills"],
    )  # fmt: skip


# --- in process ---------------------------------------------------------------------------------


def in_process_rows(
    ctx: BenchContext, repeats: dict[str, int]
) -> tuple[list[Row], dict[str, list[dict]], dict[str, dict[str, str]]]:
    """The in-process ratios and role search on SQLite: rows, search details, query plans."""
    print("In-process ratios: wizard steps ...", flush=True)
    rows = pages.wizard_requests(ctx, repeat=repeats["request"])
    print("In-process ratios: live preview, autosave, catalog pages, PDFs ...", flush=True)
    rows += pages.live_requests(ctx, repeat=repeats["request"])
    rows += pages.catalog_requests(ctx, repeat=repeats["request"])
    rows += benchmarks.pdf_download(ctx, repeat=repeats["pdf"])
    rows += pages.stored_pdf_download(ctx, repeat=repeats["stored"])
    print("In-process ratios: finalize (queued to Redis) ...", flush=True)
    from bench import workers

    rows += workers.finalize_request(ctx, repeat=repeats["request"])
    print("Role search on SQLite ...", flush=True)
    details, plans = {}, {}
    row, details["SQLite"] = benchmarks.role_search(repeat=repeats["search"], label="SQLite")
    rows.append(row)
    plans["SQLite"] = search_plans()
    return rows, details, plans


def search_plans() -> dict[str, str]:
    """The query plans of the first and the last three search queries, by query."""
    queries = benchmarks.search_queries()
    return {q.text: benchmarks.explain_search(q.text) for q in queries[:1] + queries[-3:]}


def hand_over(ctx: BenchContext, workdir: Path) -> None:
    """Before the child processes: close this one's connection, write what they need to know."""
    connection.close()
    (workdir / "ids.json").write_text(
        json.dumps({"user": ctx.user.pk, "revision": ctx.revision.pk, "pdf_url": ctx.pdf_url})
    )


# --- child phases -------------------------------------------------------------------------------


def phase_memory(workdir: Path, renders: int, warmup: int) -> dict:
    """RSS growth over `renders` PDF renders as a worker does them, with the code as shipped."""
    ids = json.loads((workdir / "ids.json").read_text())
    revision = JobDescriptionRevision.objects.get(pk=ids["revision"])

    def delete_stored() -> None:
        RenderedFile.objects.filter(revision=revision, format="pdf").delete()

    def render() -> bytes:
        return export_revision(revision=revision, export_format=FORMATS["pdf"])

    row = benchmarks.memory_growth(render, delete_stored, renders=renders, warmup=warmup)
    return {"rows": [row.as_dict()]}


def catalog_tables() -> list[str]:
    """The tables of the roles app (the catalog), as they are in this database."""
    return sorted(t for t in connection.introspection.table_names() if t.startswith("roles_"))


def vacuum_analyze(tables: list[str]) -> None:
    """VACUUM ANALYZE `tables`, as autovacuum would after an import.

    A bulk import leaves the new rows' trigram entries in each GIN index's pending list, which
    ANALYZE does not flush and the planner counts against the index; VACUUM moves them into the
    index. VACUUM cannot run inside a transaction block: Django's connection must be in
    autocommit mode, outside any atomic block.
    """
    if connection.in_atomic_block or not connection.get_autocommit():
        raise RuntimeError("VACUUM needs autocommit, outside any transaction block")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE " + ", ".join(tables))


def trigram_indexes() -> list[str]:
    """The trigram GIN indexes on the catalog, as the roles migrations made them."""
    with connection.cursor() as cursor:
        cursor.execute(PG_TRIGRAM_INDEXES_SQL)
        return [name for (name,) in cursor.fetchall()]


def plans_using(plans: dict[str, str], indexes: list[str]) -> str:
    """A note: in how many of `plans` one of `indexes` is scanned."""
    using = sum(any(f"Index Scan on {name}" in plan for name in indexes) for plan in plans.values())
    return f"a trigram index scanned in {using} of the {len(plans)} query plans printed"


def phase_postgres(roles: int, repeat: int) -> dict:
    """Generation and role search on PostgreSQL as deployed, then without the trigram indexes.

    After the import the catalog tables are vacuumed and analyzed, as autovacuum would do on a
    deployed database, so that search runs on indexes the planner can use. The reference line
    then drops the trigram indexes (this scratch database only) and searches again.
    """
    seconds = build_catalog(roles)
    vacuum_analyze(catalog_tables())
    indexes = trigram_indexes()
    if not indexes:
        raise RuntimeError("no trigram index on the catalog: did the roles migrations change?")
    with connection.cursor() as cursor:
        cursor.execute(PG_TRIGRAM_TABLES_SQL)
        searched = [name for (name,) in cursor.fetchall()]
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    rows = [generation_row(seconds, "PostgreSQL").as_dict()]
    row, details = benchmarks.role_search(repeat=repeat, label="PostgreSQL")
    plans = search_plans()
    note, row.failure = benchmarks.plan_verdict(plans, searched)
    row.notes.append(f"after VACUUM ANALYZE; {plans_using(plans, indexes)}; {note}")
    rows.append(row.as_dict())

    with connection.cursor() as cursor:
        for name in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    without, without_details = benchmarks.role_search(
        repeat=repeat, label="PostgreSQL without trigram indexes"
    )
    without_plans = search_plans()
    # A reference, not the shipped database: no target.
    without.name = "ref: role search, PostgreSQL without trigram indexes"
    without.target, without.kind = None, ""
    without.notes.append(
        f"scratch only: {', '.join(indexes)} dropped; {plans_using(without_plans, indexes)}"
    )
    rows.append(without.as_dict())
    return {
        "rows": rows,
        "postgres": version,
        "details": {
            "PostgreSQL": details,
            "PostgreSQL without trigram indexes": without_details,
        },
        "plans": {"PostgreSQL": plans, "PostgreSQL without trigram indexes": without_plans},
    }


def run_phase(phase: str, workdir: Path, options: argparse.Namespace) -> None:
    """In a child process: run `phase`, write its result to `<workdir>/<phase>.json`."""
    repeats = repeats_for(options.quick)
    if phase == "memory":
        result = phase_memory(workdir, repeats["renders"], repeats["warmup"])
    elif phase == "postgres":
        result = phase_postgres(options.roles, repeats["search"])
    else:
        raise SystemExit(f"unknown phase {phase}")
    (workdir / f"{phase}.json").write_text(json.dumps(result, default=str))


# --- load ---------------------------------------------------------------------------------------


def load_rows(
    ctx: BenchContext, env: dict[str, str], workdir: Path, repeats: dict[str, int]
) -> list[Row]:
    """Requests per second of gunicorn (two workers) on each endpoint, over loopback."""
    rows = []
    cookie = ctx.session_cookie
    seconds = repeats["load_seconds"]
    with Gunicorn(production_env(env), log=workdir / "gunicorn.log") as server:
        for name, path in [
            ("rps: minimal view (reference)", ctx.minimal_url),
            ("rps: role page", ctx.role_url),
            ("rps: wizard step (skills)", ctx.wizard_url),
            ("rps: PDF download, stored copy", ctx.pdf_url),
        ]:
            result = measure(server.port, path, cookie, seconds)
            rows.append(_rps_row(name, result))
    # No request renders a PDF any more (the workers do, bench.workers): no "rendered" line.
    return rows


def _rps_row(name: str, result: LoadResult) -> Row:
    notes = [f"{result.requests} requests in {result.seconds:.1f} s, {result.tool}"]
    if result.errors:
        notes.append(f"{result.errors} errors")
    return Row(name, result.rps, None, None, kind="", unit="rps", notes=notes)
