"""Issue 13's path in a browser: staff set up the company in the admin (profile and logo, two
departments, three offices, their benefits and equal-opportunity texts, Software Engineer pay
bands from a CSV file); a manager starts from their department's template, sees Denver's band
and benefits, picks Berlin and sees them change, finalizes, and the PDF carries the logo; a later
edit of Berlin's benefits reaches the manager's open draft as a proposal, and the issued JD keeps
the text it was issued with."""

from __future__ import annotations

import datetime
import io
import re

from django.urls import reverse
from playwright.sync_api import expect
from pypdf import PdfReader

from jdbuilder.models import JobDescription
from jdbuilder.organization.models import ContentBlock, Department, Office, PayBand
from jdbuilder.organization.services import save_as_template
from jdbuilder.vocabulary import Status
from tests.browser.conftest import assert_accessible
from tests.factories import DraftFactory
from tests.support.organization import png_bytes

BANDS_CSV = (
    "role,seniority,office,country,minimum,maximum,currency,period\n"
    "software-engineer,,Denver,,125000,165000,USD,YEAR\n"
    "software-engineer,,Berlin,,70000,95000,EUR,YEAR\n"
    "software-engineer,,,US,115000,150000,USD,YEAR\n"
)
OFFICES = [
    ("Denver", "1600 Champa Street", "Denver", "CO", "80202", "US", ("onsite", "hybrid")),
    ("Berlin", "Friedrichstraße 68", "Berlin", "Berlin", "10117", "DE", ("onsite", "hybrid")),
    ("Remote (US)", "", "", "", "", "US", ("remote",)),
]
# kind, name, scope field and value, text
BLOCKS = [
    ("benefits", "Denver benefits", "office", "Denver", "Denver health plan\nA transit pass"),
    ("benefits", "Berlin benefits", "office", "Berlin", "30 days of leave\nA BVG ticket"),
    ("benefits", "US benefits", "country", "US", "Health plan\nHome-office budget"),
    ("equal_opportunity", "US EEO", "country", "US", "We are an equal-opportunity employer."),
    ("equal_opportunity", "German EEO", "country", "DE", "Wir begrüßen alle Bewerbungen (AGG)."),
]


def admin_add(page, live_server, model: str) -> None:
    page.goto(f"{live_server.url}/admin/jdbuilder/{model}/add/")


def save(page) -> None:
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist .success")).to_be_visible()


def set_up_the_company(page, live_server, manager) -> None:
    admin_add(page, live_server, "organization")
    page.fill("#id_name", "Acme Analytics")
    page.fill("#id_website", "https://acme.example")
    page.fill("#id_about", "We build forecasting tools for hospitals.")
    page.fill("#id_employee_count", "250")
    page.fill("#id_brand_colour", "#0b5394")
    page.set_input_files(
        "#id_logo_upload",
        files=[{"name": "logo.png", "mimeType": "image/png", "buffer": png_bytes(size=(120, 40))}],
    )
    assert_accessible(page)
    save(page)

    admin_add(page, live_server, "department")
    page.fill("#id_name", "Engineering")
    page.fill("#id_about_team", "The platform team keeps forecasts flowing.")
    page.select_option("#id_members_from", label=manager.username)
    page.click("#id_members_add")
    page.select_option("#id_roles_from", label="Software Engineer")
    page.click("#id_roles_add")
    save(page)
    admin_add(page, live_server, "department")
    page.fill("#id_name", "Data Science")
    save(page)

    for name, street, city, region, postal, country, offered in OFFICES:
        admin_add(page, live_server, "office")
        page.fill("#id_name", name)
        page.fill("#id_street_address", street)
        page.fill("#id_locality", city)
        page.fill("#id_region", region)
        page.fill("#id_postal_code", postal)
        page.fill("#id_country", country)
        for kind in ("onsite", "hybrid", "remote"):
            page.locator(f"#id_offers_{kind}").set_checked(kind in offered)
        save(page)

    for kind, name, scope, value, text in BLOCKS:
        admin_add(page, live_server, "contentblock")
        page.select_option("#id_kind", value=kind)
        page.fill("#id_name", name)
        page.fill("#id_text", text)
        if scope == "office":
            page.select_option("#id_office", label=value)
        else:
            page.fill("#id_country", value)
        save(page)

    page.goto(live_server.url + reverse("admin:jdbuilder_payband_import"))
    page.set_input_files(
        "input[type=file]",
        files=[{"name": "bands.csv", "mimeType": "text/csv", "buffer": BANDS_CSV.encode()}],
    )
    page.get_by_role("button", name="Check and import").click()
    expect(page.get_by_role("heading", name="Imported bands.csv")).to_be_visible()
    assert_accessible(page)


def test_staff_set_up_the_company_and_a_manager_builds_from_it(
    page, live_server, live_catalog, live_manager, live_staff, sign_in, fresh_session
):
    sign_in(live_staff, next_path="/admin/")
    set_up_the_company(page, live_server, live_manager)
    assert Department.objects.count() == 2 and Office.objects.count() == 3
    assert ContentBlock.objects.count() == len(BLOCKS)
    assert PayBand.objects.count() == 3

    # Engineering's template, made by staff from a JD at the Denver office.
    engineering = Department.objects.get(name="Engineering")
    denver = Office.objects.get(name="Denver")
    source = DraftFactory(owner=live_staff, posting={"office": denver.pk})
    save_as_template(
        job_description=source,
        user=live_staff,
        name="Platform engineer",
        department=engineering,
    )

    # The manager starts from the template: Denver's band and benefits are filled in.
    page = fresh_session(live_manager, "/jd/new/")
    expect(page.get_by_role("heading", name="Start from a template")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Start from the Platform engineer template").click()
    jd = JobDescription.objects.get(owner=live_manager)
    page.goto(f"{live_server.url}/jd/{jd.public_id}/edit/posting/")
    expect(page.get_by_label("Office")).to_have_value(str(denver.pk))
    benefits = page.get_by_role("textbox", name="Benefits")
    expect(benefits).to_have_value("Denver health plan\nA transit pass")
    expect(page.get_by_role("textbox", name="Equal-opportunity statement")).to_have_value(
        "We are an equal-opportunity employer."
    )
    expect(page.locator("#band-text")).to_contain_text("125,000")
    assert_accessible(page)

    # Berlin: its benefits, its equal-opportunity text and its band.
    page.get_by_label("Office").select_option(label="Berlin")
    expect(benefits).to_have_value("30 days of leave\nA BVG ticket")
    expect(page.get_by_role("textbox", name="Equal-opportunity statement")).to_have_value(
        "Wir begrüßen alle Bewerbungen (AGG)."
    )
    expect(page.locator("#band-text")).to_contain_text("EUR 70,000")
    page.get_by_role("button", name="Use the band").click()
    expect(page.get_by_label("Salary from")).to_have_value(re.compile(r"^70,?000"))
    closing = datetime.date.today() + datetime.timedelta(days=30)
    page.get_by_label("Closing date").fill(closing.isoformat())
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", name=re.compile("Review and finalize"))).to_be_visible()

    # Every step saved, then finalize on the review step.
    for step in ("role", "responsibilities", "skills", "tools"):
        page.goto(f"{live_server.url}/jd/{jd.public_id}/edit/{step}/")
        page.get_by_role("button", name="Save and continue").click()
    page.goto(f"{live_server.url}/jd/{jd.public_id}/edit/review/")
    document = page.locator("article.jd-document")
    expect(document).to_contain_text("30 days of leave")
    expect(document).to_contain_text("Friedrichstraße 68")
    expect(document.locator("img.jd-logo, img[src*='/company/logo/']")).to_have_count(1)
    page.get_by_role("button", name="Finalize").click()
    expect(page.locator("body")).to_contain_text("Final, revision 1")
    jd.refresh_from_db()
    assert jd.status == Status.FINAL
    assert_accessible(page)

    # The PDF carries the logo as an image of its own.
    response = page.context.request.get(f"{live_server.url}/jd/{jd.public_id}/download/pdf/")
    assert response.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.body()))
    images = [
        ref.get_object()
        for ref in reader.pages[0]["/Resources"].get("/XObject", {}).values()
        if ref.get_object().get("/Subtype") == "/Image"
    ]
    assert len(images) == 1 and images[0]["/Width"] == 120

    # An open draft at Berlin, then staff edit Berlin's benefits.
    open_draft = DraftFactory(owner=live_manager, title="Second opening")
    page.goto(f"{live_server.url}/jd/{open_draft.public_id}/edit/posting/")
    page.get_by_label("Office").select_option(label="Berlin")
    expect(benefits).to_have_value("30 days of leave\nA BVG ticket")
    page.get_by_role("button", name="Save and continue").click()
    staff_page = fresh_session(live_staff, "/admin/jdbuilder/contentblock/")
    staff_page.get_by_role("link", name="Berlin benefits").click()
    staff_page.fill("#id_text", "30 days of leave\nA BVG ticket\nA bike")
    save(staff_page)

    # The open draft is offered the change; the manager takes it.
    page.goto(f"{live_server.url}/jd/{open_draft.public_id}/edit/posting/")
    banner = page.get_by_text(re.compile("Updated since you started"))
    expect(banner).to_be_visible()
    page.get_by_role("link", name="Review them").click()
    expect(page.locator("main")).to_contain_text("A bike")
    assert_accessible(page)
    page.set_viewport_size({"width": 375, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.get_by_role("button", name="Take all").click()
    open_draft.refresh_from_db()
    assert open_draft.chosen.posting.benefits == "30 days of leave\nA BVG ticket\nA bike"

    # The issued JD keeps what it was issued with.
    page.goto(f"{live_server.url}/jd/{jd.public_id}/")
    issued = page.locator("article.jd-document")
    expect(issued).to_contain_text("A BVG ticket")
    expect(issued).not_to_contain_text("A bike")
    expect(page.get_by_text(re.compile("Updated since you started"))).to_have_count(0)
