"""/sitemap.xml and /robots.txt: the careers page and every open posting with its lastmod, and
nothing else; robots.txt allowing the careers pages, keeping crawlers out of the signed-in app,
and naming the sitemap."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.cache import caches
from django.test import override_settings
from lxml import etree

from jdbuilder.publishing.models import Posting
from jdbuilder.publishing.services import close, unpublish
from jdbuilder.publishing.sitemaps import SITEMAP_NS
from tests.factories import DraftFactory, RecruiterFactory
from tests.support.jds import make_final_jd
from tests.support.publishing import published_jd

pytestmark = pytest.mark.django_db

NS = {"s": SITEMAP_NS}
SITE = "http://127.0.0.1:8000"


def sitemap(client, path: str = "/sitemap.xml") -> dict[str, str | None]:
    """Each address in the sitemap with its lastmod."""
    caches["default"].clear()
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    root = etree.fromstring(response.content)
    assert root.tag == f"{{{SITEMAP_NS}}}urlset"
    return {
        url.findtext("s:loc", namespaces=NS): url.findtext("s:lastmod", namespaces=NS)
        for url in root.iterfind("s:url", NS)
    }


def robots(client) -> list[str]:
    caches["default"].clear()
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    return response.content.decode().splitlines()


def page(posting: Posting) -> str:
    return f"{SITE}/jobs/{posting.slug}-{posting.short_id}/"


@pytest.mark.usefixtures("catalog")
def test_the_sitemap_has_the_careers_page_and_every_open_posting_with_lastmod(client):
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, 15, 30, 123456), tick=False):
        first = published_jd(title="Platform Engineer")
    with time_machine.travel(datetime.datetime(2026, 3, 4, 17, 0, 5), tick=False):
        second = published_jd(title="Forecast Analyst", slug="data-analyst")

    assert sitemap(client) == {
        f"{SITE}/jobs/": "2026-03-04T17:00:05+00:00",  # its newest posting's change
        page(first): "2026-03-02T09:15:30+00:00",
        page(second): "2026-03-04T17:00:05+00:00",
    }


@pytest.mark.usefixtures("catalog")
def test_the_sitemap_leaves_out_drafts_unposted_closed_and_unpublished_jds(client):
    recruiter = RecruiterFactory()
    shown = published_jd(title="Platform Engineer", publisher=recruiter)
    closed = published_jd(title="Closed Engineer", publisher=recruiter)
    close(job_description=closed.job_description, user=recruiter)
    gone = published_jd(title="Unpublished Engineer", publisher=recruiter)
    unpublish(job_description=gone.job_description, user=recruiter)
    draft = DraftFactory(title="Draft Engineer")
    final = make_final_jd(recruiter, title="Unposted Engineer")

    addresses = set(sitemap(client))

    assert addresses == {f"{SITE}/jobs/", page(shown)}
    body = " ".join(addresses)
    for hidden in (closed.short_id, gone.short_id, str(draft.public_id), str(final.public_id)):
        assert hidden not in body


def test_with_no_open_posting_the_sitemap_has_the_careers_page_alone(client):
    assert sitemap(client) == {f"{SITE}/jobs/": None}


@pytest.mark.usefixtures("catalog")
def test_every_address_is_on_the_configured_site_whatever_the_host_asked(client):
    posting = published_jd()
    caches["default"].clear()

    with override_settings(ALLOWED_HOSTS=["evil.example", "127.0.0.1", "testserver"]):
        body = client.get("/sitemap.xml", headers={"host": "evil.example"}).content

    assert b"evil.example" not in body
    assert page(posting).encode() in body


@pytest.mark.usefixtures("catalog")
def test_a_page_parameter_changes_nothing(client):
    posting = published_jd()

    assert sitemap(client, "/sitemap.xml?p=2") == sitemap(client, "/sitemap.xml?p=junk")
    assert page(posting) in sitemap(client, "/sitemap.xml?p=junk")


@pytest.mark.parametrize("url", ["/sitemap.xml", "/robots.txt"])
def test_sitemap_and_robots_answer_only_get_and_head(client, url):
    assert client.post(url).status_code == 405
    assert client.put(url).status_code == 405
    assert client.head(url).status_code == 200


def test_robots_allows_the_careers_pages_and_names_the_sitemap(client):
    lines = robots(client)

    assert lines[0] == "User-agent: *"
    assert "Allow: /jobs/" in lines
    assert "Allow: /sitemap.xml" in lines
    assert f"Sitemap: {SITE}/sitemap.xml" in lines
    assert "Disallow: /" not in lines  # the careers page and its styles stay crawlable
    assert not any(line == "Disallow: /static/" for line in lines)


@pytest.mark.parametrize(
    "area",
    [
        "/jd/",
        "/library/",
        "/reviews/",
        "/shared/",
        "/admin/",
        "/accounts/",
        "/exports/",
        "/company/",
        "/roles/",
    ],
)
def test_robots_keeps_crawlers_out_of_each_signed_in_area(client, area):
    assert f"Disallow: {area}" in robots(client)


def test_robots_lets_the_public_logo_and_brand_files_back_in(client):
    lines = robots(client)

    # Longest match wins (RFC 9309): these beat "Disallow: /company/".
    assert "Allow: /company/logo/" in lines
    assert "Allow: /company/brand/" in lines


@override_settings(SITE_URL="https://careers.acme.example")
def test_robots_names_the_sitemap_on_the_configured_site(client):
    assert "Sitemap: https://careers.acme.example/sitemap.xml" in robots(client)
