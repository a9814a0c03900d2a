"""Issue 16's acceptance, in Chromium: a manager's JD for a Senior Data Scientist shows "Deep
learning is required but no responsibility uses it" and fixes it with one click; the page stays
accessible, and at phone width the finding and its fixes fit the screen."""

import re

from playwright.sync_api import expect

from jdbuilder.models import JobDescription
from roles.models import Skill
from tests.browser.conftest import assert_accessible
from tests.browser.test_phone_width import MEASURE, UNREACHABLE

FINDING = "Deep learning is required but no responsibility uses it"
PHONE = {"width": 375, "height": 812}


def assert_fits(page, scope: str | None = None) -> None:
    """Nothing wider than the phone, and every control (in `scope`) on the screen."""
    measured = page.evaluate(MEASURE)
    assert measured["scrollWidth"] <= PHONE["width"], measured["widest"]
    assert page.evaluate(UNREACHABLE, scope) == []


def test_a_required_skill_no_responsibility_uses_is_fixed_in_one_click(
    page, live_server, live_catalog, live_manager, sign_in
):
    sign_in(live_manager, next_path="/roles/data-scientist/")
    page.get_by_role("button", name=re.compile("Start a job description")).click()

    # Role: a Senior Data Scientist.
    expect(page.get_by_role("heading", name=re.compile("Step 1 of 6: Role"))).to_be_visible()
    page.get_by_label("Senior").check()
    page.get_by_label("Job title shown in the posting").fill("Senior Data Scientist")
    page.get_by_role("button", name="Save and continue").click()

    # Responsibilities: the role's defaults, none of which uses deep learning.
    expect(
        page.get_by_role("heading", name=re.compile("Step 2 of 6: Responsibilities"))
    ).to_be_visible()
    page.get_by_role("button", name="Save and continue").click()

    # Skills: Deep learning, nice to have by default, is marked required.
    expect(page.get_by_role("heading", name=re.compile("Skills and proficiency"))).to_be_visible()
    page.get_by_role("radiogroup", name="Is Deep learning required?").get_by_role(
        "radio", name="Required", exact=True
    ).check()
    page.get_by_role("button", name="Save and continue").click()

    # The quality checks say so, and offer the fixes.
    expect(page.get_by_role("heading", name=re.compile("Step 4 of 6: Tools"))).to_be_visible()
    checks = page.locator("#quality-checks")
    finding = checks.locator("li.finding-item", has_text=FINDING)
    expect(finding).to_be_visible()
    fix = finding.get_by_role("button", name="Make it nice to have (Deep learning)")
    expect(fix).to_be_visible()
    expect(
        finding.get_by_role("button", name=re.compile(r"^Add a responsibility: Read research"))
    ).to_be_visible()
    expect(finding.get_by_role("button", name="Remove Deep learning")).to_be_visible()
    assert_accessible(page)

    # At phone width the finding and its buttons fit the screen and can be tapped.
    page.set_viewport_size(PHONE)
    assert_fits(page, "#quality-checks")

    # One click fixes it.
    jd = JobDescription.objects.get(owner=live_manager)
    version = jd.lock_version
    fix.click()
    expect(page.get_by_text("Deep learning is now nice to have.")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("Step 4 of 6: Tools"))).to_be_visible()
    expect(checks.locator("li.finding-item").first).to_be_attached()
    expect(checks).not_to_contain_text(FINDING)
    jd.refresh_from_db()
    deep = Skill.objects.get(slug="deep-learning").pk
    assert [c.importance for c in jd.chosen.skills if c.skill == deep] == ["nice_to_have"]
    assert jd.lock_version == version + 1
    assert_fits(page)
    assert_accessible(page)
