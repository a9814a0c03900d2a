"""The kit as a PDF and a Word file (jdbuilder/kits/render.py): the scorecard, the rubrics and
the questions are in them; hostile text typed into the JD is text in the page, the PDF and the
Word file, never markup; the PDF loads nothing from outside."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest

from jdbuilder.documents.build import build_document
from jdbuilder.kits.render import KIT_FORMATS, render_kit_docx, render_kit_html, render_kit_pdf
from jdbuilder.kits.services import kit_of
from roles.models import ProficiencyLevel
from tests.factories import DraftFactory
from tests.jdbuilder.documents.pdf_reading import body_text, reader_for, squash
from tests.jdbuilder.kits.conftest import skill_choices

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalog")]

HOSTILE_TITLE = "<script>alert(1)</script> Engineer"
HOSTILE_SUMMARY = 'Build <img src="http://evil.example/x.png"> & <b>ship</b> it.'


@pytest.fixture
def kit(every_level_draft):
    return kit_of(build_document(every_level_draft))


@pytest.fixture
def hostile_kit(marked_bank, manager):
    jd = DraftFactory(
        owner=manager,
        title=HOSTILE_TITLE,
        skills=skill_choices(),
        posting={"summary": HOSTILE_SUMMARY},
    )
    return kit_of(build_document(jd))


def word_text(content: bytes) -> tuple[str, list[list[str]]]:
    """(every paragraph's text joined by newlines, the tables' cell texts by row)."""
    word = docx.Document(io.BytesIO(content))
    text = "\n".join(p.text for p in word.paragraphs)
    rows = [[cell.text for cell in row.cells] for table in word.tables for row in table.rows]
    return text, rows


def test_the_pdf_has_the_scorecard_the_rubrics_and_the_questions(kit):
    content = render_kit_pdf(kit)
    assert content.startswith(b"%PDF-")
    reader = reader_for(content)
    text = body_text(reader)
    for heading in ("Scorecard", "Skill", "Levelexpected", "Below", "Meets", "Above", "Notes"):
        assert heading in text
    for skill in kit.skills:
        assert squash(skill.rubric) in text
        assert squash(f"Rubric: {skill.rubric}") in text
        for question in skill.questions:
            assert squash(question.text) in text
            assert squash(question.strong_answer) in text
    # Every skill's scorecard row: its name, then the level it is expected at.
    scorecard = text[text.rindex("Scorecard") :]
    for row in kit.scorecard:
        assert squash(f"{row.skill}{row.level_expected}") in scorecard
    assert reader.metadata.title == kit.heading
    # The running header names the company, as on the JD's PDF.
    assert kit.company and squash(kit.company) in squash(reader.pages[0].extract_text())


def test_the_pdf_is_the_same_bytes_for_the_same_kit(kit):
    assert render_kit_pdf(kit) == render_kit_pdf(kit)


def test_the_word_file_opens_and_has_the_scorecard_and_rubrics(kit):
    content = render_kit_docx(kit)
    assert zipfile.is_zipfile(io.BytesIO(content))
    text, rows = word_text(content)
    assert f"Interview kit: {kit.title}" in text
    assert rows[0] == ["Skill", "Level expected", "Below", "Meets", "Above", "Notes"]
    assert [r[:2] for r in rows[1:]] == [[r.skill, r.level_expected] for r in kit.scorecard]
    assert all(r[2:5] == ["☐", "☐", "☐"] for r in rows[1:])
    for skill in kit.skills:
        assert f"Rubric: {skill.rubric}" in text
        for question in skill.questions:
            assert question.text in text and question.strong_answer in text
    word = docx.Document(io.BytesIO(content))
    headings = [p.text for p in word.paragraphs if p.style.name.startswith("Heading")]
    assert headings[0] == kit.heading
    assert "Scorecard" in headings and "Required skills" in headings
    assert word.core_properties.title == kit.heading
    assert render_kit_docx(kit) == content  # reproducible


def test_the_descriptors_of_every_level_are_in_both_files(kit):
    descriptors = list(ProficiencyLevel.objects.values_list("descriptor", flat=True))
    pdf = body_text(reader_for(render_kit_pdf(kit)))
    text, _ = word_text(render_kit_docx(kit))
    for descriptor in descriptors:
        assert squash(descriptor) in pdf
        assert descriptor in text


def test_hostile_text_is_escaped_in_the_page(hostile_kit):
    html = render_kit_html(hostile_kit)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Engineer" in html
    assert "<img" not in html and "&lt;img src=&quot;http://evil.example/x.png&quot;&gt;" in html
    assert "<b>ship</b>" not in html


def test_hostile_text_is_text_in_the_pdf(hostile_kit, monkeypatch):
    from jdbuilder.documents import pdf

    fetched = []
    real = pdf.fetch_static

    def watch(url):
        fetched.append(url)
        return real(url)

    monkeypatch.setattr(pdf, "fetch_static", watch)
    text = body_text(reader_for(render_kit_pdf(hostile_kit)))
    assert squash(f"Interview kit: {HOSTILE_TITLE}") in text
    assert squash(HOSTILE_SUMMARY) in text
    # Only our own static files were loaded (fonts, the kit's stylesheet): never the <img>.
    assert fetched and all(u.startswith("https://jdbuilder.invalid/static/") for u in fetched)
    assert any(u.endswith("/static/kits/kit.css") for u in fetched)


def test_hostile_text_is_text_in_the_word_file(hostile_kit):
    content = render_kit_docx(hostile_kit)
    text, _ = word_text(content)
    assert f"Interview kit: {HOSTILE_TITLE}" in text and HOSTILE_SUMMARY in text
    body = zipfile.ZipFile(io.BytesIO(content)).read("word/document.xml").decode()
    assert "<script>" not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_file_names_name_the_revision_or_the_draft(kit, every_level_final):
    assert KIT_FORMATS["pdf"].filename(kit) == "platform-engineer-interview-kit-draft.pdf"
    issued = kit_of(build_document(every_level_final.latest_revision))
    assert KIT_FORMATS["docx"].filename(issued) == "platform-engineer-interview-kit-r1.docx"
    assert {f.key for f in KIT_FORMATS.values()} == {"kit-pdf", "kit-docx"}
    assert all(len(f.key) <= 10 for f in KIT_FORMATS.values())
