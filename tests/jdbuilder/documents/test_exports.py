"""Every text export tells the same document: Word, Markdown and plain text against the JD page
itself (its headings, every list item and every paragraph of <article class="jd-document"> come
out, in order, in each), and a sparse document renders in each."""

from __future__ import annotations

import io

import docx
import pytest

from jdbuilder.documents.docx import render_docx
from jdbuilder.documents.text import render_markdown, render_text
from tests.jdbuilder.documents.reading import download, page_structure, readers, squash
from tests.support.documents import REMOTE, make_document


class TestSameDocumentAsThePage:
    @pytest.mark.parametrize("fmt", ["docx", "md", "txt"])
    def test_headings_bullets_and_paragraphs_match_the_page(self, manager_client, final_jd, fmt):
        page = manager_client.get(f"/jd/{final_jd.public_id}/")
        assert page.status_code == 200
        expected = page_structure(page.content.decode("utf-8"))
        exported = readers()[fmt](download(manager_client, final_jd, fmt).content)
        if fmt == "txt":  # plain text writes section headings in capitals
            expected["headings"] = [
                (n, t.upper() if n == 2 else t) for n, t in expected["headings"]
            ]
        assert exported["headings"] == expected["headings"]
        assert exported["bullets"] == expected["bullets"]
        assert exported["paragraphs"] == expected["paragraphs"]

    @pytest.mark.parametrize("fmt", ["docx", "md", "txt"])
    def test_key_content_is_there(self, manager_client, final_jd, fmt):
        exported = readers()[fmt](download(manager_client, final_jd, fmt).content)
        snapshot = final_jd.revisions.get().snapshot
        headings = [text for _, text in exported["headings"]]
        bullets = exported["bullets"]
        assert headings[0] == "Senior Software Engineer"
        sections = [text for level, text in exported["headings"] if level == 2]
        assert [s.lower() for s in sections] == [
            "summary",
            "about acme analytics",
            "responsibilities",
            "skills",
            "tools",
            "who you will work with",
            "compensation and terms",
            "benefits",
            "equal opportunity",
            "how to apply",
        ]
        assert snapshot["responsibilities"], "the catalog role should bring responsibilities"
        for item in snapshot["responsibilities"]:
            assert squash(item["text"]) in bullets
        assert snapshot["skills"], "the catalog role should bring skills"
        for skill in snapshot["skills"]:
            line = f"{skill['name']} ({skill['level_name']}): {skill['level_descriptor']}"
            assert squash(line) in bullets
        assert "Compensation: 150,000 to 190,000 USD a year" in bullets
        assert "Health insurance" in bullets and "Four weeks of paid leave" in bullets
        assert "Location: Denver, Colorado (Hybrid)" in bullets

    def test_remote_terms_name_where_applicants_live(self, make_final_jd, manager, manager_client):
        jd = make_final_jd(manager, **REMOTE)
        for fmt in ("docx", "md", "txt"):
            bullets = readers()[fmt](download(manager_client, jd, fmt).content)["bullets"]
            assert "Location: Denver, Colorado (Remote); applicants based in United States" in (
                bullets
            )


@pytest.mark.parametrize("render", [render_docx, render_markdown, render_text])
def test_a_sparse_document_renders(render):
    # Only what the posting form requires; no skills, tasks or tools chosen.
    document = make_document(
        responsibilities=[],
        skills=[],
        tools=[],
        role={"name": "Founder", "onet_code": "", "works_with": []},
        posting={
            "about_company": "",
            "salary_min": None,
            "salary_max": None,
            "benefits": "",
            "closing_date": None,
            "employment_type": "",
            "workplace_type": "",
        },
    )
    output = render(document)
    text = (
        "\n".join(p.text for p in docx.Document(io.BytesIO(output)).paragraphs)
        if isinstance(output, bytes)
        else output
    )
    assert "Compensation: not stated" in text
    assert "Location: Denver, Colorado" in text
    assert "BENEFITS" not in text.upper() and "TOOLS" not in text.upper()
