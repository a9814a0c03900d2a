"""`make bench`: every benchmark of docs/performance.md, one table of results.

    python -m bench.run                      # everything (about 5-8 minutes on 2 cores)
    python -m bench.run --quick              # fewer repetitions, shorter load runs
    python -m bench.run --skip-postgres --skip-load
    python -m bench.run --profile wizard     # cProfile of one benchmark (wizard, role, minimal,
                                             # pdf, stored, static, search)
    DATABASE_URL=... python -m bench.run --generate-only   # migrate + seed + generated catalog

Phases, each in a fresh database built by this runner (never the development database):
1. SQLite, in this process: migrate, load the seed catalog, generate the O*NET-size catalog,
   then the in-process ratios (each measured side by side with its baseline, interleaved,
   median of N) and role search;
2. memory: a child process downloads the same PDF 210 times (each rendering) and reports RSS,
   then another does the same with one shared FontConfiguration (the proposed fix);
3. load: gunicorn with two workers on the SQLite database, driven over loopback;
4. PostgreSQL (127.0.0.1:5432, user postgres): a fresh database `jdbuilder_bench` is created,
   migrated, generated, searched, searched again with the proposed trigram indexes applied to
   this scratch database only, and dropped.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PG_URL_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_DB = "jdbuilder_bench"
PG_URL = f"postgresql://postgres@127.0.0.1:5432/{PG_DB}"

# The fix proposed for role search on PostgreSQL (see docs/performance.md): trigram GIN indexes
# on the expressions Django's icontains compares, UPPER(col::text). Applied here to the scratch
# database only, to measure it; the migration for roles/ is in docs/performance.md.
PG_TRIGRAM_SQL = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS roles_alternatetitle_title_upper_trgm "
    "ON roles_alternatetitle USING gin ((UPPER(title::text)) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS roles_role_name_upper_trgm "
    "ON roles_role USING gin ((UPPER(name::text)) gin_trgm_ops)",
    "ANALYZE roles_alternatetitle",
    "ANALYZE roles_role",
]

FRESH_WARMUP = 4  # fresh PDF URLs used to warm the gunicorn workers up, of REPEATS' "fresh"
REPEATS = {
    "full": {"request": 100, "pdf": 11, "stored": 100, "search": 30, "renders": 200, "warmup": 10,
             "load_seconds": 5, "fresh": 28},
    "quick": {"request": 20, "pdf": 3, "stored": 20, "search": 5, "renders": 20, "warmup": 3,
              "load_seconds": 2, "fresh": 8},
}  # fmt: skip


# --- environment and Django ---------------------------------------------------------------------


def bench_env(workdir: Path, database_url: str) -> dict[str, str]:
    return {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": database_url,
        "STATIC_ROOT": str(workdir / "static"),
        "MEDIA_ROOT": str(workdir / "media"),
        "PYTHONPATH": str(BASE_DIR),
    }


def setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()


def build_catalog(roles: int) -> float:
    """Migrate, load the seed catalog, generate; returns the generation's seconds."""
    from django.core.management import call_command

    from bench.generate_catalog import generate_catalog

    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_catalog", verbosity=0, stdout=io.StringIO())
    started = time.perf_counter()
    generate_catalog(roles=roles)
    return time.perf_counter() - started


def generation_row(seconds: float, database: str):
    from bench.timing import Row

    return Row(
        f"catalog generation, {database}", seconds, None, 60.0, kind="max", unit="s",
        notes=["1,000 roles, 60,000 titles, 20,000 tasks, 35,000 role skills"],
    )  # fmt: skip


# --- machine ----------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    import django
    import weasyprint

    cpu = "unknown"
    with open("/proc/cpuinfo", encoding="utf-8") as info:
        for line in info:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = "unknown"
    with open("/proc/meminfo", encoding="utf-8") as info:
        for line in info:
            if line.startswith("MemTotal:"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    import sqlite3

    from bench.load import wrk_available

    wrk = "not installed (python threads used)"
    if wrk_available():
        result = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
        wrk = (result.stdout or result.stderr).splitlines()[0].strip()
    return {
        "nproc": str(len(os.sched_getaffinity(0))),
        "parallel speedup, 2 CPU-bound processes": f"{parallel_speedup():.2f}x",
        "cpu": cpu,
        "memory": mem,
        "os": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "weasyprint": weasyprint.__version__,
        "gunicorn": _version("gunicorn"),
        "sqlite": sqlite3.sqlite_version,
        "load generator": wrk,
    }


def _burn(n: int) -> int:
    total = 0
    for i in range(n):
        total += i * i
    return total


def parallel_speedup(n: int = 4_000_000) -> float:
    """Throughput of two CPU-bound processes over one: 2.0 on two real, idle cores."""
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(2) as pool:
        list(pool.map(_burn, [1000, 1000]))  # start both workers first
        started = time.perf_counter()
        pool.submit(_burn, n).result()
        one = time.perf_counter() - started
        started = time.perf_counter()
        list(pool.map(_burn, [n, n]))
        two = time.perf_counter() - started
    return 2 * one / two


def _version(package: str) -> str:
    from importlib.metadata import version

    return version(package)


# --- child phases -------------------------------------------------------------------------------


def child(phase: str, workdir: Path, env: dict[str, str], args: list[str]) -> dict:
    out = workdir / f"{phase}.json"
    out.unlink(missing_ok=True)
    command = [sys.executable, "-m", "bench.run", "--phase", phase, "--workdir", str(workdir)]
    subprocess.run(command + args, env={**os.environ, **env}, cwd=BASE_DIR, check=True)
    return json.loads(out.read_text())


def share_font_configuration() -> None:
    """The proposed fix, in this process only: one WeasyPrint FontConfiguration for all renders.

    jdbuilder.documents.pdf makes a new FontConfiguration per render; WeasyPrint/Pango never give
    all of one back (see docs/performance.md). A FontConfiguration is made to be reused: it keeps
    each @font-face once, by digest.
    """
    from jdbuilder.documents import pdf

    shared = pdf.FontConfiguration()
    pdf.FontConfiguration = lambda: shared


def phase_memory(workdir: Path, renders: int, warmup: int, variant: str) -> dict:
    from django.contrib.auth import get_user_model
    from django.test import Client

    from bench.benchmarks import memory_growth
    from jdbuilder.models import JobDescriptionRevision, RenderedFile

    ids = json.loads((workdir / "ids.json").read_text())
    client = Client()
    client.force_login(get_user_model().objects.get(pk=ids["user"]))
    revision = JobDescriptionRevision.objects.get(pk=ids["revision"])

    def delete_stored() -> None:
        RenderedFile.objects.filter(revision=revision, format="pdf").delete()

    if variant == "shared-fonts":
        share_font_configuration()
    row = memory_growth(client, ids["pdf_url"], delete_stored, renders=renders, warmup=warmup)
    if variant == "shared-fonts":
        row.name += ", one FontConfiguration"
        row.notes.append("scratch only: the fix proposed for jdbuilder/documents/pdf.py")
    return {"rows": [row.as_dict()]}


def phase_postgres(roles: int, repeat: int) -> dict:
    from django.db import connection

    from bench.benchmarks import explain_search, role_search, search_queries

    seconds = build_catalog(roles)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    rows = [generation_row(seconds, "PostgreSQL").as_dict()]
    row, details = role_search(repeat=repeat, label="PostgreSQL")
    rows.append(row.as_dict())
    queries = search_queries()
    plans = {q.text: explain_search(q.text) for q in queries[:1] + queries[-3:]}
    with connection.cursor() as cursor:
        for statement in PG_TRIGRAM_SQL:
            cursor.execute(statement)
    fixed, fixed_details = role_search(repeat=repeat, label="PostgreSQL + trigram indexes")
    fixed.notes.append("scratch only: the proposed migration of docs/performance.md")
    rows.append(fixed.as_dict())
    fixed_plans = {q.text: explain_search(q.text) for q in queries[:1] + queries[-3:]}
    return {
        "rows": rows,
        "postgres": version,
        "details": {"PostgreSQL": details, "PostgreSQL + trigram indexes": fixed_details},
        "plans": {"PostgreSQL": plans, "PostgreSQL + trigram indexes": fixed_plans},
    }


def run_phase(phase: str, workdir: Path, options: argparse.Namespace) -> None:
    setup_django({})  # the parent set the environment
    repeats = REPEATS["quick" if options.quick else "full"]
    if phase.startswith("memory"):
        variant = "shared-fonts" if phase == "memory-shared-fonts" else "shipped"
        result = phase_memory(workdir, repeats["renders"], repeats["warmup"], variant)
    elif phase == "postgres":
        result = phase_postgres(options.roles, repeats["search"])
    else:
        raise SystemExit(f"unknown phase {phase}")
    (workdir / f"{phase}.json").write_text(json.dumps(result, default=str))


# --- PostgreSQL database ------------------------------------------------------------------------


def pg_admin(statement: str) -> None:
    import psycopg

    with psycopg.connect(PG_URL_ADMIN, autocommit=True, connect_timeout=5) as conn:
        conn.execute(statement)


def postgres_available() -> bool:
    try:
        pg_admin("SELECT 1")
    except Exception as error:  # noqa: BLE001 - any failure means "skip PostgreSQL"
        print(f"PostgreSQL at 127.0.0.1:5432 not reachable, skipped: {error}", file=sys.stderr)
        return False
    return True


# --- load ---------------------------------------------------------------------------------------


def load_rows(ctx, env: dict[str, str], workdir: Path, repeats: dict) -> list:
    from bench.load import Gunicorn, measure, production_env, run_python
    from bench.timing import Row

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
            rows.append(_rps_row(Row, name, result))
        # Each of these revisions was never rendered: every request renders its PDF. The first
        # few, sent at once so that both workers get some, load WeasyPrint and fonts: not timed.
        warm, timed_urls = ctx.fresh_pdf_urls[:FRESH_WARMUP], ctx.fresh_pdf_urls[FRESH_WARMUP:]
        run_python(server.port, warm, cookie, None)
        result = run_python(server.port, timed_urls, cookie, None)
        rows.append(_rps_row(Row, "rps: PDF download, rendered", result))
    return rows


def _rps_row(row_class, name: str, result):
    notes = [f"{result.requests} requests in {result.seconds:.1f} s, {result.tool}"]
    if result.errors:
        notes.append(f"{result.errors} errors")
    return row_class(name, result.rps, None, None, kind="", unit="rps", notes=notes)


# --- output -------------------------------------------------------------------------------------


def fmt_value(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "ms":
        return f"{value * 1000:.2f} ms" if value < 0.1 else f"{value * 1000:.0f} ms"
    if unit == "s":
        return f"{value:.1f} s"
    if unit == "rps":
        return f"{value:.1f} rps"
    return f"{value:.1f} {unit}"


def fmt_target(row) -> str:
    if row.target is None:
        return "—"
    if row.kind == "ratio":
        return f"≤ {row.target:g}x"
    if row.unit == "ms":
        return f"≤ {row.target * 1000:g} ms"
    return f"≤ {row.target:g} {row.unit}"


def table(rows: list) -> str:
    header = ["name", "ours", "baseline", "ratio", "target", "met?"]
    lines = []
    for row in rows:
        baseline = fmt_value(row.baseline, row.unit)
        if row.baseline_name and row.baseline is not None:
            baseline = f"{baseline} ({row.baseline_name})"
        met = {True: "yes", False: "**NO**", None: "—"}[row.met]
        ratio = f"{row.ratio:.2f}x" if row.ratio is not None else "—"
        lines.append(
            [row.name, fmt_value(row.ours, row.unit), baseline, ratio, fmt_target(row), met]
        )
    widths = [max(len(str(c)) for c in col) for col in zip(header, *lines, strict=False)]
    out = [
        "| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " |",
        "|" + "|".join("-" * (w + 2) for w in widths) + "|",
    ]
    out += [
        "| " + " | ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)) + " |"
        for line in lines
    ]
    return "\n".join(out)


def report(rows: list, info: dict, details: dict, plans: dict, command: str) -> str:
    parts = ["## Machine", ""]
    parts += [f"- {key}: {value}" for key, value in info.items()]
    parts += ["", f"Command: `{command}`", "", "## Results", "", table(rows), ""]
    notes = [f"- {row.name}: {'; '.join(row.notes)}" for row in rows if row.notes]
    if notes:
        parts += ["Notes:", "", *notes, ""]
    for label, queries in details.items():
        parts += [f"## Role search, {label}: median of each query", ""]
        parts += ["| kind | query | median | results |", "|---|---|---|---|"]
        parts += [
            f"| {d['kind']} | `{d['query']}` | {d['median_ms']:.2f} ms | {d['results']} |"
            for d in queries
        ]
        parts.append("")
    for label, by_query in plans.items():
        parts += [f"## Query plans, {label}", ""]
        for query, plan in by_query.items():
            parts += [f"`{query}`:", "", "```", plan, "```", ""]
    return "\n".join(parts)


# --- profile ------------------------------------------------------------------------------------


def profile(name: str, ctx, count: int) -> None:
    import cProfile
    import pstats

    from bench import benchmarks

    calls = {
        "wizard": benchmarks._get(ctx.client, ctx.wizard_url),
        "role": benchmarks._get(ctx.client, ctx.role_url),
        "minimal": benchmarks._get(ctx.client, ctx.minimal_url),
        "stored": benchmarks._get(ctx.client, ctx.pdf_url),
        "static": benchmarks._get(ctx.client, ctx.static_url),
        "search": lambda: [benchmarks.search_once(q.text) for q in benchmarks.search_queries()],
    }
    download = benchmarks._get(ctx.client, ctx.pdf_url)

    def pdf_once() -> None:
        ctx.delete_stored_pdf()
        download()

    calls["pdf"] = pdf_once
    fn = calls[name]
    for _ in range(3):
        fn()
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(count):
        fn()
    profiler.disable()
    stats = pstats.Stats(profiler).strip_dirs()
    print(f"cProfile of {name}, {count} runs: by cumulative time")
    stats.sort_stats("cumulative").print_stats(30)
    print("by own time")
    stats.sort_stats("tottime").print_stats(20)


# --- main ---------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (a smoke run)")
    parser.add_argument("--roles", type=int, default=1000, help="generated roles (1000)")
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--skip-load", action="store_true")
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    parser.add_argument("--profile", choices=["wizard", "role", "minimal", "pdf", "stored",
                                              "static", "search"])  # fmt: skip
    parser.add_argument("--profile-runs", type=int, default=50)
    parser.add_argument("--generate-only", action="store_true")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    options = parser.parse_args(argv)

    if options.phase:
        run_phase(options.phase, options.workdir, options)
        return 0
    if options.generate_only:
        if not os.environ.get("DATABASE_URL"):
            parser.error("--generate-only writes into DATABASE_URL: set it (not the dev database)")
        setup_django(
            {"DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "bench.settings")}
        )
        print(f"generated in {build_catalog(options.roles):.1f} s")
        return 0

    command = "python -m bench.run " + shlex.join(argv if argv is not None else sys.argv[1:])
    load_before = " ".join(f"{x:.2f}" for x in os.getloadavg())
    repeats = REPEATS["quick" if options.quick else "full"]
    started = time.perf_counter()
    workdir = Path(tempfile.mkdtemp(prefix="jdbench-"))
    try:
        env = bench_env(workdir, f"sqlite:///{workdir / 'bench.sqlite3'}")
        setup_django(env)
        from bench import benchmarks
        from bench.fixtures import prepare

        print(f"Building the SQLite catalog in {workdir} ...", flush=True)
        rows = [generation_row(build_catalog(options.roles), "SQLite")]
        fresh = 0 if options.skip_load else repeats["fresh"]
        ctx = prepare(workdir / "static", fresh_copies=fresh)
        if options.profile:
            profile(options.profile, ctx, options.profile_runs)
            return 0
        info = machine()
        details, plans = {}, {}

        print("In-process ratios ...", flush=True)
        rows += benchmarks.page_requests(ctx, repeat=repeats["request"])
        rows += benchmarks.pdf_download(ctx, repeat=repeats["pdf"])
        rows.append(benchmarks.stored_pdf_download(ctx, repeat=repeats["stored"]))
        print("Role search on SQLite ...", flush=True)
        row, details["SQLite"] = benchmarks.role_search(repeat=repeats["search"], label="SQLite")
        rows.append(row)
        queries = benchmarks.search_queries()
        plans["SQLite"] = {
            q.text: benchmarks.explain_search(q.text) for q in queries[:1] + queries[-3:]
        }

        from django.db import connection

        connection.close()
        (workdir / "ids.json").write_text(
            json.dumps({"user": ctx.user.pk, "revision": ctx.revision.pk, "pdf_url": ctx.pdf_url})
        )
        from bench.timing import Row

        if not options.skip_memory:
            for phase in ("memory", "memory-shared-fonts"):
                print(f"Memory (child process, {phase}) ...", flush=True)
                result = child(phase, workdir, env, ["--quick"] if options.quick else [])
                rows += [Row.from_dict(r) for r in result["rows"]]
        if not options.skip_load:
            print("gunicorn under load ...", flush=True)
            rows += load_rows(ctx, env, workdir, repeats)
        if not options.skip_postgres and postgres_available():
            print("PostgreSQL (fresh database jdbuilder_bench) ...", flush=True)
            pg_admin(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
            pg_admin(f"CREATE DATABASE {PG_DB}")
            try:
                pg_env = bench_env(workdir, PG_URL)
                args = ["--roles", str(options.roles)] + (["--quick"] if options.quick else [])
                result = child("postgres", workdir, pg_env, args)
            finally:
                pg_admin(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
            rows += [Row.from_dict(r) for r in result["rows"]]
            details.update(result["details"])
            plans.update(result["plans"])
            info["postgresql"] = result["postgres"]
        info["databases"] = "SQLite (in-process, memory, load), PostgreSQL (search)"
        info["load average (1, 5, 15 min) at start"] = load_before
        info["load average at end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
        info["gunicorn config"] = (
            "./gunicorn.conf.py (gunicorn reads it from the repository root) + --workers 2 --bind"
            if (BASE_DIR / "gunicorn.conf.py").exists()
            else "command line only"
        )
        info["total runtime"] = f"{time.perf_counter() - started:.0f} s"
        print()
        print(report(rows, info, details, plans, command))
        if options.json:
            options.json.write_text(
                json.dumps(
                    {"machine": info, "rows": [r.as_dict() for r in rows], "details": details},
                    indent=2,
                )
            )
        return 0
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
