"""A candidate on a phone finds a posting on the public careers page and opens it: no sign-in,
no cookie, no sideways scroll, axe clean, no CSP violation, and the Apply link is there."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible
from tests.browser.test_csp import CSPWatch
from tests.browser.test_phone_width import assert_fits, phone_context
from tests.factories import DepartmentFactory, OrganizationFactory, RecruiterFactory
from tests.support.publishing import published_jd

# A title as long as managers write them: it must wrap, not widen the page.
LONG_TITLE = "Senior Software Engineer, Machine Learning Infrastructure and Data Platforms"
APPLY_URL = "https://jobs.acme.example/apply/platform-42"


@pytest.fixture
def careers(live_catalog):
    """Two open postings of Acme Analytics: the engineer applies on the web, the analyst by
    e-mail (the default how-to-apply)."""
    OrganizationFactory(name="Acme Analytics", brand_colour="#0b5d3b")
    recruiter = RecruiterFactory()
    engineer = published_jd(
        title=LONG_TITLE,
        publisher=recruiter,
        department=DepartmentFactory(name="Platform").pk,
        how_to_apply=f"Apply on our site: {APPLY_URL}",
    )
    published_jd(
        title="Revenue Analyst", slug="data-analyst", location="Berlin", publisher=recruiter
    )
    return engineer


def test_candidate_finds_and_opens_a_posting_on_a_phone(browser, live_server, careers):
    context = browser.new_context(**phone_context())
    context.set_default_timeout(10_000)
    page = context.new_page()
    csp = CSPWatch(page)
    try:
        csp.visit(f"{live_server.url}/jobs/", "the careers page")
        expect(page.get_by_role("heading", level=1)).to_have_text("Careers at Acme Analytics")
        expect(page.get_by_role("heading", name="2 open positions")).to_be_visible()
        assert_fits(page, "the careers page")
        assert_accessible(page)

        # A skill only the engineer's posting asks for.
        page.get_by_role("searchbox", name="Search jobs").fill("cloud and distributed")
        page.get_by_role("button", name="Search").click()
        expect(page).to_have_url(re.compile(r"/jobs/\?q=cloud\+and\+distributed"))
        expect(page.get_by_role("heading", name="1 job matches")).to_be_visible()
        expect(page.get_by_role("link", name="Revenue Analyst")).to_have_count(0)
        csp.check("the search results")
        assert_fits(page, "the search results")
        assert_accessible(page)

        page.get_by_role("link", name=LONG_TITLE).click()
        expect(page).to_have_url(re.compile(re.escape(careers.get_absolute_url()) + "$"))
        expect(page.get_by_role("heading", level=1)).to_have_text(LONG_TITLE)
        apply = page.get_by_role("link", name="Apply", exact=True)
        expect(apply).to_be_visible()
        expect(apply).to_have_attribute("href", APPLY_URL)
        expect(page.get_by_text("Applications close on").first).to_be_visible()
        csp.check("the posting page")
        assert_fits(page, "the posting page")
        assert_accessible(page)

        jsonld = json.loads(page.locator('script[type="application/ld+json"]').text_content())
        assert jsonld["@type"] == "JobPosting"
        assert jsonld["title"] == LONG_TITLE

        # The header's link back to every job.
        page.get_by_role("navigation", name="Careers").get_by_role("link", name="All jobs").click()
        expect(page.get_by_role("heading", name="2 open positions")).to_be_visible()

        assert context.cookies() == []  # an anonymous candidate gets no cookie
    finally:
        context.close()
