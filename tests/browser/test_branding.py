"""The branding in a real browser: the JD page draws the brand colour and the logo under the
strict CSP (a stylesheet and an image of our own, nothing inline), and the organization's admin
page with its logo preview has no violation either."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from jdbuilder.organization.logo import checked_logo, stored_logo
from tests.browser.test_csp import CSPWatch, sign_in
from tests.factories import DepartmentFactory, DraftFactory, OrganizationFactory
from tests.support.organization import png_bytes


@pytest.fixture
def csp(page):
    return CSPWatch(page)


@pytest.fixture
def organization(transactional_db):
    logo = stored_logo(checked_logo(png_bytes(size=(120, 60))))
    return OrganizationFactory(logo=logo, brand_colour="#ffd400")


def test_the_jd_page_shows_the_brand_colour_and_logo_without_csp_violations(
    page, live_server, live_catalog, live_manager, csp, organization
):
    draft = DraftFactory(owner=live_manager)
    sign_in(page, live_server, live_manager, csp)
    csp.visit(live_server.url + draft.get_absolute_url(), "a branded JD page")
    band = page.locator(".jd-masthead")
    expect(band).to_be_visible()
    assert band.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(255, 212, 0)"
    name = page.locator(".jd-masthead-name")
    assert name.evaluate("e => getComputedStyle(e).color") == "rgb(0, 0, 0)"
    logo = page.locator("img.jd-logo")
    expect(logo).to_be_visible()
    assert logo.evaluate("e => e.complete && e.naturalWidth") == 120
    csp.check("the branded JD page once its logo loaded")


def test_the_organization_admin_has_no_csp_violation(
    page, live_server, live_catalog, live_staff, csp, organization
):
    DepartmentFactory(name="Platform")
    sign_in(page, live_server, live_staff, csp)
    csp.visit(f"{live_server.url}/admin/jdbuilder/organization/", "the organization (list)")
    assert page.url.endswith(f"/admin/jdbuilder/organization/{organization.pk}/change/")
    preview = page.locator("img[alt='Current logo']")
    expect(preview).to_be_visible()
    assert preview.evaluate("e => e.naturalWidth") == 120
    csp.visit(f"{live_server.url}/admin/jdbuilder/department/add/", "a new department")
    expect(page.locator(".selector").first).to_be_visible()  # filter_horizontal's widget
    csp.visit(f"{live_server.url}/admin/jdbuilder/contentblock/", "the content blocks")
