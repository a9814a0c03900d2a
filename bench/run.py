"""`make bench`: every benchmark of docs/performance.md, one table of results.

    python -m bench.run                      # everything (about 5-8 minutes on 2 cores)
    python -m bench.run --quick              # fewer repetitions, shorter load runs
    python -m bench.run --skip-postgres --skip-load
    python -m bench.run --skip-careers          # without the careers page and feeds (bench.careers)
    python -m bench.run --profile wizard     # cProfile of one benchmark (wizard, role, minimal,
                                             # pdf, stored, static, search)
    DATABASE_URL=... python -m bench.run --generate-only   # migrate + seed + generated catalog

Phases, each in a fresh database built by this runner (never the development database):
1. SQLite, in this process: migrate, load the seed catalog, generate the O*NET-size catalog,
   then the in-process ratios (each measured side by side with its baseline, interleaved,
   median of N) and role search;
2. memory: a child process downloads the same PDF 210 times (each rendering) and reports RSS;
   then the careers page and the feeds at 5,000 open postings, cold cache (`bench.careers`);
3. load: gunicorn with two workers on the SQLite database, driven over loopback; then the
   careers page and a posting page, anonymous, against the minimal view in their own run;
4. PostgreSQL (127.0.0.1:5432, user postgres): a fresh database `jdbuilder_bench` is created,
   migrated (with the trigram indexes of roles/0003), generated, vacuumed and analyzed as
   autovacuum would after an import, searched, searched again with the trigram indexes dropped
   from this scratch database only (a reference line), and dropped.

This module is the command line and the order of things; the phases are `bench.phases`, the
report `bench.report`, the machine's description `bench.machine`.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import postgres
from bench.config import BASE_DIR, PROFILES, bench_env, repeats_for, setup_django
from bench.machine import machine
from bench.report import report
from bench.timing import Row


def build_parser() -> argparse.ArgumentParser:
    """The options of `python -m bench.run`."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (a smoke run)")
    parser.add_argument("--roles", type=int, default=1000, help="generated roles (1000)")
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--skip-load", action="store_true")
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--skip-workers", action="store_true", help="no Celery worker lines")
    parser.add_argument("--skip-careers", action="store_true", help="no careers page lines")
    parser.add_argument("--postings", type=int, default=5000, help="open postings (5000)")
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    parser.add_argument("--profile", choices=PROFILES)
    parser.add_argument("--profile-runs", type=int, default=50)
    parser.add_argument("--generate-only", action="store_true")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run what the options ask for; 0 on success."""
    arguments = build_parser()
    options = arguments.parse_args(argv)
    # bench.phases, bench.profiling and bench.fixtures import the models: they are imported
    # below, once setup_django() has set Django up with this process's settings and database.
    if options.phase:
        setup_django({})  # the parent set the environment
        from bench import phases

        phases.run_phase(options.phase, options.workdir, options)
        return 0
    if options.generate_only:
        if not os.environ.get("DATABASE_URL"):
            arguments.error(
                "--generate-only writes into DATABASE_URL: set it (not the dev database)"
            )
        setup_django(
            {"DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "bench.settings")}
        )
        from bench.phases import build_catalog

        print(f"generated in {build_catalog(options.roles):.1f} s")
        return 0
    return run_all(options, argv if argv is not None else sys.argv[1:])


def run_all(options: argparse.Namespace, argv: list[str]) -> int:
    """Every phase the options leave in, in a temporary directory; print the report."""
    command = "python -m bench.run " + shlex.join(argv)
    load_before = " ".join(f"{x:.2f}" for x in os.getloadavg())
    repeats = repeats_for(options.quick)
    started = time.perf_counter()
    workdir = Path(tempfile.mkdtemp(prefix="jdbench-"))
    try:
        env = bench_env(workdir, f"sqlite:///{workdir / 'bench.sqlite3'}")
        setup_django(env)
        # Imported only now: they import the models, which need Django set up (see main()).
        from bench import phases, profiling
        from bench.fixtures import prepare

        print(f"Building the SQLite catalog in {workdir} ...", flush=True)
        rows = [phases.generation_row(phases.build_catalog(options.roles), "SQLite")]
        ctx = prepare(workdir / "static")
        if options.profile:
            profiling.profile(options.profile, ctx, options.profile_runs)
            return 0
        info = machine()

        in_process, details, plans = phases.in_process_rows(ctx, repeats)
        rows += in_process
        if not options.skip_workers:
            print("Celery worker: finalize to stored PDFs, exports ...", flush=True)
            from bench import workers

            rows += workers.worker_rows(ctx, workdir, repeat=repeats["worker"])
        careers_ctx = None
        if not options.skip_careers:
            print(f"Careers page and feeds, {options.postings:,} postings, cold ...", flush=True)
            from bench import careers

            careers_ctx = careers.prepare(ctx, options.postings)
            rows += careers.in_process_rows(
                ctx, careers_ctx, repeat=careers.REPEATS["quick" if options.quick else "full"]
            )
        phases.hand_over(ctx, workdir)
        if not options.skip_memory:
            print("Memory (child process) ...", flush=True)
            result = child("memory", workdir, env, ["--quick"] if options.quick else [])
            rows += [Row.from_dict(r) for r in result["rows"]]
        if not options.skip_load:
            print("gunicorn under load ...", flush=True)
            rows += phases.load_rows(ctx, env, workdir, repeats)
            if careers_ctx is not None:
                print("gunicorn under load: careers pages ...", flush=True)
                rows += careers.load_rows(ctx, careers_ctx, env, workdir, repeats["load_seconds"])
        if not options.skip_postgres and postgres.postgres_available():
            result = postgres_phase(workdir, options)
            rows += [Row.from_dict(r) for r in result["rows"]]
            details.update(result["details"])
            plans.update(result["plans"])
            info["postgresql"] = result["postgres"]
        info.update(run_info(load_before, started))
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


def child(phase: str, workdir: Path, env: dict[str, str], args: list[str]) -> dict:
    """Run `phase` in a new `python -m bench.run --phase` process with `env`; its result."""
    out = workdir / f"{phase}.json"
    out.unlink(missing_ok=True)
    command = [sys.executable, "-m", "bench.run", "--phase", phase, "--workdir", str(workdir)]
    subprocess.run(command + args, env={**os.environ, **env}, cwd=BASE_DIR, check=True)
    return json.loads(out.read_text())


def postgres_phase(workdir: Path, options: argparse.Namespace) -> dict:
    """The PostgreSQL phase in a child process, on a scratch database dropped afterwards."""
    print(f"PostgreSQL (fresh database {postgres.PG_DB}) ...", flush=True)
    postgres.recreate_database()
    try:
        pg_env = bench_env(workdir, postgres.PG_URL)
        args = ["--roles", str(options.roles)] + (["--quick"] if options.quick else [])
        return child("postgres", workdir, pg_env, args)
    finally:
        postgres.drop_database()


def run_info(load_before: str, started: float) -> dict[str, str]:
    """The report's last machine lines: databases, load averages, gunicorn config, runtime."""
    return {
        "databases": "SQLite (in-process, memory, load), PostgreSQL (search)",
        "load average (1, 5, 15 min) at start": load_before,
        "load average at end": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "gunicorn config": (
            "./gunicorn.conf.py (gunicorn reads it from the repository root) + --workers 2 --bind"
            if (BASE_DIR / "gunicorn.conf.py").exists()
            else "command line only"
        ),
        "total runtime": f"{time.perf_counter() - started:.0f} s",
    }


if __name__ == "__main__":
    sys.exit(main())
