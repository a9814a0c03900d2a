"""One PDF of many JDs: a table of contents, then each JD's stored PDF as it is, with an outline
(a bookmark per JD, its own headings nested under it).

Memory grows with the export: pypdf keeps every page added to a PdfWriter (content streams,
each JD's embedded font subset) until the whole file is written at the end; there is no
streaming writer. Each JD's reader and parsed file are let go once its pages are copied
(`_let_go`), so what stays is one copy of the pages: measured at about 0.16 MiB per JD of
three-page PDFs (~33 MiB held for 200 JDs, ~52 MiB at the peak while the contents are laid out
and the file written), so roughly 160-200 MiB for the cap of 1,000. Reading each stored PDF
(its tagged structure tree mostly) costs about 0.1 s. The ZIP and the CSV stay flat whatever
their size; this is the format whose memory the export cap bounds.

The combined file keeps each JD's pages and headings, not its tagged structure (pypdf does not
merge structure trees): the tagged, PDF/UA copy of a JD is its own PDF, as in the ZIP.
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import BinaryIO

from django.template.loader import render_to_string
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DictionaryObject, Fit, NameObject, TreeObject

from jdbuilder.glyphs import drawable_text

CONTENTS_CSS = Path(__file__).resolve().with_name("contents.css")
CONTENTS_TITLE = "Contents"
# The table's page numbers depend on its own length: laid out again until they agree (a second
# pass is rare: only when the table spills onto a page more than first thought).
MAX_LAYOUTS = 5


@dataclass(frozen=True)
class ContentsEntry:
    title: str
    company_name: str
    first_page: int  # where the JD starts among the JDs' pages, counting from 0

    @property
    def label(self) -> str:
        """The JD's bookmark: its title, and the company to tell like-named ones apart."""
        return f"{self.title} – {self.company_name}" if self.company_name else self.title


@dataclass(frozen=True)
class ContentsLine:
    title: str
    company_name: str
    page: int  # in the whole file, counting from 1


class CombinedPdf:
    """Add the JDs' PDFs one at a time, then `write` the file with its contents in front."""

    def __init__(self) -> None:
        self._writer = PdfWriter()
        self._entries: list[ContentsEntry] = []

    @property
    def entries(self) -> tuple[ContentsEntry, ...]:
        return tuple(self._entries)

    def add(self, content: bytes, *, title: str, company_name: str) -> int:
        """Append one JD's PDF, its bookmark and its own headings under it; returns its number
        of pages."""
        entry = ContentsEntry(title, company_name, first_page=len(self._writer.pages))
        reader = PdfReader(io.BytesIO(content))
        for page in reader.pages:
            self._writer.add_page(page)
        bookmark = self._writer.add_outline_item(
            title=entry.label, page_number=entry.first_page, is_open=False
        )
        self._copy_outline(reader, reader.outline, parent=bookmark, offset=entry.first_page)
        self._let_go(reader)
        self._entries.append(entry)
        return len(self._writer.pages) - entry.first_page

    def _copy_outline(self, reader: PdfReader, items: list, *, parent, offset: int) -> None:
        """The JD's own bookmarks (its headings), nested as they are, under `parent`."""
        previous = None
        for item in items:
            if isinstance(item, list):  # the children of the item before
                if previous is not None:
                    self._copy_outline(reader, item, parent=previous, offset=offset)
                continue
            page = reader.get_destination_page_number(item)
            if page is None or page < 0:  # a bookmark to no page of this file: left out
                previous = None
                continue
            fit = Fit.xyz(left=item.left, top=item.top) if item.typ == "/XYZ" else Fit.fit()
            previous = self._writer.add_outline_item(
                title=str(item.title), page_number=offset + page, parent=parent, fit=fit
            )

    def _let_go(self, reader: PdfReader) -> None:
        # The writer remembers every source page it copied (to re-point links between pages
        # when it writes; JD PDFs have none) and every reader it cloned from, which would keep
        # each JD's whole parsed file alive until the end: ~0.9 MiB per JD instead of ~0.13.
        self._writer._merged_in_pages.clear()
        self._writer._unresolved_links.clear()
        self._writer.reset_translation(reader)

    def write(self, out: BinaryIO, *, exported_at: datetime.datetime) -> int:
        """Put the table of contents first and write the whole file; returns its page count."""
        contents = PdfReader(io.BytesIO(render_contents(self._entries, exported_at=exported_at)))
        for index, page in enumerate(contents.pages):
            self._writer.insert_page(page, index)
        self._let_go(contents)
        contents_item = self._writer.add_outline_item(title=CONTENTS_TITLE, page_number=0)
        _move_to_front(self._writer.get_outline_root(), contents_item.get_object())
        self._writer.add_metadata(
            {
                "/Title": f"Job descriptions ({len(self._entries)})",
                "/Creator": "JD Builder",
                "/Producer": "JD Builder",
            }
        )
        self._writer.page_mode = "/UseOutlines"  # viewers open with the bookmarks shown
        pages = len(self._writer.pages)
        self._writer.write(out)
        return pages


def _move_to_front(root: TreeObject, item: DictionaryObject) -> None:
    """Make `item`, the last top-level bookmark, the first one.

    (pypdf's `add_outline_item(before=...)` only finds `before` when it is the last item.)
    """
    previous = item.get("/Prev")
    if previous is None:  # already the only one
        return
    previous = previous.get_object()
    del previous[NameObject("/Next")]
    root[NameObject("/Last")] = previous.indirect_reference
    first = root["/First"].get_object()
    del item[NameObject("/Prev")]
    item[NameObject("/Next")] = first.indirect_reference
    first[NameObject("/Prev")] = item.indirect_reference
    root[NameObject("/First")] = item.indirect_reference


def render_contents(entries: list[ContentsEntry], *, exported_at: datetime.datetime) -> bytes:
    """The table of contents as a PDF, its page numbers counting its own pages."""
    contents_pages = 1
    for _ in range(MAX_LAYOUTS):
        lines = [
            ContentsLine(
                title=drawable_text(entry.title),
                company_name=drawable_text(entry.company_name),
                page=contents_pages + entry.first_page + 1,
            )
            for entry in entries
        ]
        rendering = _layout(lines, exported_at=exported_at)
        if len(rendering.pages) == contents_pages:
            return rendering.write_pdf()
        contents_pages = len(rendering.pages)
    raise RuntimeError(f"the table of contents did not settle after {MAX_LAYOUTS} layouts")


def _layout(lines: list[ContentsLine], *, exported_at: datetime.datetime):
    # WeasyPrint loads only in the processes that make PDFs, as the renderers do.
    from weasyprint import CSS, HTML

    from jdbuilder.documents import pdf

    # The JD PDFs' own font configuration (ours only, one per process) and URL fetcher.
    fonts = pdf._font_config()
    fetcher = pdf.StaticOnlyFetcher()
    shared = {"url_fetcher": fetcher, "font_config": fonts}
    markup = render_to_string(
        "jdbuilder/exports/contents.html", {"entries": lines, "exported_at": exported_at}
    )
    html = HTML(string=markup, base_url=pdf.BASE_URL, url_fetcher=fetcher)
    stylesheets = [
        CSS(filename=_print_css(), base_url=f"{pdf.BASE_URL}static/css/", **shared),
        CSS(string=CONTENTS_CSS.read_text(encoding="utf-8"), base_url=pdf.BASE_URL, **shared),
    ]
    return html.render(font_config=fonts, stylesheets=stylesheets)


@cache
def _print_css() -> str:
    from django.conf import settings

    return str(Path(settings.BASE_DIR) / "static" / "css" / "print.css")
