"""The export formats: what each download is called, its type, and which renderer makes it.

Renderers are named by dotted path and imported on first use, so a format's heavy library
(WeasyPrint, python-docx) loads only in processes that export it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from django.utils.module_loading import import_string
from django.utils.text import slugify

from jdbuilder.document import Document


@dataclass(frozen=True)
class ExportFormat:
    key: str
    label: str
    extension: str
    content_type: str
    renderer_path: str
    # Rendered once per revision and kept: worth it where rendering is slow.
    stored: bool = False

    @cached_property
    def renderer(self) -> Callable[[Document], bytes | str]:
        return import_string(self.renderer_path)

    def render(self, document: Document) -> bytes:
        output = self.renderer(document)
        return output.encode("utf-8") if isinstance(output, str) else output

    def filename(self, document: Document) -> str:
        stem = slugify(f"{document.title} {document.company_name} r{document.revision}")
        return f"{stem[:120] or 'job-description'}.{self.extension}"


FORMATS: dict[str, ExportFormat] = {
    f.key: f
    for f in [
        ExportFormat(
            "pdf", "PDF (A4)", "pdf", "application/pdf", "jdbuilder.documents.pdf.render_pdf", True
        ),
        ExportFormat(
            "pdf-letter",
            "PDF (US Letter)",
            "pdf",
            "application/pdf",
            "jdbuilder.documents.pdf.render_pdf_letter",
            True,
        ),
        ExportFormat(
            "docx",
            "Word",
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "jdbuilder.documents.docx.render_docx",
        ),
        ExportFormat(
            "html",
            "HTML",
            "html",
            "text/html; charset=utf-8",
            "jdbuilder.documents.html.render_html",
        ),
        ExportFormat(
            "md",
            "Markdown",
            "md",
            "text/markdown; charset=utf-8",
            "jdbuilder.documents.text.render_markdown",
        ),
        ExportFormat(
            "txt",
            "Plain text",
            "txt",
            "text/plain; charset=utf-8",
            "jdbuilder.documents.text.render_text",
        ),
        ExportFormat(
            "json",
            "JSON-LD",
            "jsonld",
            "application/ld+json; charset=utf-8",
            "jdbuilder.documents.jsonld.render_jsonld",
        ),
    ]
}

# The formats kept for every issued revision, rendered by the workers at finalize.
STORED_FORMATS: tuple[str, ...] = tuple(key for key, fmt in FORMATS.items() if fmt.stored)
