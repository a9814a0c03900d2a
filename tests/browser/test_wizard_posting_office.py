"""The posting step's script (static/js/posting-office.js) in a browser: picking an office fills
in its texts, place and band; an edited text is kept; "Use the band" fills the salary; the live
preview sees the new texts; saving keeps what the page shows."""

import re

from playwright.sync_api import expect

from jdbuilder.models import JobDescription
from jdbuilder.vocabulary import BlockKind
from roles.models import Role
from tests.browser.conftest import assert_accessible
from tests.factories import (
    ContentBlockFactory,
    DepartmentFactory,
    DraftFactory,
    OfficeFactory,
    OrganizationFactory,
    PayBandFactory,
)


def test_picking_an_office_fills_its_texts_and_band(
    page, live_server, live_catalog, live_manager, sign_in
):
    se = Role.objects.get(slug="software-engineer")
    OrganizationFactory(default_country="US")
    DepartmentFactory(name="Engineering", members=[live_manager], roles=[se])
    denver = OfficeFactory(name="Denver", locality="Denver", region="CO", country="US")
    berlin = OfficeFactory(name="Berlin", locality="Berlin", region="", country="DE")
    ContentBlockFactory(
        kind=BlockKind.BENEFITS, name="Denver benefits", office=denver, text="Denver health plan"
    )
    ContentBlockFactory(
        kind=BlockKind.BENEFITS,
        name="Berlin benefits",
        office=berlin,
        text="Berlin public transport pass",
    )
    ContentBlockFactory(
        kind=BlockKind.EQUAL_OPPORTUNITY,
        name="US EEO",
        country="US",
        text="US equal-opportunity text",
    )
    ContentBlockFactory(
        kind=BlockKind.EQUAL_OPPORTUNITY,
        name="German EEO",
        country="DE",
        text="German equal-opportunity text",
    )
    PayBandFactory(role=se, office=denver, minimum=120000, maximum=160000, currency="USD")
    PayBandFactory(role=se, office=berlin, minimum=70000, maximum=90000, currency="EUR")
    jd = DraftFactory(owner=live_manager)
    sign_in(live_manager, next_path=f"/jd/{jd.public_id}/edit/posting/")

    benefits = page.get_by_label("Benefits")
    eeo = page.get_by_label("Equal-opportunity statement")
    status = page.locator("#posting-offer-status")
    band = page.locator("#band-text")
    expect(band).to_have_text("No pay band is set for this role, seniority and office.")
    expect(page.get_by_role("button", name="Use the band")).to_be_hidden()

    page.get_by_label("Office").select_option(label="Denver")
    expect(benefits).to_have_value("Denver health plan")
    expect(eeo).to_have_value("US equal-opportunity text")
    expect(page.get_by_label("Location")).to_have_value("Denver, CO")
    expect(status).to_have_text("Texts updated for Denver.")
    expect(band).to_have_text(
        "Pay band for Software Engineer · any seniority · Denver: USD 120,000 – 160,000 per year"
    )
    expect(page.locator("[data-block-note='benefits']")).to_have_text(
        "From the “Denver benefits” block."
    )

    # The manager edits the benefits, then picks Berlin: the edit stays, the rest follows.
    benefits.fill("Denver health plan, and a bike")
    page.get_by_label("Office").select_option(label="Berlin")
    expect(eeo).to_have_value("German equal-opportunity text")
    expect(benefits).to_have_value("Denver health plan, and a bike")
    expect(status).to_have_text("Texts updated for Berlin. Kept your own text in: Benefits.")
    expect(band).to_have_text(
        "Pay band for Software Engineer · any seniority · Berlin: EUR 70,000 – 90,000 per year"
    )
    expect(page.get_by_label("Location")).to_have_value("Berlin")

    page.get_by_role("button", name="Use the band").click()
    expect(page.get_by_label("Salary from")).to_have_value("70,000")
    expect(page.get_by_label("Salary to")).to_have_value("90,000")
    expect(page.get_by_label("Currency")).to_have_value("EUR")

    # The live preview saw the programmatic changes.
    expect(page.locator("#preview-body")).to_contain_text("German equal-opportunity text")
    assert_accessible(page)

    page.get_by_role("textbox", name="Summary").fill("Builds the tools.")
    page.get_by_label("About the company and team").fill("We build forecasting tools.")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", name=re.compile("Step 6 of 6"))).to_be_visible()
    posting = JobDescription.objects.get(pk=jd.pk).chosen.posting
    assert (posting.office, posting.location) == (berlin.pk, "Berlin")
    assert posting.benefits == "Denver health plan, and a bike"
    assert posting.equal_opportunity == "German equal-opportunity text"
    assert (posting.salary_min, posting.salary_max, posting.salary_currency) == (
        "70000",
        "90000",
        "EUR",
    )
