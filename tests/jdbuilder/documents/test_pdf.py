"""The PDF exports: what they say, how accessible they are, their fonts, paper and bytes.

Every test here only reads one issued JD's Document and its A4 PDF, made once for the module
(`issued`). How the download view renders each revision's PDF once and keeps it is in
tests/jdbuilder/test_downloads.py.
"""

from __future__ import annotations

import datetime
from dataclasses import replace

import pytest
from django.db import transaction
from pypdf.generic import BooleanObject

from jdbuilder.documents.build import build_document
from jdbuilder.documents.pdf import render_pdf, render_pdf_letter, render_print_html
from tests.factories import ManagerFactory
from tests.jdbuilder.documents.pdf_reading import (
    Headings,
    body_text,
    fonts_of,
    reader_for,
    split_page,
    squash,
    struct_elements,
)
from tests.support.catalog import catalog_is_loaded, load_seed_catalog
from tests.support.jds import make_final_jd

# pytest-django creates the test database (which `issued` writes to) only for marked tests.
pytestmark = pytest.mark.django_db

A4 = (595.28, 841.89)
LETTER = (612, 792)
# #0d6efd, the bar colour document.css gives the chart, as PDF fill components.
CHART_BAR_FILL = b"0.05098 0.431373 0.992157 rg"


def assert_whole_posting(document, text: str) -> None:
    """Every part of the posting is in `text`, in the order of the document."""
    assert squash(document.title) in text
    assert squash(document.company_name) in text
    for group in document.responsibilities:
        assert squash(group.heading) in text
        for item in group.items:
            assert squash(item) in text
    assert document.skills
    for skill in document.skills:
        assert squash(f"{skill.name} ({skill.level_name}): {skill.level_descriptor}") in text
    assert squash("Compensation: 150,000 to 190,000 USD a year") in text
    for benefit in document.benefits:
        assert squash(benefit) in text
    assert squash(document.how_to_apply) in text
    assert squash(document.equal_opportunity) in text
    landmarks = [
        document.title,
        "Summary",
        "Responsibilities",
        "Skills",
        "Compensation and terms",
        "Benefits",
        "Equal opportunity",
        "How to apply",
        f"Reference {document.public_id}",
    ]
    positions = [text.index(squash(landmark)) for landmark in landmarks]
    assert positions == sorted(positions)


# Enough benefits for two pages at least.
BENEFITS = "\n".join(f"Benefit {n}: a line long enough to fill the page" for n in range(40))


@pytest.fixture(scope="module")
def issued(django_db_setup, django_db_blocker):
    """A final JD's revision, its Document and its A4 PDF, made once for the module.

    The JD is made as `make_final_jd` makes it, inside a transaction rolled back as soon as its
    revision is read: what is returned is plain data. The revision is an object in memory whose
    row is gone: read its fields, query nothing through it.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        if not catalog_is_loaded():
            load_seed_catalog()
        revision = make_final_jd(ManagerFactory(), benefits=BENEFITS).revisions.get()
        document = build_document(revision)
        transaction.set_rollback(True)  # the JD is not needed past this point
    return {"revision": revision, "document": document, "a4": render_pdf(document)}


@pytest.fixture
def revision(issued):
    return issued["revision"]


@pytest.fixture
def document(issued):
    return issued["document"]


@pytest.fixture
def a4(issued) -> bytes:
    return issued["a4"]


# --- what the PDF says ------------------------------------------------------------------------


class TestContent:
    @pytest.mark.parametrize("render", [render_pdf, render_pdf_letter])
    def test_the_text_has_the_whole_posting_in_order(self, document, render):
        assert_whole_posting(document, body_text(reader_for(render(document))))

    def test_the_skill_chart_is_drawn_with_its_styles_and_described(self, document, a4):
        reader = reader_for(a4)
        figures = [e for e in struct_elements(reader) if e["/S"] == "/Figure"]
        assert [f.get("/Alt") for f in figures] == [f"Skill profile: {document.title}"]
        # The chart's own text is real text in the PDF: its legend is drawn nowhere else.
        drawn = squash("".join(p.extract_text(extraction_mode="layout") for p in reader.pages))
        assert squash(f"Levels: 1 = {document.scale[0]}") in drawn
        for skill in document.skills:
            assert squash(skill.name) in drawn
        # document.css's bar colour reached the SVG: the bars are drawn in it.
        contents = b"".join(
            ref.get_object().get_data()
            for page in reader.pages
            for ref in [page["/Contents"], *page["/Resources"].get("/XObject", {}).values()]
        )
        assert CHART_BAR_FILL in contents

    def test_every_page_has_the_company_and_its_number(self, document, a4):
        reader = reader_for(a4)
        total = len(reader.pages)
        assert total >= 2
        for number, page in enumerate(reader.pages, start=1):
            header, _, footer = split_page(page)
            assert header == document.company_name
            assert footer == f"Page {number} of {total}"

    def test_a_jd_without_a_company_has_an_empty_header(self, document):
        reader = reader_for(render_pdf(replace(document, company_name="")))
        assert all(split_page(page)[0] == "" for page in reader.pages)
        assert reader.metadata.author is None


# --- accessibility and metadata --------------------------------------------------------------


class TestAccessibility:
    def test_metadata_names_the_jd_its_company_language_and_issue_date(
        self, revision, document, a4
    ):
        reader = reader_for(a4)
        issued = datetime.datetime.combine(
            revision.finalized_at.date(), datetime.time(), tzinfo=datetime.UTC
        )
        assert reader.metadata.title == document.title
        assert reader.metadata.author == document.company_name
        assert reader.metadata.creator == "JD Builder"
        assert reader.metadata.creation_date == issued
        assert reader.metadata.modification_date == issued
        root = reader.trailer["/Root"]
        assert root["/Lang"] == document.language == "en"
        assert root["/ViewerPreferences"]["/DisplayDocTitle"] == BooleanObject(True)

    def test_the_pdf_is_tagged_pdf_ua_1(self, a4):
        reader = reader_for(a4)
        root = reader.trailer["/Root"]
        assert root["/MarkInfo"]["/Marked"] == BooleanObject(True)
        assert root["/StructTreeRoot"]["/K"]
        assert a4.startswith(b"%PDF-1.7")
        xmp = root["/Metadata"].get_object().get_data()
        assert b'pdfuaid:part="1"' in xmp
        for page in reader.pages:
            assert page["/Tabs"] == "/S"  # tab order follows the structure

    def test_the_structure_follows_the_html(self, document, a4):
        """Reading order is DOM order: the headings come in the order the HTML has them."""
        parser = Headings()
        parser.feed(render_print_html(document))
        tagged = [e["/S"] for e in struct_elements(reader_for(a4)) if e["/S"].startswith("/H")]
        assert tagged == parser.tags
        kinds = {e["/S"] for e in struct_elements(reader_for(a4))}
        assert {"/Art", "/Sect", "/L", "/LI", "/P", "/Figure"} <= kinds

    def test_every_font_is_embedded_and_ours(self, a4):
        fonts = fonts_of(reader_for(a4))
        assert fonts
        names = set()
        for font in fonts:
            names.add(str(font["/BaseFont"]).split("+", 1)[-1])
            described = (
                font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            )
            descriptor = described["/FontDescriptor"].get_object()
            assert "/FontFile2" in descriptor or "/FontFile3" in descriptor, font
        assert names == {"JD-Sans", "JD-Sans-Bold"}


# --- paper and bytes --------------------------------------------------------------------------


class TestPaperAndBytes:
    @pytest.mark.parametrize(("render", "size"), [(render_pdf, A4), (render_pdf_letter, LETTER)])
    def test_page_size(self, document, render, size):
        for page in reader_for(render(document)).pages:
            assert float(page.mediabox.width) == pytest.approx(size[0], abs=0.5)
            assert float(page.mediabox.height) == pytest.approx(size[1], abs=0.5)

    def test_the_same_document_gives_the_same_bytes(self, revision, a4):
        assert render_pdf(build_document(revision)) == a4
        letter = render_pdf_letter(build_document(revision))
        assert render_pdf_letter(build_document(revision)) == letter
        assert letter != a4

    def test_the_file_identifier_is_fixed_by_the_revision(self, document, a4):
        """Not random and not a hash of the time: the same revision, the same /ID."""
        identifier = reader_for(a4).trailer["/ID"][0]
        expected = f"jdbuilder:{document.public_id}:r{document.revision}".encode()
        assert getattr(identifier, "original_bytes", identifier) == expected
