"""Browser-test harness: Debian's Chromium driven by Playwright against pytest-django's live server.

Every test here is marked `browser`; `pytest -m "not browser"` skips them.
"""

import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright

from tests.factories import ManagerFactory, RecruiterFactory, StaffFactory

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
PASSWORD = "correct-horse-battery"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

# Playwright's sync API runs an event loop in this thread; the ORM calls made by fixtures in the
# same thread are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: run `make system-packages` (apt-get installs it)"
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, request):
    # Reduced motion: Bootstrap then has no transitions, so axe reads a button's final colours,
    # not a frame of its fade-in (a colour-contrast finding that came and went in CI).
    context = browser.new_context(viewport={"width": 1280, "height": 900}, reduced_motion="reduce")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    if getattr(request.node, "rep_call", None) and request.node.rep_call.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture
def live_catalog(transactional_db):
    from django.core.management import call_command

    call_command("load_catalog", verbosity=0)


class SignIn:
    def __init__(self, page, live_server):
        self.page, self.live_server = page, live_server

    def __call__(self, user, next_path: str = "/"):
        page = self.page
        page.goto(f"{self.live_server.url}/accounts/login/?next={next_path}")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        return page


@pytest.fixture
def sign_in(page, live_server):
    return SignIn(page, live_server)


@pytest.fixture
def fresh_session(browser, live_server):
    """fresh_session(user, next_path, **context options) -> a page in a new browser session,
    signed in as `user` and on `next_path`: a closed tab, another person, another device."""
    contexts = []

    def open_session(user, next_path: str = "/", **context_options):
        context = browser.new_context(**{"reduced_motion": "reduce", **context_options})
        context.set_default_timeout(10_000)
        contexts.append(context)
        return SignIn(context.new_page(), live_server)(user, next_path)

    yield open_session
    for context in contexts:
        context.close()


@pytest.fixture
def live_manager(transactional_db):
    return ManagerFactory(username="morgan", first_name="Morgan", last_name="Lee")


@pytest.fixture
def live_recruiter(transactional_db):
    return RecruiterFactory(username="riley")


@pytest.fixture
def live_staff(transactional_db):
    return StaffFactory(username="casey")


_axe = Axe()


def assert_accessible(page, *, impacts=("serious", "critical")):
    """Fail with a readable list if axe-core finds serious or critical violations."""
    results = _axe.run(page)
    bad = [v for v in results.response["violations"] if v.get("impact") in impacts]
    assert not bad, f"axe-core violations on {page.url}:\n" + "\n".join(
        f"- [{v['impact']}] {v['id']}: {v['help']} at "
        + ", ".join(str(node["target"]) for node in v["nodes"][:5])
        for v in bad
    )
    return results
