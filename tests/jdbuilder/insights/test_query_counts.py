"""The page and every CSV cost the same number of queries at 3 and at 30 issued JDs (with
their postings and approvals): each chart is one query, whatever the data size; and what the
page draws and tabulates does not grow with the JDs either."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from jdbuilder.insights.sections import BUILDERS
from jdbuilder.publishing.services import publish
from tests.factories import ManagerFactory, RecruiterFactory, StaffFactory
from tests.jdbuilder.insights.fixtures import approvals, final_jd
from tests.support.jds import clone_issued

pytestmark = pytest.mark.usefixtures("catalog")

URLS = [reverse("insights:page"), reverse("insights:page") + "?by=department"] + [
    reverse("insights:csv", kwargs={"chart": chart}) for chart in BUILDERS
]


def grow(size: int, recruiter) -> None:
    """`size` issued JDs in all (three made as managers make them, the rest copies), one open
    posting per three."""
    owner = ManagerFactory()
    made = [
        final_jd(owner, slug=slug, required=n)
        for slug, n in (("software-engineer", 3), ("data-analyst", 2), ("data-scientist", 4))
    ]
    copies = clone_issued(made[0], size - len(made)) if size > len(made) else []
    for jd in [*made, *copies][::3]:
        publish(job_description=jd, user=recruiter, override_reason="Tested as is.")


def counts(client) -> list[int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    found = []
    for url in URLS:
        client.get(url)  # warm: the organization's rows are read once per content version
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        found.append(len(queries))
    return found


# Past the session and the user (and a recruiter's two permission queries): the page's six
# queries (required skills, inflation, the content version, pay ranges, quality scores, the
# approvals both their charts share), plus the navbar's "Waiting for me" count for staff (a
# recruiter who approves nothing has no queue); each CSV's own (the two pay CSVs: the content
# version and the ranges).
CSVS = [1, 1, 2, 2, 1, 1, 1]


@pytest.mark.parametrize(
    ("user_factory", "base", "page"),
    [(StaffFactory, 2, 7), (RecruiterFactory, 4, 6)],
    ids=["staff", "recruiter"],
)
def test_every_page_and_csv_costs_the_same_at_two_sizes(client, user_factory, base, page):
    approvals()
    client.force_login(user_factory())
    recruiter = RecruiterFactory()
    grow(3, recruiter)
    small = counts(client)
    grow(27, recruiter)  # 30 issued JDs in all, ten of them open postings
    assert counts(client) == small == [base + n for n in [page, page, *CSVS]]


def test_the_page_is_pinned(client, django_assert_num_queries):
    client.force_login(StaffFactory())
    grow(3, RecruiterFactory())
    page = reverse("insights:page")
    client.get(page)
    # session, user, then: approvals, required skills, inflation, version token, pay ranges,
    # quality scores, and the navbar's count.
    with django_assert_num_queries(9):
        client.get(page)
    grow(27, RecruiterFactory())
    client.get(page)
    with django_assert_num_queries(9):
        client.get(page)


def drawn(client) -> tuple[int, int]:
    """The page's SVG shapes and table rows."""
    html = client.get(reverse("insights:page")).content.decode()
    shapes = len(re.findall(r"<(?:rect|line|circle|polyline)\b", html))
    return shapes, html.count("<tr>")


def test_the_shapes_and_rows_drawn_do_not_grow_with_the_jds(client):
    client.force_login(StaffFactory())
    recruiter = RecruiterFactory()
    grow(3, recruiter)
    small = drawn(client)
    assert small[0] > 0
    grow(27, recruiter)  # 27 more Software Engineer JDs: the same groups, the same quarter
    assert drawn(client) == small
