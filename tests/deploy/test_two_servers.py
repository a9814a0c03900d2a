"""Two app servers, one PostgreSQL database: a hiring manager's whole visit, with every request
sent to the other server than the one before (a load balancer without sticky sessions).

What it shows: sign-in sessions, CSRF tokens, wizard drafts and stored PDFs live in the shared
database, so no request depends on the server that answered the one before; the cache (Redis,
or a database table without it) is shared between processes; WhiteNoise serves the hashed,
compressed static files that collectstatic made, from either server.
"""

from __future__ import annotations

import hashlib
import re
import time

import psycopg
import pytest

from tests.deploy.conftest import (
    MANAGER,
    REDIS_URL,
    AlternatingClient,
    flush_redis,
    manage,
)
from tests.support.processes import postgres_url
from tests.support.wizard import page_fields, valid_posting

pytestmark = pytest.mark.deploy

STEPS = ["role", "responsibilities", "skills", "tools", "posting", "review"]
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
HASHED_CSS = re.compile(r'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"')


def csrf_token(html: str) -> str:
    match = CSRF_INPUT.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def assert_cache_shared(env: dict[str, str], backend: str) -> None:
    """A value one process stores, another process reads: what a per-process cache cannot do."""
    probe = f"probe-{time.time_ns()}"
    script = (
        "from django.conf import settings\n"
        "from django.core.cache import cache\n"
        "print('backend', settings.CACHES['default']['BACKEND'])\n"
    )
    written = manage(
        {**env, "PROBE": probe},
        "shell",
        "-v0",
        "-c",
        script + "import os\ncache.set('deploy-probe', os.environ['PROBE'], 60)\n",
    )
    assert f"backend {backend}" in written.splitlines()
    read = manage(env, "shell", "-v0", "-c", script + "print('read', cache.get('deploy-probe'))\n")
    assert f"backend {backend}" in read.splitlines()
    assert f"read {probe}" in read.splitlines()


def stored_pdfs(deployment, public_id: str) -> list[tuple[str, int]]:
    with psycopg.connect(postgres_url(deployment.database), connect_timeout=5) as conn:
        return conn.execute(
            """
            SELECT f.sha256, length(f.content)
            FROM jdbuilder_renderedfile f
            JOIN jdbuilder_jobdescriptionrevision r ON r.id = f.revision_id
            JOIN jdbuilder_jobdescription j ON j.id = r.job_description_id
            WHERE j.public_id = %s AND f.format = 'pdf'
            """,
            [public_id],
        ).fetchall()


def test_a_manager_alternating_between_two_servers(deployment, start_servers, start_worker):
    """Two app servers and one worker, sharing PostgreSQL and Redis (cache and broker)."""
    flush_redis()
    try:
        assert_cache_shared(
            {**deployment.env, "REDIS_URL": REDIS_URL},
            "django.core.cache.backends.redis.RedisCache",
        )
        servers = start_servers(REDIS_URL=REDIS_URL)
        start_worker(REDIS_URL=REDIS_URL)
        try:
            walk(deployment, servers)
        except AssertionError as error:
            logs = "\n".join(server.log_tail() for server in servers)
            raise AssertionError(f"{error}\n{logs}") from error
    finally:
        flush_redis()

    # Both servers really took part: each logged GETs and POSTs of the wizard.
    for server in servers:
        log = server.log()
        assert re.search(r'"GET /jd/[0-9a-f-]+/edit/\w+/ HTTP', log), server.log_tail()
        assert re.search(r'"POST /jd/[0-9a-f-]+/edit/\w+/ HTTP', log), server.log_tail()


def test_without_redis_the_cache_is_a_table_in_the_shared_database(deployment):
    assert "REDIS_URL" not in deployment.env
    assert_cache_shared(deployment.env, "django.core.cache.backends.db.DatabaseCache")


def walk(deployment, servers) -> None:
    browser = AlternatingClient(servers)

    # Sign in: the form comes from one server, the POST goes to the other.
    login = browser.get("/accounts/login/?next=/jd/")
    assert login.status == 200
    response = browser.post(
        "/accounts/login/",
        {
            "csrfmiddlewaretoken": [csrf_token(login.text)],
            "username": [MANAGER],
            "password": [deployment.password],
            "next": ["/jd/"],
        },
    )
    assert response.status == 302, response.text[:2000]
    assert response.location == "/jd/"

    # Static files: the hashed name a page links to is served, compressed, by the other server.
    page = browser.get("/jd/new/")
    assert page.status == 200
    stylesheet = HASHED_CSS.search(page.text)
    assert stylesheet, "no hashed stylesheet: is the manifest storage in use?"
    css = browser.get(stylesheet.group(1), headers={"Accept-Encoding": "br, gzip"})
    assert css.status == 200
    assert css.headers.get("Content-Encoding") in {"br", "gzip"}
    assert len(css.body) == int(css.headers["Content-Length"]) > 1000
    assert "max-age=315360000" in css.headers.get("Cache-Control", "")

    # Start a draft of the Software Engineer role.
    response = browser.post(
        "/jd/new/",
        {"csrfmiddlewaretoken": [csrf_token(page.text)], "role": ["software-engineer"]},
    )
    assert response.status == 302, response.text[:2000]
    match = re.fullmatch(r"/jd/([0-9a-f-]{36})/edit/", response.location)
    assert match, response.location
    public_id = match.group(1)
    base = f"/jd/{public_id}"
    response = browser.get(f"{base}/edit/")
    assert response.status == 302 and response.location == f"{base}/edit/role/"

    # Each step is read from one server and posted to the other.
    changes = {
        "role": {"role-seniority": "senior", "role-title": "Senior Software Engineer"},
        "posting": valid_posting(),
    }
    for step, following in zip(STEPS, [*STEPS[1:], None], strict=True):
        page = browser.get(f"{base}/edit/{step}/")
        assert page.status == 200, (step, page.status)
        fields = page_fields(page.text)
        assert fields["jd_wizard-current_step"] == [step]
        if step == "review":
            # The page comes without its preview (nothing cached since the last save); the
            # region preview.js loads comes from the other server, which caches it in Redis,
            # so the first server then shows it inline.
            assert "Senior Software Engineer" in page.text
            assert 'data-preview-load="' in page.text
            region = browser.get(f"{base}/edit/review/preview/")
            assert region.status == 200, region.text[:2000]
            assert "150,000 to 190,000 USD a year" in region.text
            page = browser.get(f"{base}/edit/{step}/")
            assert page.server != region.server
            assert 'data-preview-load="' not in page.text
            assert "150,000 to 190,000 USD a year" in page.text
            fields = page_fields(page.text)
        for name, value in changes.get(step, {}).items():
            fields[name] = [value]
        response = browser.post(f"{base}/edit/{step}/", fields)
        assert response.status == 302, (step, response.status, response.text[:2000])
        assert response.location == (f"{base}/edit/{following}/" if following else f"{base}/"), step
        if step == "skills":
            # Leave and come back: the other server resumes the draft where it was left. (One
            # extra request, so the servers swap roles: each renders steps and accepts them.)
            response = browser.get(f"{base}/edit/")
            assert response.status == 302 and response.location == f"{base}/edit/tools/"

    detail = browser.get(f"{base}/")
    assert detail.status == 200
    assert "Final, revision 1" in detail.text and "Senior Software Engineer" in detail.text

    # The PDF: rendered once by the worker after finalizing, stored in the database, the same
    # bytes from either server. Until it is stored, a download shows "being prepared".
    response = browser.get(f"{base}/download/pdf/")
    assert response.status == 302
    assert response.location == f"{base}/revisions/1/download/pdf/"
    deadline = time.monotonic() + 60
    while (stored := browser.get(response.location)).status == 302:
        assert stored.location == f"{base}/revisions/1/download/pdf/preparing/"
        preparing = browser.get(stored.location)
        assert preparing.status == 200
        assert "being prepared" in preparing.text or "is ready" in preparing.text
        assert time.monotonic() < deadline, "the worker did not store the PDF within 60 s"
        time.sleep(0.5)
    first = browser.get(response.location)
    second = browser.get(response.location)
    assert first.server != second.server
    for pdf in (first, second):
        assert pdf.status == 200, pdf.text[:2000]
        assert pdf.headers["Content-Type"] == "application/pdf"
        assert pdf.body.startswith(b"%PDF-")
    assert first.body == second.body
    assert stored_pdfs(deployment, public_id) == [
        (hashlib.sha256(first.body).hexdigest(), len(first.body))
    ]

    # The session works on both servers: a page that needs a sign-in answers on each.
    for _ in servers:
        mine = browser.get("/jd/")
        assert mine.status == 200, (mine.server, mine.status, mine.location)
        assert "Senior Software Engineer" in mine.text

    # Every request alternated, and both servers answered GETs and POSTs.
    names = [server for server, *_ in browser.history]
    assert all(a != b for a, b in zip(names, names[1:], strict=False)), browser.history
    for server in servers:
        methods = {method for name, method, *_ in browser.history if name == server.name}
        assert methods == {"GET", "POST"}, (server.name, browser.history)
