"""A recruiter opens the insights page on a desktop and on a phone: the required-skill chart is
drawn, its numbers are in the table beside it, the pay ranges one bar per group, axe finds
nothing serious, no CSP violation, and at 375 px nothing scrolls sideways."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import SignIn, assert_accessible
from tests.browser.test_csp import CSPWatch
from tests.browser.test_phone_width import assert_fits, phone_context
from tests.jdbuilder.insights.fixtures import approvals, library


@pytest.fixture
def insights_data(live_catalog):
    issued = library()
    approvals()
    return issued


def check_page(page, live_server, what: str) -> None:
    csp = CSPWatch(page)
    csp.visit(f"{live_server.url}/insights/", what)
    expect(page.get_by_role("heading", level=1)).to_have_text("Insights")
    chart = page.get_by_role("img", name="Average number of required skills per role")
    expect(chart).to_be_visible()
    expect(chart.locator("rect.bar")).to_have_count(4)
    box = chart.bounding_box()
    assert box is not None and box["width"] > 200 and box["height"] > 100
    table = page.get_by_role("table", name="Required skills per role")
    expect(table.get_by_role("rowheader", name="Software Engineer")).to_be_visible()
    expect(
        page.get_by_role("link", name=re.compile(r"^Download CSV\s*: Required skills per role$"))
    ).to_be_visible()
    # The pay ranges: one bar per role and seniority (four groups, one of them in euros), and
    # the per-JD CSV beside the table's.
    dollars = page.get_by_role(
        "img", name="Median salary ranges in USD per year, against their bands"
    )
    expect(dollars.locator("rect.range")).to_have_count(3)
    expect(
        page.get_by_role(
            "link",
            name=re.compile(r"^Download CSV, one row per job description\s*: Pay ranges against"),
        )
    ).to_be_visible()
    csp.check(what)
    assert_accessible(page)


def test_a_recruiter_sees_the_required_skill_chart(page, live_server, insights_data):
    SignIn(page, live_server)(insights_data.recruiter, "/insights/")
    check_page(page, live_server, "the insights page")
    # The inflation chart by department, through the form (no JavaScript needed).
    page.get_by_label("Group by").select_option("department")
    page.get_by_role("button", name="Show").click()
    expect(
        page.get_by_role("table", name="Average required skills per quarter, by department")
    ).to_be_visible()


def test_the_insights_page_fits_a_phone(browser, live_server, insights_data):
    context = browser.new_context(**phone_context())
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        SignIn(page, live_server)(insights_data.recruiter, "/insights/")
        check_page(page, live_server, "the insights page on a phone")
        assert_fits(page, "the insights page")
    finally:
        context.close()
