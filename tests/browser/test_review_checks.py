import re

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible
from tests.factories import DraftFactory

HOSTILE = "We want a young, aggressive rockstar who dominates"
FIXED = "Mentor engineers and share what you learn in design reviews"


def go_to_step(page, name):
    page.locator("nav[aria-label='Wizard steps']").get_by_role(
        "button", name=re.compile(name)
    ).click()
    expect(page.get_by_role("heading", name=re.compile(f"Step .* of 6: {name}"))).to_be_visible()


def importance(page, index: int, value: str):
    """The skills step's "required" / "nice to have" radio of row `index`."""
    return page.locator(f"input[name='skills-{index}-importance'][value='{value}']")


def test_review_shows_each_problem_in_place_and_turns_clean_after_fixing(
    page, live_server, live_catalog, live_manager, sign_in
):
    draft = DraftFactory(owner=live_manager)
    sign_in(live_manager, next_path=f"/jd/{draft.public_id}/edit/role/")
    page.get_by_role("button", name="Save and continue").click()

    # A custom responsibility with the problem words.
    page.get_by_label("Responsibility", exact=True).first.fill(HOSTILE)
    page.get_by_role("button", name="Save and continue").click()

    # Every one of the role's nine skills required.
    for index in range(9):
        importance(page, index, "required").check()
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_role("button", name="Save and continue").click()  # tools

    # Posting: Denver, Colorado, and no salary.
    page.get_by_label("Company name").fill("Acme Analytics")
    page.get_by_label("Location").fill("Denver, Colorado")
    page.get_by_label("About the company and team").fill(
        "Acme Analytics builds forecasting tools for hospitals. Our platform team of eight "
        "engineers works from Denver and remotely, and we ship small changes every day."
    )
    page.get_by_role("button", name="Save and continue").click()

    checks = page.locator("#quality-checks")
    expect(checks).to_be_visible()
    assert_accessible(page)
    # Each problem is listed with a fix ...
    for kind in ("exclusionary", "gender-coded", "bloat", "pay"):
        expect(checks.locator(f"li[data-kind='{kind}']").first).to_be_visible()
    expect(checks.locator("li[data-kind='pay'][data-severity='error']")).to_contain_text("Colorado")
    expect(checks.locator(".finding-suggestion").first).to_be_visible()
    # ... and highlighted where it stands in the preview.
    document = page.locator("article.jd-document")
    for word in ("young", "aggressive", "rockstar", "dominates"):
        expect(document.locator("mark.finding", has_text=word).first).to_be_visible()
    expect(document.locator("mark.finding-error", has_text="Colorado")).to_be_visible()
    expect(checks.locator(".quality-summary")).not_to_contain_text("Clean")

    # Fix the responsibility ...
    go_to_step(page, "Responsibilities")
    page.get_by_label("Responsibility", exact=True).first.fill(FIXED)
    page.get_by_role("button", name="Save and continue").click()
    # ... keep four skills required, the rest nice to have ...
    for index in range(9):
        importance(page, index, "required" if index < 4 else "nice_to_have").check()
    for index in range(2, 4):
        # At most two required skills at the top level.
        level = page.locator(f"input[name='skills-{index}-level']:checked")
        if level.get_attribute("value") == "5":
            page.locator(f"input[name='skills-{index}-level'][value='4']").check()
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_role("button", name="Save and continue").click()  # tools
    # ... and state the salary range and the benefits (Colorado's law asks for both).
    page.get_by_label("Salary from").fill("150000")
    page.get_by_label("Salary to").fill("190000")
    page.get_by_label("Benefits").fill("Health, dental and vision cover\n25 days of paid leave")
    page.get_by_role("button", name="Save and continue").click()

    checks = page.locator("#quality-checks")
    expect(checks.locator(".quality-summary")).to_contain_text("Clean")
    expect(checks.locator("li[data-severity='error']")).to_have_count(0)
    expect(checks.locator("li[data-severity='warning']")).to_have_count(0)
    expect(page.locator("article.jd-document mark.finding-error")).to_have_count(0)
    assert_accessible(page)

    # The checks advise: finalizing works, and the list shows the summary.
    page.get_by_role("button", name="Finalize").click()
    expect(page.locator("body")).to_contain_text("Final, revision 1")
    page.goto(f"{live_server.url}/jd/")
    expect(page.get_by_role("row").filter(has_text="Software Engineer")).to_contain_text("Clean")
