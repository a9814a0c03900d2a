"""Feed and sitemap bodies, stored (`FeedFile`) under the publishing stamp they were built at.

A feed of 5,000 postings is built once per change of the stamp, not once per request or per
worker: a request whose stored body carries the current stamp is served it as it is (one
query); otherwise the request builds the body, stores it over the old one and serves it. Two
requests that build at once both store the same content; the second write wins, harmlessly.

The big ones (the two job boards' feeds of every open posting, and the sitemap) are also built
right after every posting change commits (`rebuild_stored`, by the worker: services
`_postings_changed`), so a crawler's request finds them stored rather than waiting for them.
Each build reads ONE `values()` query of the posting columns it prints
(`Posting.objects.open()`, the public filter) plus the organization's name and country.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

import jdbuilder.publishing.boards as boards
import jdbuilder.publishing.sitemaps as sitemaps
from jdbuilder.organization.models import Organization
from jdbuilder.publishing.models import FeedFile, Posting
from jdbuilder.publishing.stamp import current_stamp

XML_TYPE = "application/xml; charset=utf-8"


@dataclass(frozen=True)
class Body:
    content: bytes
    content_type: str
    reused: bool  # served from the stored file, not built by this call


def stored_body(*, name: str, content_type: str, build: Callable[[], bytes]) -> Body:
    """The body stored as `name` for the current stamp; built by `build()` and stored when the
    stored one is older (or there is none)."""
    stamp = current_stamp().value
    kept = (
        FeedFile.objects.filter(name=name, stamp=stamp)
        .values_list("content", "content_type")
        .first()
    )
    if kept is not None:
        return Body(content=bytes(kept[0]), content_type=kept[1], reused=True)
    content = build()
    fields = {
        "stamp": stamp,
        "content": content,
        "content_type": content_type,
        "built_at": timezone.now(),
    }
    try:
        with transaction.atomic():
            if not FeedFile.objects.filter(name=name).update(**fields):
                FeedFile.objects.create(name=name, **fields)
    except IntegrityError:
        pass  # another request created it first, with a body of the same stamp
    return Body(content=content, content_type=content_type, reused=False)


def open_rows(fields: tuple[str, ...]) -> QuerySet:
    """The one query of a feed: the open postings' columns it prints, newest first."""
    return Posting.objects.open().order_by("-first_published_at", "-pk").values(*fields)


def organization_facts() -> tuple[str, str]:
    """The organization's name and default country ("" and "" before it is set up)."""
    found = Organization.objects.values_list("name", "default_country").first()
    return found or ("", "")


def _board(builder: Callable[..., bytes]) -> bytes:
    company, country = organization_facts()
    return builder(
        open_rows(boards.ROW_FIELDS).iterator(chunk_size=1000),
        site_url=settings.SITE_URL,
        publisher=company,
        default_country=country,
        built_at=timezone.now(),
    )


def indeed_body() -> bytes:
    return _board(boards.indeed_xml)


def linkedin_body() -> bytes:
    return _board(boards.linkedin_xml)


def sitemap_body() -> bytes:
    rows = list(open_rows(sitemaps.ROW_FIELDS))
    return sitemaps.sitemap_xml(rows=rows, site_url=settings.SITE_URL)


# The bodies worth building before anyone asks: each lists every open posting.
STORED: dict[str, Callable[[], bytes]] = {
    "indeed.xml": indeed_body,
    "linkedin.xml": linkedin_body,
    "sitemap.xml": sitemap_body,
}


def rebuild_stored() -> int:
    """Build and store each of `STORED` whose stored body is older than the current stamp; how
    many were built. Run after a posting change commits (publishing.rebuild_feeds)."""
    built = 0
    for name, build in STORED.items():
        body = stored_body(name=name, content_type=XML_TYPE, build=build)
        built += not body.reused
    return built
