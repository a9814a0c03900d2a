"""A recruiter on a phone opens the compliance page and sees the Toronto posting failing
Ontario's rule: axe clean, no sideways scroll, no CSP violation."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible
from tests.browser.test_csp import CSPWatch
from tests.browser.test_phone_width import assert_fits, phone_context
from tests.factories import OrganizationFactory, RecruiterFactory
from tests.support.publishing import published_jd


def test_recruiter_sees_the_toronto_posting_failing(fresh_session, live_server, live_catalog):
    OrganizationFactory(employee_count=250)
    recruiter = RecruiterFactory()
    published_jd(
        title="Data Scientist, Toronto",
        publisher=recruiter,
        override_reason="Legal ok.",
        location="Toronto, ON",
        salary_min="100000",
        salary_max="160000",
        salary_currency="CAD",
    )
    published_jd(title="Platform Engineer", publisher=recruiter)
    page = fresh_session(recruiter, "/", **phone_context())
    csp = CSPWatch(page)
    csp.visit(f"{live_server.url}/compliance/", "the compliance page")
    expect(page.get_by_role("heading", level=1)).to_have_text("Pay-transparency compliance")
    card = page.locator("section[data-verdict='fail']")
    expect(card).to_have_count(1)
    expect(card).to_contain_text("Data Scientist, Toronto")
    expect(card.locator("tr[data-jurisdiction='ca-on']")).to_contain_text(
        "The range is CAD 60,000 wide; at most CAD 50,000."
    )
    assert_fits(page, "the compliance page")
    assert_accessible(page)
    page.get_by_role("link", name="Show failing postings only").click()
    expect(page.locator("section[data-verdict]")).to_have_count(1)
    csp.check("the failing postings")
    assert_accessible(page)
