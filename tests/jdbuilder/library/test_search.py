"""Finding JDs in the library: search, filters (invalid ones are form errors), sorting, pages
of twenty whose links keep the filters, and a query count that does not grow with the library."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jdbuilder.models import JobDescriptionRevision
from tests.jdbuilder.library.support import LIBRARY, SharedRows, client_for, rows
from tests.support.jds import clone_issued

pytestmark = pytest.mark.django_db


class TestSearchAndFilters(SharedRows):
    @staticmethod
    def make_jds(people, make_final_jd):
        owner = people["owner"]
        return {
            "engineer": make_final_jd(
                owner,
                title="Backend Engineer",
                company_name="Acme Analytics",
                location="Denver, Colorado",
                workplace_type="hybrid",
                employment_type="FULL_TIME",
            ),
            "analyst": make_final_jd(
                owner,
                title="Revenue Analyst",
                slug="data-analyst",
                company_name="Globex",
                location="Berlin",
                workplace_type="remote",
                employment_type="PART_TIME",
            ),
            "scientist": make_final_jd(
                owner,
                title="Forecasting Lead",
                slug="data-scientist",
                company_name="Initech",
                location="Austin, Texas",
                workplace_type="onsite",
                employment_type="CONTRACTOR",
            ),
        }

    @pytest.fixture
    def get(self, people, jds):
        client = client_for(people["recruiter"])
        return lambda **params: client.get(LIBRARY, params)

    @pytest.mark.parametrize(
        ("q", "expected"),
        [
            ("backend", ["Backend Engineer"]),  # title
            ("REVENUE analyst", ["Revenue Analyst"]),  # title, every word, any case
            ("data scientist", ["Forecasting Lead"]),  # role name, in the snapshot
            ("software engineer", ["Backend Engineer"]),
            ("globex", ["Revenue Analyst"]),  # company
            ("austin", ["Forecasting Lead"]),  # location
            ("colorado acme", ["Backend Engineer"]),  # words from two fields
            ("nowhere", []),
        ],
    )
    def test_search(self, get, q, expected):
        assert rows(get(q=q)) == expected

    def test_filter_by_role(self, get):
        assert rows(get(role="data-analyst")) == ["Revenue Analyst"]

    def test_role_choices_are_the_roles_in_the_library(self, get):
        choices = {slug for slug, _ in get().context["form"].fields["role"].choices if slug}
        assert {str(c) for c in choices} == {"software-engineer", "data-analyst", "data-scientist"}

    @pytest.mark.parametrize(
        ("field", "value", "expected"),
        [
            ("workplace_type", "remote", ["Revenue Analyst"]),
            ("workplace_type", "onsite", ["Forecasting Lead"]),
            ("employment_type", "FULL_TIME", ["Backend Engineer"]),
            ("employment_type", "CONTRACTOR", ["Forecasting Lead"]),
        ],
    )
    def test_filter_by_workplace_and_employment(self, get, field, value, expected):
        assert rows(get(**{field: value})) == expected

    def test_filter_by_finalized_date(self, get, jds):
        now = timezone.now()
        for key, days in [("engineer", 40), ("analyst", 20), ("scientist", 1)]:
            JobDescriptionRevision.objects.filter(job_description=jds[key]).update(
                finalized_at=now - datetime.timedelta(days=days)
            )
        day = timezone.localdate()
        iso = lambda days: (day - datetime.timedelta(days=days)).isoformat()  # noqa: E731
        assert rows(get(finalized_from=iso(30))) == ["Forecasting Lead", "Revenue Analyst"]
        assert rows(get(finalized_to=iso(30))) == ["Backend Engineer"]
        assert rows(get(finalized_from=iso(20), finalized_to=iso(20))) == ["Revenue Analyst"]

    def test_filters_combine(self, get):
        assert rows(get(q="a", workplace_type="remote", role="data-analyst")) == ["Revenue Analyst"]
        assert rows(get(q="globex", workplace_type="hybrid")) == []

    @pytest.mark.parametrize(
        ("sort", "expected"),
        [
            ("newest", ["Forecasting Lead", "Revenue Analyst", "Backend Engineer"]),
            ("", ["Forecasting Lead", "Revenue Analyst", "Backend Engineer"]),
            ("oldest", ["Backend Engineer", "Revenue Analyst", "Forecasting Lead"]),
            ("title", ["Backend Engineer", "Forecasting Lead", "Revenue Analyst"]),
            ("company", ["Backend Engineer", "Revenue Analyst", "Forecasting Lead"]),
        ],
    )
    def test_sorting(self, get, jds, sort, expected):
        # Finalized in fixture order; spread them so "newest" does not hang on clock ticks.
        now = timezone.now()
        for days, key in enumerate(["scientist", "analyst", "engineer"]):
            JobDescriptionRevision.objects.filter(job_description=jds[key]).update(
                finalized_at=now - datetime.timedelta(days=days)
            )
        assert rows(get(sort=sort)) == expected

    @pytest.mark.parametrize(
        ("params", "field"),
        [
            ({"finalized_from": "notadate"}, "finalized_from"),
            ({"finalized_to": "2026-13-45"}, "finalized_to"),
            ({"role": "999"}, "role"),
            ({"sort": "evil"}, "sort"),
            ({"workplace_type": "moon"}, "workplace_type"),
            ({"employment_type": "FOREVER"}, "employment_type"),
            ({"q": "x" * 101}, "q"),
            ({"finalized_from": "2026-02-01", "finalized_to": "2026-01-01"}, "finalized_to"),
        ],
    )
    def test_invalid_filters_are_form_errors_not_server_errors(self, get, params, field):
        response = get(**params)
        assert response.status_code == 200
        assert field in response.context["form"].errors
        html = response.content.decode()
        assert 'id="filter-errors"' in html and "is-invalid" in html
        # The invalid filter is left out; the page still lists the library.
        assert len(rows(response)) == 3

    def test_an_invalid_filter_does_not_drop_the_valid_ones(self, get):
        assert rows(get(q="globex", sort="evil")) == ["Revenue Analyst"]

    @pytest.mark.parametrize("page", ["abc", "-1", "999", "1.5"])
    def test_odd_page_numbers_still_show_a_page(self, get, page):
        assert len(rows(get(page=page))) == 3


class TestTitleSort:
    def test_title_sort_ignores_case(self, people, make_final_jd):
        for title in ["beta", "Alpha", "Gamma"]:
            make_final_jd(people["owner"], title=title)
        response = client_for(people["recruiter"]).get(LIBRARY, {"sort": "title"})
        assert rows(response) == ["Alpha", "beta", "Gamma"]


class TestPagination:
    def test_twenty_a_page_and_page_links_keep_the_filters(self, people, make_final_jd):
        source = make_final_jd(people["owner"], title="Clone source", workplace_type="remote")
        clone_issued(source, 24)
        client = client_for(people["recruiter"])
        params = {"q": "clone", "workplace_type": "remote", "sort": "title"}
        first = client.get(LIBRARY, params)
        assert len(rows(first)) == 20
        assert first.context["page_obj"].paginator.count == 25
        html = first.content.decode()
        assert 'href="?q=clone&amp;workplace_type=remote&amp;sort=title&amp;page=2"' in html
        second = client.get(LIBRARY, {**params, "page": 2})
        assert len(rows(second)) == 5
        assert set(rows(first)).isdisjoint(rows(second))
        assert rows(first)[0] == "Clone 00" and rows(second)[-1] == "Clone source"
        # The export form posts with the same filters, so "everything matching" exports what
        # the page shows and its errors show that page.
        assert (
            'action="/library/export/?q=clone&amp;workplace_type=remote&amp;sort=title&amp;page=2"'
            in (second.content.decode())
        )


class TestQueryCount:
    def test_a_page_runs_the_same_queries_for_3_and_30_jds(
        self, people, make_final_jd, django_assert_num_queries
    ):
        source = make_final_jd(people["owner"])
        clone_issued(source, 2)
        client = client_for(people["recruiter"])
        filtered = {"q": "e", "sort": "company", "role": source.role.slug}
        with CaptureQueriesContext(connection) as plain:
            assert len(rows(client.get(LIBRARY))) == 3
        with CaptureQueriesContext(connection) as with_filters:
            assert len(rows(client.get(LIBRARY, filtered))) == 3
        # session, user, permissions (2), roles for the filter, count, page, the user's current
        # exports; +1 to check a role
        assert (len(plain), len(with_filters)) == (8, 9)
        clone_issued(source, 27, prefix="More")
        with django_assert_num_queries(len(plain)):
            assert len(rows(client.get(LIBRARY))) == 20
        with django_assert_num_queries(len(with_filters)):
            assert len(rows(client.get(LIBRARY, filtered))) == 20
