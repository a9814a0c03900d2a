"""The PDF renderer never fetches what a user typed, embeds nothing, and copes with the largest JD.

A tiny HTTP server on 127.0.0.1 records every request it gets: every attack is aimed at it (or at
local files), typed into every free-text field, and the test proves nothing reached it, nothing
of its canary (or of a local file) is in the PDF, and the attacks show as plain text.
"""

from __future__ import annotations

import dataclasses
import datetime
import io
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pypdf
import pytest
from django.conf import settings
from django.db import transaction
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject

from jdbuilder.catalog import RoleCatalog
from jdbuilder.document import Document, Group, SkillLine
from jdbuilder.documents import pdf
from jdbuilder.documents.build import build_document
from jdbuilder.documents.pdf import BASE_URL, BlockedURL, fetch_static, render_pdf
from jdbuilder.drafts import Responsibility, SkillChoice, ToolChoice
from jdbuilder.models import JobDescription, JobDescriptionRevision
from jdbuilder.wizard.forms import (
    MAX_LINES,
    MAX_OTHER_TOOLS,
    MAX_TOOL_NAME,
    PostingStepForm,
    RoleStepForm,
)
from jdbuilder.wizard.formsets import (
    MAX_ADDED_SKILLS,
    MAX_CUSTOM_RESPONSIBILITIES,
    MAX_RESPONSIBILITY,
)
from roles.models import Role
from tests.factories import FinalJobDescriptionFactory, ManagerFactory
from tests.support.catalog import catalog_is_loaded, load_seed_catalog

pytestmark = pytest.mark.django_db

CANARY = "CANARY-5b0e7c1d-listener-content"
FILE_CANARY = "FILE-CANARY-2f9a41-local-secret"
STATIC_DIR = Path(settings.BASE_DIR) / "static"


# --- helpers ------------------------------------------------------------------------------


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


@pytest.fixture(scope="module")
def running_listener():
    with Listener() as running:
        yield running


@pytest.fixture
def listener(running_listener):
    """The module's listener, with no request recorded yet."""
    running_listener.requests.clear()
    return running_listener


def write_secret(folder: Path) -> Path:
    """A local file outside the static directories, with a canary in it."""
    secret = folder / "secret.svg"
    secret.write_text(
        f'<svg xmlns="http://www.w3.org/2000/svg" width="200" height="20">'
        f'<text x="0" y="15">{FILE_CANARY}</text></svg>'
    )
    return secret


@pytest.fixture
def secret_file(tmp_path) -> Path:
    return write_secret(tmp_path)


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


# --- the fetcher ------------------------------------------------------------------------------


class TestFetcher:
    def test_data_urls_load(self):
        response = fetch_static("data:text/css;charset=utf-8,body%7Bcolor%3Ared%7D")
        assert response.read() == b"body{color:red}"
        assert response.content_type == "text/css"
        response = fetch_static("data:text/plain;base64,aGVsbG8=")
        assert response.read() == b"hello"

    @pytest.mark.parametrize("name", ["css/print.css", "css/document.css", "fonts/DejaVuSans.ttf"])
    def test_our_static_files_load_from_disk(self, name):
        expected = (STATIC_DIR / name).read_bytes()
        assert fetch_static(f"{BASE_URL}static/{name}").read() == expected
        assert fetch_static((STATIC_DIR / name).as_uri()).read() == expected

    def test_content_types_come_from_the_file_name(self):
        assert fetch_static(f"{BASE_URL}static/css/print.css").content_type == "text/css"
        assert fetch_static(f"{BASE_URL}static/fonts/DejaVuSans.ttf").content_type.startswith(
            "font/"
        )

    @pytest.mark.parametrize(
        "url",
        [
            "{http}/static/css/print.css",
            "{http}/anything",
            "https://example.com/static/css/print.css",
            "https://jdbuilder.invalid.example.com/static/css/print.css",
            "https://user@jdbuilder.invalid/static/css/print.css",
            "https://jdbuilder.invalid:8443/static/css/print.css",
            "http://jdbuilder.invalid/static/css/print.css",
            "https://jdbuilder.invalid/css/print.css",
            "https://jdbuilder.invalid/etc/passwd",
            "https://jdbuilder.invalid/static/../../../etc/passwd",
            "https://jdbuilder.invalid/static/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
            "https://jdbuilder.invalid/static/css/../../jdbuilder/settings.py",
            "https://jdbuilder.invalid/static//etc/passwd",
            "https://jdbuilder.invalid/static/css/print.css?v=1",
            "https://jdbuilder.invalid/static/css/",
            "https://jdbuilder.invalid/static/css/missing.css",
            "file:///etc/passwd",
            "file:///etc/hostname",
            "file://localhost/etc/passwd",
            "file://otherhost{static}/css/print.css",
            "file://{static}/../jdbuilder/settings.py",
            "file://{static}/%2e%2e/jdbuilder/settings.py",
            "file://{static}",
            "ftp://127.0.0.1/static/css/print.css",
            "gopher://127.0.0.1/static/css/print.css",
            "javascript:alert(1)",
            "static/css/print.css",
            "/static/css/print.css",
            "//127.0.0.1/static/css/print.css",
        ],
    )
    def test_everything_else_is_refused(self, url, listener):
        url = url.format(http=listener.url, static=STATIC_DIR.as_posix())
        with pytest.raises(BlockedURL):
            fetch_static(url)
        assert listener.requests == []

    def test_a_symlink_out_of_the_static_directory_is_refused(self, tmp_path, settings):
        static = tmp_path / "static"
        (static / "css").mkdir(parents=True)
        (static / "css" / "ok.css").write_text("p{}")
        outside = tmp_path / "outside.txt"
        outside.write_text(FILE_CANARY)
        (static / "css" / "link.css").symlink_to(outside)
        (static / "escape").symlink_to(tmp_path)
        (static / "css" / "inside.css").symlink_to(static / "css" / "ok.css")
        settings.STATICFILES_DIRS = [static]

        assert fetch_static(f"{BASE_URL}static/css/ok.css").read() == b"p{}"
        # A link that stays inside is fine: where the bytes are is what counts.
        assert fetch_static(f"{BASE_URL}static/css/inside.css").read() == b"p{}"
        for url in (
            f"{BASE_URL}static/css/link.css",
            f"{BASE_URL}static/escape/outside.txt",
            (static / "css" / "link.css").as_uri(),
            (static / "escape" / "outside.txt").as_uri(),
        ):
            with pytest.raises(BlockedURL):
                fetch_static(url)

    def test_a_prefixed_static_directory_needs_its_prefix(self, tmp_path, settings):
        static = tmp_path / "vendor"
        static.mkdir()
        (static / "a.css").write_text("a{}")
        settings.STATICFILES_DIRS = [("vendor", static)]
        assert fetch_static(f"{BASE_URL}static/vendor/a.css").read() == b"a{}"
        with pytest.raises(BlockedURL):
            fetch_static(f"{BASE_URL}static/a.css")

    def test_the_renderer_uses_this_fetcher_and_loads_only_our_fonts(
        self, monkeypatch, manager, catalog
    ):
        fetched = []

        def spy(url):
            fetched.append(url)
            return fetch_static(url)

        monkeypatch.setattr(pdf, "fetch_static", spy)
        # Fonts load once per process into the shared font configuration: start a fresh one.
        pdf._font_config.cache_clear()
        revision = final_revision(manager, title="Engineer", posting={})
        render_pdf(build_document(revision))
        assert f"{BASE_URL}static/fonts/DejaVuSans.ttf" in fetched
        assert f"{BASE_URL}static/fonts/DejaVuSans-Bold.ttf" in fetched
        assert all(url.startswith(f"{BASE_URL}static/") for url in fetched), fetched


# --- attacks in every field -----------------------------------------------------------------


ONE_LINE_FIELDS = (
    "summary",
    "company_name",
    "about_company",
    "location",
    "applicant_location",
    "equal_opportunity",
    "how_to_apply",
)


@pytest.fixture(scope="class")
def attacked_pdf(django_db_setup, django_db_blocker, running_listener, tmp_path_factory):
    """The PDF of a JD with every attack typed into every free-text field, rendered once for
    the class, and the requests the listener got while it rendered."""
    lines = attacks(running_listener.url, write_secret(tmp_path_factory.mktemp("secret")))
    text = " ".join(lines)
    with django_db_blocker.unblock(), transaction.atomic():
        if not catalog_is_loaded():
            load_seed_catalog()
        revision = final_revision(
            ManagerFactory(),
            title=text,
            posting=dict.fromkeys(ONE_LINE_FIELDS, text)
            # One attack per line: each benefit is one list item.
            | {"benefits": "\n".join(lines), "workplace_type": "remote"},
            custom_responsibilities=lines,
            custom_tools=lines,
        )
        document = build_document(revision)
        transaction.set_rollback(True)  # the JD is not needed past this point
    running_listener.requests.clear()
    content = render_pdf(document)
    return {
        "document": document,
        "pdf": content,
        "attacks": lines,
        "requests": list(running_listener.requests),
    }


class TestNothingTypedIsFetched:
    def test_every_field_carries_every_attack(self, attacked_pdf):
        document: Document = attacked_pdf["document"]
        for attack in attacked_pdf["attacks"]:
            assert attack in document.title and attack in document.summary
            assert attack in document.company_name and attack in document.about_company
            assert attack in document.location and attack in document.applicant_location
            assert attack in document.equal_opportunity and attack in document.how_to_apply
            assert attack in document.benefits
            assert any(attack in group.items for group in document.responsibilities)
            assert any(attack in group.items for group in document.tools)

    def test_the_listener_got_no_request(self, attacked_pdf):
        assert attacked_pdf["requests"] == []

    def test_no_fetched_or_local_content_is_in_the_pdf(self, attacked_pdf):
        content = attacked_pdf["pdf"]
        reader = pypdf.PdfReader(io.BytesIO(content))
        everything = content + decoded_content(reader)
        assert CANARY.encode() not in everything
        assert FILE_CANARY.encode() not in everything
        assert b"root:x:0:0" not in everything  # /etc/passwd
        name = hostname()
        if len(name) >= 6:  # long enough not to match by chance
            assert name.encode() not in everything
        text = body_text(reader)
        assert CANARY not in text and FILE_CANARY not in text

    def test_nothing_is_embedded_or_attached(self, attacked_pdf):
        reader = pypdf.PdfReader(io.BytesIO(attacked_pdf["pdf"]))
        assert "/EmbeddedFiles" not in reader.trailer["/Root"].get("/Names", {})
        assert "/AF" not in reader.trailer["/Root"]
        for obj in all_objects(reader):
            if isinstance(obj, DictionaryObject):
                assert obj.get("/Type") not in ("/EmbeddedFile", "/Filespec")
                assert obj.get("/Subtype") != "/FileAttachment"
                assert "/EF" not in obj
        for page in reader.pages:
            for annot in page.get("/Annots", ArrayObject()):
                assert annot.get_object().get("/Subtype") != "/FileAttachment"
        assert reader.attachments == {}

    def test_no_images_and_no_other_fonts_got_in(self, attacked_pdf):
        reader = pypdf.PdfReader(io.BytesIO(attacked_pdf["pdf"]))
        for obj in all_objects(reader):
            if isinstance(obj, DictionaryObject):
                # The chart is vector drawing and text: an image can only have come from outside.
                assert obj.get("/Subtype") != "/Image"
                if obj.get("/Type") == "/Font" and "/BaseFont" in obj:
                    assert "JD-Sans" in obj["/BaseFont"], obj["/BaseFont"]

    def test_the_attacks_are_shown_as_typed(self, attacked_pdf):
        reader = pypdf.PdfReader(io.BytesIO(attacked_pdf["pdf"]))
        text = body_text(reader)
        for attack in attacked_pdf["attacks"]:
            # Once per field at least: the title, seven posting fields, a benefit, a
            # responsibility and a tool.
            assert text.count(squash(attack)) >= 11, attack
        for page in reader.pages:
            assert squash(attacked_pdf["document"].company_name) in squash(split_page(page)[1])

    def test_the_html_escapes_every_attack(self, attacked_pdf):
        body = pdf.render_print_html(attacked_pdf["document"]).split("<body>", 1)[1]
        for tag in ("<img", "<link", "<style", "<iframe", "<object", "<embed", "<base", "<video"):
            assert tag not in body
        html = body
        assert "&lt;img src=" in html and "&lt;style&gt;@import" in html

    def test_catalog_texts_are_escaped_too(self, listener, secret_file):
        """Skill names, areas, levels, teams come from the catalog (staff edit it): same rules."""
        attack = " ".join(attacks(listener.url, secret_file)[:6])
        skill = SkillLine(attack, attack, attack, 2, "technical", True)
        document = dataclasses.replace(
            small_document(),
            required_skills=(skill,),
            nice_to_have_skills=(dataclasses.replace(skill, required=False),),
            scale=(attack, "Two", "Three"),
            responsibilities=(Group(attack, (attack,)),),
            tools=(Group(attack, (attack,)),),
            works_with=(attack,),
            seniority_label=attack,
            role_name=attack,
        )
        content = render_pdf(document)
        assert listener.requests == []
        reader = pypdf.PdfReader(io.BytesIO(content))
        assert CANARY.encode() not in decoded_content(reader)
        layout = squash("".join(p.extract_text(extraction_mode="layout") for p in reader.pages))
        assert squash(attack)[:80] in layout


def raw_page(listener_url: str, secret: Path) -> str:
    """The attacks as live markup, not text: what escaping keeps out, if escaping ever failed."""
    live = "\n".join(attacks(listener_url, secret))
    # Attachments of our own allowed sources: only the stripping keeps these out.
    own = (
        f'<a rel=attachment href="data:text/plain,{FILE_CANARY}-data">data</a>'
        f'<link rel=attachment href="data:text/plain,{FILE_CANARY}-link">'
        "<link rel=attachment href=/static/css/print.css>"
    )
    return (
        f"<!DOCTYPE html><html lang=en><head><title>t</title>{live}{own}</head>"
        f"<body><main>{live}{own}<p>visible</p></main></body></html>"
    )


class TestEvenUnescapedMarkupLoadsNothing:
    """Defence in depth: were user text ever put in the page unescaped, still nothing loads."""

    def test_the_attacks_do_reach_the_listener_with_weasyprints_own_fetcher(
        self, listener, secret_file
    ):
        """The control: these attacks and this listener catch a renderer that fetches."""
        import weasyprint

        content = weasyprint.HTML(
            string=raw_page(listener.url, secret_file), base_url=listener.url
        ).write_pdf()
        paths = {request.split()[1] for request in listener.requests}
        assert {"/img", "/link-stylesheet", "/style-import", "/font-face", "/a-attachment"} <= paths
        reader = pypdf.PdfReader(io.BytesIO(content))
        assert reader.attachments  # the file: and data: attachments were embedded
        assert FILE_CANARY.encode() in decoded_content(reader)

    def test_our_renderer_fetches_and_embeds_nothing(self, listener, secret_file):
        content = pdf._html_to_pdf(raw_page(listener.url, secret_file), small_document(), "a4")
        assert listener.requests == []
        reader = pypdf.PdfReader(io.BytesIO(content))
        everything = content + decoded_content(reader)
        assert CANARY.encode() not in everything
        assert FILE_CANARY.encode() not in everything
        assert b"root:x:0:0" not in everything
        assert reader.attachments == {}
        assert "/EmbeddedFiles" not in reader.trailer["/Root"].get("/Names", {})
        assert "visible" in reader.pages[0].extract_text()


# --- size limits --------------------------------------------------------------------------------


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


POSTING_TEXT_FIELDS = (
    "summary",
    "company_name",
    "about_company",
    "location",
    "applicant_location",
    "benefits",
    "equal_opportunity",
    "how_to_apply",
)


def cap(form_class, field: str) -> int:
    return form_class.base_fields[field].max_length


def largest_role() -> Role:
    return max(Role.objects.all(), key=lambda role: len(RoleCatalog(role).role_tasks))


def every_skill(role: Role) -> list[SkillChoice]:
    """The role's skills and as many others as the wizard lets a manager add, all at the top."""
    catalog = RoleCatalog(role)
    top = max(level.rank for level in catalog.levels)
    own = [rs.skill_id for rs in catalog.role_skills]
    others = [s.pk for s in catalog.skills if s.pk not in own][:MAX_ADDED_SKILLS]
    return [
        SkillChoice(skill=pk, level=top, importance="required" if i % 2 else "nice_to_have")
        for i, pk in enumerate(own + others)
    ]


def filler(length: int, *, spaces: bool, lines: int = 0, seed: str = "x") -> str:
    """`length` characters of text: one unbroken word, words, or `lines` lines sharing them."""
    if lines:
        width = max(1, length // lines - 1)
        return "\n".join(["w" * width] * lines)[:length]
    if spaces:
        return ((seed + "word ") * length)[:length]
    return (seed + "0123456789abcdefghijklmnopqrstuvwxyz" * length)[:length]


@pytest.mark.parametrize("shape", ["unbroken", "many_lines"])
def test_the_largest_jd_the_wizard_allows_renders_within_bounds(shape, manager, catalog):
    """Every text at its cap, every list at its cap: the PDF renders and stays a sane size.

    "unbroken": every field one word with no space to break at. "many_lines": every multi-line
    field as many one-character lines as its cap allows (each benefit becomes a list item, each
    line of the about and how-to-apply texts a line). No wall-clock assertion: the caps bound the
    work, and the page count shows it.
    """
    role = largest_role()
    many = shape == "many_lines"
    posting = {
        field: filler(
            cap(PostingStepForm, field),
            spaces=False,
            lines=MAX_LINES.get(field, 0) if many else 0,
            seed=field,
        )
        for field in POSTING_TEXT_FIELDS
    }
    # Single-line fields stay single-line in the wizard.
    for field in ("company_name", "location", "applicant_location"):
        posting[field] = filler(cap(PostingStepForm, field), spaces=False, seed=field)
    posting["workplace_type"] = "remote"
    revision = final_revision(
        manager,
        title=filler(cap(RoleStepForm, "title"), spaces=False, seed="title"),
        posting=posting,
        custom_responsibilities=[
            filler(MAX_RESPONSIBILITY, spaces=False, seed=f"resp{i}")
            for i in range(MAX_CUSTOM_RESPONSIBILITIES)
        ],
        custom_tools=[
            filler(MAX_TOOL_NAME, spaces=False, seed=f"tool{i}") for i in range(MAX_OTHER_TOOLS)
        ],
        all_tasks=True,
        all_tools=True,
        skills=every_skill(role),
        slug=role.slug,
    )
    document = build_document(revision)
    assert len(document.title) == cap(RoleStepForm, "title")
    assert sum(len(g.items) for g in document.responsibilities) >= MAX_CUSTOM_RESPONSIBILITIES

    content = render_pdf(document)
    reader = pypdf.PdfReader(io.BytesIO(content))
    pages = len(reader.pages)
    text = body_text(reader)

    # Every page is numbered and headed; the text is all there, wrapped, not cut off.
    for number, page in enumerate(reader.pages, start=1):
        margins = squash(split_page(page)[1])
        assert margins.startswith(squash(document.company_name))
        assert margins.endswith(f"Page{number}of{pages}")
    assert squash(document.title) in text
    assert squash(document.summary) in text
    for group in document.responsibilities:
        for item in group.items:
            assert squash(item) in text
    for group in document.tools:
        for item in group.items:
            assert squash(item) in text
    for skill in document.skills:
        assert squash(f"{skill.name} ({skill.level_name})") in text
    assert squash(document.about_company) in text
    assert squash(document.how_to_apply) in text
    # The headroom is for layout changes; losing a cap or rendering a field twice breaks the
    # bound.
    if many:
        assert len(document.benefits) == MAX_LINES["benefits"]
        assert 2 <= pages <= 15
    else:
        assert squash("".join(document.benefits)) in text
        assert 2 <= pages <= 12


def test_a_thousand_nested_divs_come_out_as_text():
    nested = "<div>" * 1000 + "deep" + "</div>" * 1000
    document = dataclasses.replace(small_document(), summary=nested, about_company=nested)

    html = pdf.render_print_html(document)
    assert "&lt;div&gt;" * 1000 + "deep" + "&lt;/div&gt;" * 1000 in html
    assert "<div><div>" not in html

    reader = pypdf.PdfReader(io.BytesIO(render_pdf(document)))
    text = body_text(reader)
    assert text.count("<div>") == 2000 and text.count("</div>") == 2000
    assert squash(nested) in text


def test_the_fonts_and_static_files_we_ship_are_regular_files():
    """The fetcher refuses symlinks that leave static/: ours must not be links at all."""
    for path in (STATIC_DIR / "fonts").iterdir():
        assert path.is_file() and not path.is_symlink()
    assert (STATIC_DIR / "fonts" / "DejaVu-LICENSE.txt").read_text().count("Bitstream") > 0
    assert os.access(STATIC_DIR / "css" / "print.css", os.R_OK)
