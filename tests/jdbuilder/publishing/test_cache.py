"""The public response cache (publishing/cache.py) and the stamp it keys on (stamp.py)."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.http import HttpResponse
from django.test import RequestFactory

from jdbuilder.publishing.cache import public_response
from jdbuilder.publishing.models import Posting
from jdbuilder.publishing.services import close
from jdbuilder.publishing.stamp import STAMP_KEY, current_stamp
from tests.support.publishing import published_jd

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    caches["default"].clear()
    yield
    caches["default"].clear()


class CountingView:
    """A view that says how often it ran, and echoes the parameter it reads."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, request):
        self.calls += 1
        return HttpResponse(f"q={request.GET.get('q', '')} call={self.calls}")


def wrapped(view: CountingView):
    return public_response(parameters=("q",))(view)


def test_a_second_request_is_served_from_the_cache():
    view = CountingView()
    page = wrapped(view)
    first = page(RequestFactory().get("/jobs/"))
    second = page(RequestFactory().get("/jobs/"))
    assert view.calls == 1
    assert second.content == first.content == b"q= call=1"
    assert second["ETag"] == first["ETag"]
    assert "public" in second["Cache-Control"] and "max-age=300" in second["Cache-Control"]
    assert second["Last-Modified"]


def test_parameters_the_view_reads_are_part_of_the_key_and_junk_is_not():
    view = CountingView()
    page = wrapped(view)
    python = page(RequestFactory().get("/jobs/", {"q": "python"}))
    rust = page(RequestFactory().get("/jobs/", {"q": "rust"}))
    junk = page(RequestFactory().get("/jobs/", {"q": "python", "utm_source": "x" * 50}))
    assert python.content == b"q=python call=1"
    assert rust.content == b"q=rust call=2"
    assert junk.content == b"q=python call=1"
    assert view.calls == 2


def test_a_matching_etag_gets_304_without_running_the_view():
    view = CountingView()
    page = wrapped(view)
    etag = page(RequestFactory().get("/jobs/"))["ETag"]
    again = page(RequestFactory().get("/jobs/", headers={"If-None-Match": etag}))
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    other = page(RequestFactory().get("/jobs/", headers={"If-None-Match": '"other"'}))
    assert other.status_code == 200


def test_if_modified_since_alone_never_gets_304():
    # The stamp's time does not move with a branding change; only the ETag can say "same".
    view = CountingView()
    page = wrapped(view)
    last_modified = page(RequestFactory().get("/jobs/"))["Last-Modified"]
    again = page(RequestFactory().get("/jobs/", headers={"If-Modified-Since": last_modified}))
    assert again.status_code == 200


def test_post_is_not_allowed():
    view = CountingView()
    response = wrapped(view)(RequestFactory().post("/jobs/"))
    assert response.status_code == 405
    assert view.calls == 0


def test_a_body_too_big_to_keep_is_built_each_time(monkeypatch):
    monkeypatch.setattr("jdbuilder.publishing.cache.MAX_KEPT_BYTES", 5)
    view = CountingView()
    page = wrapped(view)
    page(RequestFactory().get("/jobs/"))
    second = page(RequestFactory().get("/jobs/"))
    assert view.calls == 2
    assert second["ETag"]  # still tagged: a matching If-None-Match gets its 304


def test_a_view_that_stores_its_own_body_is_not_kept_but_is_tagged():
    view = CountingView()
    page = public_response(keep=False)(view)
    first = page(RequestFactory().get("/jobs/feed.rss"))
    page(RequestFactory().get("/jobs/feed.rss"))
    assert view.calls == 2
    again = page(RequestFactory().get("/jobs/feed.rss", headers={"If-None-Match": first["ETag"]}))
    assert again.status_code == 304 and view.calls == 2


def test_a_404_is_not_kept():
    calls = []

    def missing(request):
        calls.append(1)
        return HttpResponse("gone", status=404)

    page = public_response()(missing)
    page(RequestFactory().get("/jobs/x-abcdefgh/"))
    page(RequestFactory().get("/jobs/x-abcdefgh/"))
    assert len(calls) == 2


@pytest.mark.usefixtures("catalog")
def test_a_posting_change_gives_a_new_stamp_once_committed(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        posting = published_jd()
    before = current_stamp()
    assert caches["default"].get(STAMP_KEY) == before
    with django_capture_on_commit_callbacks(execute=True):
        close(job_description=posting.job_description, user=posting.published_by)
    after = current_stamp()
    assert after.value != before.value
    assert after.last_modified >= before.last_modified


@pytest.mark.usefixtures("catalog")
def test_a_kept_page_is_not_served_after_a_posting_changes(django_capture_on_commit_callbacks):
    view = CountingView()
    page = wrapped(view)
    with django_capture_on_commit_callbacks(execute=True):
        posting = published_jd()
    first = page(RequestFactory().get("/jobs/"))
    with django_capture_on_commit_callbacks(execute=True):
        close(job_description=posting.job_description, user=posting.published_by)
    second = page(RequestFactory().get("/jobs/"))
    assert view.calls == 2
    assert second["ETag"] != first["ETag"]


@pytest.mark.usefixtures("catalog")
def test_a_postings_address_is_its_route_reversed():
    from django.urls import reverse

    posting = published_jd(title="Route Engineer")
    expected = reverse(
        "careers:posting", kwargs={"slug": posting.slug, "short_id": posting.short_id}
    )
    assert posting.get_absolute_url() == expected == f"/jobs/route-engineer-{posting.short_id}/"


@pytest.mark.usefixtures("catalog")
def test_deleting_a_jd_with_its_posting_moves_the_stamp(django_capture_on_commit_callbacks):
    posting = published_jd()
    before = current_stamp()
    with django_capture_on_commit_callbacks(execute=True):
        posting.job_description.delete()
    assert not Posting.objects.filter(pk=posting.pk).exists()
    assert current_stamp().value != before.value
