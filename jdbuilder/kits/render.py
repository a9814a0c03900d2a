"""Kit -> HTML, PDF and Word: the same safe paths as the JD's own files.

The PDF goes through `documents.pdf.html_to_pdf`: the URL fetcher that loads nothing but data:
URLs and our own static files, our fonts only, attachments stripped, fixed dates. Every text
reaches the markup through Django's template escaping (templates/kits/). The Word file is built
with python-docx as `documents.docx` builds the JD's, with its helpers (language, logo, band,
fixed zip timestamps): text goes in as text, never as markup.
"""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.text import slugify

from jdbuilder.document import Document
from jdbuilder.documents.text import one_line
from jdbuilder.kits.kit import Kit

# Blank lines printed in a scorecard's Notes cell, to write on.
NOTE_LINES = 3


@dataclass(frozen=True)
class KitFormat:
    """A kit download. `key` is the RenderedFile.format an issued revision's copy is kept under
    (at most 10 characters); `like` the JD export format whose content type it shares."""

    fmt: str  # in the URL
    key: str
    label: str
    extension: str
    like: str
    renderer: Callable[[Kit], bytes]

    def filename(self, kit: Kit) -> str:
        """'<title>-interview-kit-r<n>.pdf', or '-draft' for a draft's kit."""
        suffix = "draft" if kit.revision is None else f"r{kit.revision}"
        stem = slugify(f"{kit.title} interview kit")[:100] or "interview-kit"
        return f"{stem}-{suffix}.{self.extension}"


def render_kit_html(kit: Kit, *, standalone: bool = False) -> str:
    """The kit's body (templates/kits/_kit.html); `standalone` for a file, where its title is
    the h1."""
    return render_to_string(
        "kits/_kit.html", {"kit": kit, "standalone": standalone, "note_lines": range(NOTE_LINES)}
    )


def render_kit_print_html(kit: Kit) -> str:
    """The HTML WeasyPrint lays out."""
    return render_to_string(
        "kits/print.html", {"kit": kit, "body": render_kit_html(kit, standalone=True)}
    )


def _metadata(kit: Kit) -> Document:
    """The Document the PDF's metadata and branding come from: the kit's title, and an
    identifier of its own (a kit is not the JD's file)."""
    if kit.document is None:
        raise ValueError("a kit is rendered to a file from the Document it was built from")
    return dataclasses.replace(
        kit.document, title=kit.heading, public_id=f"{kit.document.public_id}:kit"
    )


def render_kit_pdf(kit: Kit) -> bytes:
    """The kit as an A4 PDF, through the JD PDF's safe renderer."""
    from jdbuilder.documents.pdf import html_to_pdf  # WeasyPrint loads only where it is used

    return html_to_pdf(render_kit_print_html(kit), _metadata(kit), "a4", description=kit.heading)


def _word_document(kit: Kit):
    from docx import Document as new_word_document
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    from jdbuilder.documents import docx as jd_docx

    word = new_word_document()
    jd_docx._drop_thumbnail(word)
    jd_docx._set_language(word, kit.language)
    document = _metadata(kit)
    if document.branding is not None:
        jd_docx._add_logo(word, document)
        jd_docx._add_band(word, document)

    word.add_heading(one_line(kit.heading), level=1)
    word.add_paragraph(" · ".join(one_line(part) for part in kit.byline))
    if kit.summary:
        word.add_heading("About the role", level=2)
        word.add_paragraph(kit.summary)
    word.add_paragraph(
        "For each skill: the level the job asks for, what that level means (the rubric), and "
        "questions to ask at that level. Score each skill on the scorecard at the end."
    )
    for heading, skills in (("Required skills", kit.required), ("Nice to have", kit.nice_to_have)):
        if not skills:
            continue
        word.add_heading(heading, level=2)
        for skill in skills:
            word.add_heading(f"{one_line(skill.name)} ({one_line(skill.level_name)})", level=3)
            rubric = word.add_paragraph()
            rubric.add_run("Rubric: ").bold = True
            rubric.add_run(one_line(skill.rubric))
            if skill.all_generic:
                word.add_paragraph(
                    "No questions for this skill at this level in the question bank yet: "
                    "these are generic questions for the level."
                )
            for question in skill.questions:
                paragraph = word.add_paragraph(style="List Number")
                paragraph.add_run(f"{question.kind_label}: ").bold = True
                paragraph.add_run(question.text)
                if question.generic:
                    paragraph.add_run(" (generic)").italic = True
                answer = word.add_paragraph(style="List Continue")
                answer.add_run("A strong answer shows: ").italic = True
                answer.add_run(question.strong_answer)

    word.add_heading("Scorecard", level=2)
    word.add_paragraph(f"Candidate: {'_' * 30}   Interviewer: {'_' * 30}   Date: {'_' * 12}")
    columns = ("Skill", "Level expected", "Below", "Meets", "Above", "Notes")
    table = word.add_table(rows=1, cols=len(columns), style="Table Grid")
    header = table.rows[0]
    for cell, text in zip(header.cells, columns, strict=True):
        cell.paragraphs[0].add_run(text).bold = True
    header._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    for row in kit.scorecard:
        cells = table.add_row().cells
        cells[0].text = one_line(row.skill)
        cells[1].text = one_line(row.level_expected)
        for cell in cells[2:5]:
            cell.text = "☐"  # a box to tick
        cells[5].text = "\n" * (NOTE_LINES - 1)
    caption = OxmlElement("w:tblCaption")
    caption.set(qn("w:val"), "Scorecard: below, meets or above the level, per skill")
    table._tbl.tblPr.append(caption)

    issued = jd_docx._issued_at(document)
    properties = word.core_properties
    properties.title = jd_docx._property(kit.heading)
    properties.author = jd_docx._property(kit.company) or "JD Builder"
    properties.last_modified_by = properties.author
    properties.language = jd_docx._property(kit.language)
    properties.subject = jd_docx._property(f"Interview kit: {kit.title}")
    properties.category = "Interview kit"
    properties.identifier = f"{kit.public_id}-kit-{kit.revision_label.replace(' ', '')}"
    properties.revision = max(kit.revision or 1, 1)
    properties.keywords = jd_docx._property(", ".join(skill.name for skill in kit.skills))
    properties.created = issued
    properties.modified = issued
    return word


def render_kit_docx(kit: Kit) -> bytes:
    """The kit as a .docx file's bytes; the same kit gives the same bytes."""
    from jdbuilder.documents import docx as jd_docx

    buffer = io.BytesIO()
    _word_document(kit).save(buffer)
    return jd_docx._with_fixed_timestamps(buffer.getvalue(), kit.date or jd_docx.UNISSUED)


KIT_FORMATS: dict[str, KitFormat] = {
    f.fmt: f
    for f in (
        KitFormat("pdf", "kit-pdf", "PDF", "pdf", "pdf", render_kit_pdf),
        KitFormat("docx", "kit-docx", "Word", "docx", "docx", render_kit_docx),
    )
}

__all__ = [
    "KIT_FORMATS",
    "KitFormat",
    "render_kit_docx",
    "render_kit_html",
    "render_kit_pdf",
    "render_kit_print_html",
]
