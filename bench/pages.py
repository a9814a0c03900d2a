"""The page benchmarks: each page against a reference measured in the same interleaved run.

- every wizard step, GET and POST, against the empty page in the site layout (<= 3x);
- the live preview and autosave requests against the same (<= 3x), "not available" if the route
  is not there; the step page's load of its preview when nothing is cached (what follows every
  save), and a step GET whose preview is cached (shown inline), against the same (<= 3x);
- the role page (<= 2x) and the role list (<= 3x, and at most 100 KB of HTML) against the same;
- a stored PDF download against the signed-in view that returns "ok" (<= 1.5x), with WhiteNoise
  serving a same-size file as information;
- the old lines against `HttpResponse("ok")`, as information (no target).

Every request goes through django.test.Client: the whole middleware stack runs (security,
WhiteNoise, sessions from the database, CSRF, auth, messages, ...). Bodies are read to the end.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench import wizard
from bench.fixtures import BenchContext
from bench.timing import Row, interleaved, median
from bench.urls import LAYOUT_URL, SIGNED_IN_URL
from jdbuilder.documents.formats import FORMATS
from jdbuilder.services import export_revision

STEP_RATIO_TARGET = 3.0  # wizard steps, preview, autosave: x the empty layout page
ROLE_PAGE_TARGET = 2.0
ROLE_LIST_TARGET = 3.0
ROLE_LIST_MAX_KB = 100.0
STORED_RATIO_TARGET = 1.5  # x the signed-in view returning "ok"
LAYOUT = "empty layout page"


def get(client, url: str, expect_type: str | None = None) -> Callable[[], int]:
    """A GET of `url` that reads the whole body, checked to be a 200 (of `expect_type`)."""

    def run() -> int:
        response = client.get(url)
        if response.status_code != 200:
            raise AssertionError(f"GET {url}: {response.status_code}")
        if expect_type and not response["Content-Type"].startswith(expect_type):
            raise AssertionError(f"GET {url}: {response['Content-Type']}")
        # The test client closes the response itself (a streamed one once it is read); closing it
        # again would fire request_finished and close the database connection mid-benchmark.
        return len(b"".join(response.streaming_content) if response.streaming else response.content)

    return run


def queries(fn: Callable[[], object], before: Callable[[], object] | None = None) -> str:
    """How many SQL queries one call of `fn` makes (after `before`, not counted), as a note."""
    if before is not None:
        before()
    with CaptureQueriesContext(connection) as captured:
        fn()
    return f"{len(captured)} SQL queries"


def _ratio_row(name, times, key, ref, ref_name, target, fn, before=None) -> Row:
    return Row(
        name,
        median(times[key]),
        median(times[ref]),
        target,
        "ratio" if target else "",
        baseline_name=ref_name,
        notes=[queries(fn, before)],
    )


def wizard_requests(ctx: BenchContext, *, repeat: int) -> list[Row]:
    """GET and POST ("Save and continue"; review: "Back") of every step of a complete draft."""
    client, draft = ctx.client, ctx.draft
    contenders: dict[str, Callable[[], object]] = {"layout": get(client, LAYOUT_URL, "text/html")}
    before: dict[str, Callable[[], object]] = {}
    for step in wizard.STEPS:
        contenders[f"GET {step}"] = get(client, wizard.step_url(draft, step), "text/html")
    for step in wizard.STEPS:
        post = wizard.StepPost(client, draft, step)
        contenders[f"POST {step}"] = post
        before[f"POST {step}"] = post.prepare
    times = interleaved(contenders, repeat=repeat, warmup=3, before=before)
    return [
        _ratio_row(
            f"wizard step {key}",
            times,
            key,
            "layout",
            LAYOUT,
            STEP_RATIO_TARGET,
            contenders[key],
            before.get(key),
        )  # fmt: skip
        for key in contenders
        if key != "layout"
    ]


def live_requests(ctx: BenchContext, *, repeat: int) -> list[Row]:
    """The live preview and the autosave of the posting step, the summary varied every time."""
    client, draft = ctx.client, ctx.draft
    named = {
        "live preview POST (posting)": ("jd:wizard_preview", False),
        "autosave POST (posting)": ("jd:wizard_autosave", True),
    }
    contenders: dict[str, Callable[[], object]] = {"layout": get(client, LAYOUT_URL, "text/html")}
    before: dict[str, Callable[[], object]] = {}
    rows = []
    load_url = wizard.named_step_url("jd:wizard_preview", draft, "skills")
    if load_url is not None:
        # The step page after a save shows a placeholder and GETs this: built, then cached.
        load = "preview load GET (skills, not cached)"
        contenders[load] = get(client, load_url, "text/html")
        before[load] = caches["fragments"].clear
        cached = "wizard step GET skills, preview cached"
        contenders[cached] = get(client, wizard.step_url(draft, "skills"), "text/html")
        before[cached] = get(client, load_url, "text/html")  # fills the cache, untimed
    for name, (route, json_version) in named.items():
        post = wizard.varied_post(client, draft, route, json_version=json_version)
        if post is None:
            rows.append(
                Row(name, 0.0, None, STEP_RATIO_TARGET, unavailable=f"no route {route} yet")
            )
        else:
            contenders[name] = post
    if len(contenders) == 1:
        return rows
    times = interleaved(contenders, repeat=repeat, warmup=3, before=before)
    measured = [
        _ratio_row(
            name,
            times,
            name,
            "layout",
            LAYOUT,
            STEP_RATIO_TARGET,
            contenders[name],
            before.get(name),
        )  # fmt: skip
        for name in contenders
        if name != "layout"
    ]
    return measured + rows


def catalog_requests(ctx: BenchContext, *, repeat: int) -> list[Row]:
    """The role page and the role list against the layout page; the references against "ok"."""
    client = ctx.client
    list_url = reverse("roles:list")
    contenders = {
        "layout": get(client, LAYOUT_URL, "text/html"),
        "role": get(client, ctx.role_url, "text/html"),
        "list": get(client, list_url, "text/html"),
        "minimal": get(client, ctx.minimal_url),
        "signed_in": get(client, SIGNED_IN_URL),
    }
    times = interleaved(contenders, repeat=repeat, warmup=3)
    size_kb = contenders["list"]() / 1000
    ok = "minimal view, HttpResponse('ok')"
    return [
        _ratio_row("role page GET", times, "role", "layout", LAYOUT, ROLE_PAGE_TARGET,
                   contenders["role"]),
        _ratio_row("role list GET", times, "list", "layout", LAYOUT, ROLE_LIST_TARGET,
                   contenders["list"]),
        Row("role list HTML size", size_kb, None, ROLE_LIST_MAX_KB, kind="max", unit="KB",
            notes=[f"GET {list_url}, body as sent (uncompressed)"]),
        _ratio_row("ref: role page vs HttpResponse('ok')", times, "role", "minimal", ok, None,
                   contenders["role"]),
        _ratio_row("ref: signed-in view returning ok", times, "signed_in", "minimal", ok, None,
                   contenders["signed_in"]),
        _ratio_row("ref: empty page in the site layout", times, "layout", "minimal", ok, None,
                   contenders["layout"]),
    ]  # fmt: skip


def stored_pdf_download(ctx: BenchContext, *, repeat: int) -> list[Row]:
    """The PDF served from its RenderedFile row against the signed-in view; WhiteNoise as info."""
    export_revision(revision=ctx.revision, export_format=FORMATS["pdf"])  # make sure it is stored
    contenders = {
        "ours": get(ctx.client, ctx.pdf_url, "application/pdf"),
        "signed_in": get(ctx.client, SIGNED_IN_URL),
        "whitenoise": get(ctx.client, ctx.static_url, "application/pdf"),
    }
    times = interleaved(contenders, repeat=repeat, warmup=3)
    return [
        _ratio_row("PDF download, stored copy", times, "ours", "signed_in",
                   "signed-in view returning ok", STORED_RATIO_TARGET, contenders["ours"]),
        _ratio_row("ref: stored PDF vs WhiteNoise", times, "ours", "whitenoise",
                   f"WhiteNoise, {ctx.static_size:,} B file", None, contenders["ours"]),
    ]  # fmt: skip
