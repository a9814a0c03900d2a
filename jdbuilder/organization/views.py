"""The organization's public files: the logo, and the CSS that carries a brand colour.

Both are public (no sign-in): the careers page, the JSON-LD and the JD pages use them. Both are
named by what they contain (a logo by the sha256 of its bytes, the CSS by its colour), so they
never change under their URL and may be cached for a year.
"""

from __future__ import annotations

import re

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from jdbuilder.organization.brand import brand_colours, normalized_colour
from jdbuilder.organization.models import Logo

IMMUTABLE = "public, max-age=31536000, immutable"
_LOGO_NAME = re.compile(r"([0-9a-f]{64})\.(png|jpg)")
_MEDIA_TYPES = {"png": "image/png", "jpg": "image/jpeg"}


def _immutable(response: HttpResponse, etag: str) -> HttpResponse:
    response["Cache-Control"] = IMMUTABLE
    response["X-Content-Type-Options"] = "nosniff"
    response["ETag"] = f'"{etag}"'
    return response


@require_safe
def logo(request: HttpRequest, name: str) -> HttpResponse:
    """A stored logo's bytes by "<sha256>.png" or "<sha256>.jpg"; 404 for any other name."""
    match = _LOGO_NAME.fullmatch(name)
    if match is None:
        raise Http404("No such logo.")
    sha256, extension = match.groups()
    media_type = _MEDIA_TYPES[extension]
    content = (
        Logo.objects.filter(sha256=sha256, media_type=media_type)
        .values_list("content", flat=True)
        .first()
    )
    if content is None:
        raise Http404("No such logo.")
    if request.headers.get("If-None-Match") == f'"{sha256}"':
        return _immutable(HttpResponse(status=304), sha256)
    response = HttpResponse(bytes(content), content_type=media_type)
    response["Content-Disposition"] = f'inline; filename="logo.{extension}"'
    # An image answer needs no policy of its own; this one forbids everything, should a browser
    # ever render it as a document.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return _immutable(response, sha256)


@require_safe
def brand_css(request: HttpRequest, colour: str) -> HttpResponse:
    """The one rule brand.py writes for the colour "#<colour>"; 404 for anything not six
    lower-case hex digits (the URL pattern already allows nothing else)."""
    checked = normalized_colour(f"#{colour}")
    if checked is None or checked != f"#{colour}":
        raise Http404("No such colour.")
    response = HttpResponse(brand_colours(checked).stylesheet, content_type="text/css")
    return _immutable(response, f"brand-{colour}")
