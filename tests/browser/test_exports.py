"""A recruiter exports job descriptions from the library: ticks rows, asks for a ZIP, watches
the export's progress bar while a worker makes it, sees "Your export is ready" and downloads
the file; then exports everything a search matches as a CSV. Real PDFs, axe at every step."""

from __future__ import annotations

import csv
import io
import re
import time
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from jdbuilder.jobs import queue
from jdbuilder.jobs.models import Job
from jdbuilder.jobs.services import run_job
from jdbuilder.models import RenderedFile
from tests.browser.conftest import assert_accessible
from tests.support.jds import make_final_jd


@pytest.fixture
def issued(live_catalog, live_manager):
    """Four JDs issued by the manager; their PDFs are stored as they are finalized."""

    def make(title, slug, **posting):
        return make_final_jd(live_manager, title=title, slug=slug, **posting)

    return [
        make("Backend Engineer", "software-engineer", company_name="Acme Analytics"),
        make("Revenue Analyst", "data-analyst", company_name="Globex", location="Berlin"),
        make("Forecasting Lead", "data-scientist", company_name="Globex"),
        make("Platform Engineer", "software-engineer", company_name="Hooli"),
    ]


@pytest.fixture
def held(monkeypatch):
    """Exports wait in the queue instead of running as they are asked for (no worker yet):
    returns the ids of the jobs sent."""
    sent: list[int] = []
    monkeypatch.setattr(queue, "publish", lambda job_id, kind: sent.append(job_id) or True)
    return sent


def test_recruiter_exports_a_zip_watches_its_progress_and_downloads_it(
    page, live_server, live_recruiter, issued, sign_in, held, monkeypatch
):
    sign_in(live_recruiter, "/library/")
    expect(page.get_by_role("heading", name="4 job descriptions")).to_be_visible()
    count = page.locator("#selection-count")
    expect(count).to_have_text("0 of 4 on this page selected")

    # Nothing ticked: the page says so, accessibly, and nothing is queued.
    page.get_by_role("button", name="Export", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("Select at least one job description")
    assert held == []
    assert_accessible(page)

    chosen = ["Revenue Analyst", "Forecasting Lead", "Platform Engineer", "Backend Engineer"]
    for title in chosen:
        page.get_by_role("checkbox", name=f"Select {title}").check()
    expect(count).to_have_text("4 of 4 on this page selected")
    expect(page.get_by_label("Export as")).to_have_value("zip")
    page.get_by_role("button", name="Export", exact=True).click()

    # The export's page: queued, with a progress bar that follows the job.
    expect(page.get_by_role("heading", level=1)).to_have_text("ZIP of 4 job descriptions")
    expect(page.locator(".job-progress progress")).to_be_visible()
    assert_accessible(page)
    [job_id] = held
    job = Job.objects.get(pk=job_id)
    assert page.url == f"{live_server.url}/exports/{job.public_id}/"

    # A worker makes it, slowly enough to be watched: half-way, the page shows half.
    from jdbuilder.exports import services

    real = services.export_revision
    calls = []

    def slow(**kwargs):
        calls.append(kwargs["revision"].pk)
        if len(calls) == 3:  # two of four are in the ZIP
            expect(page.locator("[data-job-stage]")).to_have_text(
                "Adding job descriptions to the ZIP"
            )
            expect(page.locator(".job-progress progress")).to_have_attribute("value", "50")
        time.sleep(0.6)  # progress is written at most twice a second
        return real(**kwargs)

    monkeypatch.setattr(services, "export_revision", slow)
    assert run_job(job_id=job_id, kind="export") == "succeeded"

    # Finished: the page reloads itself with the notice and the link.
    notice = page.locator("#export-ready")
    expect(notice).to_contain_text("Your export is ready")
    expect(notice).to_contain_text("Available until")
    expect(notice).to_contain_text("4 job descriptions in job-descriptions-")
    assert_accessible(page)
    with page.expect_download() as bundle:
        notice.get_by_role("link", name=re.compile(r"^Download job-descriptions-.*\.zip")).click()
    download = bundle.value
    assert re.fullmatch(r"job-descriptions-\d{4}-\d{2}-\d{2}\.zip", download.suggested_filename)
    with zipfile.ZipFile(download.path()) as archive:
        assert archive.testzip() is None
        # In the page's order (newest first), each the PDF stored at finalize.
        assert archive.namelist() == [
            "platform-engineer-hooli-r1.pdf",
            "forecasting-lead-globex-r1.pdf",
            "revenue-analyst-globex-r1.pdf",
            "backend-engineer-acme-analytics-r1.pdf",
        ]
        for jd, name in zip(reversed(issued), archive.namelist(), strict=True):
            stored = RenderedFile.objects.get(revision=jd.latest_revision, format="pdf")
            assert archive.read(name) == bytes(stored.content)

    # The library reminds the recruiter of it, and "Your exports" lists it.
    page.get_by_role("link", name="Library").first.click()
    reminder = page.locator("#current-exports")
    expect(reminder).to_contain_text("ZIP of 4 job descriptions: ready")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Exports").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your exports")
    expect(page.get_by_role("table")).to_contain_text("Ready")
    assert_accessible(page)


def test_everything_matching_a_search_as_a_csv(page, live_recruiter, issued, sign_in):
    sign_in(live_recruiter, "/library/?q=globex")
    expect(page.get_by_role("heading", name="2 job descriptions")).to_be_visible()
    everything = page.get_by_label("Everything matching this search (2)")
    everything.check()
    # The rows no longer count: the whole search is exported.
    expect(page.locator("#selection-count")).to_have_text(
        "Everything matching this search will be exported"
    )
    expect(page.get_by_role("checkbox", name="Select Revenue Analyst")).to_be_disabled()
    page.get_by_label("Export as").select_option("csv")
    page.get_by_role("button", name="Export", exact=True).click()

    # No broker: the export ran as it was asked for.
    expect(page.get_by_role("heading", level=1)).to_have_text("CSV of 2 job descriptions")
    notice = page.locator("#export-ready")
    expect(notice).to_contain_text("Your export is ready")
    with page.expect_download() as spreadsheet:
        notice.get_by_role("link", name=re.compile(r"^Download .*\.csv")).click()
    body = Path(spreadsheet.value.path()).read_bytes()
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert sorted(row[0] for row in rows[1:]) == ["Forecasting Lead", "Revenue Analyst"]
    assert all(row[2] == "Globex" for row in rows[1:])
