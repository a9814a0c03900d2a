"""Document -> PDF (A4 or US Letter) with WeasyPrint.

The PDF is tagged PDF/UA-1 (structure tree in DOM order, language, title), embeds our own font,
numbers its pages and names the company in a running header. WeasyPrint sees no font but ours
(fonts.conf beside this module), and a character our fonts cannot draw is drawn as U+FFFD
(jdbuilder/glyphs.py; docs/fonts.md). The same Document always gives the same bytes, on every
server: dates come from the revision, the file identifier from the document's id.

Nothing a user typed can make WeasyPrint load anything: every user value reaches the HTML escaped
by Django templates, no user value goes into CSS or a URL (the brand colour reaches CSS only as
brand.py's rule for a checked #rrggbb; the logo is a data: URI of its checked, re-encoded bytes),
and the URL fetcher below refuses all but data: URLs and our own static files, read from disk.
Attachments are stripped before writing.
"""

from __future__ import annotations

import mimetypes
import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import DataHandler, Request, url2pathname

import tinycss2
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.template.loader import render_to_string
from weasyprint import CSS, HTML
from weasyprint.text.ffi import ffi, fontconfig
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from jdbuilder.document import Document
from jdbuilder.documents.html import brand_stylesheet
from jdbuilder.glyphs import drawable_text

# The document's base URL: a host that cannot resolve (RFC 2606 ".invalid") and is never
# contacted. Relative URLs resolve against it, never against the filesystem; only its /static/
# paths mean something, and fetch_static reads those from disk.
BASE_URL = "https://jdbuilder.invalid/"
STATIC_PATH = "/static/"
# Our constant rules, one per paper size; print.css says A4, Letter overrides it.
PAPER_CSS = {"a4": "@page { size: A4; }", "letter": "@page { size: letter; }"}
PDF_VARIANT = "pdf/ua-1"
SVG_NS = "{http://www.w3.org/2000/svg}"
# document.css's rules for what is inside the skill chart, and the font the chart's text uses.
SVG_SCOPE = ".skill-chart "
SVG_PRINT_CSS = 'svg { font-family: "JD Sans"; }'
# Fontconfig's whole configuration for the PDF: no font of the host's, only print.css's.
FONTS_CONF = Path(__file__).resolve().with_name("fonts.conf")
# What fontconfig reads from the environment to find its configuration; see _our_fontconfig.
FONTCONFIG_VARIABLES = ("FONTCONFIG_FILE", "FONTCONFIG_PATH", "FONTCONFIG_SYSROOT")


class BlockedURL(ValueError):
    """A URL the PDF renderer may not load. WeasyPrint logs it and skips the resource."""


def _static_roots() -> list[tuple[str, Path]]:
    """(URL prefix, directory) of each project static directory, as STATICFILES_DIRS lists them."""
    roots = []
    for entry in settings.STATICFILES_DIRS:
        prefix, directory = entry if isinstance(entry, list | tuple) else ("", entry)
        roots.append((str(prefix).strip("/"), Path(directory).resolve()))
    return roots


def _read_inside(root: Path, relative: str) -> bytes:
    """The file `relative` under `root`; refused if it is not a regular file inside `root`."""
    parts = relative.split("/")
    if not relative or relative.startswith("/") or any(p in ("", ".", "..") for p in parts):
        raise BlockedURL(f"not a plain path inside the static directory: {relative!r}")
    if "\\" in relative or "\x00" in relative:
        raise BlockedURL(f"not a plain path inside the static directory: {relative!r}")
    try:
        # resolve() follows every symlink: what is checked is where the bytes really are.
        real = (root / relative).resolve(strict=True)
    except (OSError, RuntimeError) as error:
        raise BlockedURL(f"no such static file: {relative!r}") from error
    if not real.is_relative_to(root) or not real.is_file():
        raise BlockedURL(f"outside the static directory: {relative!r}")
    return real.read_bytes()


def _static_file(path: str) -> bytes:
    """A static file by its path under /static/ or by its absolute path on disk."""
    for prefix, root in _static_roots():
        if path.startswith(STATIC_PATH):
            relative = path[len(STATIC_PATH) :]
            if prefix:
                if not relative.startswith(f"{prefix}/"):
                    continue
                relative = relative[len(prefix) + 1 :]
        else:
            candidate = Path(path)
            if not candidate.is_absolute() or not candidate.is_relative_to(root):
                continue
            relative = candidate.relative_to(root).as_posix()
        try:
            return _read_inside(root, relative)
        except BlockedURL:
            continue
    raise BlockedURL(f"not one of our static files: {path!r}")


def fetch_static(url: str) -> URLFetcherResponse:
    """Load `url` for the PDF renderer, or raise BlockedURL.

    Allowed: data: URLs, and our own static files, read from disk (never over the network):
    `https://jdbuilder.invalid/static/<path>` (what a relative or /static/ URL becomes against
    BASE_URL) or `file:///<project static dir>/<path>`. The path must be a plain path inside a
    STATICFILES_DIRS directory: no `..`, and no symlink that leads out of it. Everything else
    (http, https elsewhere, ftp, file: anywhere else, any other scheme) is refused, so there is
    nothing to redirect and no request ever leaves the process.
    """
    try:
        parts = urlsplit(url)
    except ValueError as error:
        raise BlockedURL(f"malformed URL: {url[:200]!r}") from error
    scheme = parts.scheme.lower()
    if scheme == "data":
        # Only a data: URL gets here: DataHandler decodes it in memory, it opens nothing.
        with DataHandler().data_open(Request(url)) as response:  # noqa: S310
            body = response.read()
            content_type = response.headers.get("Content-Type", "text/plain")
        return URLFetcherResponse(url, body, {"Content-Type": content_type})
    if parts.query or parts.fragment:
        raise BlockedURL(f"static URLs take no query or fragment: {url[:200]!r}")
    if scheme == "https" and f"{scheme}://{parts.netloc}/" == BASE_URL:
        path = unquote(parts.path)
        if not path.startswith(STATIC_PATH):
            raise BlockedURL(f"not under {STATIC_PATH}: {url[:200]!r}")
    elif scheme == "file" and parts.netloc in ("", "localhost"):
        path = url2pathname(parts.path)  # decodes %-escapes, once
    else:
        raise BlockedURL(f"the PDF renderer loads nothing from {url[:200]!r}")
    body = _static_file(path)
    content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
    return URLFetcherResponse(url, body, {"Content-Type": content_type})


class StaticOnlyFetcher(URLFetcher):
    """WeasyPrint's fetcher interface around fetch_static: no handler of urllib's is ever used."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=("data", "https", "file"), allow_redirects=False)

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        return fetch_static(url)


@cache
def _static_path(name: str) -> Path:
    return Path(settings.BASE_DIR) / "static" / name


def render_print_html(document: Document) -> str:
    """The HTML WeasyPrint lays out: the one document design in a print wrapper."""
    return render_to_string("documents/print.html", {"document": document})


def _pdf_date(document: Document) -> str | None:
    """The revision's issue date as a W3C date-time: the PDF's fixed creation date."""
    if document.date_posted is None:
        return None
    return f"{document.date_posted.isoformat()}T00:00:00Z"


@cache
def _document_css() -> tuple[str, str]:
    """document.css split by where WeasyPrint applies it: (the page's rules, the chart's rules).

    WeasyPrint styles inline SVG only with the SVG's own <style> elements, and warns about SVG
    properties in the page's CSS. So the rules for what is inside a chart go into the chart,
    with the PDF's font; the rest (the chart's size on the page included: inside the SVG it
    would replace its width and height) style the page. Split, not copied: one design.
    """
    css = _static_path("css/document.css").read_text(encoding="utf-8")
    page, chart = [], []
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        selectors = tinycss2.serialize(rule.prelude).split(",") if rule.prelude else [""]
        inside_chart = rule.type == "qualified-rule" and all(
            selector.strip().startswith(SVG_SCOPE) for selector in selectors
        )
        (chart if inside_chart else page).append(rule.serialize())
    return "\n".join(page), "\n".join([*chart, SVG_PRINT_CSS])


def _style_charts(html: HTML, chart_css: str) -> None:
    """Give each inline SVG its rules as its own <style> (see _document_css)."""
    for svg in html.etree_element.iter(f"{SVG_NS}svg"):
        style = svg.makeelement(f"{SVG_NS}style", {"type": "text/css"})
        style.text = chart_css
        svg.insert(0, style)


@contextmanager
def _our_fontconfig() -> Iterator[None]:
    """Point fontconfig at FONTS_CONF while a configuration loads, then put the environment back.

    FontConfiguration loads its configuration with FcInitLoadConfigAndFonts, which reads
    FONTCONFIG_FILE at that moment, whatever was loaded before; once loaded, the configuration
    does not look at the environment again. So only the PDF's fonts are restricted, whatever
    the server's environment says, and nothing else in the process is affected.
    """
    saved = {name: os.environ.get(name) for name in FONTCONFIG_VARIABLES}
    for name in FONTCONFIG_VARIABLES:
        os.environ.pop(name, None)
    os.environ["FONTCONFIG_FILE"] = str(FONTS_CONF)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def host_font_count(fonts: FontConfiguration) -> int:
    """How many fonts of the host (fontconfig's "system" set) `fonts` can use: ours has none."""
    found = fontconfig.FcConfigGetFonts(fonts._config, fontconfig.FcSetSystem)
    return 0 if found == ffi.NULL else found.nfont


@cache
def _font_config() -> FontConfiguration:
    """One font configuration per process: WeasyPrint keeps memory for every one it makes
    (about 0.27 MiB a render, see docs/performance.md). Gunicorn's workers are single-threaded.
    It knows our fonts only (FONTS_CONF): a glyph they lack can come from no host font."""
    if not FONTS_CONF.is_file():
        # Without its file, fontconfig falls back to the host's font directories.
        raise ImproperlyConfigured(f"the PDF's font configuration is missing: {FONTS_CONF}")
    with _our_fontconfig():
        fonts = FontConfiguration()
    if host_font_count(fonts):
        raise ImproperlyConfigured(f"the PDF's fonts include {host_font_count(fonts)} host fonts")
    return fonts


def _drawable_tree(html: HTML) -> None:
    """Replace, in every text node, each character our fonts cannot draw (glyphs.py).

    On the parsed tree, so a character reference (&#x4F60;) is caught as well as the character;
    attributes (URLs among them) are left as they are: WeasyPrint draws none of ours. The forms
    refuse such characters; this is for text that came another way (catalog, old revisions).
    """
    for element in html.etree_element.iter():
        if element.text:
            element.text = drawable_text(element.text)
        if element.tail:
            element.tail = drawable_text(element.tail)


def _render(document: Document, paper: str) -> bytes:
    return html_to_pdf(render_print_html(document), document, paper)


def html_to_pdf(markup: str, document: Document, paper: str, *, description: str = "") -> bytes:
    """Lay out `markup` and write the PDF, its metadata from `document` (`description`: what
    the file is, "Job description, revision N" when not given). The JD, its change notes and its
    interview kit are all laid out here.

    Safe for any markup, not only ours: the fetcher and the attachment stripping below do not
    rely on the escaping that keeps user text out of the markup in the first place.
    """
    fetcher = StaticOnlyFetcher()
    fonts = _font_config()
    shared = {"url_fetcher": fetcher, "font_config": fonts}
    html = HTML(string=markup, base_url=BASE_URL, url_fetcher=fetcher)
    _drawable_tree(html)
    page_css, chart_css = _document_css()
    _style_charts(html, chart_css)
    # Relative URLs in our CSS (print.css's fonts) resolve to /static/ paths, read from disk.
    stylesheets = [
        CSS(string=page_css, base_url=f"{BASE_URL}static/css/document.css", **shared),
        CSS(filename=_static_path("css/print.css"), base_url=f"{BASE_URL}static/css/", **shared),
        CSS(string=PAPER_CSS[paper], base_url=BASE_URL, **shared),
    ]
    # The brand colour's one rule, written by brand.py from the checked colour; the logo is a
    # data: URI in the markup (documents/_document.html), decoded in memory by fetch_static.
    brand_css = brand_stylesheet(document)
    if brand_css:
        stylesheets.append(CSS(string=brand_css, base_url=BASE_URL, **shared))
    rendering = html.render(font_config=fonts, stylesheets=stylesheets)

    # Metadata from the Document, not from whatever the HTML head says; dates fixed.
    metadata = rendering.metadata
    metadata.title = document.title
    metadata.authors = [document.company_name] if document.company_name else []
    metadata.description = description or f"Job description, revision {document.revision}"
    metadata.keywords = []
    metadata.generator = "JD Builder"
    metadata.lang = document.language
    metadata.created = metadata.modified = _pdf_date(document)
    metadata.custom = {}
    # No embedded files, whatever the HTML links to: <link rel=attachment> fills
    # metadata.attachments, <a rel=attachment> becomes an 'attachment' link of its page.
    metadata.attachments = []
    for page in rendering.pages:
        page.links = [link for link in page.links if link[0] != "attachment"]

    return rendering.write_pdf(
        pdf_variant=PDF_VARIANT,
        # A fixed identifier: random or time-based ones would change the bytes on every render.
        pdf_identifier=f"jdbuilder:{document.public_id}:r{document.revision}".encode(),
        attachments=None,
        custom_metadata=False,
        pdf_forms=False,
    )


def render_pdf(document: Document) -> bytes:
    """The Document as an A4 PDF."""
    return _render(document, "a4")


def render_pdf_letter(document: Document) -> bytes:
    """The Document as a US Letter PDF."""
    return _render(document, "letter")


__all__ = [
    "BlockedURL",
    "fetch_static",
    "html_to_pdf",
    "render_pdf",
    "render_pdf_letter",
    "render_print_html",
]
