"""The PDF renderer never fetches what a user typed and embeds nothing.

A tiny HTTP server on 127.0.0.1 records every request it gets: every attack is aimed at it (or at
local files), typed into every free-text field, and the test proves nothing reached it, nothing
of its canary (or of a local file) is in the PDF, and the attacks show as plain text. Were the
text ever put in the page unescaped, the renderer would still load nothing.
"""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path

import pypdf
import pytest
from django.db import transaction
from pypdf.generic import ArrayObject, DictionaryObject

from jdbuilder.document import Document, Group, SkillLine
from jdbuilder.documents import pdf
from jdbuilder.documents.build import build_document
from jdbuilder.documents.pdf import render_pdf
from tests.factories import ManagerFactory
from tests.jdbuilder.documents.pdf_safety import (
    CANARY,
    FILE_CANARY,
    all_objects,
    attacks,
    body_text,
    decoded_content,
    final_revision,
    hostname,
    small_document,
    split_page,
    squash,
    write_secret,
)
from tests.support.catalog import catalog_is_loaded, load_seed_catalog

pytestmark = pytest.mark.django_db


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
        content = pdf.html_to_pdf(raw_page(listener.url, secret_file), small_document(), "a4")
        assert listener.requests == []
        reader = pypdf.PdfReader(io.BytesIO(content))
        everything = content + decoded_content(reader)
        assert CANARY.encode() not in everything
        assert FILE_CANARY.encode() not in everything
        assert b"root:x:0:0" not in everything
        assert reader.attachments == {}
        assert "/EmbeddedFiles" not in reader.trailer["/Root"].get("/Names", {})
        assert "visible" in reader.pages[0].extract_text()
