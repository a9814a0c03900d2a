"""The in-process benchmarks. Each returns table rows; none asserts a time (the runner judges).

Every request goes through django.test.Client, so the whole middleware stack of the settings in
force runs (security, WhiteNoise, sessions from the database, CSRF, auth, messages, ...).
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection
from django.test.utils import CaptureQueriesContext
from weasyprint import CSS, HTML

from bench.fixtures import BenchContext
from bench.generate_catalog import GENERATED_SOURCE
from bench.timing import Row, interleaved, median
from bench.urls import LAYOUT_URL, SIGNED_IN_URL
from jdbuilder.documents import pdf
from jdbuilder.documents.build import build_document
from jdbuilder.documents.formats import FORMATS
from jdbuilder.services import export_revision
from roles.models import AlternateTitle, Role

REQUEST_RATIO_TARGET = 3.0
PDF_RATIO_TARGET = 1.15
STORED_RATIO_TARGET = 3.0
SEARCH_TARGET_S = 0.020
MEMORY_TARGET_MB = 30.0
SEARCH_LIMIT = 50


def _get(client, url: str, expect_type: str | None = None) -> Callable[[], int]:
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


def queries(fn: Callable[[], object]) -> str:
    """How many SQL queries one call of `fn` makes, as a note."""
    with CaptureQueriesContext(connection) as captured:
        fn()
    return f"{len(captured)} SQL queries"


def page_requests(ctx: BenchContext, *, repeat: int) -> list[Row]:
    """The wizard step and the role page, each against GET of the minimal view.

    Two references are measured in the same rotation, for the analysis: a signed-in view that
    returns "ok" (session and user loaded) and the site layout (base.html) with no content.
    """
    times = interleaved(
        {
            "minimal": _get(ctx.client, ctx.minimal_url),
            "wizard": _get(ctx.client, ctx.wizard_url, "text/html"),
            "role": _get(ctx.client, ctx.role_url, "text/html"),
            "signed_in": _get(ctx.client, SIGNED_IN_URL),
            "layout": _get(ctx.client, LAYOUT_URL, "text/html"),
        },
        repeat=repeat,
        warmup=3,
    )
    minimal = median(times["minimal"])
    urls = {"wizard": ctx.wizard_url, "role": ctx.role_url, "signed_in": SIGNED_IN_URL,
            "layout": LAYOUT_URL}  # fmt: skip

    def row(name: str, key: str, target: float | None) -> Row:
        kind = "ratio" if target else ""
        note = queries(_get(ctx.client, urls[key]))
        return Row(
            name, median(times[key]), minimal, target, kind, baseline_name="minimal view",
            notes=[note],
        )  # fmt: skip

    return [
        row("wizard step GET (skills)", "wizard", REQUEST_RATIO_TARGET),
        row("role page GET", "role", REQUEST_RATIO_TARGET),
        row("ref: signed-in view returning ok", "signed_in", None),
        row("ref: empty page in the site layout", "layout", None),
    ]


def weasyprint_same_work(document) -> bytes:
    """The baseline of the PDF download: WeasyPrint alone on the same HTML, CSS and options.

    render_print_html(document) -> HTML(string, same base URL and static-only fetcher) with each
    chart given its own rules -> write_pdf with the same three stylesheets (document.css's page
    rules, print.css, the A4 rule), the same PDF/UA-1 variant and identifier, and the same
    FontConfiguration use: the one of the process, `pdf._font_config()`, which the app's renders
    reuse too (so neither side loads the fonts again per render). Left out (what the download
    adds): the request, session, permission and revision queries, building the Document from the
    snapshot, the PDF metadata, the INSERT of the stored copy, the response.
    """
    fetcher = pdf.StaticOnlyFetcher()
    fonts = pdf._font_config()
    shared = {"url_fetcher": fetcher, "font_config": fonts}
    html = HTML(string=pdf.render_print_html(document), base_url=pdf.BASE_URL, url_fetcher=fetcher)
    page_css, chart_css = pdf._document_css()
    pdf._style_charts(html, chart_css)
    stylesheets = [
        CSS(string=page_css, base_url=f"{pdf.BASE_URL}static/css/document.css", **shared),
        CSS(
            filename=pdf._static_path("css/print.css"),
            base_url=f"{pdf.BASE_URL}static/css/",
            **shared,
        ),
        CSS(string=pdf.PAPER_CSS["a4"], base_url=pdf.BASE_URL, **shared),
    ]
    return html.write_pdf(
        stylesheets=stylesheets,
        font_config=fonts,
        pdf_variant=pdf.PDF_VARIANT,
        pdf_identifier=f"jdbuilder:{document.public_id}:r{document.revision}".encode(),
    )


def weasyprint_bare(document) -> bytes:
    """WeasyPrint with its defaults: no stylesheet of ours, no PDF/UA tagging (information only)."""
    return HTML(string=pdf.render_print_html(document)).write_pdf()


def pdf_download(ctx: BenchContext, *, repeat: int) -> list[Row]:
    """The PDF download rendering (stored copy deleted before each run) against WeasyPrint."""
    document = build_document(ctx.revision)
    times = interleaved(
        {
            "ours": _get(ctx.client, ctx.pdf_url, "application/pdf"),
            "weasyprint": lambda: weasyprint_same_work(document),
            "bare": lambda: weasyprint_bare(document),
        },
        repeat=repeat,
        warmup=1,
        before={"ours": ctx.delete_stored_pdf},
    )
    ours = median(times["ours"])
    ctx.delete_stored_pdf()
    note = queries(_get(ctx.client, ctx.pdf_url))
    return [
        Row(
            "PDF download, rendered",
            ours,
            median(times["weasyprint"]),
            PDF_RATIO_TARGET,
            baseline_name="WeasyPrint, same HTML/CSS/options",
            notes=[note],
        ),
        Row(
            "PDF download vs bare WeasyPrint",
            ours,
            median(times["bare"]),
            None,
            kind="",
            baseline_name="HTML(string=...).write_pdf(), defaults",
        ),
    ]


def stored_pdf_download(ctx: BenchContext, *, repeat: int) -> Row:
    """The PDF served from its RenderedFile row against WhiteNoise serving a same-size file."""
    export_revision(revision=ctx.revision, export_format=FORMATS["pdf"])  # make sure it is stored
    times = interleaved(
        {
            "ours": _get(ctx.client, ctx.pdf_url, "application/pdf"),
            "whitenoise": _get(ctx.client, ctx.static_url, "application/pdf"),
        },
        repeat=repeat,
        warmup=3,
    )
    return Row(
        "PDF download, stored copy",
        median(times["ours"]),
        median(times["whitenoise"]),
        STORED_RATIO_TARGET,
        baseline_name=f"WhiteNoise, {ctx.static_size:,} B file",
        notes=[queries(_get(ctx.client, ctx.pdf_url))],
    )


# --- search -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchQuery:
    kind: str
    text: str


def search_queries() -> list[SearchQuery]:
    """Realistic queries; the ones taken from the catalog are fixed by the generator's seed."""
    generated = Role.objects.filter(source=GENERATED_SOURCE).order_by("pk")
    name = generated[min(100, generated.count() - 1)].name if generated.exists() else "Engineer"
    titles = AlternateTitle.objects.filter(role__source=GENERATED_SOURCE).order_by("pk")
    title = titles[min(12345, titles.count() - 1)].title if titles.exists() else "ML engineer"
    return [
        SearchQuery("name", name),
        SearchQuery("name", "software engineer"),
        SearchQuery("name, many matches", "data engineer"),
        SearchQuery("alternate title", title),
        SearchQuery("alternate title", "forecasting"),
        SearchQuery("partial", "analy"),
        SearchQuery("partial", "eng"),
        SearchQuery("no match", "underwater basket weaver"),
    ]


def search_once(query: str) -> list[Role]:
    return list(Role.objects.search(query)[:SEARCH_LIMIT])


def role_search(*, repeat: int, label: str) -> tuple[Row, list[dict]]:
    """Median of the per-query medians of `list(Role.objects.search(q)[:50])`."""
    queries = search_queries()
    times = interleaved(
        {f"{i}": (lambda q=q: search_once(q.text)) for i, q in enumerate(queries)},
        repeat=repeat,
        warmup=2,
    )
    details = [
        {
            "kind": q.kind,
            "query": q.text,
            "median_ms": median(times[f"{i}"]) * 1000,
            "results": len(search_once(q.text)),
        }
        for i, q in enumerate(queries)
    ]
    medians = sorted(d["median_ms"] / 1000 for d in details)
    row = Row(
        f"role search, {label}",
        median(medians),
        None,
        SEARCH_TARGET_S,
        kind="max",
        notes=[f"slowest query {medians[-1] * 1000:.1f} ms"],
    )
    return row, details


def explain_search(query: str) -> str:
    qs = Role.objects.search(query)[:SEARCH_LIMIT]
    if connection.vendor == "postgresql":
        return qs.explain(analyze=True, buffers=True)
    return qs.explain()


# --- memory -----------------------------------------------------------------------------------


def rss_mb() -> float:
    """This process's resident set size (VmRSS of /proc/self/status), in MiB."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def memory_growth(
    client, url: str, delete_stored: Callable[[], object], *, renders: int, warmup: int
) -> Row:
    """RSS growth over `renders` PDF downloads that each render (stored copy deleted first)."""
    download = _get(client, url, "application/pdf")
    for _ in range(warmup):
        delete_stored()
        download()
    gc.collect()
    before = rss_mb()
    started = time.perf_counter()
    peak = before
    for _ in range(renders):
        delete_stored()
        download()
        peak = max(peak, rss_mb())
    elapsed = time.perf_counter() - started
    gc.collect()
    after = rss_mb()
    return Row(
        f"RSS growth, {renders} PDF renders",
        after - before,
        None,
        MEMORY_TARGET_MB,
        kind="max",
        unit="MiB",
        notes=[
            f"VmRSS {before:.1f} -> {after:.1f} MiB (peak {peak:.1f}) after {warmup} warm-up "
            f"renders; {elapsed / renders * 1000:.0f} ms a download"
        ],
    )
