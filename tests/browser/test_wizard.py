import datetime
import re

from playwright.sync_api import expect

from jdbuilder.models import JobDescription
from jdbuilder.vocabulary import Status
from tests.browser.conftest import assert_accessible
from tests.factories import ManagerFactory


def test_manager_builds_leaves_resumes_and_finalizes(
    page, live_server, live_catalog, live_manager, live_recruiter, sign_in, fresh_session
):
    sign_in(live_manager, next_path="/roles/software-engineer/")
    page.get_by_role("button", name=re.compile("Start a job description")).click()

    # Role step: senior, own title.
    expect(page.get_by_role("heading", name=re.compile("Step 1 of 6: Role"))).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Senior").check()
    page.get_by_label("Job title shown in the posting").fill("Senior Software Engineer")
    page.get_by_role("button", name="Save and continue").click()

    # Responsibilities: drop one task, add our own.
    expect(
        page.get_by_role("heading", name=re.compile("Step 2 of 6: Responsibilities"))
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_role(
        "checkbox", name="Monitor services and data pipelines, and respond to incidents"
    ).uncheck()
    page.get_by_label("Responsibility", exact=True).first.fill("Mentor two junior engineers")
    page.get_by_role("button", name="Save and continue").click()

    # Skills: senior moved Communication from Accomplished up to Advanced; raise it to the top.
    expect(page.get_by_role("heading", name=re.compile("Skills and proficiency"))).to_be_visible()
    assert_accessible(page)
    communication = page.get_by_role("radiogroup", name="Level of Communication")
    expect(communication.get_by_role("radio", name="Advanced", exact=True)).to_be_checked()
    communication.get_by_role("radio", name="Expert", exact=True).check()
    page.get_by_role("button", name="Save and continue").click()

    # Tools step reached; the manager closes the tab here.
    expect(page.get_by_role("heading", name=re.compile("Step 4 of 6: Tools"))).to_be_visible()
    assert_accessible(page)
    page.context.close()

    # A new browser session: sign in again, find the draft, resume at the tools step.
    page = fresh_session(live_manager, "/jd/")
    expect(page.get_by_role("heading", name="My job descriptions")).to_be_visible()
    assert_accessible(page)
    row = page.get_by_role("row").filter(has_text="Senior Software Engineer")
    expect(row).to_contain_text("Draft")
    row.get_by_role("link", name=re.compile("Resume")).click()
    expect(page.get_by_role("heading", name=re.compile("Step 4 of 6: Tools"))).to_be_visible()
    page.get_by_role("button", name="Save and continue").click()

    # Posting details.
    assert_accessible(page)
    page.get_by_label("Company name").fill("Acme Analytics")
    page.get_by_label("Location").fill("Denver, Colorado")
    page.get_by_label("About the company and team").fill("We build forecasting tools.")
    page.get_by_label("Salary from").fill("150000")
    page.get_by_label("Salary to").fill("190000")
    closing = datetime.date.today() + datetime.timedelta(days=30)
    page.get_by_label("Closing date").fill(closing.isoformat())
    page.get_by_role("button", name="Save and continue").click()

    # Review shows the JD as it will be issued; finalize.
    expect(page.get_by_role("heading", name=re.compile("Review and finalize"))).to_be_visible()
    document = page.locator("article.jd-document")
    expect(document).to_contain_text("Mentor two junior engineers")
    expect(document).not_to_contain_text("Monitor services and data pipelines")
    expect(document.locator(".jd-required-skills")).to_contain_text("Communication (Expert)")
    expect(document).to_contain_text("150,000 to 190,000 USD a year")
    assert_accessible(page)
    page.get_by_role("button", name="Finalize").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Senior Software Engineer")
    expect(page.locator("body")).to_contain_text("Final, revision 1")
    expect(page.locator("article.jd-document svg[role=img]")).to_be_visible()
    assert_accessible(page)
    jd_url = page.url

    jd = JobDescription.objects.get()
    assert jd.status == Status.FINAL

    # Another manager cannot open it by its URL; a recruiter can read it.
    other = ManagerFactory(username="other-manager")
    path = jd_url.replace(live_server.url, "")
    for user, visible in [(other, False), (live_recruiter, True)]:
        page = fresh_session(user, path)
        if visible:
            expect(page.get_by_role("heading", level=1)).to_have_text("Senior Software Engineer")
            expect(page.get_by_role("button", name=re.compile("Edit"))).to_have_count(0)
        else:
            expect(page.locator("body")).not_to_contain_text("Senior Software Engineer")
            expect(page.get_by_role("heading", level=1)).to_have_text("Not found")
