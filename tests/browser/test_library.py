"""A recruiter finds JDs in the library, downloads one PDF, then exports a ZIP of three (real
PDFs); tests/browser/test_exports.py follows an export's progress."""

import re
import zipfile
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible
from tests.support.jds import make_final_jd


@pytest.fixture
def issued(live_catalog, live_manager):
    """Four JDs issued by the manager, as the wizard would leave them."""

    def make(title, slug, **posting):
        return make_final_jd(live_manager, title=title, slug=slug, **posting)

    return [
        make("Backend Engineer", "software-engineer", company_name="Acme Analytics"),
        make("Revenue Analyst", "data-analyst", company_name="Globex", location="Berlin"),
        make("Forecasting Lead", "data-scientist", company_name="Initech"),
        make("Platform Engineer", "software-engineer", company_name="Hooli"),
    ]


def test_recruiter_searches_downloads_a_pdf_and_a_zip_of_three(
    page, live_server, live_recruiter, issued, sign_in, tmp_path
):
    sign_in(live_recruiter)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Library").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Job description library")
    expect(page.get_by_role("heading", name="4 job descriptions")).to_be_visible()
    assert_accessible(page)

    # Search by company: one row left.
    page.get_by_role("searchbox", name="Search").fill("globex")
    page.get_by_role("button", name="Show job descriptions").click()
    expect(page).to_have_url(re.compile(r"/library/\?q=globex"))
    table = page.get_by_role("table")
    expect(table.get_by_role("row")).to_have_count(2)  # header + one JD
    expect(table).to_contain_text("Revenue Analyst")
    expect(table).to_contain_text("Berlin")
    assert_accessible(page)

    # Open it and download its PDF.
    table.get_by_role("link", name="Revenue Analyst", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Revenue Analyst")
    with page.expect_download() as single:
        page.get_by_role("link", name="PDF (A4)", exact=True).click()
    download = single.value
    assert download.suggested_filename == "revenue-analyst-globex-r1.pdf"
    pdf = Path(download.path()).read_bytes()
    assert pdf.startswith(b"%PDF")

    # Back in the library, the search is still there; clear it and pick three.
    page.go_back()
    expect(page.get_by_role("searchbox", name="Search")).to_have_value("globex")
    page.get_by_role("link", name="Clear filters").click()
    expect(page.get_by_role("heading", name="4 job descriptions")).to_be_visible()

    # Nothing ticked: the page says so, accessibly.
    page.get_by_role("button", name="Export", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("Select at least one job description")
    assert_accessible(page)

    chosen = ["Revenue Analyst", "Forecasting Lead", "Platform Engineer"]
    for title in chosen:
        page.get_by_role("checkbox", name=f"Select {title}").check()
    page.get_by_role("button", name="Export", exact=True).click()
    # No broker here: the export is made as it is asked for, and its page says it is ready.
    expect(page.get_by_role("heading", level=1)).to_have_text("ZIP of 3 job descriptions")
    with page.expect_download() as bundle:
        page.locator("#export-ready").get_by_role("link", name=re.compile("^Download")).click()
    download = bundle.value
    assert download.suggested_filename == (
        f"job-descriptions-{timezone.localdate().isoformat()}.zip"
    )
    with zipfile.ZipFile(download.path()) as archive:
        assert archive.testzip() is None
        names = archive.namelist()
        assert sorted(names) == sorted(
            [
                "revenue-analyst-globex-r1.pdf",
                "forecasting-lead-initech-r1.pdf",
                "platform-engineer-hooli-r1.pdf",
            ]
        )
        for name in names:
            assert archive.read(name).startswith(b"%PDF")
        # The PDF stored at the single download is the one in the ZIP.
        assert archive.read("revenue-analyst-globex-r1.pdf") == pdf
