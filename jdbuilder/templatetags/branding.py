"""The branding of a Document as _document.html shows it: a class naming the checked colour,
the URL of that colour's stylesheet, and the logo's source.

In the app's pages the logo is the URL the app serves it at; in a file (the HTML export, the
PDF's HTML) it is a data: URI of the bytes the Document carries, so nothing is ever fetched.
Colours reach CSS only through `jdbuilder.organization.brand`.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

from django import template
from django.urls import reverse

from jdbuilder.document import Branding, Document
from jdbuilder.organization.brand import brand_colours

register = template.Library()

LOGO_TYPES = ("image/png", "image/jpeg")


@dataclass(frozen=True)
class Masthead:
    class_name: str
    stylesheet_url: str
    logo_src: str
    logo_width: int
    logo_height: int


def logo_data_uri(branding: Branding) -> str:
    """The logo as a data: URI, or "" when there is none (or it is not PNG or JPEG)."""
    if not branding.logo or branding.logo_media_type not in LOGO_TYPES:
        return ""
    encoded = base64.b64encode(branding.logo).decode("ascii")
    return f"data:{branding.logo_media_type};base64,{encoded}"


def _logo_path(branding: Branding) -> str:
    # Our own site-relative URL (Logo.get_absolute_url), never another host's.
    path = branding.logo_path
    if not branding.logo or not path.startswith("/") or path.startswith("//"):
        return ""
    return path


def masthead(document: Document, *, inline: bool = False) -> Masthead | None:
    """What the document's branded header needs; None for a Document with no branding."""
    branding = document.branding
    if branding is None:
        return None
    colours = brand_colours(branding.colour)
    source = logo_data_uri(branding) if inline else _logo_path(branding)
    return Masthead(
        class_name=colours.class_name,
        stylesheet_url=reverse("organization:brand_css", kwargs={"colour": colours.key}),
        logo_src=source,
        logo_width=branding.logo_width if source else 0,
        logo_height=branding.logo_height if source else 0,
    )


@register.simple_tag
def brand_of(document: Document, inline: bool = False) -> Masthead | None:
    return masthead(document, inline=bool(inline))
