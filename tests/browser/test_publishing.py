"""Publishing from the JD page in a browser: a recruiter opens an issued JD, publishes it with a
closing date, sees "Open until …" and the public link, and opens the public page; the JD page
with its publishing panel is axe clean (and fits a phone), with the pay override's form too."""

from __future__ import annotations

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from jdbuilder.publishing.models import Posting
from tests.browser.conftest import assert_accessible
from tests.browser.test_phone_width import assert_fits, phone_context
from tests.factories import ManagerFactory
from tests.support.jds import make_final_jd

TITLE = "Platform Engineer, Forecasting"


def test_a_recruiter_publishes_an_issued_jd_and_opens_its_public_page(
    live_catalog, live_recruiter, page, sign_in
):
    jd = make_final_jd(ManagerFactory(), title=TITLE)
    closes = timezone.localdate() + datetime.timedelta(days=45)
    sign_in(live_recruiter, jd.get_absolute_url())

    panel = page.locator("#publishing")
    expect(panel).to_contain_text("Not published")
    assert_accessible(page)
    page.get_by_label("Closing date").fill(closes.isoformat())
    panel.get_by_role("button", name="Publish").click()
    page.wait_for_load_state()

    panel = page.locator("#publishing")
    expect(panel).to_contain_text(f"Open until {closes.day} {closes:%B %Y}")
    posting = Posting.objects.get(job_description=jd)
    link = panel.get_by_role("link", name=posting.get_absolute_url())
    expect(link).to_have_attribute("href", posting.get_absolute_url())
    expect(panel.get_by_role("button", name="Close now")).to_be_visible()
    expect(page.locator("#timeline")).to_contain_text("Published on the careers page")
    assert_accessible(page)

    link.click()
    page.wait_for_load_state()
    assert page.url.endswith(posting.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_contain_text(TITLE)


def test_the_pay_override_form_is_accessible_and_fits_a_phone(
    live_catalog, live_recruiter, fresh_session
):
    jd = make_final_jd(ManagerFactory(), title=TITLE, salary_min="", salary_max="")
    page = fresh_session(live_recruiter, jd.get_absolute_url(), **phone_context())
    panel = page.locator("#publishing")
    expect(panel).to_contain_text("has a pay-transparency error")
    assert_accessible(page)
    assert_fits(page, "the JD page's publishing panel", scope="#publishing")

    page.get_by_label("Reason for publishing without a compliant pay range").fill(
        "The range is agreed with legal and posted on the intranet."
    )
    page.get_by_label("I understand this posting may break pay-transparency law").check()
    panel.get_by_role("button", name="Publish").click()
    page.wait_for_load_state()
    expect(page.locator("#publishing")).to_contain_text("Open until")
    expect(page.locator("#timeline")).to_contain_text("reason: The range is agreed with legal")
    posting = Posting.objects.get(job_description=jd)
    assert posting.pay_override_reason.startswith("The range is agreed")
