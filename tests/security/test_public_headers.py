"""The headers of every public URL: the site's strict policy, shared caching, and nothing that
ties a response to one visitor.

Each public page and feed (the careers list and a search, an open and a closed posting, RSS,
Atom, Indeed, LinkedIn, the sitemap, robots.txt) sends the app's Content Security Policy
(script-src without 'unsafe-inline'), nosniff, an ETag and Last-Modified, `Cache-Control:
public, max-age=PUBLIC_CACHE_SECONDS`, no cookie and no `Vary: Cookie`; a HEAD gets the same
headers and no body; a matching If-None-Match gets a 304; a POST gets a 405.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from jdbuilder.publishing.services import close
from tests.factories import ManagerFactory
from tests.security.test_headers import assert_security_headers, parse_policy
from tests.support.publishing import published_jd

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalog")]


@pytest.fixture
def urls() -> dict[str, str]:
    """Every public URL, by what it is."""
    open_posting = published_jd(title="Platform Engineer")
    closed = published_jd(title="Data Engineer", slug="data-analyst")
    closed = close(job_description=closed.job_description, user=closed.published_by)
    listing = reverse("careers:list")
    return {
        "careers list": listing,
        "careers search": f"{listing}?q=engineer&workplace=hybrid",
        "careers page 2": f"{listing}?page=2",
        "open posting": open_posting.get_absolute_url(),
        "closed posting": closed.get_absolute_url(),
        "RSS": reverse("careers:rss"),
        "Atom": reverse("careers:atom"),
        "Indeed": reverse("careers:indeed"),
        "LinkedIn": reverse("careers:linkedin"),
        "sitemap": reverse("sitemap"),
        "robots.txt": reverse("robots"),
    }


PUBLIC = [
    "careers list",
    "careers search",
    "careers page 2",
    "open posting",
    "closed posting",
    "RSS",
    "Atom",
    "Indeed",
    "LinkedIn",
    "sitemap",
    "robots.txt",
]


def vary_of(response) -> set[str]:
    return {part.strip().lower() for part in response.get("Vary", "").split(",") if part.strip()}


def assert_public_headers(response, settings) -> None:
    assert_security_headers(response)
    policy = parse_policy(response["Content-Security-Policy"])
    assert "'unsafe-inline'" not in policy["script-src"]
    assert response["ETag"].startswith('"') and response["ETag"].endswith('"')
    assert response["Last-Modified"]
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert "public" in cache_control
    assert f"max-age={settings.PUBLIC_CACHE_SECONDS}" in cache_control
    assert "private" not in cache_control and "no-store" not in cache_control
    assert not response.cookies and not response.has_header("Set-Cookie")
    assert "cookie" not in vary_of(response)


@pytest.mark.parametrize("what", PUBLIC)
def test_a_public_url_sends_the_public_headers(client, urls, settings, what):
    response = client.get(urls[what])
    assert response.status_code == 200, (what, urls[what])
    assert_public_headers(response, settings)
    # Served again from the cache: the same headers, the same ETag.
    again = client.get(urls[what])
    assert again.status_code == 200
    assert_public_headers(again, settings)
    assert again["ETag"] == response["ETag"]


@pytest.mark.parametrize("what", PUBLIC)
def test_a_head_gets_the_headers_and_no_body(client, urls, settings, what):
    got = client.get(urls[what])
    head = client.head(urls[what])
    assert head.status_code == 200
    assert head.content == b""
    assert_public_headers(head, settings)
    assert head["ETag"] == got["ETag"]
    assert head["Content-Type"] == got["Content-Type"]


@pytest.mark.parametrize("what", PUBLIC)
def test_a_matching_etag_gets_a_304(client, urls, settings, what):
    etag = client.get(urls[what])["ETag"]
    response = client.get(urls[what], headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag
    assert not response.cookies


@pytest.mark.parametrize("what", PUBLIC)
@pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
def test_writing_to_a_public_url_is_not_allowed(client, urls, what, method):
    response = getattr(client, method)(urls[what], data={"q": "x"})
    assert response.status_code == 405, (what, method)
    assert set(response["Allow"].replace(" ", "").split(",")) == {"GET", "HEAD"}
    assert not response.cookies


def test_a_post_without_a_csrf_token_is_refused_without_a_cookie(urls):
    """A real browser's POST goes through the CSRF check first: refused (403 or 405), and
    still no cookie for the anonymous visitor."""
    client = Client(enforce_csrf_checks=True)
    response = client.post(urls["careers list"], data={"q": "x"})
    assert response.status_code in (403, 405)
    assert not response.cookies


@pytest.mark.parametrize("what", ["careers list", "open posting", "RSS", "sitemap"])
def test_a_signed_in_visitor_gets_the_same_response(urls, settings, what):
    """One cached response fits everyone: a signed-in manager gets the anonymous visitor's
    bytes and headers (no cookie set, no Vary: Cookie), whoever asked first."""
    signed_in = Client()
    signed_in.force_login(ManagerFactory())
    first = signed_in.get(urls[what])
    anonymous = Client().get(urls[what])
    assert first.status_code == anonymous.status_code == 200
    assert first.content == anonymous.content
    assert first["ETag"] == anonymous["ETag"]
    for response in (first, anonymous):
        assert_public_headers(response, settings)
