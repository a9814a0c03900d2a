"""A redline as a short change note: Markdown, or a PDF through the project's safe PDF path.

Both read only the Redline and the labels they are given. Every user text is escaped: in the
Markdown by text.escape_markdown, in the PDF by Django's templates (the redline partial) and
format_html; the PDF is laid out by pdf.html_to_pdf, whose URL fetcher loads nothing but data:
URLs and our own static files.
"""

from __future__ import annotations

import dataclasses

from django.template.loader import render_to_string
from django.utils.html import format_html

from jdbuilder.document import Document
from jdbuilder.documents.diff import Change, Redline
from jdbuilder.documents.text import escape_markdown, one_line

FIRST = "Nothing issued before: this is the first revision."
NO_CHANGES = "No changes."


def heading(title: str) -> str:
    return f"Changes to {one_line(title)}"


def _markdown_words(change: Change) -> str:
    parts = []
    for segment in change.segments:
        text = escape_markdown(one_line(segment.text))
        if not text:
            continue
        if segment.is_added:
            parts.append(f"**{text}**")
        elif segment.is_removed:
            parts.append(f"~~{text}~~")
        else:
            parts.append(text)
    return " ".join(parts)


def change_note_markdown(redline: Redline, *, title: str, old_label: str, new_label: str) -> str:
    """The change note in Markdown: a heading, the two revisions compared, then each section's
    changes as bullets; a free text's words as they changed (~~removed~~, **added**)."""
    chunks = [
        f"# {escape_markdown(heading(title))}",
        f"{escape_markdown(one_line(old_label))} → {escape_markdown(one_line(new_label))}",
    ]
    if redline.first:
        chunks.append(FIRST)
    elif redline.is_empty:
        chunks.append(NO_CHANGES)
    for section in redline.sections:
        chunks.append(f"## {escape_markdown(section.label)}")
        lines = []
        for change in section.changes:
            line = f"- {escape_markdown(one_line(change.summary))}"
            if change.segments:
                line += f": {_markdown_words(change)}"
            lines.append(line)
        chunks.append("\n".join(lines))
    return "\n\n".join(chunks) + "\n"


def change_note_html(
    redline: Redline, *, title: str, old_label: str, new_label: str, document: Document
) -> str:
    """The HTML the change note's PDF is laid out from; every text escaped."""
    body = render_to_string("jdbuilder/_partials/redline.html", {"redline": redline})
    running = (
        format_html('<div class="jd-running-company">{}</div>', document.company_name)
        if document.company_name
        else ""
    )
    return format_html(
        '<!DOCTYPE html>\n<html lang="{}">\n<head>\n<meta charset="utf-8">\n'
        "<title>{}</title>\n</head>\n<body>\n{}"
        '<main class="jd-print jd-change-note">\n<h1>{}</h1>\n<p>{} → {}</p>\n{}</main>\n'
        "</body>\n</html>\n",
        document.language,
        heading(title),
        running,
        heading(title),
        one_line(old_label),
        one_line(new_label),
        body,
    )


def change_note_pdf(
    redline: Redline, *, title: str, old_label: str, new_label: str, document: Document
) -> bytes:
    """The change note as an A4 PDF. `document` (the newer revision's) gives the metadata: the
    language, the company, the fixed date; the note's own title and identifier replace its."""
    from jdbuilder.documents.pdf import html_to_pdf  # WeasyPrint loads only where it is used

    markup = change_note_html(
        redline, title=title, old_label=old_label, new_label=new_label, document=document
    )
    metadata = dataclasses.replace(
        document, title=heading(title), public_id=f"{document.public_id}:changes"
    )
    return html_to_pdf(
        markup, metadata, "a4", description=f"Changes between {old_label} and {new_label}"
    )


__all__ = ["change_note_html", "change_note_markdown", "change_note_pdf"]
