"""The compliance page, its CSV and the admin's read-only rules page."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jdbuilder.publishing.services import close
from tests.factories import ManagerFactory, OrganizationFactory, RecruiterFactory, UserFactory
from tests.jdbuilder.compliance.support import open_clones
from tests.support.publishing import published_jd

pytestmark = pytest.mark.usefixtures("catalog")

URL = "/compliance/"
CSV_URL = "/compliance/postings.csv"
TORONTO = {
    "location": "Toronto, ON",
    "salary_min": "100000",
    "salary_max": "160000",
    "salary_currency": "CAD",
}


@pytest.fixture
def recruiter():
    OrganizationFactory(employee_count=250)
    return RecruiterFactory()


def toronto(publisher, **kw):
    return published_jd(
        title="Data Scientist, Toronto",
        publisher=publisher,
        override_reason="Legal ok.",
        **{**TORONTO, **kw},
    )


def rows_of(response) -> list[dict]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_done_when_the_toronto_posting_fails_ontario_on_the_page_and_in_the_csv(client, recruiter):
    posting = toronto(recruiter)
    published_jd(title="Platform Engineer", publisher=recruiter)  # Denver, Colorado, USD: fine
    client.force_login(recruiter)
    page = client.get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Data Scientist, Toronto" in html and "Platform Engineer" in html
    assert 'data-jurisdiction="ca-on" data-verdict="fail"' in html
    assert "Ontario: the range" not in html  # the page words it as the reason
    assert "The range is CAD 60,000 wide; at most CAD 50,000." in html
    assert 'data-jurisdiction="us-co" data-verdict="pass"' in html

    rows = rows_of(client.get(CSV_URL))
    ontario = [r for r in rows if r["Jurisdiction"] == "Ontario"]
    assert len(ontario) == 1
    assert ontario[0]["Reference"] == posting.short_id
    assert ontario[0]["Verdict"] == "fail"
    assert ontario[0]["Rule in force"] == "from 2026-01-01"
    assert "CAD 60,000 wide" in ontario[0]["Reason"]
    assert ontario[0]["Address"].endswith(posting.get_absolute_url())
    assert {r["Jurisdiction"] for r in rows} == {"Ontario", "Colorado"}


def test_failing_only_filter(client, recruiter):
    toronto(recruiter)
    published_jd(title="Platform Engineer", publisher=recruiter)
    client.force_login(recruiter)
    html = client.get(URL, {"failing": "1"}).content.decode()
    assert "Data Scientist, Toronto" in html and "Platform Engineer" not in html
    assert "1 failing posting" in html
    rows = rows_of(client.get(CSV_URL, {"failing": "1"}))
    assert {r["Posting"] for r in rows} == {"Data Scientist, Toronto"}


def test_closed_postings_are_not_listed(client, recruiter):
    posting = toronto(recruiter)
    close(job_description=posting.job_description, user=recruiter)
    client.force_login(recruiter)
    assert "Data Scientist, Toronto" not in client.get(URL).content.decode()
    assert rows_of(client.get(CSV_URL)) == []


def test_a_posting_no_rule_covers_has_a_row_saying_so(client, recruiter):
    published_jd(title="Berlin Engineer", location="Berlin, Germany", publisher=recruiter)
    client.force_login(recruiter)
    assert "No pay-transparency rule in the rules file covers" in client.get(URL).content.decode()
    [row] = rows_of(client.get(CSV_URL))
    assert row["Verdict"] == "no rule applies" and row["Applies"] == "no"


def test_the_csv_is_safe_from_formula_injection(client, recruiter):
    published_jd(
        title='=HYPERLINK("http://evil")', location="+Denver, Colorado", publisher=recruiter
    )
    client.force_login(recruiter)
    [row] = rows_of(client.get(CSV_URL))
    assert row["Posting"].startswith("'=")
    assert row["Location"].startswith("'+")


def test_a_below_threshold_employer_is_not_covered_by_ontario(client):
    OrganizationFactory(employee_count=24)
    recruiter = RecruiterFactory()
    published_jd(title="Data Scientist, Toronto", publisher=recruiter, **TORONTO)
    client.force_login(recruiter)
    html = client.get(URL).content.decode()
    assert 'data-jurisdiction="ca-on" data-verdict="not-applicable"' in html
    assert "the organization has 24" in html
    [row] = rows_of(client.get(CSV_URL))
    assert row["Verdict"] == "no rule applies"


@pytest.mark.parametrize("url", [URL, CSV_URL])
def test_who_may_see_it(client, recruiter, url):
    assert client.get(url).status_code == 302  # to sign in
    client.force_login(ManagerFactory())
    assert client.get(url).status_code == 403
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403
    client.force_login(UserFactory(is_staff=True))
    assert client.get(url).status_code == 200
    client.force_login(recruiter)
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 405


def test_the_page_paginates(client, recruiter, monkeypatch):
    from jdbuilder.compliance import views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    for n in range(3):
        published_jd(title=f"Engineer {n}", publisher=recruiter)
    client.force_login(recruiter)
    first = client.get(URL).content.decode()
    assert "Page 1 of 2" in first and first.count('class="card mb-3"') == 2
    second = client.get(URL, {"page": "2"}).content.decode()
    assert second.count('class="card mb-3"') == 1


@pytest.mark.parametrize("url", [URL, CSV_URL, f"{URL}?failing=1"])
def test_the_query_count_does_not_grow_with_postings(client, recruiter, url):
    """Cold (nothing cached: every posting evaluated, its bucket written) and warm, each the
    same at 3 and at 30 open postings (test_scale.py pins the parts)."""
    posting = published_jd(title="Engineer", publisher=recruiter)
    client.force_login(recruiter)
    assert open_clones(posting, 2) == 3
    cold, warm = _cold_and_warm(client, url)
    assert warm <= cold <= 12  # session, user, permissions, postings, cache: not one per posting
    assert open_clones(posting, 27) == 30
    caches["default"].clear()
    assert _cold_and_warm(client, url) == (cold, warm)
    response = client.get(url)
    body = response.content.decode()
    if url == URL:
        assert "30 postings" in body and body.count('class="card mb-3"') == 20
    elif url == CSV_URL:
        assert len(rows_of(response)) == 30
    else:
        assert "0 failing postings" in body


def _cold_and_warm(client, url) -> tuple[int, int]:
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    return counts[0], counts[1]


# The admin's rules page


def test_staff_read_the_rules_in_the_admin(client):
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    response = client.get(reverse("admin_pay_rules"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Version 2, updated 2026-12-02" in html
    assert "edited in the repository" in html
    assert 'id="jurisdiction-ca-on"' in html
    assert "CAD 50,000" in html and "CAD 200,000" in html and "25 or more employees" in html
    assert "https://www.ontario.ca/laws/regulation/240476" in html
    assert "London (only with what it lies within)" in html
    assert "<form" not in html.split('id="content-main"')[1]  # nothing to edit
    assert client.post(reverse("admin_pay_rules")).status_code == 405


def test_others_are_sent_to_the_admin_sign_in(client):
    client.force_login(RecruiterFactory())
    response = client.get(reverse("admin_pay_rules"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_admin_index_links_the_rules(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    html = client.get("/admin/").content.decode()
    assert f'href="{reverse("admin_pay_rules")}"' in html


def test_done_when_the_toronto_jd_findings_flag_ontario(recruiter):
    from jdbuilder.checks import run_checks
    from jdbuilder.documents.build import build_document

    posting = toronto(recruiter)
    report = run_checks(build_document(posting.revision))
    [finding] = [f for f in report.findings if f.data.get("jurisdiction") == "ca-on"]
    assert finding.severity == "error" and finding.kind == "pay"
    assert finding.message.startswith("Ontario: the range is CAD 60,000 wide; at most CAD 50,000")
