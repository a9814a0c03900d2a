"""What the PDF safety tests share: a local listener that records every request it gets, the
attacks aimed at it (and at local files), readers of every object and text of a PDF, and JDs
made for the renderer (a finalized revision with chosen texts, a small Document)."""

from __future__ import annotations

import datetime
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pypdf
from django.conf import settings
from pypdf.generic import IndirectObject, StreamObject

from jdbuilder.catalog import RoleCatalog
from jdbuilder.document import Document, Group, SkillLine
from jdbuilder.drafts import Responsibility, SkillChoice, ToolChoice
from jdbuilder.models import JobDescription, JobDescriptionRevision
from roles.models import Role
from tests.factories import FinalJobDescriptionFactory

CANARY = "CANARY-5b0e7c1d-listener-content"
FILE_CANARY = "FILE-CANARY-2f9a41-local-secret"
STATIC_DIR = Path(settings.BASE_DIR) / "static"


class Listener:
    """An HTTP server on a random local port, in a thread, that records every request."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        listener = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                listener.requests.append(f"{self.command} {self.path}")
                body = CANARY.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/css")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            do_GET = do_POST = do_HEAD = _serve

            def log_message(self, *args) -> None:  # keep test output quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        # A short poll: shutting down waits for one.
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def __enter__(self) -> Listener:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def write_secret(folder: Path) -> Path:
    """A local file outside the static directories, with a canary in it."""
    secret = folder / "secret.svg"
    secret.write_text(
        f'<svg xmlns="http://www.w3.org/2000/svg" width="200" height="20">'
        f'<text x="0" y="15">{FILE_CANARY}</text></svg>'
    )
    return secret


def attacks(base: str, secret: Path) -> list[str]:
    """Every way we know for HTML, CSS or SVG to make WeasyPrint load something."""
    secret_url = secret.as_uri()
    return [
        f"<img src={base}/img alt=x>",
        f"<link rel=stylesheet href={base}/link-stylesheet>",
        f"<style>@import url({base}/style-import);</style>",
        f'<p style="background:url({base}/style-attribute)">styled</p>',
        f"<style>@font-face{{font-family:evil;src:url({base}/font-face)}}</style>",
        f"<svg><image href={base}/svg-image width=10 height=10 /></svg>",
        f"<a rel=attachment href={base}/a-attachment>attached</a>",
        "<link rel=attachment href=file:///etc/passwd>",
        f"<link rel=attachment href={secret_url}>",
        f"<base href={base}/base/><img src=relative.png alt=r>",
        "<img src=file:///etc/hostname alt=h>",
        f"<img src={secret_url} alt=s>",
        f"<iframe src={base}/iframe></iframe>",
        f"<object data={base}/object></object>",
        f"<embed src={base}/embed>",
        f"<video poster={base}/video-poster></video>",
        f"<input type=image src={base}/input-image>",
        f'<div style="content:url({base}/content-url)">c</div>',
        "</p></section></article><img src=../../../../etc/hostname alt=t>",
    ]


def squash(text: str) -> str:
    """Text without whitespace: wrapped lines compare equal to the string that was typed."""
    return "".join(text.split())


# print.css page margins in points (20mm top, 18mm bottom): the header and the page number
# are drawn above and below them, the document between.
TOP_MARGIN, BOTTOM_MARGIN = 56, 51


def split_page(page) -> tuple[str, str]:
    """(the document's text, the running header's and footer's text) of one page."""
    body, margins = [], []
    height = float(page.mediabox.height)

    def visit(text, cm, tm, font, size):
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        inside = BOTTOM_MARGIN < y < height - TOP_MARGIN
        (body if inside else margins).append(text)

    page.extract_text(visitor_text=visit)
    return "".join(body), "".join(margins)


def body_text(reader: pypdf.PdfReader) -> str:
    """The document's text, every page, whitespace dropped, without headers and footers."""
    return squash("".join(split_page(page)[0] for page in reader.pages))


def all_objects(reader: pypdf.PdfReader):
    """Every object of the file, in object streams or not."""
    numbers = {(num, gen) for gen, entries in reader.xref.items() for num in entries}
    numbers |= {(num, 0) for num in reader.xref_objStm}
    for num, gen in sorted(numbers):
        try:
            yield reader.get_object(IndirectObject(num, gen, reader))
        except Exception:  # a free entry: nothing to look at
            continue


def decoded_content(reader: pypdf.PdfReader) -> bytes:
    """Every stream decompressed and every dictionary printed, as one byte string."""
    chunks = []
    for obj in all_objects(reader):
        if isinstance(obj, StreamObject):
            chunks.append(obj.get_data())
        chunks.append(repr(obj).encode("utf-8", "replace"))
    return b"\n".join(chunks)


def hostname() -> str:
    try:
        return Path("/etc/hostname").read_text().strip()
    except OSError:
        return ""


def final_revision(
    owner,
    *,
    title: str,
    posting: dict,
    custom_responsibilities: list[str] = (),
    custom_tools: list[str] = (),
    all_tasks: bool = False,
    all_tools: bool = False,
    skills: list[SkillChoice] | None = None,
    slug: str = "software-engineer",
) -> JobDescriptionRevision:
    """A finalized revision with these choices, through the real snapshot."""
    role = Role.objects.get(slug=slug)
    catalog = RoleCatalog(role)
    title_cap = JobDescription._meta.get_field("title").max_length
    area = catalog.areas[0].pk
    jd = FinalJobDescriptionFactory(
        owner=owner,
        role=role,
        # PostgreSQL enforces the column; the snapshot gets all of it (below).
        title=title[:title_cap],
        posting=posting,
        responsibilities=[
            Responsibility(task=rt.task_id, text=rt.task.text, area=rt.task.area_id)
            for rt in catalog.role_tasks
        ]
        if all_tasks
        else None,
        extra_responsibilities=[
            Responsibility(task=None, text=text, area=area) for text in custom_responsibilities
        ],
        tools=[ToolChoice(tool=t.pk, name=t.name, area=t.area_id) for t in catalog.tools]
        if all_tools
        else None,
        extra_tools=custom_tools,
        skills=skills,
    )
    revision = jd.latest_revision
    if len(title) > title_cap:
        # Longer than the wizard allows: proves the renderer is safe even past the caps.
        revision.snapshot = {**revision.snapshot, "title": title}
        revision.save(update_fields=["snapshot"])
    return revision


def small_document() -> Document:
    return Document(
        public_id="00000000-0000-4000-8000-000000000001",
        revision=1,
        title="Engineer",
        seniority_label="Mid-level",
        role_name="Software Engineer",
        onet_code="15-1252.00",
        summary="Build things.",
        company_name="Acme",
        about_company="",
        responsibilities=(Group("Deployment", ("Ship code.",)),),
        required_skills=(SkillLine("Python", "Advanced", "designs", 4, "technical", True),),
        nice_to_have_skills=(),
        scale=("Beginning", "Developing", "Accomplished", "Advanced", "Expert"),
        tools=(),
        works_with=(),
        compensation=None,
        location="Denver",
        workplace_type="onsite",
        workplace_type_label="On-site",
        applicant_location="",
        employment_type="FULL_TIME",
        employment_type_label="Full-time",
        benefits=(),
        equal_opportunity="",
        how_to_apply="",
        closing_date=None,
        date_posted=datetime.date(2026, 1, 15),
    )
