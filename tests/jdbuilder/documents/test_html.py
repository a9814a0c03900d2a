"""The HTML export: valid HTML (Nu checker), self-contained, and a sound JobPosting in JSON-LD.

The Nu checker needs Java and node_modules/vnu-jar (`npm ci --ignore-scripts`). The `vnu`
fixture (tests/jdbuilder/conftest.py) fails when either is missing: CI installs both, so a skip
would hide a broken setup.
"""

from __future__ import annotations

import json
import re

import extruct
import lxml.html
import pytest

from jdbuilder.documents.html import render_html
from jdbuilder.models import JobDescription
from jdbuilder.vocabulary import EducationLevel
from tests.factories import POSTING_TEXT_FIELDS, FinalJobDescriptionFactory
from tests.support import vnu as nu
from tests.support.documents import REMOTE, make_document, make_snapshot

# Typed into every field: ends the JSON-LD script, adds elements that would load resources, opens
# a comment and a CDATA end, uses entities and template syntax.
HOSTILE = (
    '</script><script>alert(1)</script><img src="http://evil.example/x.png" onerror=alert(2)>'
    "<link rel=stylesheet href=//evil.example/s.css>"
    "<style>body{background:url(http://evil.example/bg)}</style>"
    "<!-- ]]> ' \" & &amp; &#60; {{ request }} {% now 'Y' %} [x](javascript:alert(3))"
)

# Warnings the export may have, and why each is acceptable.
ALLOWED_WARNINGS = {
    # _document.html is shared with the app's pages, which own the page's h1, so the document's
    # title is an h2. Standalone, the export has no h1. Reported; not an error in HTML.
    "This document has heading elements but none of them has a computed heading level of 1.",
}

# Attributes through which an element loads or links to something outside the file.
RESOURCE_ATTRIBUTES = {
    "src",
    "srcset",
    "href",
    "xlink:href",
    "{http://www.w3.org/1999/xlink}href",
    "data",
    "poster",
    "background",
    "action",
    "formaction",
    "ping",
    "manifest",
    "codebase",
    "longdesc",
    "cite",
}
LOADING_ELEMENTS = {"link", "img", "iframe", "frame", "object", "embed", "video", "audio", "base"}


def assert_valid(messages: list[nu.Message]) -> None:
    errors = [str(m) for m in messages if m.is_error]
    assert errors == [], "Nu checker errors:\n" + "\n".join(errors)
    warnings = [m for m in messages if m.is_warning and m.message not in ALLOWED_WARNINGS]
    assert warnings == [], "Unexpected warnings:\n" + "\n".join(map(str, warnings))


def final_jd_with_text_everywhere(owner, text: str) -> JobDescription:
    """A finalized JD with `text` in every field a manager types, custom task and tool included."""
    return FinalJobDescriptionFactory(
        owner=owner,
        title=text[:150],
        posting={**dict.fromkeys(POSTING_TEXT_FIELDS, text), "workplace_type": "remote"},
        extra_responsibilities=[text],
        extra_tools=[text],
    )


def download_html(client, jd) -> str:
    response = client.get(f"/jd/{jd.public_id}/download/html/", follow=True)
    assert response.status_code == 200
    return response.content.decode("utf-8")


def every_text_field(text: str) -> dict:
    """make_document overrides that put `text` in every text of the snapshot, catalog ones too."""
    snapshot = make_snapshot()
    return {
        "title": text,
        "seniority_label": text,
        "role": {**snapshot["role"], "name": text, "works_with": [text, "Designers"]},
        "responsibilities": [
            {**item, "area": text, "text": text} for item in snapshot["responsibilities"]
        ],
        "skills": [
            {**s, "name": text, "level_name": text, "level_descriptor": text}
            for s in snapshot["skills"]
        ],
        "scale": [text, *snapshot["scale"][1:]],
        "tools": [{**t, "name": text, "area": text} for t in snapshot["tools"]],
        "posting": {**dict.fromkeys(POSTING_TEXT_FIELDS, text), "workplace_type": "remote"},
    }


def json_ld(html: str) -> list[dict]:
    return extruct.extract(html, syntaxes=["json-ld"], uniform=True)["json-ld"]


# ---------------------------------------------------------------------------------------------
# Validity


class TestValidHtml:
    def test_realistic_final_jd_has_no_errors(self, vnu, make_final_jd, manager, manager_client):
        html = download_html(manager_client, make_final_jd(manager))
        assert_valid(vnu(html))

    def test_hostile_text_in_every_field_has_no_errors(self, vnu, catalog, manager, client):
        client.force_login(manager)
        html = download_html(client, final_jd_with_text_everywhere(manager, HOSTILE))
        assert_valid(vnu(html))

    def test_hostile_text_in_catalog_texts_too_has_no_errors(self, vnu):
        # Skill, level, area and role names come from the catalog, which staff edit.
        html = render_html(make_document(**every_text_field(HOSTILE)))
        assert_valid(vnu(html))

    def test_control_characters_typed_by_a_user_are_not_in_the_html(self, vnu):
        document = make_document(posting={"summary": "Line one\x0bline two \x01\x7f\ufffe end"})
        assert_valid(vnu(render_html(document)))


# ---------------------------------------------------------------------------------------------
# Self-contained


def external_references(html: str) -> list[str]:
    """Everything in the file that would make a browser fetch or link outside it."""
    tree = lxml.html.document_fromstring(html)
    found = []
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue  # comments, processing instructions
        tag = element.tag.rsplit("}", 1)[-1].lower()
        if tag in LOADING_ELEMENTS:
            found.append(f"<{tag}> element")
        if tag == "script" and element.get("type") != "application/ld+json":
            found.append("a <script> that is not JSON-LD")
        if tag == "meta" and element.get("http-equiv", "").lower() == "refresh":
            found.append("<meta http-equiv=refresh>")
        for name, value in element.attrib.items():
            if name.lower() in RESOURCE_ATTRIBUTES:
                found.append(f"<{tag} {name}={value!r}>")
            if name.lower() == "style" and re.search(r"url\(|@import|image-set", value, re.I):
                found.append(f"<{tag} style={value!r}>")
    for style in tree.iter("style"):
        css = style.text_content()
        found += [f"CSS {hit}" for hit in re.findall(r"url\(|@import|image-set\(", css, re.I)]
    return found


class TestSelfContained:
    def test_export_loads_nothing_from_outside(self, make_final_jd, manager, manager_client):
        html = download_html(manager_client, make_final_jd(manager))
        assert external_references(html) == []
        # The CSS is inline, and the only addresses are namespaces and the JSON-LD vocabulary.
        tree = lxml.html.document_fromstring(html)
        assert tree.xpath("//head/style") and "jd-document" in tree.xpath("string(//head/style)")
        addresses = set(re.findall(r"https?://[^\s\"'<>]+", html))
        # (The O*NET Content Model's address names the set of a skill's DefinedTerm code.)
        assert addresses <= {
            "http://www.w3.org/2000/svg",
            "https://schema.org/",
            "https://www.onetcenter.org/content.html",
        }

    def test_typed_markup_adds_no_resource(self, catalog, manager, client):
        client.force_login(manager)
        html = download_html(client, final_jd_with_text_everywhere(manager, HOSTILE))
        assert external_references(html) == []
        tree = lxml.html.document_fromstring(html)
        assert len(tree.xpath("//script")) == 1
        assert len(tree.xpath("//style")) == 1
        # What was typed is shown as text.
        assert tree.xpath("string(//h1[contains(@class, 'jd-title')])") == HOSTILE[:150]

    def test_the_detector_finds_resources(self):
        # The check above would be worthless if it could not see these.
        html = (
            "<!DOCTYPE html><html><head><link rel=stylesheet href=a.css>"
            "<style>b{background:url(x.png)}</style><script src=x.js></script></head>"
            '<body><img src=x.png><p style="background:url(y)">x</p>'
            '<svg><image href="z.png"/></svg></body></html>'
        )
        found = external_references(html)
        assert "<link> element" in found and "<img> element" in found
        assert "a <script> that is not JSON-LD" in found
        assert any("url(" in f for f in found if f.startswith("CSS"))
        assert any("style=" in f for f in found)
        assert any("<image href=" in f for f in found)


# ---------------------------------------------------------------------------------------------
# JSON-LD, as a crawler reads it


class TestJsonLd:
    def test_job_posting_has_required_and_recommended_properties(
        self, make_final_jd, manager, manager_client
    ):
        jd = make_final_jd(manager, workplace_type="onsite")
        items = json_ld(download_html(manager_client, jd))
        assert len(items) == 1
        posting = items[0]
        assert posting["@type"] == "JobPosting"
        # Required by Google.
        assert posting["title"] == "Senior Software Engineer"
        assert posting["description"]
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", posting["datePosted"])
        assert posting["hiringOrganization"]["name"] == "Acme Analytics"
        assert posting["jobLocation"]["address"] == {
            "@type": "PostalAddress",
            "addressLocality": "Denver",
            "addressRegion": "Colorado",
        }
        # Recommended, and this JD has them.
        salary = posting["baseSalary"]
        assert salary["@type"] == "MonetaryAmount" and salary["currency"] == "USD"
        assert salary["value"] == {
            "@type": "QuantitativeValue",
            "minValue": 150000.0,
            "maxValue": 190000.0,
            "unitText": "YEAR",
        }
        assert posting["employmentType"] == "FULL_TIME"
        revision = jd.revisions.get()
        closing = revision.snapshot["posting"]["closing_date"]
        assert posting["validThrough"] == f"{closing}T23:59:59"
        assert posting["identifier"]["value"] == f"{jd.public_id}-r1"
        assert posting["datePosted"] == revision.finalized_at.date().isoformat()

    def test_remote_job_posting(self, make_final_jd, manager, manager_client):
        jd = make_final_jd(manager, **REMOTE)
        posting = json_ld(download_html(manager_client, jd))[0]
        assert posting["jobLocationType"] == "TELECOMMUTE"
        assert posting["applicantLocationRequirements"]["name"] == "United States"

    def test_description_holds_only_p_ul_li_strong(self, make_final_jd, manager, manager_client):
        posting = json_ld(download_html(manager_client, make_final_jd(manager)))[0]
        tags = set(re.findall(r"</?\s*([a-zA-Z][a-zA-Z0-9]*)", posting["description"]))
        assert tags == {"p", "ul", "li", "strong"}

    def test_description_holds_only_p_ul_li_strong_with_typed_markup(
        self, catalog, manager, client
    ):
        client.force_login(manager)
        html = download_html(client, final_jd_with_text_everywhere(manager, HOSTILE))
        description = json_ld(html)[0]["description"]
        tags = set(re.findall(r"</?\s*([a-zA-Z][a-zA-Z0-9]*)", description))
        assert tags <= {"p", "ul", "li", "strong"}
        assert "&lt;/script&gt;&lt;script&gt;alert(1)" in description

    def test_typed_script_end_cannot_break_out_of_the_json_ld(self, catalog, manager, client):
        client.force_login(manager)
        jd = final_jd_with_text_everywhere(manager, HOSTILE)
        html = download_html(client, jd)
        # One script element in the raw file, and the typed text is still data inside it.
        assert html.count("<script") == 1 and html.count("</script>") == 1
        items = json_ld(html)
        assert len(items) == 1
        posting = items[0]
        assert posting["title"] == HOSTILE[:150]
        assert posting["hiringOrganization"]["name"] == HOSTILE
        # The applicant location is read as a list of places (split at commas, slashes...):
        # each piece is still a plain string of the typed text.
        places = posting["applicantLocationRequirements"]
        names = [place["name"] for place in places]
        assert all(isinstance(name, str) for name in names)
        assert "<script>alert(1)<" in " ".join(names)
        # And the script body is plain JSON that a strict parser reads the same.
        body = lxml.html.document_fromstring(html).xpath("string(//script)")
        assert json.loads(body) == posting

    def test_json_download_is_the_same_posting(self, make_final_jd, manager, manager_client):
        jd = make_final_jd(manager)
        html_posting = json_ld(download_html(manager_client, jd))[0]
        response = manager_client.get(f"/jd/{jd.public_id}/download/json/", follow=True)
        assert response.status_code == 200
        assert json.loads(response.content) == html_posting


def test_vnu_helper_reports_errors(vnu):
    # The validity tests would pass vacuously if the helper lost the checker's errors.
    messages = vnu("<!DOCTYPE html><html lang=en><title>x</title><p><div></p>")
    assert any(m.is_error for m in messages)


class TestStatedRequirements:
    """The page's terms list says the experience and education the JD states, in the words of
    the text exports (Document.stated_requirements)."""

    @pytest.mark.parametrize("level", list(EducationLevel))
    def test_each_education_level_is_shown_by_its_label(self, level):
        document = make_document(posting={"education_requirement": level.value})
        items = terms_items(render_html(document))
        assert f"Education: {level.label}" in items
        assert f"Education: {level.label}" in document.stated_requirements

    @pytest.mark.parametrize(
        ("years", "words"), [(1, "1 year"), (12, "12 years"), (0, "no prior experience required")]
    )
    def test_stated_experience(self, years, words):
        document = make_document(posting={"experience_years": years})
        assert f"Experience: {words}" in terms_items(render_html(document))
        assert document.stated_requirements == [f"Experience: {words}"]

    def test_nothing_stated_nothing_shown(self):
        html = render_html(make_document())
        assert "Experience:" not in html and "Education:" not in html


def terms_items(html: str) -> list[str]:
    tree = lxml.html.document_fromstring(html)
    section = tree.xpath("//section[@aria-labelledby='jd-terms']")[0]
    return [" ".join(li.text_content().split()) for li in section.iter("li")]
