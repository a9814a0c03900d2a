import re

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible


def test_sign_in_page_is_accessible(page, live_server, transactional_db):
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert_accessible(page)


def test_manager_finds_a_role_by_alternate_title_and_sees_its_chart(
    page, live_server, live_catalog, live_manager, sign_in
):
    sign_in(live_manager)
    expect(page).to_have_url(re.compile(r"/roles/$"))
    expect(page.get_by_role("table", name=re.compile("task areas", re.I))).to_be_visible()
    assert_accessible(page)

    page.get_by_label(re.compile("Search", re.I)).fill("software development engineer")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    results = page.get_by_role("link", name="Software Engineer", exact=True)
    expect(results).to_have_count(1)
    expect(page.get_by_text("software development engineer").first).to_be_visible()
    assert_accessible(page)

    results.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Software Engineer")
    chart = page.locator("svg[role=img]")
    expect(chart).to_be_visible()
    # One bar per skill of the role, the top skills at the top level of the scale.
    assert chart.locator(".bar").count() == 9
    expect(chart).to_contain_text("Algorithmic coding")
    expect(chart).to_contain_text("Expert")
    expect(page.get_by_role("heading", name="Start a job description")).to_be_visible()
    assert_accessible(page)


def test_role_pages_work_on_a_phone(live_catalog, live_manager, fresh_session):
    page = fresh_session(
        live_manager, "/roles/data-analyst/", viewport={"width": 390, "height": 844}, is_mobile=True
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Data Analyst")
    # Nothing wider than the screen: the page does not scroll sideways.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    assert_accessible(page)


def test_the_paged_role_list_works_on_a_phone(live_catalog, live_manager, fresh_session):
    from roles.models import Role, RoleSearchText

    Role.objects.bulk_create(
        Role(name=f"Generated role {n:03d}", slug=f"generated-{n:03d}", summary="Does work.")
        for n in range(120)
    )
    RoleSearchText.objects.rebuild()  # bulk_create sends no signal
    page = fresh_session(
        live_manager, "/roles/?q=generated", viewport={"width": 390, "height": 844}, is_mobile=True
    )
    pages = page.get_by_role("navigation", name="Pages of the role list")
    expect(pages.get_by_role("link", name="Page 1")).to_have_attribute("aria-current", "page")
    pages.get_by_role("link", name="Next page").click()
    expect(page.get_by_text("page 2 of 3")).to_be_visible()
    expect(page.get_by_role("searchbox")).to_have_value("generated")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_accessible(page)


def test_staff_edits_a_skill_level_in_the_admin_and_sees_it_on_the_role_page(
    page, live_server, live_catalog, live_staff, sign_in
):
    from roles.models import RoleSkill

    sign_in(live_staff, next_path="/admin/roles/role/")
    expect(page.get_by_role("heading", name=re.compile("Select role to change"))).to_be_visible()
    page.get_by_role("link", name="Data Analyst", exact=True).click()
    link = RoleSkill.objects.get(role__slug="data-analyst", skill__slug="mathematics")
    # The level is an autocomplete (select2) field: open it, type, pick.
    row = page.locator("#role_skills-group tr.form-row").filter(has_text="Mathematics")
    row.locator("td.field-level .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill("Expert")
    page.locator(".select2-results__option", has_text="Expert").click()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    page.goto(f"{live_server.url}/roles/data-analyst/")
    row = page.get_by_role("row").filter(has_text="Mathematics")
    expect(row).to_contain_text("Expert")

    page.goto(f"{live_server.url}/admin/roles/role/{link.role_id}/history/")
    expect(page.locator("body")).to_contain_text("Mathematics")
    expect(page.locator("body")).to_contain_text("Expert")
    expect(page.locator("body")).to_contain_text(live_staff.username)
