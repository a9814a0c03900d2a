"""Document -> Word (.docx) with python-docx.

Real Word structure, so the file is accessible and editable: Heading 1 for the title, Heading 2
for sections, Heading 3 for task areas, "List Bullet" lists, a skill table with a header row.
The sections come from `text.outline`, the same walk the Markdown and text exports use.

The output is deterministic: the same Document gives the same bytes. The core properties' dates
come from the document's issue date and every zip entry gets one fixed timestamp (python-docx
would stamp each with the time of saving).
"""

from __future__ import annotations

import datetime
import io
import zipfile

from docx import Document as new_word_document
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table

from jdbuilder.document import Document
from jdbuilder.documents.text import Bullets, Heading, Paragraph, SkillTable, one_line, outline
from jdbuilder.organization.brand import brand_colours

# Used for the dates of a document that has not been issued (the review step's preview):
# any fixed value keeps the output reproducible. 1980-01-01 is also the earliest zip date.
UNISSUED = datetime.date(1980, 1, 1)
# The logo in the page header: this high, and never wider than LOGO_MAX_WIDTH.
LOGO_HEIGHT = Cm(1.2)
LOGO_MAX_WIDTH = Cm(6)
LOGO_TYPES = ("image/png", "image/jpeg")
BAND_STYLE = "Company Band"


def _issued_at(document: Document) -> datetime.datetime:
    day = document.date_posted or UNISSUED
    return datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.UTC)


def _set_language(word, language: str) -> None:
    """The default run language, so Word spell-checks in the document's language."""
    defaults = word.styles.element.find(qn("w:docDefaults"))
    r_pr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = r_pr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        r_pr.append(lang)
    lang.set(qn("w:val"), language)


def _drop_thumbnail(word) -> None:
    """python-docx's template carries a thumbnail of an empty page: not a preview of this one."""
    rels = word.part.package.rels
    for r_id in [r_id for r_id, rel in rels.items() if rel.reltype == RT.THUMBNAIL]:
        rels.pop(r_id)


def _skill_table(word, block: SkillTable) -> Table:
    word.add_paragraph(block.caption, style="Caption")
    table = word.add_table(rows=1, cols=3, style="Table Grid")
    header = table.rows[0]
    for cell, text in zip(header.cells, ("Skill", "Level", "Importance"), strict=True):
        cell.paragraphs[0].add_run(text).bold = True
    # Repeat the header row on each page; screen readers also read it as the column headers.
    header._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    for row in block.rows:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = text
    # Alternative text for the table (Word's Table Properties > Alt Text).
    caption = OxmlElement("w:tblCaption")
    caption.set(qn("w:val"), block.caption)
    table._tbl.tblPr.append(caption)
    return table


def _add_logo(word, document: Document) -> None:
    """The logo in the page header (on white, on every page), from the bytes the Document
    carries: Word embeds them, nothing is linked."""
    branding = document.branding
    if not branding.logo or branding.logo_media_type not in LOGO_TYPES:
        return
    width, height = branding.logo_width or 1, branding.logo_height or 1
    size = {"height": LOGO_HEIGHT}
    if LOGO_HEIGHT * width / height > LOGO_MAX_WIDTH:
        size = {"width": LOGO_MAX_WIDTH}
    header = word.sections[0].header
    shape = header.paragraphs[0].add_run().add_picture(io.BytesIO(branding.logo), **size)
    # Alternative text (Word's Picture > Alt Text).
    name = one_line(document.company_name) or "Company"
    shape._inline.docPr.set("descr", f"{name} logo")


def _add_band(word, document: Document) -> None:
    """A paragraph shaded in the brand colour with the company's name, white or black on it."""
    colours = brand_colours(document.branding.colour)
    # A style of its own: the band is the letterhead, not a paragraph of the posting.
    style = word.styles.add_style(BAND_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = word.styles["Normal"]
    band = word.add_paragraph(style=style)
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), colours.key.upper())
    band._p.get_or_add_pPr().append(shading)
    run = band.add_run(one_line(document.company_name) or " ")
    run.bold = True
    run.font.size = Pt(14)
    run.font.color.rgb = RGBColor.from_string(colours.text[1:].upper())


def _property(text: str) -> str:
    # Core properties are one-line XML text; python-docx refuses more than 255 characters.
    return one_line(text)[:255]


def _word_document(document: Document):
    word = new_word_document()
    _drop_thumbnail(word)
    _set_language(word, document.language)
    if document.branding is not None:
        _add_logo(word, document)
        _add_band(word, document)

    for block in outline(document):
        if isinstance(block, Heading):
            word.add_heading(block.text, level=block.level)
        elif isinstance(block, Paragraph):
            paragraph = word.add_paragraph()
            for number, line in enumerate(block.lines):
                run = paragraph.add_run(line)
                if number < len(block.lines) - 1:
                    run.add_break()
        elif isinstance(block, Bullets):
            for item in block.items:
                paragraph = word.add_paragraph(style="List Bullet")
                if item.lead:
                    paragraph.add_run(item.lead).bold = True
                paragraph.add_run(item.text if item.lead else item.text.lstrip())
        elif isinstance(block, SkillTable):
            _skill_table(word, block)

    issued = _issued_at(document)
    properties = word.core_properties
    properties.title = _property(document.title)
    properties.author = _property(document.company_name) or "JD Builder"
    properties.last_modified_by = properties.author
    properties.language = _property(document.language)
    properties.subject = _property(f"Job description: {document.role_name}")
    properties.category = "Job description"
    properties.identifier = f"{document.public_id}-r{document.revision}"
    properties.revision = max(document.revision, 1)
    properties.comments = f"Revision {document.revision}. Reference {document.public_id}."
    properties.keywords = _property(", ".join(skill.name for skill in document.skills))
    properties.created = issued
    properties.modified = issued
    return word


def _with_fixed_timestamps(data: bytes, when: datetime.date) -> bytes:
    """The same zip, every entry dated `when` (zip dates start in 1980), order kept."""
    stamp = (max(when.year, 1980), when.month, when.day, 0, 0, 0)
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16  # a plain file, whatever the process umask
            target.writestr(info, source.read(entry))
    return out.getvalue()


def render_docx(document: Document) -> bytes:
    """The document as a .docx file's bytes."""
    buffer = io.BytesIO()
    _word_document(document).save(buffer)
    return _with_fixed_timestamps(buffer.getvalue(), document.date_posted or UNISSUED)


__all__ = ["render_docx"]
