"""A recruiter opens an issued JD's interview kit: the rubric and the scorecard are on the page,
the PDF downloads with the rubric in it; axe clean, no CSP violation, and on a phone the page
does not scroll sideways (the scorecard scrolls in its own box)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from jdbuilder.documents.build import build_document
from jdbuilder.kits.services import kit_of
from jdbuilder.models import RenderedFile
from tests.browser.conftest import assert_accessible
from tests.browser.test_csp import CSPWatch
from tests.browser.test_phone_width import assert_fits, phone_context
from tests.jdbuilder.documents.pdf_reading import body_text, reader_for, squash
from tests.support.jds import make_final_jd

LONG_TITLE = "Senior Software Engineer, Machine Learning Infrastructure and Data Platforms"


@pytest.fixture
def issued(live_catalog, live_manager):
    return make_final_jd(live_manager, title=LONG_TITLE)


def test_recruiter_reads_the_kit_and_downloads_its_pdf(issued, live_recruiter, sign_in, page):
    kit = kit_of(build_document(issued.latest_revision))
    first = kit.skills[0]
    csp = CSPWatch(page)
    sign_in(live_recruiter, f"/kits/{issued.public_id}/")
    csp.visit(page.url, "the kit page")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Interview kit: {LONG_TITLE}")
    expect(page.get_by_role("heading", name="Scorecard")).to_be_visible()
    scorecard = page.get_by_role("table", name="Scorecard")
    for column in ("Skill", "Level expected", "Below", "Meets", "Above", "Notes"):
        expect(scorecard.get_by_role("columnheader", name=column)).to_be_visible()
    expect(scorecard.get_by_role("row")).to_have_count(len(kit.skills) + 1)
    expect(scorecard.get_by_role("rowheader", name=first.name)).to_be_visible()
    expect(page.get_by_text(f"Rubric: {first.rubric}").first).to_be_visible()
    assert_accessible(page)
    csp.check("the kit page")

    with page.expect_download() as pdf:
        page.get_by_role("link", name="PDF", exact=True).click()
    download = pdf.value
    assert download.suggested_filename.endswith("-interview-kit-r1.pdf")
    content = Path(download.path()).read_bytes()
    assert content.startswith(b"%PDF")
    text = body_text(reader_for(content))
    assert "Scorecard" in text
    for skill in kit.skills:
        assert squash(f"Rubric: {skill.rubric}") in text
    stored = RenderedFile.objects.get(revision=issued.latest_revision, format="kit-pdf")
    assert bytes(stored.content) == content


def test_the_kit_page_fits_a_phone(issued, fresh_session):
    page = fresh_session(issued.owner, f"/kits/{issued.public_id}/", **phone_context())
    expect(page.get_by_role("heading", name="Scorecard")).to_be_visible()
    assert_fits(page, "the kit page")
    assert_accessible(page)
