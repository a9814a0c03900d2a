"""The in-process benchmarks of rendering, search and memory. Each returns table rows; none
asserts a time (the runner judges). The page benchmarks are in `bench.pages`.

Every request goes through django.test.Client, so the whole middleware stack of the settings in
force runs (security, WhiteNoise, sessions from the database, CSRF, auth, messages, ...).
"""

from __future__ import annotations

import gc
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db import connection
from weasyprint import CSS, HTML

from bench.fixtures import BenchContext
from bench.generate_catalog import GENERATED_SOURCE
from bench.pages import queries
from bench.timing import Row, interleaved, median
from jdbuilder.documents import pdf
from jdbuilder.documents.build import build_document
from jdbuilder.documents.formats import FORMATS
from jdbuilder.services import export_revision
from roles.models import AlternateTitle, Role

PDF_RATIO_TARGET = 1.15
SEARCH_TARGET_S = 0.005
MEMORY_TARGET_MB = 30.0
SEARCH_LIMIT = 50


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


def render_a4(ctx: BenchContext) -> Callable[[], bytes]:
    """The render a worker's job does for one format: build the Document, render, store."""
    return lambda: export_revision(revision=ctx.revision, export_format=FORMATS["pdf"])


def pdf_download(ctx: BenchContext, *, repeat: int) -> list[Row]:
    """A worker's PDF render (stored copy deleted before each run) against WeasyPrint alone."""
    document = build_document(ctx.revision)
    times = interleaved(
        {
            "ours": render_a4(ctx),
            "weasyprint": lambda: weasyprint_same_work(document),
            "bare": lambda: weasyprint_bare(document),
        },
        repeat=repeat,
        warmup=1,
        before={"ours": ctx.delete_stored_pdf},
    )
    ours = median(times["ours"])
    ctx.delete_stored_pdf()
    note = queries(render_a4(ctx))
    return [
        Row(
            "PDF render, as a worker does it (A4)",
            ours,
            median(times["weasyprint"]),
            PDF_RATIO_TARGET,
            baseline_name="WeasyPrint, same HTML/CSS/options",
            notes=[note],
        ),
        Row(
            "PDF render vs bare WeasyPrint",
            ours,
            median(times["bare"]),
            None,
            kind="",
            baseline_name="HTML(string=...).write_pdf(), defaults",
        ),
    ]


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


INDEX_SCAN = re.compile(r"(?:Bitmap )?Index (?:Only )?Scan (?:using|on) (\w+)")
TITLES_TABLE = "roles_alternatetitle"


def _seq_scans(plans: dict[str, str], table: str) -> list[str]:
    seq = re.compile(rf"Seq Scan on {re.escape(table)}\b")
    return [query for query, plan in plans.items() if seq.search(plan)]


def plan_verdict(plans: dict[str, str], tables: Sequence[str] = ()) -> tuple[str, str]:
    """(note, failure) for PostgreSQL query plans: which indexes they scan, which queries read a
    table with a trigram index (`tables`) without it, and a failure naming each query whose plan
    reads the 60,000 alternate titles with a sequential scan (the failure of issue 11)."""
    indexes = sorted({name for plan in plans.values() for name in INDEX_SCAN.findall(plan)})
    notes = [f"EXPLAIN of {len(plans)} queries (printed below): indexes used: "
             f"{', '.join(indexes) or 'none'}"]  # fmt: skip
    for table in sorted(set(tables) - {TITLES_TABLE}):
        if unindexed := _seq_scans(plans, table):
            queries = ", ".join(f"`{q}`" for q in unindexed)
            notes.append(f"index not used (Seq Scan on {table}) for {queries}")
    titles = _seq_scans(plans, TITLES_TABLE)
    failure = ", ".join(f"`{q}`" for q in titles)
    if failure:
        failure = f"Seq Scan on {TITLES_TABLE} for {failure}"
    return "; ".join(notes), failure


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
    render: Callable[[], object], delete_stored: Callable[[], object], *, renders: int, warmup: int
) -> Row:
    """RSS growth over `renders` PDF renders as a worker does them (stored copy deleted first)."""
    download = render
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
            f"renders; {elapsed / renders * 1000:.0f} ms a render"
        ],
    )
