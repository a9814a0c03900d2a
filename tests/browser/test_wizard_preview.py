"""The live preview in Chromium, in one walk (browser tests are slow to set up): typing shows in
the preview without saving, a finding's link lands on its field with the words selected, Enter
saves and continues, the page stays accessible, and at phone width the preview is one tap away."""

import re

from playwright.sync_api import expect

from jdbuilder.models import JobDescription
from tests.browser.conftest import assert_accessible
from tests.factories import DraftFactory

ABOUT = "Acme builds forecasting tools. We want a rockstar who ships."


def stored(jd):
    jd = JobDescription.objects.get(pk=jd.pk)
    return jd.choices, jd.pending_input, jd.lock_version


def test_typing_previews_links_focus_fields_and_enter_continues(
    page, live_server, live_catalog, live_manager, sign_in
):
    draft = DraftFactory(
        owner=live_manager, title="Rockstar Engineer", posting={"about_company": ABOUT}
    )
    # Autosave (its own tests) would save what is typed: keep it out of this test.
    page.route(re.compile(r"/autosave/$"), lambda route: route.abort())
    sign_in(live_manager, next_path=f"/jd/{draft.public_id}/edit/posting/")
    expect(page.get_by_role("heading", name="Step 5 of 6: Posting details")).to_be_visible()
    # The skip link still leads past the navigation to the page's main content.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    preview = page.locator("#jd-preview")
    expect(preview.locator("article.jd-document")).to_be_visible()
    expect(preview.locator("mark.finding", has_text="rockstar").first).to_be_visible()
    assert_accessible(page)

    # Typing in the summary shows in the preview, and saves nothing.
    before = stored(draft)
    with page.expect_response(re.compile(r"/edit/posting/preview/$")) as answer:
        page.locator("#id_posting-summary").fill("Lead the forecasting platform with a kind team.")
    assert answer.value.status == 200
    expect(preview.locator("article.jd-document")).to_contain_text(
        "Lead the forecasting platform with a kind team."
    )
    expect(page.locator("#preview-status")).to_have_text("Preview updated.")
    assert stored(draft) == before
    expect(page.locator("#id_posting-summary")).to_be_focused()  # focus stays in the form

    # A finding's link to a field of this step focuses it and selects the words.
    preview.locator(
        "a.finding-link[data-focus='posting-about_company'][data-select='rockstar']"
    ).first.click()
    about = page.locator("#id_posting-about_company")
    expect(about).to_be_focused()
    selected = about.evaluate("el => el.value.substring(el.selectionStart, el.selectionEnd)")
    assert selected == "rockstar"
    assert "/edit/posting/" in page.url and "focus=" not in page.url  # no reload

    # A link to another step opens it on the field, the words selected.
    preview.locator("a.finding-link[data-focus='role-title']").first.click()
    # The link saves the step before it leaves; on a loaded CI machine with PostgreSQL that
    # took longer than the default 5 s once.
    expect(page.get_by_role("heading", name="Step 1 of 6: Role")).to_be_visible(timeout=15_000)
    title = page.get_by_label("Job title shown in the posting")
    expect(title).to_be_focused()
    assert title.evaluate("el => el.value.substring(el.selectionStart, el.selectionEnd)") == (
        "Rockstar"
    )

    # Enter in "Company name" saves the step and moves on (not to step 1).
    page.goto(f"{live_server.url}/jd/{draft.public_id}/edit/posting/")
    company = page.get_by_label("Company name")
    company.fill("Acme Forecasting")
    company.press("Enter")
    expect(page.get_by_role("heading", name="Step 6 of 6: Review and finalize")).to_be_visible()
    assert JobDescription.objects.get(pk=draft.pk).chosen.posting.company_name == (
        "Acme Forecasting"
    )
    steps = page.get_by_role("navigation", name="Wizard steps")
    expect(
        steps.get_by_role("button", name=re.compile(r"Posting details \(done\)"))
    ).to_be_visible()
    expect(steps.locator("[aria-current=step]")).to_contain_text("Review and finalize")
    assert_accessible(page)

    # At phone width the preview is below the form, one tap away, and nothing scrolls sideways.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/jd/{draft.public_id}/edit/skills/")
    heading = page.get_by_role("heading", name="Step 3 of 6: Skills and proficiency")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width} px wide"
    page.get_by_role("link", name="Preview and quality checks").click()
    expect(page.locator("#jd-preview")).to_be_in_viewport()
    page.get_by_role("link", name="Back to the form").click()
    expect(heading).to_be_in_viewport()


def test_without_javascript_the_preview_shows_in_a_frame_and_updates_on_save(
    live_server, live_catalog, live_manager, fresh_session
):
    draft = DraftFactory(
        owner=live_manager, title="Rockstar Engineer", posting={"about_company": ABOUT}
    )
    page = fresh_session(
        live_manager, f"/jd/{draft.public_id}/edit/posting/", java_script_enabled=False
    )
    frame = page.frame_locator("iframe.preview-frame")
    expect(frame.locator("article.jd-document")).to_contain_text("We want a rockstar")
    expect(frame.locator("mark.finding", has_text="rockstar").first).to_be_visible()
    # axe-core cannot run where JavaScript is off: the frame's page is checked on its own below.

    # Saving shows the new text in the preview of the next page (the frame again, or the
    # region inline once it is cached).
    page.get_by_label("Summary").fill("Lead the forecasting platform with a kind team.")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", name="Step 6 of 6: Review and finalize")).to_be_visible()
    expect(frame.locator("article.jd-document")).to_contain_text(
        "Lead the forecasting platform with a kind team."
    )

    # A finding's link in the frame opens its step in the whole window, not inside the frame.
    frame.locator("a.finding-link[data-focus='role-title']").first.click()
    expect(page.get_by_role("heading", name="Step 1 of 6: Role")).to_be_visible()
    assert "/edit/role/" in page.url
    expect(page.get_by_label("Job title shown in the posting")).to_be_focused()

    framed = fresh_session(live_manager, f"/jd/{draft.public_id}/edit/posting/preview/frame/")
    expect(framed.locator("article.jd-document")).to_be_visible()
    assert_accessible(framed)
