"""Shared by the tests of the catalog pages and the skill chart: page parsing and budgets."""

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

SVG_NS = "{http://www.w3.org/2000/svg}"

LEVEL_NAMES = ["Aware", "Basic", "Proficient", "Advanced", "Expert"]

# Queries the layout makes on every signed-in page: the session, the user, and the user's and
# groups' permissions (the navbar asks `perms`). Update this if base.html changes.
LAYOUT_QUERIES = 4

# A catalog page found in the cache: the layout's, the catalog version's and the cache's read
# (a query with the database cache the tests run with).
CACHED_PAGE_QUERIES = LAYOUT_QUERIES + 2


def element(html: str, tag: str, element_id: str) -> ET.Element:
    """The element `<tag id=element_id>` of a page, parsed as XML (the page is well formed)."""
    match = re.search(
        rf'<{tag}\b[^>]*\bid="{re.escape(element_id)}"[^>]*>.*?</{tag}>', html, flags=re.S
    )
    assert match, f"no <{tag} id={element_id!r}> in the page"
    # XML wants a value for HTML's boolean attributes.
    return ET.fromstring(re.sub(r" (disabled|hidden|required)(?=[ >])", r' \1=""', match.group(0)))


def svg_of(html: str) -> ET.Element:
    match = re.search(r"<svg\b.*?</svg>", html, flags=re.S)
    assert match, "no inline SVG in the page"
    return ET.fromstring(match.group(0))


def text_of(node: ET.Element) -> str:
    return " ".join("".join(node.itertext()).split())


def bar_widths(svg: ET.Element) -> list[int]:
    return [
        int(rect.get("width")) for rect in svg.iter(f"{SVG_NS}rect") if rect.get("class") == "bar"
    ]


def count_queries(func: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as ctx:
        func()
    return len(ctx.captured_queries)


def cache_set_queries() -> int:
    """Queries one cache.set costs with the cache in use (the database cache: several)."""
    count = count_queries(lambda: cache.set("tests-roles-probe", "x"))
    cache.delete("tests-roles-probe")
    return count


def without_tokens(html: bytes) -> str:
    """A page with its per-request CSRF tokens blanked: two renderings of a page compare equal."""
    return re.sub(r'(name="csrfmiddlewaretoken" value=")[^"]*', r"\1", html.decode())
