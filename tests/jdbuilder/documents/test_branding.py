"""The organization in every document: the logo and brand colour in the JD page, the HTML export,
the PDF and the Word file; about the team, the department and the office in every format; and
each block-filled text reaching every export."""

from __future__ import annotations

import base64
import io
import json
import re
import zipfile

import docx
import lxml.html
import pytest
from django.template.loader import render_to_string
from django.test import override_settings

from jdbuilder.documents import pdf
from jdbuilder.documents.docx import render_docx
from jdbuilder.documents.html import render_html
from jdbuilder.documents.jsonld import job_posting, render_jsonld
from jdbuilder.documents.pdf import fetch_static, render_pdf, render_print_html
from jdbuilder.documents.text import render_markdown, render_text
from jdbuilder.organization.logo import checked_logo, stored_logo
from tests.factories import DraftFactory, OrganizationFactory
from tests.jdbuilder.documents.pdf_reading import body_text, reader_for
from tests.support.documents import make_document
from tests.support.organization import (
    DENVER,
    REMOTE_US,
    branded_document,
    jpeg_bytes,
    logo_part,
    png_bytes,
)

LOGO = png_bytes(size=(80, 40))
META_80 = {**logo_part(LOGO), "width": 80, "height": 40}
# A text for each block kind, unlike anything else in the document.
BLOCK_TEXTS = {
    "about_company": "Zephyrcompany builds forecasting tools.",
    "about_team": "Quillteam runs the data platform.",
    "benefits": "Marigoldbenefit pension plan",
    "equal_opportunity": "Ospreyequal welcomes every applicant.",
    "how_to_apply": "Tangerineapply through the careers site.",
}


def page_html(document, **context) -> str:
    return render_to_string("documents/_document.html", {"document": document, **context})


def article(html: str):
    (node,) = lxml.html.fromstring(html).xpath("//article[contains(@class, 'jd-document')]")
    return node


def docx_text(data: bytes) -> str:
    word = docx.Document(io.BytesIO(data))
    return "\n".join(paragraph.text for paragraph in word.paragraphs)


def pdf_images(data: bytes) -> list:
    """Each image XObject of the PDF once (pages may share their resources)."""
    images = {}
    for page in reader_for(data).pages:
        for ref in page["/Resources"].get("/XObject", {}).values():
            obj = ref.get_object()
            if obj.get("/Subtype") == "/Image":
                images[getattr(ref, "idnum", id(obj))] = obj
    return list(images.values())


# --- the JD page ------------------------------------------------------------------------------


class TestPage:
    def test_the_page_shows_the_logo_by_its_url_and_the_colour_by_class(self):
        document = branded_document(logo=LOGO, colour="#ffd400", logo_meta=META_80)
        node = article(page_html(document))
        assert "jd-branded" in node.classes and "jd-brand-ffd400" in node.classes
        (link,) = node.xpath(".//link[@rel='stylesheet']")
        assert link.get("href") == "/company/brand/ffd400.css"
        (img,) = node.xpath(".//img[contains(@class, 'jd-logo')]")
        assert img.get("src") == document.branding.logo_path
        assert img.get("alt") == "Acme Analytics logo"
        assert (img.get("width"), img.get("height")) == ("80", "40")

    def test_the_page_is_csp_clean(self):
        html = page_html(branded_document(logo=LOGO))
        assert "style=" not in html and "<style" not in html and "<script" not in html
        assert "data:" not in html  # the page links the logo; only files embed it

    def test_an_invalid_colour_never_reaches_the_page(self):
        document = branded_document(colour="#123456;}body{")
        html = page_html(document)
        assert "}body{" not in html
        assert "jd-brand-1f4e79" in html

    def test_a_document_without_branding_renders_as_before(self):
        html = page_html(make_document())
        assert "jd-branded" not in html and "jd-masthead" not in html and "<img" not in html
        assert "<link" not in html

    def test_branding_without_a_logo_shows_the_colour_band_only(self):
        node = article(page_html(branded_document()))
        assert node.xpath(".//div[@class='jd-masthead']")
        assert not node.xpath(".//img")

    def test_the_page_shows_about_the_team_department_and_office(self):
        document = branded_document(
            office=DENVER, posting={"about_team": "We run the platform."}, department="Platform"
        )
        node = article(page_html(document))
        headings = [h.text_content() for h in node.xpath(".//h3")]
        assert "About Acme Analytics" in headings and "About the team" in headings
        items = [" ".join(li.text_content().split()) for li in node.xpath(".//li")]
        assert "Department: Platform" in items
        assert "Office: Denver, 1 Main Street, 80202 Denver, CO, US" in items

    def test_a_remote_office_is_named_without_an_address(self):
        node = article(page_html(branded_document(office=REMOTE_US)))
        items = [" ".join(li.text_content().split()) for li in node.xpath(".//li")]
        assert "Office: Remote, US" in items

    @pytest.mark.django_db
    def test_the_jd_page_carries_the_stored_logo_and_is_valid_html(
        self, catalog, manager, client, vnu
    ):
        logo = stored_logo(checked_logo(png_bytes(size=(120, 60))))
        OrganizationFactory(logo=logo, brand_colour="#0a7f3c")
        jd = DraftFactory(owner=manager)
        client.force_login(manager)
        response = client.get(jd.get_absolute_url())
        html = response.content.decode()
        assert f'src="/company/logo/{logo.sha256}.png"' in html
        assert 'href="/company/brand/0a7f3c.css"' in html
        assert client.get(f"/company/logo/{logo.sha256}.png").content == bytes(logo.content)
        errors = [str(m) for m in vnu(html) if m.is_error or m.is_warning]
        assert errors == []


# --- the HTML export --------------------------------------------------------------------------


class TestHtmlExport:
    def test_the_logo_is_a_data_uri_and_the_colour_is_in_the_inline_style(self):
        document = branded_document(logo=LOGO, colour="#ffd400")
        html = render_html(document)
        tree = lxml.html.fromstring(html)
        (img,) = tree.xpath("//img[contains(@class, 'jd-logo')]")
        src = img.get("src")
        assert src.startswith("data:image/png;base64,")
        assert base64.b64decode(src.split(",", 1)[1]) == LOGO
        (style,) = tree.xpath("//style")
        assert ".jd-brand-ffd400{--jd-brand:#ffd400;--jd-on-brand:#000000}" in style.text
        # Nothing to fetch from the site: no link, no logo URL in an attribute (the JSON-LD
        # names the logo's public URL, as Google asks).
        assert not tree.xpath("//link") and not tree.xpath("//*[contains(@src, '/company/')]")

    def test_a_jpeg_logo_is_embedded_as_jpeg(self):
        jpeg = jpeg_bytes()
        document = branded_document(
            logo=jpeg,
            logo_meta={
                "sha256": "b" * 64,
                "media_type": "image/jpeg",
                "width": 40,
                "height": 20,
                "path": f"/company/logo/{'b' * 64}.jpg",
            },
        )
        assert "data:image/jpeg;base64," in render_html(document)

    def test_the_branded_export_and_print_html_are_valid_html(self, vnu):
        document = branded_document(logo=LOGO, office=DENVER, posting={"about_team": "Team."})
        for html in (render_html(document), render_print_html(document)):
            errors = [str(m) for m in vnu(html) if m.is_error or m.is_warning]
            assert errors == []

    def test_no_branding_has_no_brand_rule(self):
        html = render_html(make_document())
        assert "jd-brand-" not in html and "<img" not in html


# --- the PDF ----------------------------------------------------------------------------------


class TestPdf:
    def test_the_pdf_embeds_the_logo_as_an_image_and_fetches_nothing(self, monkeypatch):
        fetched = []

        def spy(url):
            fetched.append(url)
            return fetch_static(url)

        monkeypatch.setattr(pdf, "fetch_static", spy)
        document = branded_document(logo=LOGO, colour="#1f4e79")
        data = render_pdf(document)
        images = pdf_images(data)
        assert len(images) == 1
        assert (images[0]["/Width"], images[0]["/Height"]) == (80, 40)
        # The logo came as data:, decoded in memory; everything else is our own static files.
        assert any(url.startswith("data:image/png;base64,") for url in fetched)
        others = [url for url in fetched if not url.startswith("data:")]
        assert all(url.startswith(f"{pdf.BASE_URL}static/") for url in others), others
        assert not any("/company/" in url for url in fetched)

    def test_the_print_html_embeds_the_logo_and_links_no_stylesheet(self):
        html = render_print_html(branded_document(logo=LOGO))
        assert "data:image/png;base64," in html
        assert "<link" not in html and "/company/logo/" not in html

    def test_the_brand_band_is_drawn_in_the_colour(self):
        data = render_pdf(branded_document(logo=LOGO, colour="#ffd400"))
        content = b"".join(page.get_contents().get_data() for page in reader_for(data).pages)
        # The band's fill: 255 212 0 as PDF rgb fractions.
        assert re.search(rb"1 0?\.831\d* 0 rg", content), "no fill in the brand colour"

    def test_a_pdf_without_branding_has_no_image(self):
        assert pdf_images(render_pdf(make_document())) == []


# --- the Word file ----------------------------------------------------------------------------


class TestDocx:
    def test_the_logo_is_in_the_header_and_the_band_is_shaded(self):
        data = render_docx(branded_document(logo=LOGO, colour="#ffd400"))
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        media = [name for name in names if name.startswith("word/media/")]
        assert len(media) == 1
        assert zipfile.ZipFile(io.BytesIO(data)).read(media[0]) == LOGO
        headers = [n for n in names if re.fullmatch(r"word/header\d*\.xml", n)]
        header_xml = b"".join(zipfile.ZipFile(io.BytesIO(data)).read(n) for n in headers)
        assert b"<pic:pic" in header_xml and b'descr="Acme Analytics logo"' in header_xml
        body = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml")
        assert b'w:fill="FFD400"' in body
        assert b'w:color w:val="000000"' in body  # black text on yellow

    def test_the_band_is_its_own_style_not_a_paragraph_of_the_posting(self):
        word = docx.Document(io.BytesIO(render_docx(branded_document(logo=LOGO))))
        first = word.paragraphs[0]
        assert (first.style.name, first.text) == ("Company Band", "Acme Analytics")
        assert word.paragraphs[1].style.name == "Heading 1"

    def test_the_docx_stays_deterministic(self):
        document = branded_document(logo=LOGO)
        assert render_docx(document) == render_docx(document)

    def test_no_branding_no_media(self):
        names = zipfile.ZipFile(io.BytesIO(render_docx(make_document()))).namelist()
        assert not [name for name in names if name.startswith("word/media/")]


# --- every block text reaches every format ----------------------------------------------------


def block_document():
    return branded_document(
        logo=LOGO,
        office=DENVER,
        posting={
            **BLOCK_TEXTS,
            "benefits": BLOCK_TEXTS["benefits"] + "\nHealth insurance",
        },
    )


def rendered_texts(document) -> dict[str, str]:
    return {
        "page": " ".join(article(page_html(document)).text_content().split()),
        "html": " ".join(lxml.html.fromstring(render_html(document)).text_content().split()),
        "pdf": body_text(reader_for(render_pdf(document))),
        "docx": docx_text(render_docx(document)),
        "md": render_markdown(document),
        "txt": render_text(document),
        "jsonld": job_posting(document)["description"],
    }


@pytest.fixture(scope="module")
def block_outputs():
    return rendered_texts(block_document())


@pytest.mark.parametrize("fmt", ["page", "html", "pdf", "docx", "md", "txt", "jsonld"])
@pytest.mark.parametrize("kind", list(BLOCK_TEXTS))
def test_each_block_text_reaches_every_format(block_outputs, fmt, kind):
    text = BLOCK_TEXTS[kind]
    found = block_outputs[fmt]
    if fmt == "pdf":
        text, found = "".join(text.split()), found  # body_text drops whitespace
    assert text in found


@pytest.mark.parametrize("fmt", ["page", "html", "docx", "md", "txt"])
def test_department_and_office_reach_the_formats_that_list_terms(block_outputs, fmt):
    found = block_outputs[fmt]
    assert "Department: Platform" in found
    assert "Office: Denver, 1 Main Street, 80202 Denver, CO, US" in found


def test_about_the_team_is_its_own_section_in_text_formats(block_outputs):
    assert "## About the team" in block_outputs["md"]
    assert "\nABOUT THE TEAM\n" in block_outputs["txt"]
    assert "## About Acme Analytics\n" in block_outputs["md"]


# --- JSON-LD ----------------------------------------------------------------------------------


class TestJsonLd:
    @override_settings(SITE_URL="https://jobs.acme.example")
    def test_hiring_organization_has_name_website_and_logo_url(self):
        posting = job_posting(branded_document(logo=LOGO))
        assert posting["hiringOrganization"] == {
            "@type": "Organization",
            "name": "Acme Analytics",
            "sameAs": "https://acme.example",
            "logo": f"https://jobs.acme.example/company/logo/{'a' * 64}.png",
        }

    @override_settings(SITE_URL="")
    def test_no_site_url_no_logo(self):
        organization = job_posting(branded_document(logo=LOGO))["hiringOrganization"]
        assert "logo" not in organization and organization["sameAs"] == "https://acme.example"

    def test_no_website_no_same_as_and_no_logo_without_one(self):
        organization = job_posting(branded_document(website=""))["hiringOrganization"]
        assert organization == {"@type": "Organization", "name": "Acme Analytics"}

    def test_job_location_comes_from_the_office_address(self):
        posting = job_posting(branded_document(office=DENVER))
        assert posting["jobLocation"] == {
            "@type": "Place",
            "address": {
                "@type": "PostalAddress",
                "streetAddress": "1 Main Street",
                "addressLocality": "Denver",
                "addressRegion": "CO",
                "postalCode": "80202",
                "addressCountry": "US",
            },
        }

    def test_an_office_with_part_of_an_address_gives_what_it_has(self):
        office = {**DENVER, "street_address": "", "postal_code": ""}
        address = job_posting(branded_document(office=office))["jobLocation"]["address"]
        assert address == {
            "@type": "PostalAddress",
            "addressLocality": "Denver",
            "addressRegion": "CO",
            "addressCountry": "US",
        }

    def test_without_an_office_the_location_text_is_used_as_before(self):
        posting = job_posting(branded_document(office=None))
        assert posting["jobLocation"]["address"] == {
            "@type": "PostalAddress",
            "addressLocality": "Denver",
            "addressRegion": "Colorado",
        }

    def test_a_remote_only_office_keeps_telecommute(self):
        document = branded_document(
            office=REMOTE_US,
            posting={
                "workplace_type": "remote",
                "applicant_location": "United States",
                "location": "",
            },
        )
        posting = job_posting(document)
        assert posting["jobLocationType"] == "TELECOMMUTE"
        assert posting["applicantLocationRequirements"] == {
            "@type": "Country",
            "name": "United States",
        }
        assert "jobLocation" not in posting

    def test_the_description_carries_about_the_team(self):
        document = branded_document(posting={"about_team": "Quillteam <b>runs</b> it."})
        description = job_posting(document)["description"]
        assert "<p>Quillteam &lt;b&gt;runs&lt;/b&gt; it.</p>" in description

    def test_the_file_is_valid_json_with_the_organization(self):
        data = json.loads(render_jsonld(branded_document(logo=LOGO, office=DENVER)))
        assert data["hiringOrganization"]["name"] == "Acme Analytics"
        assert data["jobLocation"]["address"]["streetAddress"] == "1 Main Street"


# --- an issued revision, end to end -----------------------------------------------------------


@pytest.mark.django_db
def test_an_issued_revision_carries_its_logo_into_every_file_and_keeps_it(
    make_final_jd, manager, client
):
    from jdbuilder.organization.models import Organization
    from tests.jdbuilder.documents.reading import download

    first = stored_logo(checked_logo(png_bytes(size=(90, 30))))
    OrganizationFactory(logo=first, brand_colour="#0a7f3c")
    jd = make_final_jd(manager)
    # A later logo and colour leave the issued revision as it was.
    organization = Organization.objects.get()
    organization.logo = stored_logo(checked_logo(png_bytes(size=(50, 50))))
    organization.brand_colour = "#ffd400"
    organization.save()

    client.force_login(manager)
    images = pdf_images(download(client, jd, "pdf").content)
    assert [(image["/Width"], image["/Height"]) for image in images] == [(90, 30)]
    word = zipfile.ZipFile(io.BytesIO(download(client, jd, "docx").content))
    (media,) = [name for name in word.namelist() if name.startswith("word/media/")]
    assert word.read(media) == bytes(first.content)
    html = download(client, jd, "html").content.decode()
    assert "jd-brand-0a7f3c" in html
    assert base64.b64encode(bytes(first.content)).decode() in html
    page = client.get(jd.get_absolute_url()).content.decode()
    assert f"/company/logo/{first.sha256}.png" in page and "/company/brand/0a7f3c.css" in page
