"""The skill model's pages at scale: insights, compliance and the interview kit.

At 5,000 open postings (each its own JD with one issued revision, as `bench.careers` publishes
them), signed in as a recruiter, against the empty layout page (`bench.urls` LAYOUT_URL) in the
same run, each with its query count:

- the insights page and its required-skills CSV (every issued JD's latest revision is read);
- the compliance page (every open posting evaluated against the pay rules) and its CSV;
- the demo JD's interview kit page, and its stored PDF download (rendered once, untimed).

There are no targets here: the issue names none. The figures say where a larger library would
start to hurt. Alone, on a fresh SQLite database in a temporary directory:

    python -m bench.skill_model                    # 5,000 postings (about two minutes)
    python -m bench.skill_model --quick --postings 500
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import sys
import tempfile
import time
from pathlib import Path

from bench.config import bench_env, setup_django
from bench.timing import Row

POSTINGS = 5_000
REPEATS = {"full": 7, "quick": 3}


def recruiter_client():
    """A signed-in recruiter: who reads insights, compliance and issued JDs' kits."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.test import Client

    from jdbuilder.accounts import RECRUITERS, ensure_groups

    ensure_groups()
    user, _ = get_user_model().objects.get_or_create(username="bench-recruiter")
    user.groups.add(Group.objects.get(name=RECRUITERS))
    client = Client()
    client.force_login(user)
    return client


def rows(ctx, careers, *, repeat: int) -> list[Row]:
    from django.urls import reverse

    from bench.pages import LAYOUT, get, queries
    from bench.timing import interleaved, median
    from bench.urls import LAYOUT_URL

    client = recruiter_client()
    public_id = ctx.final.public_id
    pages = {
        "insights page": get(client, reverse("insights:page"), "text/html"),
        "insights CSV, required skills": get(
            client, reverse("insights:csv", kwargs={"chart": "required-skills"})
        ),
        "compliance page": get(client, reverse("compliance:postings"), "text/html"),
        "compliance CSV": get(client, reverse("compliance:postings_csv")),
        "interview kit page": get(client, reverse("kits:kit", kwargs={"public_id": public_id})),
        "interview kit PDF, stored": get(
            client,
            reverse(
                "kits:download_revision",
                kwargs={"public_id": public_id, "number": 1, "fmt": "pdf"},
            ),
        ),
    }
    pages["interview kit PDF, stored"]()  # rendered and kept once, untimed
    contenders = {"layout": get(client, LAYOUT_URL, "text/html"), **pages}
    times = interleaved(contenders, repeat=repeat, warmup=1)
    layout = median(times["layout"])
    size = f"{careers.count:,} open postings"
    return [
        Row(
            f"{name} GET ({size})",
            median(times[name]),
            layout,
            None,
            "",
            baseline_name=f"{LAYOUT}, signed in",
            notes=[queries(fn)],
        )
        for name, fn in pages.items()
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument("--postings", type=int, default=POSTINGS)
    options = parser.parse_args(argv)
    argv = argv if argv is not None else sys.argv[1:]
    load_before = " ".join(f"{x:.2f}" for x in os.getloadavg())
    started = time.perf_counter()
    workdir = Path(tempfile.mkdtemp(prefix="jdbench-skill-model-"))
    try:
        env = bench_env(workdir, f"sqlite:///{workdir / 'bench.sqlite3'}")
        setup_django(env)
        # Imported only now: they import the models, which need Django set up.
        from bench import careers
        from bench.fixtures import prepare as prepare_bench
        from bench.machine import machine
        from bench.report import report

        print(f"Building the database in {workdir} ...", flush=True)
        careers.build_database()
        ctx = prepare_bench(workdir / "static")
        print(f"Publishing {options.postings:,} postings ...", flush=True)
        published = careers.prepare(ctx, options.postings)
        info = machine()
        print("Insights, compliance, interview kit ...", flush=True)
        table = rows(ctx, published, repeat=REPEATS["quick" if options.quick else "full"])
        info.update(
            {
                "database": "SQLite, in process",
                "load average (1, 5, 15 min) at start": load_before,
                "load average at end": " ".join(f"{x:.2f}" for x in os.getloadavg()),
                "total runtime": f"{time.perf_counter() - started:.0f} s",
            }
        )
        print()
        print(report(table, info, {}, {}, "python -m bench.skill_model " + shlex.join(argv)))
        return 0
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
