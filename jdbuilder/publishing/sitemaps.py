"""/sitemap.xml (django.contrib.sitemaps): the careers page and every open posting, each with
its lastmod (the posting's `changed_at`); nothing that needs signing in.

Both sitemaps read the same rows (one `values()` query made by the caller), and give absolute
addresses on SITE_URL, not on the request's host, so the body is the same for every request
and can be stored (publishing.feed_files). One sitemap file holds up to 50,000 addresses (the
protocol's limit); past that the sitemap would need an index, which no installation of this app
comes near.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.contrib.sitemaps import Sitemap
from django.urls import reverse
from lxml import etree

from jdbuilder.publishing.models import posting_path

ROW_FIELDS: tuple[str, ...] = ("short_id", "slug", "changed_at")

Row = dict[str, Any]


class _OnSite(Sitemap):
    def __init__(self, site_url: str) -> None:
        self.protocol, _, self.domain = site_url.rstrip("/").partition("://")

    def get_domain(self, site=None) -> str:
        return self.domain


class PostingSitemap(_OnSite):
    """Every open posting (the caller's rows), at its page."""

    changefreq = "daily"

    def __init__(self, *, rows: Sequence[Row], site_url: str) -> None:
        super().__init__(site_url)
        self.rows = list(rows)

    def items(self) -> list[Row]:
        return self.rows

    def location(self, item: Row) -> str:
        return posting_path(item["slug"], item["short_id"])

    def lastmod(self, item: Row) -> datetime.datetime:
        return item["changed_at"]


class CareersSitemap(_OnSite):
    """The careers page, changed whenever its newest open posting changed."""

    changefreq = "daily"

    def __init__(self, *, latest: datetime.datetime | None, site_url: str) -> None:
        super().__init__(site_url)
        self.latest = latest

    def items(self) -> list[str]:
        return ["careers:list"]

    def location(self, item: str) -> str:
        return reverse(item)

    def lastmod(self, item: str) -> datetime.datetime | None:
        return self.latest


SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def sitemap_xml(*, rows: Sequence[Row], site_url: str) -> bytes:
    """The sitemap of the careers page and the postings of `rows`: the addresses as
    django.contrib.sitemaps gives them (`Sitemap.get_urls`), written with lxml rather than the
    contrib template (a tenth of the time at 5,000 postings). lastmod is the W3C date and time,
    to the second: a posting changed twice in a day is fetched again."""
    latest = max((row["changed_at"] for row in rows), default=None)
    urls = [
        *CareersSitemap(latest=latest, site_url=site_url).get_urls(),
        *PostingSitemap(rows=rows, site_url=site_url).get_urls(),
    ]
    root = etree.Element("urlset", nsmap={None: SITEMAP_NS})
    for url in urls:
        entry = etree.SubElement(root, "url")
        etree.SubElement(entry, "loc").text = url["location"]
        if url["lastmod"]:
            lastmod = url["lastmod"].astimezone(datetime.UTC).replace(microsecond=0)
            etree.SubElement(entry, "lastmod").text = lastmod.isoformat()
        if url["changefreq"]:
            etree.SubElement(entry, "changefreq").text = url["changefreq"]
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)
