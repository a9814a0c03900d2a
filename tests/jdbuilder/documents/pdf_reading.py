"""Reading a rendered PDF back: the text of each page split into header, document and footer
(by where it is drawn), the structure tree, and the fonts. For the PDF and download tests."""

from __future__ import annotations

import io
from html.parser import HTMLParser

import pypdf
from pypdf.generic import ArrayObject, DictionaryObject

# print.css page margins in points (20mm top, 18mm bottom): the header and the page number
# are drawn above and below them, the document between.
TOP_MARGIN, BOTTOM_MARGIN = 56, 51


def squash(text: str) -> str:
    """Text without whitespace: wrapped lines compare equal to the string that was typed."""
    return "".join(text.split())


def split_page(page) -> tuple[str, str, str]:
    """(header, document text, footer) of one page, by where each piece of text is drawn."""
    header, body, footer = [], [], []
    height = float(page.mediabox.height)

    def visit(text, cm, tm, font, size):
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        if y >= height - TOP_MARGIN:
            header.append(text)
        elif y <= BOTTOM_MARGIN:
            footer.append(text)
        else:
            body.append(text)

    page.extract_text(visitor_text=visit)
    return "".join(header).strip(), "".join(body), "".join(footer).strip()


def reader_for(content: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(content))


def body_text(reader: pypdf.PdfReader) -> str:
    """The document's text without headers, footers or list bullets (drawn apart from their
    items), whitespace dropped."""
    return squash("".join(split_page(page)[1] for page in reader.pages)).replace("•", "")


def struct_elements(reader: pypdf.PdfReader):
    """Every structure element, depth first, in the order of the structure tree."""
    root = reader.trailer["/Root"]["/StructTreeRoot"]
    stack = [root]
    while stack:
        element = stack.pop().get_object()
        if element.get("/Type") == "/StructElem":
            yield element
        kids = element.get("/K", ArrayObject())
        if not isinstance(kids, list):
            kids = [kids]
        children = [kid.get_object() for kid in kids if hasattr(kid, "get_object")]
        stack.extend(child for child in reversed(children) if isinstance(child, DictionaryObject))


def fonts_of(reader: pypdf.PdfReader) -> list[DictionaryObject]:
    """Every font dictionary the pages use, their form XObjects (the chart) included."""
    fonts, seen = [], set()

    def visit(resources):
        resources = resources.get_object() if resources is not None else {}
        for ref in resources.get("/Font", {}).values():
            if ref.idnum not in seen:
                seen.add(ref.idnum)
                fonts.append(ref.get_object())
        for ref in resources.get("/XObject", {}).values():
            xobject = ref.get_object()
            if "/Resources" in xobject and ref.idnum not in seen:
                seen.add(ref.idnum)
                visit(xobject["/Resources"])

    for page in reader.pages:
        visit(page.get("/Resources"))
    return fonts


class Headings(HTMLParser):
    """The heading tags of an HTML page, in document order."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.tags.append(f"/{tag.upper()}")
