"""The public feeds: RSS and Atom of the newest open postings, Indeed's and LinkedIn's XML of
every open posting, /sitemap.xml and /robots.txt.

Each is a `public_response` (cached under the publishing stamp, ETag, Last-Modified, 304) and
each body is stored under the stamp (`feed_files.stored_body`): a request reads the stored body
(one query), or builds it from ONE `values()` query of the posting columns the feed prints
(`Posting.objects.open()`, the public filter) plus the organization's name, and stores it. No
query per posting, whatever their number. Nothing here reads the request beyond its method: the
addresses in every body are on SITE_URL.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from jdbuilder.mail import absolute_url
from jdbuilder.publishing import feed_files, syndication
from jdbuilder.publishing.cache import public_response
from jdbuilder.publishing.feed_files import XML_TYPE, stored_body

RSS_TYPE = "application/rss+xml; charset=utf-8"
ATOM_TYPE = "application/atom+xml; charset=utf-8"
TEXT_TYPE = "text/plain; charset=utf-8"

# The signed-in parts of the app (jdbuilder/urls.py), which no crawler should walk; the logo and
# brand colour files the careers page shows are public and allowed back (Google renders pages
# with their images and styles). Everything else, /jobs/ and /static/ included, is allowed.
ROBOTS_DISALLOWED = (
    "/accounts/",
    "/admin/",
    "/company/",
    "/exports/",
    "/healthz",
    "/jd/",
    "/library/",
    "/reviews/",
    "/roles/",
    "/shared/",
)
ROBOTS_ALLOWED = ("/jobs/", "/sitemap.xml", "/company/logo/", "/company/brand/")


@public_response(keep=False)
def rss(request: HttpRequest) -> HttpResponse:
    return _served("feed.rss", RSS_TYPE, lambda: _syndication(request, syndication.PostingsRss))


@public_response(keep=False)
def atom(request: HttpRequest) -> HttpResponse:
    return _served("feed.atom", ATOM_TYPE, lambda: _syndication(request, syndication.PostingsAtom))


@public_response(keep=False)
def indeed(request: HttpRequest) -> HttpResponse:
    return _served("indeed.xml", XML_TYPE, feed_files.indeed_body)


@public_response(keep=False)
def linkedin(request: HttpRequest) -> HttpResponse:
    return _served("linkedin.xml", XML_TYPE, feed_files.linkedin_body)


@public_response(keep=False)
def sitemap(request: HttpRequest) -> HttpResponse:
    return _served("sitemap.xml", XML_TYPE, feed_files.sitemap_body)


@public_response()
def robots(request: HttpRequest) -> HttpResponse:
    """Small and built from settings and URL patterns only: no query, nothing stored."""
    lines = ["User-agent: *"]
    lines += [f"Allow: {path}" for path in ROBOTS_ALLOWED]
    lines += [f"Disallow: {path}" for path in ROBOTS_DISALLOWED]
    lines += ["", f"Sitemap: {absolute_url(reverse('sitemap'))}", ""]
    return HttpResponse("\n".join(lines), content_type=TEXT_TYPE)


# --- helpers --------------------------------------------------------------------------------


def _served(name: str, content_type: str, build: Callable[[], bytes]) -> HttpResponse:
    body = stored_body(name=name, content_type=content_type, build=build)
    return HttpResponse(body.content, content_type=body.content_type)


def _syndication(request: HttpRequest, feed_class: type[syndication.PostingsRss]) -> bytes:
    company, _ = feed_files.organization_facts()
    rows = list(feed_files.open_rows(syndication.ROW_FIELDS)[: syndication.LATEST])
    feed = feed_class(rows=rows, company=company, site_url=settings.SITE_URL)
    # Feed.__call__ wants the request, but every link it is given is absolute (SITE_URL), so
    # the body does not depend on it and the stored body is right for every request.
    return feed(request).content
