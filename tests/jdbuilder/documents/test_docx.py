"""The Word export: core properties, language, byte-identical output, real headings and lists,
the skill table, and text that XML forbids or that looks like markup."""

from __future__ import annotations

import datetime
import io
import zipfile

import docx

from jdbuilder.documents.docx import render_docx
from tests.jdbuilder.documents.reading import HOSTILE, download, squash
from tests.support.documents import POSTED, make_document


class TestWord:
    def test_core_properties(self):
        word = docx.Document(io.BytesIO(render_docx(make_document(revision=2))))
        properties = word.core_properties
        assert properties.title == "Senior Software Engineer"
        assert properties.author == "Acme Analytics"
        assert properties.language == "en"
        assert properties.identifier == "0b7f0c38-8d39-4c55-9a55-1b2a3c4d5e6f-r2"
        assert properties.revision == 2
        expected = datetime.datetime(2030, 1, 15, tzinfo=datetime.UTC)
        assert properties.created == properties.modified == expected

    def test_text_language_is_the_documents(self):
        word = docx.Document(io.BytesIO(render_docx(make_document())))
        lang = word.styles.element.xpath("w:docDefaults/w:rPrDefault/w:rPr/w:lang/@w:val")
        assert lang == ["en"]

    def test_output_is_byte_identical_each_time(self):
        first = render_docx(make_document())
        second = render_docx(make_document())
        assert first == second
        stamps = {info.date_time for info in zipfile.ZipFile(io.BytesIO(first)).infolist()}
        assert stamps == {(POSTED.year, POSTED.month, POSTED.day, 0, 0, 0)}

    def test_downloads_are_byte_identical(self, manager_client, final_jd):
        assert (
            download(manager_client, final_jd, "docx").content
            == download(manager_client, final_jd, "docx").content
        )

    def test_unissued_document_is_deterministic_too(self):
        assert render_docx(make_document(date_posted=None)) == render_docx(
            make_document(date_posted=None)
        )

    def test_headings_are_real_word_headings(self):
        word = docx.Document(io.BytesIO(render_docx(make_document())))
        styles = [(p.style.name, p.text) for p in word.paragraphs if p.style.name != "Normal"]
        assert styles[0] == ("Heading 1", "Senior Software Engineer")
        assert ("Heading 2", "Responsibilities") in styles
        assert ("Heading 3", "Build") in styles and ("Heading 3", "Operate") in styles
        assert ("List Bullet", "Design services") in styles
        # The skill's name is bold, the rest of the line is not.
        skill = next(p for p in word.paragraphs if p.text.startswith("Python ("))
        assert [(run.text, bool(run.bold)) for run in skill.runs] == [
            ("Python", True),
            (" (Advanced): Leads work on complex problems.", False),
        ]

    def test_skill_table(self):
        word = docx.Document(io.BytesIO(render_docx(make_document())))
        (table,) = word.tables
        rows = [[cell.text for cell in row.cells] for row in table.rows]
        assert rows == [
            ["Skill", "Level", "Importance"],
            ["Python", "Advanced, 4 of 5", "Required"],
            ["Go", "Working, 2 of 5", "Nice to have"],
        ]

    def test_thumbnail_of_an_empty_page_is_dropped(self):
        names = zipfile.ZipFile(io.BytesIO(render_docx(make_document()))).namelist()
        assert names[0] == "[Content_Types].xml"
        assert not any("thumbnail" in name for name in names)

    def test_characters_xml_forbids_do_not_break_the_export(self):
        # U+000B is what Word puts on the clipboard for a manual line break.
        document = make_document(
            title="Engineer\x01\x7f\ufffe",
            posting={"summary": "Line one\x0bline two", "company_name": "Acme\x00 Inc"},
        )
        word = docx.Document(io.BytesIO(render_docx(document)))
        assert word.paragraphs[0].text == "Engineer"
        assert any(p.text == "Line one\nline two" for p in word.paragraphs)
        assert word.core_properties.author == "Acme Inc"

    def test_typed_markup_is_text(self):
        document = make_document(title=HOSTILE, posting={"summary": HOSTILE})
        word = docx.Document(io.BytesIO(render_docx(document)))
        assert word.paragraphs[0].text == squash(HOSTILE)
        assert squash(HOSTILE) in [p.text for p in word.paragraphs if p.style.name == "Normal"]

    def test_stated_requirements_are_terms_bullets(self):
        document = make_document(
            posting={"experience_years": 3, "education_requirement": "associate degree"}
        )
        word = docx.Document(io.BytesIO(render_docx(document)))
        bullets = [p.text for p in word.paragraphs if p.style.name == "List Bullet"]
        assert "Experience: 3 years" in bullets and "Education: Associate degree" in bullets
        plain = docx.Document(io.BytesIO(render_docx(make_document())))
        texts = " ".join(p.text for p in plain.paragraphs)
        assert "Experience:" not in texts and "Education:" not in texts
