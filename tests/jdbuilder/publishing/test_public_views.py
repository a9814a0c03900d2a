"""The public careers pages: /jobs/ (list, search, filters, pages) and a posting's page (open,
closed, gone, unpublished), as an anonymous candidate sees them, and what they never carry:
other postings, internal fields, cookies, per-person content, inline script."""

from __future__ import annotations

import datetime
import json
import re

import pytest
import time_machine
from django.contrib.messages import constants as message_levels
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from jdbuilder.organization.models import Logo
from jdbuilder.publishing.forms import MAX_QUERY_LENGTH
from jdbuilder.publishing.models import Posting
from jdbuilder.publishing.public_views import _script_json
from jdbuilder.publishing.services import close, publish, unpublish
from tests.factories import (
    DepartmentFactory,
    DraftFactory,
    ManagerFactory,
    OfficeFactory,
    OrganizationFactory,
    PayBandFactory,
    RecruiterFactory,
)
from tests.support.jds import clone_issued, make_final_jd
from tests.support.publishing import published_jd

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalog")]

LIST = "/jobs/"
ROW_TITLE = re.compile(r'<h3 class="h5 mb-1 careers-title"><a href="[^"]+">([^<]+)</a>')
JSONLD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)


def fresh_get(client, url, data=None, **kwargs):
    """GET with the shared cache emptied first. Posting writes drop the kept stamp on commit,
    and a test's transaction never commits: without this, a page cached earlier in the test
    (under the old stamp) would be served again."""
    caches["default"].clear()
    return client.get(url, data, **kwargs)


def rows(response) -> list[str]:
    """The titles the careers list shows, in order."""
    return ROW_TITLE.findall(page(response))


def page(response) -> str:
    return response.content.decode()


def jsonld_of(response) -> list[dict]:
    return [json.loads(body) for body in JSONLD.findall(page(response))]


# --- the list -------------------------------------------------------------------------------


def test_list_shows_open_postings_only_newest_first(client):
    recruiter = RecruiterFactory()
    older = published_jd(title="Platform Engineer", publisher=recruiter)
    newer = published_jd(title="Data Platform Lead", publisher=recruiter)
    Posting.objects.filter(pk=older.pk).update(
        first_published_at=timezone.now() - datetime.timedelta(days=2)
    )
    closed = published_jd(title="Closed Role Engineer", publisher=recruiter)
    close(job_description=closed.job_description, user=recruiter)
    taken_down = published_jd(title="Unpublished Role Engineer", publisher=recruiter)
    unpublish(job_description=taken_down.job_description, user=recruiter)
    make_final_jd(ManagerFactory(), title="Issued Never Published Engineer")
    DraftFactory(title="Draft Only Engineer")

    response = fresh_get(client, LIST)

    assert response.status_code == 200
    assert rows(response) == [newer.title, older.title]
    body = page(response)
    for hidden in ("Closed Role", "Unpublished Role", "Never Published", "Draft Only"):
        assert hidden not in body
    assert "2 open positions" in body
    assert f'href="{newer.get_absolute_url()}"' in body


def test_list_row_shows_department_place_type_salary_and_date(client):
    department = DepartmentFactory(name="Platform")
    posting = published_jd(department=department.pk)

    body = page(fresh_get(client, LIST))

    assert "Platform" in body
    assert "Denver, Colorado (Hybrid)" in body
    assert "Full-time" in body
    assert "150,000 to 190,000 USD a year" in body
    posted = timezone.localdate(posting.first_published_at)
    assert f'<time datetime="{posted:%Y-%m-%d}">' in body


def test_empty_list_says_so(client):
    response = fresh_get(client, LIST)
    assert response.status_code == 200
    assert "There are no open positions right now." in page(response)
    assert rows(response) == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("analyst", ["Revenue Analyst"]),  # title
        ("REVENUE analyst", ["Revenue Analyst"]),  # any case, every word
        ("cloud and distributed", ["Backend Engineer"]),  # a skill only the engineer has
        ("sql", ["Backend Engineer", "Revenue Analyst"]),  # a skill both have
        ("berlin", ["Revenue Analyst"]),  # location
        ("nothing like this", []),
    ],
)
def test_search_by_title_skill_and_location(client, query, expected):
    recruiter = RecruiterFactory()
    published_jd(title="Backend Engineer", publisher=recruiter)
    published_jd(
        title="Revenue Analyst", slug="data-analyst", location="Berlin", publisher=recruiter
    )

    response = fresh_get(client, LIST, {"q": query})

    assert response.status_code == 200
    assert sorted(rows(response)) == expected
    if not expected:
        assert "No jobs match your search." in page(response)


@pytest.fixture
def faceted():
    """Three postings that differ in department, office, workplace and employment type."""
    recruiter = RecruiterFactory()
    platform = DepartmentFactory(name="Platform")
    finance = DepartmentFactory(name="Finance")
    berlin = OfficeFactory(name="Berlin office", locality="Berlin", region="", country="DE")
    denver = OfficeFactory(name="Denver office")
    published_jd(
        title="Backend Engineer",
        department=platform.pk,
        office=denver.pk,
        workplace_type="onsite",
        publisher=recruiter,
    )
    published_jd(
        title="Revenue Analyst",
        slug="data-analyst",
        department=finance.pk,
        office=berlin.pk,
        workplace_type="remote",
        employment_type="PART_TIME",
        publisher=recruiter,
    )
    published_jd(title="Forecasting Lead", slug="data-scientist", publisher=recruiter)


@pytest.mark.usefixtures("faceted")
@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"department": "Platform"}, ["Backend Engineer"]),
        ({"department": "Finance"}, ["Revenue Analyst"]),
        ({"office": "Berlin office"}, ["Revenue Analyst"]),
        ({"workplace": "onsite"}, ["Backend Engineer"]),
        ({"workplace": "hybrid"}, ["Forecasting Lead"]),
        ({"employment": "PART_TIME"}, ["Revenue Analyst"]),
        ({"employment": "FULL_TIME", "workplace": "remote"}, []),
    ],
)
def test_each_filter(client, filters, expected):
    response = fresh_get(client, LIST, filters)
    assert response.status_code == 200
    assert sorted(rows(response)) == sorted(expected)


@pytest.mark.usefixtures("faceted")
def test_filter_choices_are_the_values_of_open_postings(client):
    recruiter = RecruiterFactory()
    gone = published_jd(
        title="Closed Sales Role",
        department=DepartmentFactory(name="Sales").pk,
        publisher=recruiter,
    )
    close(job_description=gone.job_description, user=recruiter)

    body = page(fresh_get(client, LIST))

    assert '<label class="form-label" for="id_department">Department</label>' in body
    assert (
        '<option value="Finance">Finance</option><option value="Platform">Platform</option>' in body
    )
    assert '<option value="Berlin office">Berlin office</option>' in body
    assert (
        '<option value="onsite">On-site</option><option value="hybrid">Hybrid</option>'
        '<option value="remote">Remote</option>' in body
    )
    assert '<option value="PART_TIME">Part-time</option>' in body
    assert "Sales" not in body  # only a closed posting has it


@pytest.mark.usefixtures("faceted")
@pytest.mark.parametrize(
    ("filters", "message"),
    [
        ({"department": "Sales"}, "Choose a department from the list."),
        ({"office": "Nowhere"}, "Choose an office from the list."),
        ({"workplace": "moon"}, "Choose a workplace type from the list."),
        ({"employment": "SLAVERY"}, "Choose an employment type from the list."),
    ],
)
def test_unknown_filter_value_is_a_clear_error_and_lists_nothing(client, filters, message):
    response = fresh_get(client, LIST, filters)
    assert response.status_code == 200
    assert message in page(response)
    assert rows(response) == []


def test_search_longer_than_the_limit_is_an_error_not_a_crash(client):
    published_jd(title="Backend Engineer")

    too_long = fresh_get(client, LIST, {"q": "a" * (MAX_QUERY_LENGTH + 1)})
    assert too_long.status_code == 200
    body = page(too_long)
    assert f"Use at most {MAX_QUERY_LENGTH} characters in the search (it has 101)." in body
    assert 'aria-invalid="true"' in body
    assert rows(too_long) == []  # no results rather than all

    at_limit = fresh_get(client, LIST, {"q": "backend " + "e" * (MAX_QUERY_LENGTH - 8)})
    assert at_limit.status_code == 200
    assert "Use at most" not in page(at_limit)

    huge = fresh_get(client, LIST, {"q": "x" * 100_000})
    assert huge.status_code == 200
    assert rows(huge) == []
    assert "x" * 201 not in page(huge)  # the page echoes no more than its cache key holds


def test_pages(client, settings):
    settings.CAREERS_PAGE_SIZE = 2
    recruiter = RecruiterFactory()
    for n, title in enumerate(("First Engineer", "Second Engineer", "Third Engineer")):
        posting = published_jd(title=title, publisher=recruiter)
        Posting.objects.filter(pk=posting.pk).update(
            first_published_at=timezone.now() - datetime.timedelta(hours=n)
        )

    first = fresh_get(client, LIST)
    assert rows(first) == ["First Engineer", "Second Engineer"]
    body = page(first)
    assert '<nav aria-label="Pages of jobs"' in body
    assert "Page 1 of 2" in body
    assert 'href="?page=2"' in body

    second = fresh_get(client, LIST, {"page": "2"})
    assert rows(second) == ["Third Engineer"]
    assert 'href="?page=1"' in page(second)

    # Past the end: the last page; not a number: the first.
    assert rows(fresh_get(client, LIST, {"page": "99"})) == ["Third Engineer"]
    assert rows(fresh_get(client, LIST, {"page": "two"})) == ["First Engineer", "Second Engineer"]


def test_pages_keep_the_search(client, settings):
    settings.CAREERS_PAGE_SIZE = 1
    recruiter = RecruiterFactory()
    published_jd(title="Backend Engineer", publisher=recruiter)
    published_jd(title="Frontend Engineer", publisher=recruiter)
    published_jd(title="Revenue Analyst", slug="data-analyst", publisher=recruiter)

    response = fresh_get(client, LIST, {"q": "engineer", "workplace": "hybrid"})

    assert "2 jobs match" in page(response)
    assert 'href="?q=engineer&amp;workplace=hybrid&amp;page=2"' in page(response)


def _publish_clones(source: Posting, count: int) -> None:
    recruiter = RecruiterFactory()
    for jd in clone_issued(source.job_description, count):
        publish(job_description=jd, user=recruiter)


def _queries_for(client, url: str) -> int:
    fresh_get(client, url)  # the organization's rows are read once per content version
    caches["default"].clear()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_list_costs_the_same_queries_for_one_posting_and_many(
    client, django_assert_num_queries
):
    OrganizationFactory()
    source = published_jd(department=DepartmentFactory(name="Platform").pk)
    one = _queries_for(client, LIST)
    # The page's own four (facets, count, the catalog token, the rows); the rest are the stamp
    # and the database cache's reads and writes.
    assert one <= 20

    _publish_clones(source, 6)
    fresh_get(client, LIST)
    caches["default"].clear()
    with django_assert_num_queries(one):
        response = client.get(LIST)
    assert len(rows(response)) == 7

    # A search costs the same again.
    fresh_get(client, LIST, {"q": "clone", "department": "Platform"})
    caches["default"].clear()
    with django_assert_num_queries(one):
        client.get(LIST, {"q": "clone", "department": "Platform"})


def test_organization_name_and_brand_colour(client):
    OrganizationFactory(name="Initech", brand_colour="#aa3300")
    published_jd()

    body = page(fresh_get(client, LIST))

    assert "<title>Careers at Initech</title>" in body
    assert '<h1 class="h3 mb-3">Careers at Initech</h1>' in body
    assert '<div class="careers-header jd-brand-aa3300">' in body
    assert '<link rel="stylesheet" href="/company/brand/aa3300.css">' in body
    assert '<link rel="stylesheet" href="/static/css/careers.css">' in body


def test_organization_logo_is_our_own_url(client):
    logo = Logo.objects.create(
        sha256="ab" * 32, content=b"not checked here", media_type="image/png", width=80, height=40
    )
    OrganizationFactory(name="Initech", logo=logo)

    body = page(fresh_get(client, LIST))

    expected = f'<img class="careers-logo" src="/company/logo/{"ab" * 32}.png" alt=""'
    assert expected + ' width="80" height="40">' in body
    assert '<span class="careers-company">Initech</span>' in body


def test_without_an_organization_the_page_is_plain_careers(client):
    body = page(fresh_get(client, LIST))
    assert "<title>Careers</title>" in body  # the public pages are the company's, not JD Builder's
    assert '<h1 class="h3 mb-3">Careers</h1>' in body


def test_layout_links_the_feeds_and_nothing_per_person(client):
    body = page(fresh_get(client, LIST))
    assert '<link rel="alternate" type="application/rss+xml"' in body
    assert 'href="/jobs/feed.rss"' in body
    assert '<link rel="alternate" type="application/atom+xml"' in body
    assert 'href="/jobs/feed.atom"' in body
    assert 'href="/jobs/">All jobs</a>' in body
    assert "csrfmiddlewaretoken" not in body
    assert "Sign out" not in body
    assert 'method="get"' in body


def test_only_get_and_head(client):
    assert client.post(LIST).status_code == 405
    assert client.head(LIST).status_code == 200


# --- a posting's page -----------------------------------------------------------------------


def test_open_posting_page(client):
    OrganizationFactory()
    owner = ManagerFactory(
        first_name="Zebulon", last_name="Quartermaine", email="zq@inside.example"
    )
    PayBandFactory(minimum=123_456, maximum=234_567)
    posting = published_jd(owner=owner, title="Senior Software Engineer")

    response = fresh_get(client, posting.get_absolute_url())

    assert response.status_code == 200
    body = page(response)
    assert (
        '<h1 class="h3 mb-1 careers-title" id="posting-title">Senior Software Engineer</h1>' in body
    )
    assert "Build the platform our models run on." in body  # the document
    assert "Algorithmic coding" in body
    assert '<a class="btn btn-primary" href="mailto:jobs@acme.example">Apply by e-mail</a>' in body
    closes = posting.closes_on
    assert f'Applications close on <time datetime="{closes:%Y-%m-%d}">' in body
    url = f"http://127.0.0.1:8000{posting.get_absolute_url()}"
    assert f'<link rel="canonical" href="{url}">' in body
    assert '<meta name="description" content="Build the platform our models run on.">' in body
    assert 'name="robots"' not in body
    # Nothing internal: no pay band, no author.
    for internal in ("123,456", "234,567", "Zebulon", "Quartermaine", "zq@inside.example"):
        assert internal not in body
    (jsonld,) = jsonld_of(response)
    assert jsonld["@type"] == "JobPosting"
    assert jsonld["title"] == "Senior Software Engineer"
    assert jsonld == posting.jobposting


def test_posting_with_a_web_address_has_an_apply_link(client):
    posting = published_jd(how_to_apply="Apply at https://jobs.acme.example/apply/42 today.")
    body = page(fresh_get(client, posting.get_absolute_url()))
    link = '<a class="btn btn-primary" href="https://jobs.acme.example/apply/42" rel="noopener">'
    assert link + "Apply</a>" in body
    assert "Apply by e-mail" not in body


def test_posting_without_an_address_shows_the_how_to_apply_text_only(client):
    posting = published_jd(how_to_apply="Ask for Pat at the front desk.")
    body = page(fresh_get(client, posting.get_absolute_url()))
    assert "Ask for Pat at the front desk." in body
    assert '<a href="#jd-apply">How to apply</a>' in body
    assert ">Apply<" not in body
    assert "Apply by e-mail" not in body


def test_jsonld_cannot_end_its_script_element(client):
    posting = published_jd(summary="Ends here </script><script>alert(1)</script> & <!-- more")
    response = fresh_get(client, posting.get_absolute_url())
    (body,) = JSONLD.findall(page(response))
    assert not set("<>&") & set(body)
    assert json.loads(body)["description"].startswith("<p>Ends here &lt;/script&gt;")


def test_script_json_escapes_what_could_leave_the_element():
    body = str(_script_json({"text": "</script><!-- & é"}))
    assert body == '{"text": "\\u003C/script\\u003E\\u003C!-- \\u0026 é"}'
    assert json.loads(body) == {"text": "</script><!-- & é"}


def test_old_slug_redirects_to_the_canonical_address(client):
    posting = published_jd()
    url = f"/jobs/an-old-title-{posting.short_id}/"

    response = fresh_get(client, url)

    assert response.status_code == 301
    assert response["Location"] == posting.get_absolute_url()


def test_closed_posting_says_so_without_markup(client):
    recruiter = RecruiterFactory()
    posting = published_jd(publisher=recruiter)
    with time_machine.travel(datetime.datetime(2031, 3, 4, 10, tzinfo=datetime.UTC), tick=False):
        close(job_description=posting.job_description, user=recruiter)

    with time_machine.travel(datetime.datetime(2031, 3, 20, tzinfo=datetime.UTC), tick=False):
        response = fresh_get(client, posting.get_absolute_url())

    assert response.status_code == 200
    body = page(response)
    assert "This posting is closed" in body
    assert "4 March 2031" in body
    assert posting.title in body
    assert "Acme Analytics" in body
    assert "application/ld+json" not in body
    assert '<meta name="robots" content="noindex">' in body
    assert "Apply" not in body


def test_closed_posting_is_gone_after_the_grace_period(client, settings):
    settings.POSTING_GONE_AFTER_DAYS = 30
    recruiter = RecruiterFactory()
    posting = published_jd(publisher=recruiter)
    closed_at = datetime.datetime(2031, 3, 4, 10, tzinfo=datetime.UTC)
    with time_machine.travel(closed_at, tick=False):
        close(job_description=posting.job_description, user=recruiter)

    just_before = closed_at + datetime.timedelta(days=30, seconds=-1)
    with time_machine.travel(just_before, tick=False):
        assert fresh_get(client, posting.get_absolute_url()).status_code == 200
    with time_machine.travel(closed_at + datetime.timedelta(days=30), tick=False):
        response = fresh_get(client, posting.get_absolute_url())

    assert response.status_code == 410
    body = page(response)
    assert "This job posting has been removed" in body
    assert posting.title not in body
    assert "application/ld+json" not in body


def test_unpublished_and_unknown_postings_are_not_found(client):
    recruiter = RecruiterFactory()
    posting = published_jd(publisher=recruiter)
    unpublish(job_description=posting.job_description, user=recruiter)

    assert fresh_get(client, posting.get_absolute_url()).status_code == 404
    assert fresh_get(client, "/jobs/senior-software-engineer-abcdefgh/").status_code == 404
    assert fresh_get(client, "/jobs/not-a-posting/").status_code == 404


# --- what every public response carries, and never carries --------------------------------


@pytest.fixture
def public_urls():
    """An open, a closed and a gone posting, and the list: (url, expected status)."""
    recruiter = RecruiterFactory()
    open_posting = published_jd(publisher=recruiter)
    closed = published_jd(title="Closed Engineer", publisher=recruiter)
    close(job_description=closed.job_description, user=recruiter)
    gone = published_jd(title="Gone Engineer", publisher=recruiter)
    close(job_description=gone.job_description, user=recruiter)
    Posting.objects.filter(pk=gone.pk).update(
        closed_at=timezone.now() - datetime.timedelta(days=365)
    )
    return [
        (LIST, 200),
        (f"{LIST}?q=engineer&page=1", 200),
        (open_posting.get_absolute_url(), 200),
        (closed.get_absolute_url(), 200),
        (gone.get_absolute_url(), 410),
        (f"/jobs/old-{open_posting.short_id}/", 301),
    ]


def test_no_cookies_and_a_strict_policy_for_anonymous_visitors(client, public_urls):
    for url, status in public_urls:
        response = fresh_get(client, url)
        assert response.status_code == status, url
        assert not response.cookies, (url, response.cookies)
        assert "Set-Cookie" not in response.headers, url
        policy = response["Content-Security-Policy"]
        script_src = re.search(r"script-src ([^;]*)", policy).group(1)
        assert "'unsafe-inline'" not in script_src, url
        assert "'unsafe-eval'" not in script_src, url
        assert response["Cache-Control"] == "public, max-age=300", url
        if status == 200:
            assert "<script>" not in page(response), url  # no inline script
            assert " style=" not in page(response), url
            assert not re.search(r"\son[a-z]+=", page(response)), url


def _pending_message(text: str) -> str:
    """The messages cookie a redirect after a signed-in action leaves behind."""
    request = RequestFactory().get("/")
    storage = CookieStorage(request)
    return storage._encode([Message(message_levels.SUCCESS, text)])


def test_a_signed_in_visitor_leaves_nothing_personal_in_the_cached_page(client, public_urls):
    user = ManagerFactory(first_name="Rowena", last_name="Signedin")
    signed_in = type(client)()
    signed_in.force_login(user)
    # The control: an app page shows her pending message (and so would consume it).
    signed_in.cookies["messages"] = _pending_message("Secret flash for Rowena")
    assert "Secret flash for Rowena" in page(signed_in.get(reverse("jd:mine")))
    caches["default"].clear()
    for url, status in public_urls:
        signed_in.cookies["messages"] = _pending_message("Secret flash for Rowena")
        first = signed_in.get(url)
        assert first.status_code == status, url
        assert "Secret flash" not in page(first), url
        assert "Rowena" not in page(first), url
        assert not first.cookies, (url, first.cookies)  # the message stays for her next page
        # An anonymous candidate then gets the cached page: nothing of hers in it.
        second = client.get(url)
        assert second.status_code == status, url
        assert second.content == first.content, url
        assert "Secret flash" not in page(second), url
        assert not second.cookies, url


def test_etag_and_not_modified(client):
    posting = published_jd()
    for url in (LIST, posting.get_absolute_url()):
        response = fresh_get(client, url)
        etag = response["ETag"]
        assert re.fullmatch(r'"[0-9a-f]{32}"', etag)
        assert response["Last-Modified"]

        again = client.get(url, headers={"If-None-Match": etag})
        assert again.status_code == 304
        assert again.content == b""
        assert again["ETag"] == etag

        other = client.get(url, headers={"If-None-Match": '"something-else"'})
        assert other.status_code == 200
        assert other.content == response.content

    # Another search is another response, with another tag.
    assert client.get(LIST, {"q": "x"})["ETag"] != fresh_get(client, LIST)["ETag"]
