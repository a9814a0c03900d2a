"""What a wizard step costs on the wire, with static files served as in production.

The suite serves static files from the finders, unhashed (tests/settings.py), and pytest-django's
live server answers /static/ itself: neither is what a browser gets in production. Here the
static files are collected with the production storage (WhiteNoise's compressed manifest, the
collected copy shared with tests/deploy and kept while its inputs hold), and the app is served by
a server thread of our own whose handler is Django's alone, WhiteNoise in its middleware. Bytes
on the wire are summed from the Chrome DevTools Protocol (Network.loadingFinished's
encodedDataLength: headers and compressed bodies as received). Whatever the page loads counts.
"""

from __future__ import annotations

import pytest
from django.db import connections
from django.test.testcases import LiveServerThread

from tests.browser.conftest import SignIn
from tests.deploy.conftest import finish_collectstatic, production_env, start_collectstatic
from tests.factories import DraftFactory

FIRST_VISIT_MAX = 150_000  # bytes on the wire, compressed
YEAR = "max-age=31536000"


class ProductionStaticServer:
    """Django's WSGI handler on a free loopback port, sharing the test's database connection."""

    def __init__(self) -> None:
        shared = {
            conn.alias: conn
            for conn in connections.all()
            if conn.vendor == "sqlite" and conn.is_in_memory_db()
        }
        for conn in shared.values():
            conn.inc_thread_sharing()
        self.shared = shared
        # The handler as is: no test static handler in front of WhiteNoise.
        self.thread = LiveServerThread("127.0.0.1", lambda handler: handler, shared)

    def __enter__(self) -> ProductionStaticServer:
        self.thread.daemon = True
        self.thread.start()
        self.thread.is_ready.wait()
        if self.thread.error:
            raise self.thread.error
        self.url = f"http://127.0.0.1:{self.thread.port}"
        return self

    def __exit__(self, *exc) -> None:
        self.thread.terminate()
        for conn in self.shared.values():
            conn.dec_thread_sharing()


@pytest.fixture
def production_static(request, settings):
    """Settings as production serves static files: hashed, compressed, from STATIC_ROOT."""
    static_root, collecting = start_collectstatic(request, production_env())
    finish_collectstatic(collecting)
    settings.STATIC_ROOT = static_root
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    settings.WHITENOISE_USE_FINDERS = False
    settings.WHITENOISE_AUTOREFRESH = False
    return static_root


@pytest.fixture
def production_server(production_static, transactional_db):
    """The server; asked for before `page`, so it stops after the browser has closed its
    connections (a request thread still open would outlive the shared database connection)."""
    with ProductionStaticServer() as server:
        yield server


class Wire:
    """Every response of a page as the DevTools Protocol reports it, by request id."""

    def __init__(self, page) -> None:
        self.cdp = page.context.new_cdp_session(page)
        self.cdp.send("Network.enable")
        self.responses: dict[str, dict] = {}
        self.sizes: dict[str, int] = {}
        self.cdp.on("Network.responseReceived", self._response)
        self.cdp.on("Network.loadingFinished", self._finished)

    def _response(self, event) -> None:
        self.responses[event["requestId"]] = {"type": event["type"], **event["response"]}

    def _finished(self, event) -> None:
        self.sizes[event["requestId"]] = int(event["encodedDataLength"])

    def reset(self) -> None:
        self.responses.clear()
        self.sizes.clear()

    def visit(self, page, url: str) -> dict[str, tuple[str, int, dict]]:
        """Go to `url`; {request id: (url, bytes on the wire, response)} of what it loaded."""
        self.reset()
        page.goto(url)
        page.wait_for_load_state("networkidle")
        return {
            rid: (r["url"], self.sizes.get(rid, 0), r)
            for rid, r in self.responses.items()
            if not r["url"].startswith("data:")
        }


def header(response: dict, name: str) -> str:
    return next((v for k, v in response["headers"].items() if k.lower() == name), "")


def test_a_wizard_step_is_small_the_first_time_and_only_its_html_the_second(
    production_server, page, live_catalog, live_manager
):
    server = production_server
    draft = DraftFactory(owner=live_manager)
    SignIn(page, server)(live_manager, next_path="/")
    wire = Wire(page)
    wire.cdp.send("Network.clearBrowserCache")  # the sign-in page loaded the same files
    step = f"{server.url}/jd/{draft.public_id}/edit/skills/"

    first = wire.visit(page, step)
    statics = {rid: v for rid, v in first.items() if "/static/" in v[0]}
    assert statics, f"no static file loaded: {[v[0] for v in first.values()]}"
    for url, size, response in statics.values():
        assert response["status"] == 200, url
        # Hashed names, cached for a year and never revalidated.
        cache_control = header(response, "cache-control")
        assert YEAR in cache_control and "immutable" in cache_control, (url, cache_control)
        if size > 2_000 and url.endswith((".css", ".js")):
            assert header(response, "content-encoding") in ("gzip", "br"), url
    total = sum(size for _, size, _ in first.values())
    listing = "\n".join(f"{size:>8} {url}" for url, size, _ in first.values())
    print(f"first visit: {total:,} bytes on the wire\n{listing}")
    assert total <= FIRST_VISIT_MAX, f"{total:,} bytes on the first visit:\n{listing}"

    # Another step and back: everything but the HTML comes from the browser's cache.
    wire.visit(page, f"{server.url}/jd/{draft.public_id}/edit/posting/")
    second = wire.visit(page, step)
    documents = [v for v in second.values() if v[2]["type"] == "Document"]
    assert len(documents) == 1 and documents[0][1] > 0
    on_the_wire = {url: size for url, size, r in second.values() if r["type"] != "Document"}
    print(f"second visit: {documents[0][1]:,} bytes of HTML, others {on_the_wire}")
    assert sum(on_the_wire.values()) == 0, f"fetched again on the second visit: {on_the_wire}"
    assert page.get_by_role("heading", name="Skills and proficiency").is_visible()
