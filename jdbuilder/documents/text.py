"""Document -> Markdown and plain text, for pasting into applicant tracking systems.

`outline` lays the document out as a flat list of blocks, in the sections and order of
templates/documents/_document.html; the Markdown, plain-text and Word renderers all walk it, so
the three cannot drift apart. Like every renderer, this reads only the Document.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass

from jdbuilder.document import Document, clean

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


# ---------------------------------------------------------------------------------------------
# The outline


@dataclass(frozen=True)
class Heading:
    level: int  # 1 the title, 2 a section, 3 a group within a section
    text: str


@dataclass(frozen=True)
class Paragraph:
    lines: tuple[str, ...]  # shown with line breaks between them, as linebreaksbr does


@dataclass(frozen=True)
class Item:
    """One bullet: `lead` is shown in bold (a skill's name, a tool area), then `text`."""

    lead: str
    text: str

    @property
    def plain(self) -> str:
        return f"{self.lead}{self.text}"


@dataclass(frozen=True)
class Bullets:
    items: tuple[Item, ...]


@dataclass(frozen=True)
class SkillTable:
    """The skill chart's data. Word shows it as a table; the text formats skip it, since the
    skill bullets already say every level in words."""

    caption: str
    rows: tuple[tuple[str, str, str], ...]  # skill, level ("Advanced, 4 of 5"), importance


Block = Heading | Paragraph | Bullets | SkillTable


def one_line(text: str) -> str:
    """`text` on one line, for bullets and headings, where a line break would end the block."""
    return " ".join(clean(text).split())


def paragraphs(text: str) -> list[Paragraph]:
    """A user's multi-line text: blank lines separate paragraphs, other breaks are kept."""
    result = []
    for chunk in re.split(r"\n\s*\n", clean(text).strip()):
        lines = tuple(" ".join(line.split()) for line in chunk.splitlines() if line.strip())
        if lines:
            result.append(Paragraph(lines))
    return result


def long_date(date: datetime.date) -> str:
    """The date as the page's date:"j F Y" shows it ("31 January 2030"), in any locale."""
    return f"{date.day} {MONTHS[date.month - 1]} {date.year}"


def _bullets(texts: Iterable[str]) -> Bullets:
    return Bullets(tuple(Item("", one_line(text)) for text in texts))


def _skill_items(skills) -> Bullets:
    return Bullets(
        tuple(
            Item(one_line(s.name), f" ({one_line(s.level_name)}): {one_line(s.level_descriptor)}")
            for s in skills
        )
    )


def meta_line(document: Document) -> str:
    """Company · location · workplace type · employment type, leaving out what is not set."""
    parts = (
        document.company_name,
        document.location,
        document.workplace_type_label,
        document.employment_type_label,
    )
    return " · ".join(one_line(part) for part in parts if part and part.strip())


def office_text(document: Document) -> str:
    """The office's name and address lines, as the page's "Office:" line shows them; a remote
    hub ("Remote, US") by its name alone."""
    office = document.office
    if office is None:
        return ""
    parts = [office.name] if office.remote_only else [office.name, *office.address.lines]
    return ", ".join(one_line(part) for part in parts if part.strip())


def terms(document: Document) -> list[str]:
    """The "Compensation and terms" list, worded as on the page."""
    compensation = document.compensation.text if document.compensation else "not stated"
    location = one_line(document.location) or "not stated"
    if document.workplace_type_label:
        location += f" ({document.workplace_type_label})"
    if document.is_remote and document.applicant_location.strip():
        location += f"; applicants based in {one_line(document.applicant_location)}"
    lines = [f"Compensation: {one_line(compensation)}", f"Location: {location}"]
    if document.department.strip():
        lines.append(f"Department: {one_line(document.department)}")
    if document.office:
        lines.append(f"Office: {office_text(document)}")
    if document.employment_type_label:
        lines.append(f"Employment type: {document.employment_type_label}")
    lines += document.stated_requirements
    if document.closing_date:
        lines.append(f"Applications close on {long_date(document.closing_date)}")
    return lines


def outline(document: Document) -> list[Block]:
    """The document as blocks, section by section as _document.html shows it."""
    blocks: list[Block] = [Heading(1, one_line(document.title))]
    meta = meta_line(document)
    if meta:
        blocks.append(Paragraph((meta,)))

    if document.summary.strip():
        blocks += [Heading(2, "Summary"), *paragraphs(document.summary)]

    if document.about_company.strip():
        company = one_line(document.company_name) or "the company"
        blocks += [Heading(2, f"About {company}"), *paragraphs(document.about_company)]

    if document.about_team.strip():
        blocks += [Heading(2, "About the team"), *paragraphs(document.about_team)]

    blocks.append(Heading(2, "Responsibilities"))
    for group in document.responsibilities:
        blocks += [Heading(3, one_line(group.heading)), _bullets(group.items)]

    blocks.append(Heading(2, "Skills"))
    if document.required_skills:
        blocks += [Heading(3, "Required"), _skill_items(document.required_skills)]
    if document.nice_to_have_skills:
        blocks += [Heading(3, "Nice to have"), _skill_items(document.nice_to_have_skills)]
    if document.skills:
        size = len(document.scale)
        blocks.append(
            SkillTable(
                caption=f"Skill profile on the scale {', '.join(document.scale)}.",
                rows=tuple(
                    (
                        one_line(s.name),
                        f"{one_line(s.level_name)}, {s.level_rank} of {size}",
                        "Required" if s.required else "Nice to have",
                    )
                    for s in document.skills
                ),
            )
        )

    if document.tools:
        blocks += [
            Heading(2, "Tools"),
            Bullets(
                tuple(
                    Item(f"{one_line(group.heading)}:", " " + ", ".join(map(one_line, group.items)))
                    for group in document.tools
                )
            ),
        ]

    if document.works_with:
        blocks += [
            Heading(2, "Who you will work with"),
            Paragraph((", ".join(map(one_line, document.works_with)) + ".",)),
        ]

    blocks += [Heading(2, "Compensation and terms"), _bullets(terms(document))]

    if document.benefits:
        blocks += [Heading(2, "Benefits"), _bullets(document.benefits)]

    if document.equal_opportunity.strip():
        blocks += [Heading(2, "Equal opportunity"), *paragraphs(document.equal_opportunity)]

    if document.how_to_apply.strip():
        blocks += [Heading(2, "How to apply"), *paragraphs(document.how_to_apply)]
    return blocks


# ---------------------------------------------------------------------------------------------
# Markdown

# Characters that mean something wherever they stand: escapes, code, emphasis, links and images,
# raw HTML and autolinks, ATX headings and their closing #s, GFM tables and strikethrough.
_MD_ANYWHERE = re.compile(r"([\\`*_\[\]<>#|~])")
# "&" only where it would start an entity reference (&amp; &#39; &#x27;).
_MD_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
# What opens a block at the start of a line: list markers, setext underlines, ordered lists.
_MD_LINE_START = re.compile(r"^([-+=])|^(\d{1,9})([.)])", re.MULTILINE)


def escape_markdown(text: str) -> str:
    """`text` as Markdown that renders exactly `text`: nothing typed is read as markup.

    Any ASCII punctuation may be backslash-escaped in CommonMark, so escaping more than needed
    is harmless; this escapes what could matter and leaves ordinary punctuation (. , : ( ))
    alone so the pasted Markdown stays readable. Leading spaces are dropped: four of them
    would start a code block.
    """
    text = "\n".join(line.lstrip() for line in clean(text).split("\n"))
    text = _MD_ANYWHERE.sub(r"\\\1", text)
    text = _MD_ENTITY.sub(r"\\&", text)
    return _MD_LINE_START.sub(lambda m: f"\\{m[1]}" if m[1] else f"{m[2]}\\{m[3]}", text)


def _markdown_item(item: Item) -> str:
    # A lead is bold only when it has text: "****" alone would be a thematic break.
    lead = f"**{escape_markdown(item.lead.strip())}**" if item.lead.strip() else ""
    space = " " if lead and item.text[:1].isspace() else ""
    return f"- {lead}{space}{escape_markdown(item.text.strip())}"


def render_markdown(document: Document) -> str:
    chunks = []
    for block in outline(document):
        if isinstance(block, Heading):
            chunks.append(f"{'#' * block.level} {escape_markdown(block.text)}")
        elif isinstance(block, Paragraph):
            # A backslash at the end of a line is CommonMark's hard line break.
            chunks.append("\\\n".join(escape_markdown(line) for line in block.lines))
        elif isinstance(block, Bullets):
            chunks.append("\n".join(_markdown_item(item) for item in block.items))
    return "\n\n".join(chunk for chunk in chunks if chunk) + "\n"


# ---------------------------------------------------------------------------------------------
# Plain text


def render_text(document: Document) -> str:
    """Plain text with no markup: the title underlined, sections in capitals, "- " bullets.

    Lines are not wrapped: an applicant tracking system reflows pasted text itself, and hard
    breaks inside a sentence would show there as ragged lines.
    """
    out: list[str] = []
    for block in outline(document):
        if isinstance(block, Heading):
            if block.level == 1:
                out.append(f"{block.text}\n{'=' * len(block.text)}\n\n")
            else:
                if block.level == 2 and out and not out[-1].endswith("\n\n"):
                    out.append("\n")  # after an empty section: still a blank line between
                # A section or group heading sits directly on top of its content.
                out.append(f"{block.text.upper()}\n" if block.level == 2 else f"{block.text}:\n")
        elif isinstance(block, Paragraph):
            out.append("\n".join(block.lines) + "\n\n")
        elif isinstance(block, Bullets):
            out.append("".join(f"- {item.plain.strip()}\n" for item in block.items) + "\n")
    return "".join(out).rstrip("\n") + "\n"


__all__ = [
    "Block",
    "Bullets",
    "Heading",
    "Item",
    "Paragraph",
    "SkillTable",
    "clean",
    "escape_markdown",
    "long_date",
    "office_text",
    "outline",
    "render_markdown",
    "render_text",
]
