"""Reading each export back as (headings, bullets, paragraphs), the JD page's document too, so
the exports can be compared with the page and with each other; and fetching a revision's file
through the download view.

Markdown is read back through a CommonMark parser (markdown-it-py), so the comparison is on what
a reader sees, not on the source.
"""

from __future__ import annotations

import io

import docx
import lxml.html
from markdown_it import MarkdownIt

from jdbuilder.documents.formats import FORMATS
from tests.support.jobs import run_queued_jobs

# Typed text that is markup in HTML and in Markdown: every export must show it as typed.
HOSTILE = (
    "</script><script>alert(1)</script> *bold* _em_ __strong__ `code` ~~gone~~ "
    "[click](javascript:alert(2)) ![img](http://evil.example/x.png) <b>b</b> | a | b | "
    "&amp; &#60; \\* <!-- c -->"
)

# CommonMark plus the GitHub extensions an ATS or a wiki may turn on (tables, strikethrough).
markdown = MarkdownIt("commonmark").enable(["table", "strikethrough"])


def squash(text: str) -> str:
    return " ".join(text.split())


def page_structure(html: str) -> dict[str, list]:
    """The JD page's document: headings as (level, text), list items and paragraphs, in order.

    The page's title is an h2, sections h3 and groups h4; levels are shifted to start at 1.
    """
    tree = lxml.html.fromstring(html)
    (article,) = tree.xpath("//article[contains(@class, 'jd-document')]")
    headings = [
        (int(h.tag[1]) - 1, squash(h.text_content())) for h in article.xpath(".//h2|.//h3|.//h4")
    ]
    bullets = [squash(li.text_content()) for li in article.xpath(".//li")]
    # Paragraphs compared without whitespace: <br> has no text, a Word line break has "\n".
    paragraphs = ["".join(p.text_content().split()) for p in article.xpath(".//p")]
    return {"headings": headings, "bullets": bullets, "paragraphs": paragraphs}


def docx_structure(data: bytes) -> dict[str, list]:
    word = docx.Document(io.BytesIO(data))
    headings, bullets, paragraphs = [], [], []
    for paragraph in word.paragraphs:
        style = paragraph.style.name
        if style.startswith("Heading "):
            headings.append((int(style.split()[1]), squash(paragraph.text)))
        elif style == "List Bullet":
            bullets.append(squash(paragraph.text))
        elif style == "Normal":
            paragraphs.append("".join(paragraph.text.split()))
    return {"headings": headings, "bullets": bullets, "paragraphs": paragraphs}


def markdown_structure(text: str) -> dict[str, list]:
    tree = lxml.html.fromstring(f"<div>{markdown.render(text)}</div>")
    headings = [(int(h.tag[1]), squash(h.text_content())) for h in tree.xpath("//h1|//h2|//h3")]
    bullets = [squash(li.text_content()) for li in tree.xpath("//li")]
    paragraphs = ["".join(p.text_content().split()) for p in tree.xpath("./p")]
    return {"headings": headings, "bullets": bullets, "paragraphs": paragraphs}


def text_structure(text: str) -> dict[str, list]:
    """Plain text: title underlined with "=", sections in capitals, groups ending in ":"."""
    lines = text.split("\n")
    headings, bullets, paragraphs = [], [], []
    current: list[str] = []
    for number, line in enumerate(lines):
        following = lines[number + 1] if number + 1 < len(lines) else ""
        if following and set(following) == {"="} and len(following) == len(line):
            headings.append((1, line))
        elif set(line) == {"="}:
            continue
        elif line.startswith("- "):
            bullets.append(line[2:])
        elif line and line == line.upper() and any(c.isalpha() for c in line):
            headings.append((2, line))
        elif line.endswith(":") and (following.startswith("- ") or not following):
            headings.append((3, line[:-1]))
        elif line:
            current.append(line)
            continue
        if current:
            paragraphs.append("".join("".join(current).split()))
            current = []
    if current:
        paragraphs.append("".join("".join(current).split()))
    return {"headings": headings, "bullets": bullets, "paragraphs": paragraphs}


def readers():
    return {
        "docx": lambda content: docx_structure(content),
        "md": lambda content: markdown_structure(content.decode("utf-8")),
        "txt": lambda content: text_structure(content.decode("utf-8")),
    }


def download(client, jd, fmt="pdf", number=None):
    """The latest revision's file (through its redirect to the revision's own URL), or one's.

    A stored format is made by the workers once the revision is issued: the queued renders run
    first, as a worker would have run them by the time anyone downloads.
    """
    if fmt in FORMATS and FORMATS[fmt].stored:
        run_queued_jobs()
    if number is None:
        return client.get(f"/jd/{jd.public_id}/download/{fmt}/", follow=True)
    return client.get(f"/jd/{jd.public_id}/revisions/{number}/download/{fmt}/")
