"""The PDF exports: what they say, how accessible they are, their fonts, paper and bytes, and how
the download view renders each revision's PDF once and keeps it."""

from __future__ import annotations

import datetime
import hashlib
import io
from dataclasses import replace
from html.parser import HTMLParser

import pypdf
import pytest
import weasyprint
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pypdf.generic import ArrayObject, BooleanObject, DictionaryObject

from jdbuilder.documents.build import build_document
from jdbuilder.documents.formats import FORMATS, ExportFormat
from jdbuilder.documents.pdf import render_pdf, render_pdf_letter, render_print_html
from jdbuilder.models import RenderedFile
from jdbuilder.services import finalize_job_description
from tests.support.jds import retitle

pytestmark = pytest.mark.django_db

# print.css page margins in points (20mm top, 18mm bottom): the header and the page number
# are drawn above and below them, the document between.
TOP_MARGIN, BOTTOM_MARGIN = 56, 51
A4 = (595.28, 841.89)
LETTER = (612, 792)
# #0d6efd, the bar colour document.css gives the chart, as PDF fill components.
CHART_BAR_FILL = b"0.05098 0.431373 0.992157 rg"


# --- helpers ------------------------------------------------------------------------------


def squash(text: str) -> str:
    """Text without whitespace: wrapped lines compare equal to the string that was typed."""
    return "".join(text.split())


def split_page(page) -> tuple[str, str, str]:
    """(header, document text, footer) of one page, by where each piece of text is drawn."""
    header, body, footer = [], [], []
    height = float(page.mediabox.height)

    def visit(text, cm, tm, font, size):
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        if y >= height - TOP_MARGIN:
            header.append(text)
        elif y <= BOTTOM_MARGIN:
            footer.append(text)
        else:
            body.append(text)

    page.extract_text(visitor_text=visit)
    return "".join(header).strip(), "".join(body), "".join(footer).strip()


def reader_for(content: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(content))


def body_text(reader: pypdf.PdfReader) -> str:
    """The document's text without headers, footers or list bullets (drawn apart from their
    items), whitespace dropped."""
    return squash("".join(split_page(page)[1] for page in reader.pages)).replace("•", "")


def struct_elements(reader: pypdf.PdfReader):
    """Every structure element, depth first, in the order of the structure tree."""
    root = reader.trailer["/Root"]["/StructTreeRoot"]
    stack = [root]
    while stack:
        element = stack.pop().get_object()
        if element.get("/Type") == "/StructElem":
            yield element
        kids = element.get("/K", ArrayObject())
        if not isinstance(kids, list):
            kids = [kids]
        children = [kid.get_object() for kid in kids if hasattr(kid, "get_object")]
        stack.extend(child for child in reversed(children) if isinstance(child, DictionaryObject))


def fonts_of(reader: pypdf.PdfReader) -> list[DictionaryObject]:
    """Every font dictionary the pages use, their form XObjects (the chart) included."""
    fonts, seen = [], set()

    def visit(resources):
        resources = resources.get_object() if resources is not None else {}
        for ref in resources.get("/Font", {}).values():
            if ref.idnum not in seen:
                seen.add(ref.idnum)
                fonts.append(ref.get_object())
        for ref in resources.get("/XObject", {}).values():
            xobject = ref.get_object()
            if "/Resources" in xobject and ref.idnum not in seen:
                seen.add(ref.idnum)
                visit(xobject["/Resources"])

    for page in reader.pages:
        visit(page.get("/Resources"))
    return fonts


class Headings(HTMLParser):
    """The heading tags of an HTML page, in document order."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.tags.append(f"/{tag.upper()}")


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


@pytest.fixture
def jd(manager, make_final_jd):
    benefits = "\n".join(f"Benefit {n}: a line long enough to fill the page" for n in range(40))
    return make_final_jd(manager, benefits=benefits)


@pytest.fixture
def revision(jd):
    return jd.revisions.get()


@pytest.fixture
def document(revision):
    return build_document(revision)


@pytest.fixture
def a4(document) -> bytes:
    return render_pdf(document)


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


# --- downloads --------------------------------------------------------------------------------


def download(client, jd, fmt="pdf", number=None):
    """The latest revision's file (through its redirect to the revision's own URL), or one's."""
    if number is None:
        return client.get(f"/jd/{jd.public_id}/download/{fmt}/", follow=True)
    return client.get(f"/jd/{jd.public_id}/revisions/{number}/download/{fmt}/")


def refuse_to_render(*args, **kwargs):
    raise AssertionError("rendered again: the stored PDF should have been served")


class TestDownloads:
    def test_the_first_download_renders_and_stores_the_next_is_served_from_storage(
        self, client, manager, jd, revision, monkeypatch
    ):
        client.force_login(manager)
        first = download(client, jd)
        assert first.redirect_chain == [(f"/jd/{jd.public_id}/revisions/1/download/pdf/", 302)]
        assert first.status_code == 200
        assert first["Content-Type"] == "application/pdf"
        assert first["Content-Disposition"].startswith("attachment;")
        assert first["Content-Disposition"].endswith('-r1.pdf"')
        assert first.content.startswith(b"%PDF-1.7")
        stored = RenderedFile.objects.get(revision=revision, format="pdf")
        assert bytes(stored.content) == first.content
        assert stored.sha256 == hashlib.sha256(first.content).hexdigest()

        monkeypatch.setattr(ExportFormat, "render", refuse_to_render)
        with CaptureQueriesContext(connection) as queries:
            second = download(client, jd)
        assert second.status_code == 200 and second.content == first.content
        assert not [q for q in queries if q["sql"].lstrip().upper().startswith("INSERT")]
        assert RenderedFile.objects.count() == 1

    def test_a4_and_letter_are_stored_apart(self, client, manager, jd, revision):
        client.force_login(manager)
        a4 = download(client, jd, "pdf").content
        letter = download(client, jd, "pdf-letter").content
        assert a4 != letter
        assert reader_for(letter).pages[0].mediabox.width == pytest.approx(612)
        assert set(revision.rendered_files.values_list("format", flat=True)) == {
            "pdf",
            "pdf-letter",
        }
        assert FORMATS["pdf"].stored and FORMATS["pdf-letter"].stored

    def test_a_new_revision_gets_its_own_pdf_and_the_old_one_keeps_its_own(
        self, client, manager, jd
    ):
        client.force_login(manager)
        first = download(client, jd).content
        assert "SeniorSoftwareEngineer" in body_text(reader_for(first))

        jd.reopen()
        retitle(jd, "Staff Software Engineer")
        finalize_job_description(job_description=jd, user=manager, expected_version=jd.lock_version)

        response = download(client, jd)
        assert response.redirect_chain[-1][0] == f"/jd/{jd.public_id}/revisions/2/download/pdf/"
        latest = response.content
        assert latest != first
        assert "StaffSoftwareEngineer" in body_text(reader_for(latest))
        second_revision = jd.revisions.get(number=2)
        stored = RenderedFile.objects.get(revision=second_revision, format="pdf")
        assert bytes(stored.content) == latest
        assert download(client, jd, number=2).content == latest
        assert download(client, jd, number=1).content == first
        assert RenderedFile.objects.filter(format="pdf").count() == 2

    def test_a_render_that_dies_midway_leaves_nothing_stored(
        self, client, manager, jd, revision, monkeypatch
    ):
        """A worker killed while writing the PDF: no half file is kept, the next try works."""
        client.force_login(manager)

        def killed(*args, **kwargs):
            raise RuntimeError("worker killed while writing the PDF")

        with monkeypatch.context() as patch:
            patch.setattr(weasyprint.Document, "write_pdf", killed)
            with pytest.raises(RuntimeError, match="worker killed"):
                download(client, jd)
        assert not RenderedFile.objects.exists()

        response = download(client, jd)
        assert response.status_code == 200 and response.content.startswith(b"%PDF")
        assert RenderedFile.objects.filter(revision=revision).count() == 1

    def test_a_user_who_may_not_see_the_jd_gets_no_pdf(self, client, jd):
        from tests.factories import ManagerFactory

        client.force_login(ManagerFactory())
        assert download(client, jd).status_code == 404
        assert not RenderedFile.objects.exists()
