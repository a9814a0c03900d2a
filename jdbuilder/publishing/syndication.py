"""The careers page as RSS 2.0 and Atom (django.contrib.syndication), for feed readers.

The newest `LATEST` open postings only: a feed reader polls for what is new, and keeps what it
has seen, so a longer feed only makes every poll heavier (the job boards' XML feeds list every
open posting, because the boards drop what a feed no longer lists). Each entry: the title, the
posting's page as link and guid (its address never changes), the summary (plain text, escaped
once for the formats' HTML descriptions), the publication time, the department as category.

The feed is built from Posting rows (`ROW_FIELDS`, one `values()` query made by the caller)
with every text passed through `document.clean` (the XML writer refuses control characters),
and with absolute links from SITE_URL, so the body is the same for every request and can be
stored (publishing.feed_files).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape

from jdbuilder.document import clean
from jdbuilder.publishing.boards import PostingLinks

LATEST = 50
ROW_FIELDS: tuple[str, ...] = (
    "short_id",
    "slug",
    "title",
    "summary",
    "department",
    "published_at",
    "changed_at",
)

Row = dict[str, Any]


class PostingsRss(Feed):
    feed_type = Rss201rev2Feed
    feed_name = "careers:rss"

    def __init__(self, *, rows: Sequence[Row], company: str, site_url: str) -> None:
        self.rows = list(rows)
        self.company = clean(company)
        self.site_url = site_url.rstrip("/")
        self.links = PostingLinks(site_url)

    def title(self) -> str:
        return f"Jobs at {self.company}" if self.company else "Open positions"

    def description(self) -> str:
        return f"The newest open positions{f' at {self.company}' if self.company else ''}."

    subtitle = description

    def link(self) -> str:
        return self.site_url + reverse("careers:list")

    def feed_url(self) -> str:
        return self.site_url + reverse(self.feed_name)

    def feed_guid(self) -> str:
        return self.feed_url()

    def items(self) -> list[Row]:
        return self.rows

    def item_title(self, item: Row) -> str:
        return clean(item["title"])

    def item_description(self, item: Row) -> str:
        # RSS descriptions and Atom's summary (type="html") are read as HTML: the plain-text
        # summary is escaped once for that, and once more as XML by the writer.
        return escape(clean(item["summary"]))

    def item_link(self, item: Row) -> str:
        return self.links.url(item)

    def item_guid(self, item: Row) -> str:
        return self.links.url(item)

    item_guid_is_permalink = True

    def item_pubdate(self, item: Row) -> datetime.datetime:
        return item["published_at"]

    def item_updateddate(self, item: Row) -> datetime.datetime:
        return item["changed_at"]

    def item_categories(self, item: Row) -> list[str]:
        department = clean(item["department"])
        return [department] if department else []


class PostingsAtom(PostingsRss):
    feed_type = Atom1Feed
    feed_name = "careers:atom"
