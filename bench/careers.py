"""The careers page and the feeds: speed at 5,000 open postings, and throughput under load.

Two parts, each against the reference the issue names, measured side by side:

- in process, 5,000 open postings, cold cache (the shared cache emptied and the stored feed
  files deleted before each timed request): the careers page, a search, every feed and the
  sitemap against the empty layout page (`bench.urls` LAYOUT_URL, signed in as every other
  page line is), <= 3x, each with its query count; the posting page, the warm careers page and
  the empty layout page as an anonymous visitor sees it, as information;
- under load (gunicorn, two workers, loopback, `bench.load`): the careers page and a posting
  page, warm cache, anonymous (no cookie: a candidate has none), against the minimal view in
  the same server run; the share of its requests per second must be >= 0.5. The cache is what
  the production settings give without REDIS_URL, as for every load line: the database cache
  (the `django_cache` table in the benchmark's SQLite file). With Redis on 127.0.0.1 a second
  run with REDIS_URL (database CACHE_REDIS_DB, emptied before and after) is a reference line.

`bench.run` runs both (`--skip-careers` leaves them out). Alone, on a fresh SQLite database in
a temporary directory, with no generated catalog (these pages never read the catalog):

    python -m bench.careers                 # both parts (about a minute)
    python -m bench.careers --quick --skip-load
    python -m bench.careers --profile indeed   # cProfile of one cold request, printed
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import io
import os
import pstats
import shlex
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.config import bench_env, setup_django
from bench.timing import Row

POSTINGS = 5_000
RATIO_TARGET = 3.0  # x the empty layout page, cold cache
SHARE_TARGET = 0.5  # of the minimal view's requests per second
REPEATS = {"full": 11, "quick": 3}
LOAD_ROUNDS = 3
CACHE_REDIS_DB = 13  # bench.workers' broker uses 14
PROFILES = ["careers", "search", "posting", "rss", "atom", "indeed", "linkedin", "sitemap"]


@dataclass
class ShareRow(Row):
    """A rate that must reach `target` times its baseline's (ours / baseline >= target)."""

    kind: str = "share"
    unit: str = "rps"
    # The share measured round by round (the median of each round's ours / baseline), which is
    # what the target is judged on; None: ours / baseline.
    share: float | None = None

    @property
    def ratio(self) -> float | None:
        return self.share if self.share is not None else super().ratio

    @property
    def met(self) -> bool | None:
        if self.unavailable:
            return None
        return self.ratio is not None and self.ratio >= self.target


@dataclass
class CareersContext:
    """The published demo JD and where its pages are."""

    posting_id: int
    count: int
    careers_url: str
    search_url: str
    posting_url: str
    feeds: dict[str, str]


# --- the postings -------------------------------------------------------------------------------


def prepare(ctx, count: int = POSTINGS) -> CareersContext:
    """Publish the benchmark's final JD and copy its posting until `count` are open.

    The copies are written in bulk (a JD, an issued revision and a Posting each, as a publish
    leaves them), so the 5,000 take seconds; what is measured only reads them."""
    from django.urls import reverse
    from django.utils import timezone

    from jdbuilder.publishing.models import Posting
    from jdbuilder.publishing.services import publish

    posting = Posting.objects.filter(job_description=ctx.final).first()
    if posting is None or not posting.is_open:
        posting = publish(
            job_description=ctx.final,
            user=ctx.user,
            closes_on=timezone.localdate() + datetime.timedelta(days=60),
            override_reason="Benchmark data.",
        )
    missing = count - Posting.objects.open().count()
    if missing > 0:
        copy_postings(posting, missing)
    word = posting.title.split()[-1].lower()
    return CareersContext(
        posting_id=posting.pk,
        count=Posting.objects.open().count(),
        careers_url=reverse("careers:list"),
        search_url=f"{reverse('careers:list')}?q={word}",
        posting_url=posting.get_absolute_url(),
        feeds={
            "RSS": reverse("careers:rss"),
            "Atom": reverse("careers:atom"),
            "Indeed XML": reverse("careers:indeed"),
            "LinkedIn XML": reverse("careers:linkedin"),
            "sitemap": reverse("sitemap"),
        },
    )


def copy_postings(source, count: int, *, batch: int = 500) -> None:
    """`count` open copies of `source`, each with its own JD, revision and short id, each
    published a minute before the one before it (the tests' bulk copy, in batches)."""
    from tests.support.publishing_bulk import bulk_open_postings

    bulk_open_postings(count, source=source, batch=batch, apart=datetime.timedelta(minutes=1))


def cold() -> None:
    """Nothing kept for the public pages: no cached page or stamp, no stored feed body."""
    from django.core.cache import caches

    from jdbuilder.publishing.models import FeedFile

    caches["default"].clear()
    FeedFile.objects.all().delete()


# --- in process, 5,000 postings, cold cache ---------------------------------------------------


def in_process_rows(ctx, careers: CareersContext, *, repeat: int) -> list[Row]:
    """Each public page and feed, cold, against the empty layout page; query counts in notes."""
    from django.test import Client

    from bench.pages import LAYOUT, get, queries
    from bench.timing import interleaved, median
    from bench.urls import LAYOUT_URL, PUBLIC_LAYOUT_URL

    anonymous = Client()
    public = {
        "careers page": get(anonymous, careers.careers_url, "text/html"),
        "careers search": get(anonymous, careers.search_url, "text/html"),
        "posting page": get(anonymous, careers.posting_url, "text/html"),
        **{name: get(anonymous, url) for name, url in careers.feeds.items()},
    }
    warm = "careers page, warm cache"
    contenders: dict[str, Callable[[], object]] = {
        "layout": get(ctx.client, LAYOUT_URL, "text/html"),
        "public layout": get(anonymous, PUBLIC_LAYOUT_URL, "text/html"),
        **public,
        warm: get(anonymous, careers.careers_url, "text/html"),
    }
    before: dict[str, Callable[[], object]] = dict.fromkeys(public, cold)
    before[warm] = public["careers page"]  # fills the cache, untimed
    # Each feed as served between two changes: its body stored (FeedFile), the page cache and
    # the stamp gone (what a request pays when its cached page has expired).
    stored = {f"{name}, stored body": name for name in careers.feeds}
    for label, name in stored.items():
        contenders[label] = get(anonymous, careers.feeds[name])
        before[label] = _stored(public[name])
    times = interleaved(contenders, repeat=repeat, warmup=1, before=before)
    layout = median(times["layout"])
    size = f"{careers.count:,} open postings, cold cache"
    rows = []
    for name in public:
        target = None if name == "posting page" else RATIO_TARGET
        rows.append(
            Row(
                f"{name} GET ({size})",
                median(times[name]),
                layout,
                target,
                "ratio" if target else "",
                baseline_name=LAYOUT,
                notes=[queries(public[name], cold), _size(public[name])],
            )
        )
    for label, name in stored.items():
        rows.append(
            Row(
                f"ref: {label} ({careers.count:,} postings, page cache cold)",
                median(times[label]),
                layout,
                None,
                "",
                baseline_name=LAYOUT,
                notes=[queries(contenders[label], _stored(public[name]))],
            )
        )
    rows.append(
        Row(
            f"ref: {warm}",
            median(times[warm]),
            layout,
            None,
            "",
            baseline_name=LAYOUT,
            notes=[queries(contenders[warm], public["careers page"])],
        )
    )
    rows.append(
        Row(
            "ref: empty layout page, anonymous",
            median(times["public layout"]),
            layout,
            None,
            "",
            baseline_name=f"{LAYOUT}, signed in",
            notes=[queries(contenders["public layout"])],
        )
    )
    return rows


def _stored(fn: Callable[[], int]) -> Callable[[], None]:
    """Before a timed GET: the feed built and stored by `fn`, then the page cache emptied."""

    def run() -> None:
        from django.core.cache import caches

        fn()
        caches["default"].clear()

    return run


def _size(fn: Callable[[], int]) -> str:
    cold()
    return f"{fn() / 1000:,.0f} KB"


# --- under load -----------------------------------------------------------------------------


def load_rows(ctx, careers: CareersContext, env: dict[str, str], workdir: Path, seconds: int):
    """Requests per second of the careers page and a posting page, warm, anonymous, against the
    minimal view in the same gunicorn run; with the database cache, and with Redis if there."""
    rows = _load_run(careers, env, workdir, seconds, "database cache")
    url = f"redis://127.0.0.1:6379/{CACHE_REDIS_DB}"
    if _redis_flushed(url):
        try:
            rows += _load_run(careers, {**env, "REDIS_URL": url}, workdir, seconds, "Redis cache")
        finally:
            _redis_flushed(url)
    else:
        rows.append(
            ShareRow("rps share: careers page, Redis cache", 0.0, None, SHARE_TARGET,
                     unavailable=f"no Redis at {url}")
        )  # fmt: skip
    return rows


def _redis_flushed(url: str) -> bool:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).flushdb()
    except redis.RedisError:
        return False
    return True


def _load_run(careers, env, workdir: Path, seconds: int, cache: str) -> list[Row]:
    """LOAD_ROUNDS rounds of (minimal view, careers page, posting page), the order rotating;
    each page's share is the median over the rounds of its rps over the same round's minimal
    view's, so a machine that slows down or speeds up mid-run weighs on both sides alike."""
    from bench.load import Gunicorn, measure, production_env
    from bench.timing import median
    from bench.urls import MINIMAL_URL

    paths = {
        "minimal view": MINIMAL_URL,
        "careers page": careers.careers_url,
        "posting page": careers.posting_url,
    }
    results: dict[str, list] = {name: [] for name in paths}
    log = workdir / f"gunicorn-careers-{cache.split()[0].lower()}.log"
    with Gunicorn(production_env(env), log=log) as server:
        names = list(paths)
        for turn in range(LOAD_ROUNDS):
            for name in names[turn % 3 :] + names[: turn % 3]:
                results[name].append(measure(server.port, paths[name], "", seconds))
    minimal = results.pop("minimal view")
    rows = [
        Row(
            f"rps: minimal view, anonymous ({cache} run)",
            median([r.rps for r in minimal]),
            None,
            None,
            kind="",
            unit="rps",
            notes=[
                f"median of {LOAD_ROUNDS} runs of {seconds} s: "
                + ", ".join(f"{r.rps:.0f}" for r in minimal)
                + f" rps; {minimal[0].tool}"
            ],
        )
    ]
    for name, runs in results.items():
        shares = [run.rps / base.rps for run, base in zip(runs, minimal, strict=True)]
        share = median(shares)
        errors = sum(run.errors for run in runs)
        notes = [
            f"median share of {LOAD_ROUNDS} rounds: "
            + ", ".join(f"{r.rps:.0f} rps ({x:.2f})" for r, x in zip(runs, shares, strict=True))
        ]
        rows.append(
            ShareRow(
                f"rps share: {name}, warm, anonymous ({cache})",
                median([r.rps for r in runs]),
                median([r.rps for r in minimal]),
                SHARE_TARGET,
                share=share,
                baseline_name="minimal view, same rounds",
                notes=notes,
                failure=f"{errors} errors" if errors else "",
            )
        )
    return rows


# --- alone ----------------------------------------------------------------------------------


def build_database() -> None:
    """Migrate, the cache table, the seed catalog: what these pages need, no generated catalog."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    call_command("createcachetable", verbosity=0)
    call_command("load_catalog", verbosity=0, stdout=io.StringIO())


def profile(name: str, careers: CareersContext, count: int) -> None:
    """cProfile of `count` cold requests of page `name` (PROFILES), printed."""
    from django.test import Client

    from bench.pages import get

    urls = {
        "careers": careers.careers_url,
        "search": careers.search_url,
        "posting": careers.posting_url,
        "rss": careers.feeds["RSS"],
        "atom": careers.feeds["Atom"],
        "indeed": careers.feeds["Indeed XML"],
        "linkedin": careers.feeds["LinkedIn XML"],
        "sitemap": careers.feeds["sitemap"],
    }
    fn = get(Client(), urls[name])
    fn()
    profiler = cProfile.Profile()
    for _ in range(count):
        cold()
        profiler.enable()
        fn()
        profiler.disable()
    stats = pstats.Stats(profiler)
    print(f"cProfile of {count} cold GETs of {urls[name]}: the project's functions, cumulative")
    stats.sort_stats("cumulative").print_stats(r"/(jdbuilder|roles)/", 25)
    stats.strip_dirs()
    print("by own time")
    stats.sort_stats("tottime").print_stats(25)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions, 2 s load runs")
    parser.add_argument("--postings", type=int, default=POSTINGS)
    parser.add_argument("--skip-load", action="store_true")
    parser.add_argument("--profile", choices=PROFILES)
    parser.add_argument("--profile-runs", type=int, default=5)
    options = parser.parse_args(argv)
    argv = argv if argv is not None else sys.argv[1:]
    load_before = " ".join(f"{x:.2f}" for x in os.getloadavg())
    started = time.perf_counter()
    workdir = Path(tempfile.mkdtemp(prefix="jdbench-careers-"))
    try:
        env = bench_env(workdir, f"sqlite:///{workdir / 'bench.sqlite3'}")
        setup_django(env)
        # Imported only now: they import the models, which need Django set up.
        from django.db import connection

        from bench.fixtures import prepare as prepare_bench
        from bench.machine import machine
        from bench.report import report

        print(f"Building the database in {workdir} ...", flush=True)
        build_database()
        ctx = prepare_bench(workdir / "static")
        print(f"Publishing {options.postings:,} postings ...", flush=True)
        careers = prepare(ctx, options.postings)
        if options.profile:
            profile(options.profile, careers, options.profile_runs)
            return 0
        info = machine()
        print("Careers page and feeds, cold cache ...", flush=True)
        rows = in_process_rows(ctx, careers, repeat=REPEATS["quick" if options.quick else "full"])
        if not options.skip_load:
            connection.close()  # the servers open their own
            print("gunicorn under load: careers pages ...", flush=True)
            rows += load_rows(ctx, careers, env, workdir, 2 if options.quick else 5)
        info.update(
            {
                "database": "SQLite (in-process and load); the database cache for the load run",
                "load average (1, 5, 15 min) at start": load_before,
                "load average at end": " ".join(f"{x:.2f}" for x in os.getloadavg()),
                "total runtime": f"{time.perf_counter() - started:.0f} s",
            }
        )
        print()
        print(report(rows, info, {}, {}, "python -m bench.careers " + shlex.join(argv)))
        return 0
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
