"""A recruiter asks for a PDF the workers have not stored yet: the "being prepared" page shows
the render job's progress, follows it by itself (static/js/job-progress.js) and, once the file
is stored, links to it. axe on both states, and at phone width."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from jdbuilder.jobs import queue
from jdbuilder.jobs.models import Job, JobKind
from jdbuilder.jobs.services import run_job
from jdbuilder.models import RenderedFile
from tests.browser.conftest import assert_accessible
from tests.support.jds import make_final_jd


@pytest.fixture
def held(monkeypatch):
    """Jobs wait in the queue (no worker yet) instead of running as they are sent."""
    sent: list[int] = []
    monkeypatch.setattr(queue, "publish", lambda job_id, kind: sent.append(job_id) or True)
    return sent


@pytest.mark.parametrize("width", [1280, 390])
def test_a_pdf_not_stored_yet_is_prepared_then_linked(
    page, live_server, live_catalog, live_manager, live_recruiter, sign_in, held, width
):
    page.set_viewport_size({"width": width, "height": 900})
    jd = make_final_jd(live_manager, title="Revenue Analyst", slug="data-analyst")
    [job] = Job.objects.filter(kind=JobKind.RENDER)
    assert held == [job.pk] and not RenderedFile.objects.exists()

    sign_in(live_recruiter, f"/jd/{jd.public_id}/")
    page.get_by_role("link", name="PDF (A4)").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your PDF (A4) is being prepared")
    expect(page.locator(".job-progress progress")).to_be_visible()
    assert page.url.endswith(f"/jd/{jd.public_id}/revisions/1/download/pdf/preparing/")
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    # The worker stores both PDFs; the page notices by itself and links to the file.
    assert run_job(job_id=job.pk, kind=JobKind.RENDER) == "succeeded"
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Your PDF (A4) is ready", timeout=15_000
    )
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF (A4)").click()
    revision = jd.revisions.get()
    stored = RenderedFile.objects.get(revision=revision, format="pdf")
    assert download.value.suggested_filename == stored.filename
    assert download.value.path().read_bytes() == bytes(stored.content)
    assert_accessible(page)
