"""The step forms in a browser: reordering responsibilities with the keyboard (up/down buttons)
and by a drag handle, and saving keeps the order; adding a custom row one at a time; choosing a
level radio; the error summary takes the focus and its links focus their fields; salary amounts
grouped on blur; axe clean; no sideways scroll at 390 px on the responsibilities and skills
steps."""

import re

from playwright.sync_api import expect

from jdbuilder.models import JobDescription
from roles.models import ProficiencyLevel, Skill, Task
from tests.browser.conftest import assert_accessible
from tests.factories import DraftFactory

PHONE = {"width": 390, "height": 844}


def step_url(live_server, jd, step):
    return f"{live_server.url}/jd/{jd.public_id}/edit/{step}/"


def test_reorder_add_choose_a_level_and_the_error_summary(
    page, live_server, live_catalog, live_manager, sign_in
):
    jd = DraftFactory(owner=live_manager)
    sign_in(live_manager, next_path=f"/jd/{jd.public_id}/edit/responsibilities/")
    expect(
        page.get_by_role("heading", name=re.compile("Step 2 of 6: Responsibilities"))
    ).to_be_visible()

    # With JavaScript the numbers give way to up/down buttons.
    rows = page.locator("#responsibility-list > li")
    second = rows.nth(1).locator(".row-name").inner_text()
    expect(page.locator(".row-order").first).to_be_hidden()
    up = page.get_by_role("button", name=f"Move up: {second}")
    up.focus()
    page.keyboard.press("Enter")
    expect(rows.first.locator(".row-name")).to_have_text(second)
    expect(page.locator("#move-status")).to_have_text(
        re.compile(rf"Moved “{re.escape(second)}” to position 1 of \d+\.")
    )
    expect(up).to_be_focused()  # the focus stays on the button that moved

    # With a pointer: drag the third row by its handle above the first, then put it back.
    third = rows.nth(2).locator(".row-name").inner_text()
    rows.nth(2).locator(".drag-handle").drag_to(rows.first, target_position={"x": 20, "y": 5})
    expect(rows.first.locator(".row-name")).to_have_text(third)
    expect(rows.first.locator(".order-input")).to_have_value("1")
    page.get_by_role("button", name=f"Move down: {third}").click()
    expect(rows.first.locator(".row-name")).to_have_text(second)

    # One custom row at a time: "Add another" adds one, focused.
    before = page.locator("#responsibility-list [data-custom]").count()
    page.get_by_role("button", name="Add another responsibility").click()
    custom = page.locator("#responsibility-list [data-custom]")
    expect(custom).to_have_count(before + 1)
    expect(custom.last.get_by_label("Responsibility", exact=True)).to_be_focused()
    page.keyboard.type("Mentor two junior engineers")
    assert_accessible(page)
    page.get_by_role("button", name="Save and continue").click()

    expect(page.get_by_role("heading", name=re.compile("Step 3 of 6: Skills"))).to_be_visible()
    jd = JobDescription.objects.get(pk=jd.pk)
    chosen = jd.chosen.responsibilities
    assert chosen[0].task == Task.objects.get(text=second).pk
    assert "Mentor two junior engineers" in [item.text for item in chosen]

    # Skills: the levels' descriptors are shown once; a radio per level.
    expect(page.locator(".level-heads")).to_contain_text(
        "Expert: sets direction, solves novel problems and teaches others"
    )
    group = page.get_by_role("radiogroup", name="Level of Communication")
    group.get_by_role("radio", name="Expert", exact=True).check()
    assert_accessible(page)
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", name=re.compile("Step 4 of 6: Tools"))).to_be_visible()
    communication = Skill.objects.get(name="Communication").pk
    jd = JobDescription.objects.get(pk=jd.pk)
    level = next(item.level for item in jd.chosen.skills if item.skill == communication)
    assert level == ProficiencyLevel.objects.get(name="Expert").rank

    # Posting: salary grouped on blur; errors summarised, focused and linked.
    page.goto(step_url(live_server, jd, "posting"))
    salary = page.get_by_label("Salary from")
    salary.fill("120000")
    salary.blur()
    expect(salary).to_have_value("120,000")
    page.get_by_label("Company name").fill("")
    page.get_by_label("Currency").select_option("EUR")
    page.get_by_role("button", name="Save and continue").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading")).to_have_text(re.compile(r"There (is|are) \d+ problems?"))
    assert_accessible(page)
    summary.get_by_role("link", name=re.compile("Company name")).click()
    expect(page.get_by_label("Company name")).to_be_focused()
    expect(page.get_by_label("Currency")).to_have_value("EUR")


def test_list_steps_fit_a_phone(browser, live_server, live_catalog, live_manager):
    context = browser.new_context(viewport=PHONE)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        from tests.browser.conftest import SignIn

        jd = DraftFactory(owner=live_manager)
        SignIn(page, live_server)(live_manager, f"/jd/{jd.public_id}/edit/skills/")
        for step in ("skills", "responsibilities"):
            page.goto(step_url(live_server, jd, step))
            width = page.evaluate(
                "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
            )
            assert width[0] <= width[1], f"{step} step is {width[0]} px wide at {width[1]} px"
            if step == "skills":
                # Each skill's level and required/nice-to-have radios are on screen.
                radio = page.get_by_role("radiogroup", name="Is Communication required?")
                expect(radio.get_by_role("radio", name="Nice to have")).to_be_visible()
                box = radio.bounding_box()
                assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
            assert_accessible(page)
    finally:
        context.close()
