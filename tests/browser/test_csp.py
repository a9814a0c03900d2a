"""The Content Security Policy holds in a real browser: every page type, the admin's included,
renders and works with no CSP violation, and the listener that says so does catch violations.

Two witnesses per page: `securitypolicyviolation` events, recorded from the first script of each
document into `window.__cspViolations`, and Chromium's console ("Refused to …", "Content Security
Policy"). Each visit also checks that the page really was served under the strict policy, so a
page without the header cannot pass unnoticed.
"""

import re
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from roles.models import Role
from tests.browser.conftest import PASSWORD
from tests.factories import DraftFactory

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.effectiveDirective} refused ${event.blockedURI || "inline"}`
    + ` (${event.sourceFile || "?"}:${event.lineNumber}) ${event.sample || ""}`
  );
});
"""

WIZARD_STEPS = ["role", "responsibilities", "skills", "tools", "posting", "review"]


class CSPWatch:
    """Records CSP violations on `page`; `check(what)` fails with them and starts afresh."""

    def __init__(self, page):
        self.page = page
        self.console: list[str] = []
        page.add_init_script(RECORD_VIOLATIONS)
        page.on("console", self._on_console)

    def _on_console(self, message) -> None:
        text = message.text
        if "Refused to" in text or "Content Security Policy" in text:
            self.console.append(text)

    def violations(self) -> list[str]:
        # Violation events are queued tasks: let them run before reading.
        self.page.evaluate("() => new Promise((resolve) => setTimeout(resolve, 50))")
        return self.page.evaluate("() => window.__cspViolations || []") + self.console

    def check(self, what: str) -> None:
        found = self.violations()
        self.console = []
        assert not found, f"CSP violations on {what} ({self.page.url}):\n" + "\n".join(found)

    def visit(self, url: str, what: str, *, status: int = 200):
        response = self.page.goto(url)
        assert response is not None and response.status == status, (what, response)
        policy = response.headers.get("content-security-policy", "")
        assert "script-src 'self'" in policy and "style-src 'self'" in policy, (what, policy)
        assert "unsafe-inline" not in policy, (what, policy)
        self.page.wait_for_load_state("load")
        self.check(what)
        return response


@pytest.fixture
def csp(page):
    return CSPWatch(page)


def sign_in(page, live_server, user, csp: CSPWatch):
    csp.visit(f"{live_server.url}/accounts/login/", "the sign-in page")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    csp.check("the page after signing in")


def test_the_listener_catches_inline_script_and_style(page, live_server, transactional_db, csp):
    """The positive control: without it, "no violation" could mean "not listening"."""
    csp.visit(f"{live_server.url}/accounts/login/", "the sign-in page")
    page.evaluate(
        """() => {
          const script = document.createElement("script");
          script.textContent = "window.__ran = true";
          document.body.append(script);
          const div = document.createElement("div");
          div.setAttribute("style", "color: red");
          document.body.append(div);
        }"""
    )
    found = csp.violations()
    assert page.evaluate("() => window.__ran === undefined")
    assert any(v.startswith("script-src") for v in found), found
    assert any(v.startswith("style-src") for v in found), found


def test_site_pages_have_no_csp_violation(
    page, live_server, live_catalog, live_manager, live_recruiter, csp, make_final_jd_live
):
    base = live_server.url
    final = make_final_jd_live(live_manager)
    draft = DraftFactory(owner=live_manager, role="data-analyst")

    sign_in(page, live_server, live_manager, csp)
    csp.visit(f"{base}/roles/", "the role list")
    csp.visit(f"{base}/roles/software-engineer/", "a role page")
    expect(page.locator("svg.skill-chart")).to_be_visible()
    # Bootstrap's own script works: the navbar toggler opens the menu on a narrow screen.
    page.set_viewport_size({"width": 500, "height": 900})
    page.get_by_role("button", name="Toggle navigation").click()
    expect(page.get_by_role("link", name="My job descriptions")).to_be_visible()
    csp.check("the role page's navbar menu")
    page.set_viewport_size({"width": 1280, "height": 900})

    csp.visit(f"{base}/jd/new/", "the new-JD page")
    for step in WIZARD_STEPS:
        url = reverse("jd:wizard_step", kwargs={"public_id": draft.public_id, "step": step})
        csp.visit(base + url, f"the wizard's {step} step")
        expect(page.get_by_role("heading", name=re.compile(r"Step \d of 6"))).to_be_visible()
    csp.visit(f"{base}/jd/", "my job descriptions")
    csp.visit(base + final.get_absolute_url(), "a JD page")
    csp.visit(base + final.revisions.get().get_absolute_url(), "a revision page")
    csp.visit(f"{base}/roles/no-such-role/", "a page not found", status=404)

    page.context.clear_cookies()
    sign_in(page, live_server, live_recruiter, csp)
    csp.visit(f"{base}/library/", "the library")
    expect(page.get_by_role("table")).to_contain_text(final.title)


def test_admin_pages_have_no_csp_violation(page, live_server, live_catalog, live_staff, csp):
    base = live_server.url
    role = Role.objects.get(slug="software-engineer")
    sign_in(page, live_server, live_staff, csp)

    csp.visit(f"{base}/admin/", "the admin index")
    csp.visit(f"{base}/admin/roles/role/", "the role changelist")
    expect(page.locator("#result_list")).to_contain_text("Software Engineer")
    # The changelist's filter and action bar, both driven by the admin's scripts.
    page.locator("#action-toggle").check()
    expect(page.locator(".action-counter")).to_contain_text("selected")
    csp.check("the role changelist with all rows selected")

    csp.visit(f"{base}/admin/roles/role/{role.pk}/change/", "the role change page")
    expect(page.locator("#role_skills-group")).to_be_visible()
    # The autocomplete of "works with": open it, search, see results fetched from the server.
    page.locator("#id_works_with").locator("xpath=..").locator(".select2-selection").click()
    page.locator(".select2-search__field").fill("data")
    expect(page.locator(".select2-results__option").first).to_contain_text(re.compile("Data"))
    page.keyboard.press("Escape")
    csp.check("the role change page with the works-with autocomplete open")
    # An inline row added by the admin's inlines.js, and its skill autocomplete opened.
    page.locator("#role_skills-group .add-row a").click()
    new_row = page.locator("#role_skills-group tr.dynamic-role_skills").last
    new_row.locator(".field-skill .select2-selection").click()
    page.locator(".select2-search__field").last.fill("a")
    expect(page.locator(".select2-results__option").first).to_be_visible()
    page.keyboard.press("Escape")
    csp.check("the role change page with an inline's skill autocomplete open")

    csp.visit(f"{base}/admin/roles/role/{role.pk}/history/", "the role history")
    expect(page.locator("#inline-change-history")).to_be_visible()
    record = role.history.order_by("-history_id").first()
    csp.visit(
        f"{base}/admin/roles/role/{role.pk}/history/{record.history_id}/",
        "a historical version of the role",
    )
    csp.visit(f"{base}/admin/axes/accessattempt/", "the axes access attempts")


def test_lockout_page_has_no_csp_violation(page, live_server, live_manager, csp):
    csp.visit(f"{live_server.url}/accounts/login/", "the sign-in page")
    for _ in range(5):
        page.get_by_label("Username").fill(live_manager.username)
        page.get_by_label("Password").fill("not-the-password")
        with page.expect_response(re.compile(r"/accounts/login/")) as response:
            page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        if response.value.status == 429:
            break
        csp.check("the sign-in page with an error")
    assert response.value.status == 429
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign-in temporarily locked")
    expect(page.get_by_role("alert")).to_contain_text("Try again in 15 minutes")
    csp.check("the lockout page")


def test_html_export_works_when_opened_from_disk(
    page, live_server, live_catalog, live_manager, csp, make_final_jd_live, tmp_path
):
    """The download carries the site's policy as a header; a saved file has no header, so the
    export's inline <style> applies and its JSON-LD is there when the file is opened from disk."""
    jd = make_final_jd_live(live_manager)
    sign_in(page, live_server, live_manager, csp)
    url = reverse(
        "jd:download_revision", kwargs={"public_id": jd.public_id, "number": 1, "fmt": "html"}
    )
    response = page.request.get(live_server.url + url)
    assert response.status == 200
    assert response.headers["content-disposition"].startswith("attachment")
    assert "style-src 'self'" in response.headers["content-security-policy"]
    saved = Path(tmp_path) / "export.html"
    saved.write_bytes(response.body())

    page.goto(saved.as_uri())
    expect(page.get_by_role("heading", level=1)).to_contain_text(jd.title)
    # The inline style sheet applied: the export's main column is narrower than the window.
    width = page.evaluate(
        "() => document.querySelector('main.jd-export').getBoundingClientRect().width"
    )
    assert width < 1280 * 0.9, width
    assert (
        page.evaluate(
            "() => JSON.parse(document.querySelector('script[type=\"application/ld+json\"]')"
            ".textContent)['@type']"
        )
        == "JobPosting"
    )
    csp.check("the HTML export opened from disk")


@pytest.fixture
def make_final_jd_live(live_catalog):
    from tests.support.jds import make_final_jd

    return make_final_jd
