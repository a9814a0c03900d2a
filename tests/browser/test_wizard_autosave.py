"""Autosave and merge in Chromium: the header's status says Saved, a tab closed mid-typing loses
nothing, and two pages on one draft end in the merge view, with a choice per field and the
chosen values saved."""

import re
import time

from playwright.sync_api import expect

from jdbuilder.models import JobDescription
from tests.browser.conftest import assert_accessible
from tests.factories import DraftFactory

SAVED = re.compile(r"^Saved \d\d:\d\d( \(not complete yet\))?$")


def wait_for(condition, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError("timed out")


def posting_url(live_server, jd):
    return f"/jd/{jd.public_id}/edit/posting/"


def test_autosave_status_and_a_closed_tab_loses_nothing(
    page, live_server, live_catalog, live_manager, sign_in, fresh_session
):
    jd = DraftFactory(owner=live_manager, posting={})
    sign_in(live_manager, next_path=posting_url(live_server, jd))
    status = page.locator("#save-status")
    expect(status).to_have_text(re.compile(r"^Saved \d\d:\d\d\.$"))  # from the server

    page.get_by_label("Company name").fill("Autosaved Analytics")
    expect(status).to_have_text(SAVED)
    wait_for(
        lambda: (
            JobDescription.objects.get(pk=jd.pk).chosen.posting.company_name
            == "Autosaved Analytics"
        )
    )
    # The page's version moved on with the autosave: its Save still passes the version check.
    page.get_by_label("Location").fill("Austin, Texas")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", name=re.compile("Review and finalize"))).to_be_visible()
    assert JobDescription.objects.get(pk=jd.pk).chosen.posting.location == "Austin, Texas"

    # Typed, and the tab closed before the autosave's pause is over.
    page.goto(f"{live_server.url}{posting_url(live_server, jd)}")
    page.get_by_role("textbox", name="Summary").fill("Typed just before the tab closed")
    page.close()
    wait_for(
        lambda: (
            "Typed just before the tab closed" in str(JobDescription.objects.get(pk=jd.pk).choices)
        )
    )
    resumed = fresh_session(live_manager, posting_url(live_server, jd))
    expect(resumed.get_by_role("textbox", name="Summary")).to_have_value(
        "Typed just before the tab closed"
    )


def test_two_pages_on_one_draft_end_in_a_merge_with_a_choice_per_field(
    page, live_server, live_catalog, live_manager, sign_in, fresh_session
):
    jd = DraftFactory(owner=live_manager, posting={})
    mine = sign_in(live_manager, next_path=posting_url(live_server, jd))
    theirs = fresh_session(live_manager, posting_url(live_server, jd))

    theirs.get_by_label("Company name").fill("Theirs Inc")
    theirs.get_by_label("Location").fill("Austin, Texas")
    expect(theirs.locator("#save-status")).to_have_text(SAVED)

    mine.get_by_label("Company name").fill("Mine Ltd")
    mine.get_by_label("Location").fill("Boston, Massachusetts")
    expect(mine.locator("#save-status")).to_have_text(re.compile("^Not saved: "))
    conflict = mine.locator("#autosave-conflict")
    expect(conflict).to_contain_text("another tab")
    conflict.get_by_role("button", name="Compare and merge").click()

    expect(mine.get_by_role("heading", name="Compare and merge")).to_be_visible()
    assert_accessible(mine)
    company = mine.get_by_role("group", name="Company name")
    expect(company).to_contain_text("Theirs Inc")
    expect(company).to_contain_text("Mine Ltd")
    # No default: saving without a choice shows the merge again, with what is missing.
    mine.get_by_role("button", name="Save my choices").click()
    expect(mine.locator("#merge-error")).to_contain_text("Still to choose")
    mine.get_by_role("group", name="Company name").get_by_label(re.compile("Keep yours")).check()
    mine.get_by_role("group", name="Location").get_by_label(re.compile("Keep theirs")).check()
    mine.get_by_role("button", name="Save my choices").click()
    expect(mine.get_by_role("heading", name=re.compile("Review and finalize"))).to_be_visible()
    posting = JobDescription.objects.get(pk=jd.pk).chosen.posting
    assert (posting.company_name, posting.location) == ("Mine Ltd", "Austin, Texas")
