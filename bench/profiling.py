"""`python -m bench.run --profile NAME`: cProfile of one in-process benchmark, printed.

NAME is one of `bench.config.PROFILES`: the wizard step (GET, skills), a step POST (skills),
the live preview, the review step's finalize, the role page, the minimal view, a worker's PDF
render, the stored-copy download, the WhiteNoise static file, or the role search queries.
"""

from __future__ import annotations

import cProfile
import pstats
from collections.abc import Callable

from bench import benchmarks, pages, wizard, workers
from bench.fixtures import BenchContext


def _calls(ctx: BenchContext) -> dict[str, Callable[[], object]]:
    calls = {
        "wizard": pages.get(ctx.client, ctx.wizard_url),
        "role": pages.get(ctx.client, ctx.role_url),
        "minimal": pages.get(ctx.client, ctx.minimal_url),
        "stored": pages.get(ctx.client, ctx.pdf_url),
        "static": pages.get(ctx.client, ctx.static_url),
        "search": lambda: [benchmarks.search_once(q.text) for q in benchmarks.search_queries()],
    }
    for step in ("role", "responsibilities", "tools", "posting", "review"):
        calls[f"get-{step}"] = pages.get(
            ctx.client, ctx.wizard_url.replace("/skills/", f"/{step}/")
        )
    # A step POST and the live preview, as bench.pages measures them.
    post = wizard.StepPost(ctx.client, ctx.draft, "skills")

    def post_once() -> None:
        post.prepare()
        post()

    calls["post"] = post_once
    preview = wizard.varied_post(ctx.client, ctx.draft, "jd:wizard_preview", json_version=False)
    if preview is not None:
        calls["preview"] = preview
    render = benchmarks.render_a4(ctx)

    def pdf_once() -> None:
        ctx.delete_stored_pdf()
        render()

    calls["pdf"] = pdf_once
    return calls


def profile(name: str, ctx: BenchContext, count: int) -> None:
    """Run benchmark `name` 3 times untimed, then `count` times under cProfile; print the stats."""
    if name == "finalize":  # as bench.workers measures it: each render sent to Redis
        with workers.sent_to_broker():
            post = workers.FinalizePost(ctx.client, workers.finalizable_draft(ctx))

            def finalize_once() -> None:
                post.prepare()
                post()

            return _profile(name, finalize_once, count)
    calls = _calls(ctx)
    if name not in calls:
        raise SystemExit(f"{name}: not available (its route is not there yet)")
    _profile(name, calls[name], count)


def _profile(name: str, fn: Callable[[], object], count: int) -> None:
    for _ in range(3):
        fn()
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(count):
        fn()
    profiler.disable()
    stats = pstats.Stats(profiler)
    print(f"cProfile of {name}, {count} runs: the project's own functions, by cumulative time")
    stats.sort_stats("cumulative").print_stats(r"/(jdbuilder|roles)/", 25)
    stats.strip_dirs()
    print("by cumulative time")
    stats.sort_stats("cumulative").print_stats(30)
    print("by own time")
    stats.sort_stats("tottime").print_stats(20)
