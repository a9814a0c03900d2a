"""Every page at a phone's width (390 x 844): no sideways scroll, every control reachable.

Each page is a test of its own, so a failure names the page, its width and the widest element.
"Reachable" means: a control that is shown lies within the screen's width and, scrolled to,
is the element under its own centre (nothing covers it). The library, "My job descriptions" and
the export pages are also checked with axe at this width.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from jdbuilder.documents.formats import FORMATS
from jdbuilder.exports.services import queue_export
from jdbuilder.vocabulary import Seniority
from tests.browser.conftest import ARTIFACTS, SignIn, assert_accessible
from tests.factories import DraftFactory, ManagerFactory
from tests.support.catalog import catalog_is_loaded, load_seed_catalog
from tests.support.jds import clone_issued, make_final_jd

PHONE = {"width": 390, "height": 844}
WIZARD_STEPS = ["role", "responsibilities", "skills", "tools", "posting", "review"]
# A title as long as managers write them: it must wrap, not widen the page.
LONG_TITLE = "Senior Software Engineer, Machine Learning Infrastructure and Data Platforms"

# The page's width and the widest elements that stick out of the screen, outermost first.
MEASURE = """() => {
  const vw = document.documentElement.clientWidth;
  const describe = (el) => {
    const id = el.id ? "#" + el.id : "";
    const cls = el.classList.length ? "." + [...el.classList].join(".") : "";
    const text = (el.innerText || "").trim().replace(/\\s+/g, " ").slice(0, 40);
    const r = el.getBoundingClientRect();
    return `<${el.tagName.toLowerCase()}${id}${cls}> ${Math.round(r.width)}px wide, `
      + `right edge at ${Math.round(r.right + window.scrollX)}px "${text}"`;
  };
  // Inside a box that clips it (a scrolling region, screen-reader-only text) it widens nothing.
  const clipped = (el) => {
    for (let box = el.parentElement; box && box !== document.body; box = box.parentElement) {
      const style = getComputedStyle(box);
      if (style.overflowX !== "visible" || style.clip !== "auto" || style.clipPath !== "none") {
        if (box.getBoundingClientRect().right + window.scrollX <= vw + 0.5) return true;
      }
    }
    return false;
  };
  const out = [...document.body.querySelectorAll("*")].filter((el) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.right + window.scrollX > vw + 0.5 && !clipped(el);
  });
  // Outermost first: an element whose parent also sticks out is a symptom, not the cause.
  const causes = out.filter((el) => !out.includes(el.parentElement));
  causes.sort((a, b) => b.getBoundingClientRect().width - a.getBoundingClientRect().width);
  return {
    scrollWidth: document.documentElement.scrollWidth,
    viewport: vw,
    widest: causes.slice(0, 3).map(describe),
  };
}"""

# Controls shown on the page that are off the screen's width, or covered at their centre.
UNREACHABLE = """(scope) => {
  const root = scope ? document.querySelector(scope) : document.body;
  const vw = document.documentElement.clientWidth;
  const selector = "a[href], button, input:not([type=hidden]), select, textarea, summary, "
    + "[tabindex]:not([tabindex='-1'])";
  const shown = (el) => {
    const r = el.getBoundingClientRect();
    if (r.width <= 1 || r.height <= 1) return false;  // visually hidden (screen-reader text)
    if (!el.checkVisibility({visibilityProperty: true, opacityProperty: true})) return false;
    const closed = el.closest("details:not([open])");
    return !closed || el.parentElement === closed && el.tagName === "SUMMARY";
  };
  const name = (el) => `<${el.tagName.toLowerCase()}> "${
    (el.innerText || el.value || el.getAttribute("aria-label") || el.name || "")
      .trim().replace(/\\s+/g, " ").slice(0, 50)}"`;
  const problems = [];
  for (const el of root.querySelectorAll(selector)) {
    if (!shown(el)) continue;
    let r = el.getBoundingClientRect();
    if (r.left < -0.5 || r.right > vw + 0.5) {
      problems.push(`${name(el)} is outside the screen (x ${Math.round(r.left)} to `
        + `${Math.round(r.right)} of ${vw})`);
      continue;
    }
    // "instant": Bootstrap makes scrolling smooth, which would move the page after this line.
    const top = window.scrollY + r.top - window.innerHeight / 2 + r.height / 2;
    window.scrollTo({top, left: 0, behavior: "instant"});
    // A link that wraps has a box per line: aim at the first line, not the gap between lines.
    r = el.getClientRects()[0];
    const x = r.left + r.width / 2, y = r.top + r.height / 2;
    const hit = document.elementFromPoint(x, y);
    const label = hit && hit.closest("label");
    if (hit && (hit === el || el.contains(hit) || (label && label.control === el))) continue;
    problems.push(`${name(el)} is covered by ${hit ? name(hit) : "nothing on screen"}`);
  }
  window.scrollTo({top: 0, left: 0, behavior: "instant"});
  return problems;
}"""


def page_urls(manager) -> dict[str, str]:
    """The path of each page to check, with JDs to fill them: two drafts of one title, one final."""
    first = DraftFactory(
        owner=manager,
        role="software-engineer",
        title=LONG_TITLE,
        posting={"location": "Denver, Colorado"},
    )
    DraftFactory(
        owner=manager,
        role="data-scientist",
        seniority=Seniority.SENIOR,
        title=LONG_TITLE,
        posting={"location": "Berlin, Germany", "workplace_type": "remote"},
    )
    final = make_final_jd(manager, title=LONG_TITLE, company_name="Acme Analytics")
    # Made in-process as this commits (no broker): the page shows a ready export.
    export = queue_export(owner=manager, revision_ids=[final.latest_revision_id], export_kind="pdf")
    urls = {
        "catalog": reverse("roles:list"),
        "role page": reverse("roles:detail", args=["software-engineer"]),
        **{
            f"wizard {step} step": reverse(
                "jd:wizard_step", kwargs={"public_id": first.public_id, "step": step}
            )
            for step in WIZARD_STEPS
        },
        "my job descriptions": reverse("jd:mine"),
        "JD page": final.get_absolute_url(),
        "revision page": final.revisions.get().get_absolute_url(),
        "library": reverse("library:index"),
        "export": reverse("exports:detail", kwargs={"public_id": export.public_id}),
        "exports": reverse("exports:list"),
    }
    assert list(urls) == PAGES
    return urls


PAGES = [
    "catalog",
    "role page",
    *(f"wizard {step} step" for step in WIZARD_STEPS),
    "my job descriptions",
    "JD page",
    "revision page",
    "library",
    "export",
    "exports",
]
CHECKED_WITH_AXE = {"my job descriptions", "library", "export", "exports"}


@pytest.fixture(scope="module")
def problems_by_page(browser, live_server, django_db_setup, django_db_blocker):
    """What is wrong with each page at 390 px: found once, in one signed-in phone session.

    One catalog load and one sign-in for all the pages keeps the suite fast; each page's test
    then reports its own result. The database is open for the whole visit, as the live server
    reads it; what is made here is deleted before the tests start, as the catalog may be emptied
    under them.
    """
    with django_db_blocker.unblock():
        if not catalog_is_loaded():  # a transactional test ran before and emptied the database
            load_seed_catalog()
        manager = ManagerFactory(username="phone-user")
        context = browser.new_context(**phone_context())
        context.set_default_timeout(10_000)
        try:
            urls = page_urls(manager)
            page = SignIn(context.new_page(), live_server)(manager)
            found = {}
            for name, path in urls.items():
                found[name] = check_page(page, name, live_server.url + path)
        finally:
            context.close()
            manager.jobs.all().delete()
            for job_description in manager.job_descriptions.all():
                job_description.delete()
            manager.delete()
    return found


def check_page(page, name: str, url: str) -> str:
    """Everything wrong with the page at `url` at a phone's width, or "" (a screenshot if not)."""
    try:
        response = page.goto(url)
        assert response.status == 200, f"{name} answered {response.status}"
        expect(page.locator("h1")).to_be_visible()
        assert_fits(page, name)
        if name in CHECKED_WITH_AXE:
            assert_accessible(page)
        # The navbar collapses behind its toggler; opened, its links fit too.
        page.get_by_role("button", name="Toggle navigation").click()
        expect(page.locator("#main-nav")).to_have_class("navbar-collapse collapse show")
        assert_fits(page, f"{name} with the menu open", scope="#main-nav")
    except Exception as error:  # noqa: BLE001 - reported by this page's own test
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"phone-{name.replace(' ', '-')}.png"), full_page=True)
        return (
            str(error) if isinstance(error, AssertionError) else f"{type(error).__name__}: {error}"
        )
    return ""


@pytest.mark.parametrize("name", PAGES)
def test_page_fits_a_phone(name, problems_by_page):
    if problems_by_page[name]:
        pytest.fail(problems_by_page[name], pytrace=False)


def phone_context() -> dict:
    # Reduced motion: Bootstrap then opens the menu at once, without its 0.35 s animation.
    return {"viewport": PHONE, "is_mobile": True, "has_touch": True, "reduced_motion": "reduce"}


def assert_fits(page, name: str, *, scope: str | None = None) -> None:
    measured = page.evaluate(MEASURE)
    assert measured["scrollWidth"] <= PHONE["width"], (
        f"{name} is {measured['scrollWidth']}px wide at {PHONE['width']}px; sticking out: "
        + "; ".join(measured["widest"])
    )
    problems = page.evaluate(UNREACHABLE, scope)
    assert not problems, f"on {name}, controls not reachable at {PHONE['width']}px:\n- " + (
        "\n- ".join(problems)
    )


def test_library_menus_and_select_all_work_by_keyboard_on_a_phone(
    live_catalog, live_manager, fresh_session
):
    source = make_final_jd(live_manager, title="Platform Engineer")
    clone_issued(source, 21)  # 22 in all: a second page of the library
    page = fresh_session(live_manager, reverse("library:index"), **phone_context())

    # The download menu: a disclosure opened and closed from the keyboard.
    menu = page.locator("details.download-menu").first
    summary = menu.locator("summary")
    summary.focus()
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("open", "")
    links = menu.get_by_role("link")
    expect(links).to_have_count(len(FORMATS))
    expect(links.first).to_be_visible()
    assert_fits(page, "the library with a download menu open")
    links.first.focus()
    page.keyboard.press("Escape")
    expect(menu).not_to_have_attribute("open", "")
    expect(summary).to_be_focused()

    # Select all: every row of this page, with the count read out; then one row unticked.
    rows = page.locator("input.library-row-select")
    expect(rows).to_have_count(20)
    select_all = page.get_by_role("checkbox", name="Select all on this page")
    select_all.check()
    expect(page.locator("#selection-count")).to_have_text("20 of 20 on this page selected")
    assert all(rows.nth(n).is_checked() for n in range(20))
    rows.nth(3).uncheck()
    expect(page.locator("#selection-count")).to_have_text("19 of 20 on this page selected")
    assert page.evaluate("document.getElementById('select-all').indeterminate")
    # What the Export button would post: the format and those 19 ids, nothing of the select-all
    # box itself.
    posted = page.evaluate("[...new FormData(document.getElementById('export-form')).keys()]")
    assert posted == ["csrfmiddlewaretoken", "export_kind"] + ["ids"] * 19
    assert_accessible(page)

    # The next page starts with nothing ticked, and counts only its own rows.
    page.get_by_role("link", name="Next").click()
    expect(page.locator("input.library-row-select")).to_have_count(2)
    expect(page.locator("#selection-count")).to_have_text("0 of 2 on this page selected")
