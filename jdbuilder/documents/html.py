"""Document -> one self-contained HTML file: CSS inline, JSON-LD embedded, no outside requests."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from jdbuilder.document import Document
from jdbuilder.documents.jsonld import jsonld_script_body
from jdbuilder.organization.brand import brand_colours

STYLESHEETS = ("css/document.css", "css/export.css")


@cache
def stylesheet(names: tuple[str, ...] = STYLESHEETS) -> str:
    """Our own CSS files, read from disk once; they hold no user data."""
    static_dir = Path(settings.BASE_DIR) / "static"
    return "\n".join((static_dir / name).read_text(encoding="utf-8") for name in names)


def brand_stylesheet(document: Document) -> str:
    """The rule for the document's brand colour (brand.py's, from the checked colour), or ""."""
    if document.branding is None:
        return ""
    return brand_colours(document.branding.colour).stylesheet


def render_html(document: Document) -> str:
    css = stylesheet() + "\n" + brand_stylesheet(document)
    return render_to_string(
        "documents/standalone.html",
        {
            "document": document,
            # Both are ours: the CSS is read from our static files plus the one rule brand.py
            # writes from a checked colour, the JSON is escaped for a script element by
            # jsonld_script_body. Neither holds unescaped user text. The logo is a data: URI
            # (documents/_document.html), so the file needs nothing from outside.
            "css": mark_safe(css),  # noqa: S308
            "jsonld": mark_safe(jsonld_script_body(document)),  # noqa: S308
        },
    )
