"""The public pages and feeds read a constant number of queries: 5 open postings or 5,000.

Each URL is read with a cold cache (the shared cache emptied, the stored feed files deleted),
so what is counted is the work of building the response, not of serving a kept one: the same
number of queries at 5,000 postings as at 5 (`django_assert_num_queries` prints the queries
when it differs). The project has no marker for slow tests (pyproject.toml declares only
`browser` and `deploy`); this module takes about half a minute, most of it writing the rows.
"""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jdbuilder.publishing.models import FeedFile, Posting
from tests.support.publishing import published_jd
from tests.support.publishing_bulk import bulk_open_postings

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalog")]

FEW, MANY = 5, 5_000


def cold() -> None:
    """Nothing kept: no cached page, stamp or stored feed body."""
    caches["default"].clear()
    FeedFile.objects.all().delete()


def urls(posting: Posting) -> dict[str, str]:
    listing = reverse("careers:list")
    return {
        "careers page 1": listing,
        "careers search": f"{listing}?q=engineer",
        "careers search, filtered": f"{listing}?q=software&workplace=hybrid&employment=FULL_TIME",
        "careers page 2": f"{listing}?page=2",
        "posting page": posting.get_absolute_url(),
        "RSS": reverse("careers:rss"),
        "Atom": reverse("careers:atom"),
        "Indeed": reverse("careers:indeed"),
        "LinkedIn": reverse("careers:linkedin"),
        "sitemap": reverse("sitemap"),
    }


def counted(client: Client, url: str) -> tuple[int, int]:
    """(status, queries) of one cold GET of `url`."""
    cold()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    return response.status_code, len(captured)


def test_every_public_page_reads_as_many_queries_at_5000_postings_as_at_5(
    django_assert_num_queries,
):
    source = published_jd(title="Senior Software Engineer")
    bulk_open_postings(FEW - 1, source=source)
    assert Posting.objects.open().count() == FEW
    client = Client()
    at_few = {}
    for name, url in urls(source).items():
        status, queries = counted(client, url)
        assert status == 200 or (name == "careers page 2" and status in (200, 404)), name
        at_few[name] = queries

    bulk_open_postings(MANY - FEW, source=source)
    assert Posting.objects.open().count() == MANY
    for name, url in urls(source).items():
        if name == "careers page 2" and client.get(url).status_code == 404:
            continue  # no second page at 5 postings: nothing to compare with
        cold()
        with django_assert_num_queries(at_few[name]):
            response = client.get(url)
        assert response.status_code == 200, name


def test_a_feed_of_5000_postings_lists_every_one():
    """The count stays constant because the feed reads every row in one query, not because it
    stops early: the job-board feeds and the sitemap list all 5,000."""
    source = published_jd(title="Senior Software Engineer")
    copies = bulk_open_postings(MANY - 1, source=source)
    cold()
    client = Client()
    last = copies[-1]
    for name in ("careers:indeed", "careers:linkedin", "sitemap"):
        body = client.get(reverse(name)).content.decode()
        assert last.short_id in body, name
        assert body.count(source.slug) >= MANY, name
