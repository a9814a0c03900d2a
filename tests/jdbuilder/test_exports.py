"""Word, Markdown and plain-text exports: downloads, permissions, and the same document as the page.

"The same document" is checked against the JD page itself: the headings, every list item and
every paragraph of the page's <article class="jd-document"> must come out, in order, in each
export. Markdown is read back through a CommonMark parser (markdown-it-py), so the check is on
what a reader sees, not on the source.
"""

from __future__ import annotations

import datetime
import io
import re
import zipfile

import docx
import lxml.html
import pytest
from markdown_it import MarkdownIt

from jdbuilder.documents.docx import render_docx
from jdbuilder.documents.text import escape_markdown, render_markdown, render_text
from tests.factories import DraftFactory, ManagerFactory
from tests.support.documents import POSTED, REMOTE, make_document

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "md": "text/markdown; charset=utf-8",
    "txt": "text/plain; charset=utf-8",
    "html": "text/html; charset=utf-8",
}
STEM = "senior-software-engineer-acme-analytics-r1"

HOSTILE = (
    "</script><script>alert(1)</script> *bold* _em_ __strong__ `code` ~~gone~~ "
    "[click](javascript:alert(2)) ![img](http://evil.example/x.png) <b>b</b> | a | b | "
    "&amp; &#60; \\* <!-- c -->"
)

# CommonMark plus the GitHub extensions an ATS or a wiki may turn on (tables, strikethrough).
markdown = MarkdownIt("commonmark").enable(["table", "strikethrough"])


def squash(text: str) -> str:
    return " ".join(text.split())


# ---------------------------------------------------------------------------------------------
# Reading each format back as (headings, bullets, paragraphs)


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


# ---------------------------------------------------------------------------------------------
# Downloads through the view


@pytest.fixture
def final_jd(make_final_jd, manager):
    return make_final_jd(manager)


def download(client, jd, fmt: str):
    return client.get(f"/jd/{jd.public_id}/download/{fmt}/", follow=True)


class TestDownloads:
    @pytest.mark.parametrize("fmt", list(CONTENT_TYPES))
    @pytest.mark.parametrize("who", ["owner", "recruiter"])
    def test_owner_and_recruiters_download(self, client, final_jd, manager, recruiter, who, fmt):
        client.force_login(manager if who == "owner" else recruiter)
        response = download(client, final_jd, fmt)
        assert response.status_code == 200
        assert response["Content-Type"] == CONTENT_TYPES[fmt]
        assert response["Content-Disposition"] == f'attachment; filename="{STEM}.{fmt}"'
        assert int(response["Content-Length"]) == len(response.content) > 0

    @pytest.mark.parametrize("fmt", list(CONTENT_TYPES))
    def test_a_revision_is_downloadable_by_number(self, manager_client, final_jd, fmt):
        latest = download(manager_client, final_jd, fmt)
        numbered = manager_client.get(f"/jd/{final_jd.public_id}/revisions/1/download/{fmt}/")
        assert numbered.status_code == 200
        assert numbered.content == latest.content

    @pytest.mark.parametrize("fmt", ["pptx", "exe", "DOCX", "..", "docx.zip"])
    def test_an_unknown_format_is_not_found(self, manager_client, final_jd, fmt):
        assert download(manager_client, final_jd, fmt).status_code == 404

    @pytest.mark.parametrize("fmt", list(CONTENT_TYPES))
    def test_another_manager_gets_not_found(self, client, final_jd, fmt):
        client.force_login(ManagerFactory(username="someone-else"))
        assert download(client, final_jd, fmt).status_code == 404

    @pytest.mark.parametrize("fmt", list(CONTENT_TYPES))
    def test_a_draft_never_finalized_has_no_downloads(
        self, client, catalog, manager, recruiter, fmt
    ):
        draft = DraftFactory(owner=manager)
        for user in (manager, recruiter):
            client.force_login(user)
            assert download(client, draft, fmt).status_code == 404
            url = f"/jd/{draft.public_id}/revisions/1/download/{fmt}/"
            assert client.get(url).status_code == 404

    def test_anonymous_users_are_sent_to_sign_in(self, client, final_jd):
        response = client.get(f"/jd/{final_jd.public_id}/download/docx/")
        assert response.status_code == 302 and "/accounts/login/?next=" in response["Location"]


# ---------------------------------------------------------------------------------------------
# The same document as the page


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
            "about acme analytics and the team",
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


# ---------------------------------------------------------------------------------------------
# Word


class TestWord:
    def test_core_properties(self):
        word = docx.Document(io.BytesIO(render_docx(make_document(revision=2))))
        properties = word.core_properties
        assert properties.title == "Senior Software Engineer"
        assert properties.author == "Acme Analytics"
        assert properties.language == "en"
        assert properties.identifier == "0b7f0c38-8d39-4c55-9a55-1b2a3c4d5e6f-r2"
        assert properties.revision == 2
        expected = datetime.datetime(2030, 1, 15, tzinfo=datetime.UTC)
        assert properties.created == properties.modified == expected

    def test_text_language_is_the_documents(self):
        word = docx.Document(io.BytesIO(render_docx(make_document())))
        lang = word.styles.element.xpath("w:docDefaults/w:rPrDefault/w:rPr/w:lang/@w:val")
        assert lang == ["en"]

    def test_output_is_byte_identical_each_time(self):
        first = render_docx(make_document())
        second = render_docx(make_document())
        assert first == second
        stamps = {info.date_time for info in zipfile.ZipFile(io.BytesIO(first)).infolist()}
        assert stamps == {(POSTED.year, POSTED.month, POSTED.day, 0, 0, 0)}

    def test_downloads_are_byte_identical(self, manager_client, final_jd):
        assert (
            download(manager_client, final_jd, "docx").content
            == download(manager_client, final_jd, "docx").content
        )

    def test_unissued_document_is_deterministic_too(self):
        assert render_docx(make_document(date_posted=None)) == render_docx(
            make_document(date_posted=None)
        )

    def test_headings_are_real_word_headings(self):
        word = docx.Document(io.BytesIO(render_docx(make_document())))
        styles = [(p.style.name, p.text) for p in word.paragraphs if p.style.name != "Normal"]
        assert styles[0] == ("Heading 1", "Senior Software Engineer")
        assert ("Heading 2", "Responsibilities") in styles
        assert ("Heading 3", "Build") in styles and ("Heading 3", "Operate") in styles
        assert ("List Bullet", "Design services") in styles
        # The skill's name is bold, the rest of the line is not.
        skill = next(p for p in word.paragraphs if p.text.startswith("Python ("))
        assert [(run.text, bool(run.bold)) for run in skill.runs] == [
            ("Python", True),
            (" (Advanced): Leads work on complex problems.", False),
        ]

    def test_skill_table(self):
        word = docx.Document(io.BytesIO(render_docx(make_document())))
        (table,) = word.tables
        rows = [[cell.text for cell in row.cells] for row in table.rows]
        assert rows == [
            ["Skill", "Level", "Importance"],
            ["Python", "Advanced, 4 of 5", "Required"],
            ["Go", "Working, 2 of 5", "Nice to have"],
        ]

    def test_thumbnail_of_an_empty_page_is_dropped(self):
        names = zipfile.ZipFile(io.BytesIO(render_docx(make_document()))).namelist()
        assert names[0] == "[Content_Types].xml"
        assert not any("thumbnail" in name for name in names)

    def test_characters_xml_forbids_do_not_break_the_export(self):
        # U+000B is what Word puts on the clipboard for a manual line break.
        document = make_document(
            title="Engineer\x01\x7f\ufffe",
            posting={"summary": "Line one\x0bline two", "company_name": "Acme\x00 Inc"},
        )
        word = docx.Document(io.BytesIO(render_docx(document)))
        assert word.paragraphs[0].text == "Engineer"
        assert any(p.text == "Line one\nline two" for p in word.paragraphs)
        assert word.core_properties.author == "Acme Inc"

    def test_typed_markup_is_text(self):
        document = make_document(title=HOSTILE, posting={"summary": HOSTILE})
        word = docx.Document(io.BytesIO(render_docx(document)))
        assert word.paragraphs[0].text == squash(HOSTILE)
        assert squash(HOSTILE) in [p.text for p in word.paragraphs if p.style.name == "Normal"]


# ---------------------------------------------------------------------------------------------
# Markdown


def rendered_text(source: str) -> str:
    """What a Markdown reader shows for `source`, asserting it is only plain paragraphs."""
    html = markdown.render(source)
    tree = lxml.html.fragment_fromstring(html, create_parent="div")
    assert {element.tag for element in tree.iter()} <= {"div", "p"}, html
    return "\n".join(p.text_content() for p in tree)


class TestEscapeMarkdown:
    @pytest.mark.parametrize(
        "text",
        [
            "*emphasis* and **strong** and ***both***",
            "_emphasis_ and __strong__ and snake_case_name",
            "# not a heading",
            "## not a heading ##",
            "C# and F# developers #1",
            "[x](javascript:alert(1))",
            "[x][ref]\n\n[ref]: javascript:alert(1)",
            "![img](http://evil.example/x.png)",
            "<script>alert(1)</script>",
            "</script><img src=x onerror=alert(1)>",
            "<http://evil.example/> and <mailto:a@b.example>",
            "`code` and ``double`` and ```fence```",
            "| a | b |",
            "~~strike~~ and ~tilde~",
            "&amp; &lt; &#60; &#x3C; &copy; and R&D & co",
            "a \\ backslash \\* and \\\\ two",
            "- a list",
            "+ a list",
            "* a list",
            "1. a list",
            "2) a list",
            "> a quote",
            "---",
            "***",
            "___",
            "===",
            "    four spaces: code",
            "\ttab: code",
            "<!-- comment -->",
            "<div>block html</div>",
            "line one\n# two\n- three\n1. four\n> five\n===\n---",
            "trailing backslash \\",
            "{{ request }} {% now 'Y' %}",
        ],
    )
    def test_renders_as_the_literal_text(self, text):
        expected = "\n".join(line.strip() for line in text.split("\n") if line.strip())
        shown = rendered_text(escape_markdown(text))
        assert "\n".join(line.strip() for line in shown.split("\n") if line.strip()) == expected

    def test_ordinary_text_stays_readable(self):
        text = "Design services (APIs, queues), e.g. for 3 teams: 100% remote."
        assert escape_markdown(text) == text

    def test_control_characters_are_dropped(self):
        assert escape_markdown("a\x00b\x01c\x7fd") == "abcd"


class TestMarkdown:
    def test_typed_markup_is_shown_literally(self):
        document = make_document(**{"title": HOSTILE, "posting": {"summary": HOSTILE}})
        source = render_markdown(document)
        html = markdown.render(source)
        tree = lxml.html.fragment_fromstring(html, create_parent="div")
        tags = {element.tag for element in tree.iter()} - {"div"}
        assert tags <= {"h1", "h2", "h3", "p", "ul", "li", "strong", "br"}
        assert tree.xpath("string(//h1)") == squash(HOSTILE)
        assert squash(HOSTILE) in [squash(p.text_content()) for p in tree.xpath("//p")]
        assert not tree.xpath("//script|//a|//img|//em|//code|//table|//s|//del")

    def test_typed_markup_in_bold_leads_stays_inside_the_bold(self):
        document = make_document(
            skills=[
                {
                    "name": "**C++** _and_ [x](y)",
                    "category": "technical",
                    "level_rank": 3,
                    "level_name": "Practitioner",
                    "level_descriptor": "*Works* alone.",
                    "importance": "required",
                }
            ]
        )
        tree = lxml.html.fromstring(f"<div>{markdown.render(render_markdown(document))}</div>")
        (item,) = [li for li in tree.xpath("//li") if "C++" in li.text_content()]
        assert item.xpath("string(strong)") == "**C++** _and_ [x](y)"
        assert squash(item.text_content()) == "**C++** _and_ [x](y) (Practitioner): *Works* alone."

    def test_heading_levels(self):
        headings = markdown_structure(render_markdown(make_document()))["headings"]
        assert headings[0] == (1, "Senior Software Engineer")
        assert (2, "Skills") in headings and (3, "Nice to have") in headings

    def test_empty_lead_is_not_a_thematic_break(self):
        document = make_document(tools=[{"name": "Git", "area": " ", "area_position": 1}])
        assert "****" not in render_markdown(document)


# ---------------------------------------------------------------------------------------------
# Plain text


class TestPlainText:
    def test_layout(self):
        text = render_text(make_document())
        assert text.startswith("Senior Software Engineer\n========================\n\n")
        assert "\nRESPONSIBILITIES\nBuild:\n- Design services\n- Write tests\n\nOperate:\n" in text
        assert "\nSKILLS\nRequired:\n- Python (Advanced): Leads work on complex problems.\n" in text
        assert "\nTOOLS\n- Source control: Git\n- Other tools: Kafka\n" in text
        assert "- Applications close on 28 February 2030\n" in text
        assert text.endswith("\n") and not text.endswith("\n\n")

    def test_no_markup(self):
        text = render_text(make_document())
        assert not re.search(r"[*#<>`|_]", text)

    def test_typed_text_is_kept_as_typed(self):
        text = render_text(make_document(title=HOSTILE, posting={"summary": HOSTILE}))
        assert text.startswith(f"{squash(HOSTILE)}\n{'=' * len(squash(HOSTILE))}\n")
        assert f"\nSUMMARY\n{squash(HOSTILE)}\n" in text

    def test_lines_are_not_wrapped(self):
        long_summary = "word " * 200
        text = render_text(make_document(posting={"summary": long_summary}))
        assert f"\n{long_summary.strip()}\n" in text

    def test_multi_line_text_keeps_its_breaks(self):
        text = render_text(make_document(posting={"how_to_apply": "Email us.\n\nOr call.\nToday"}))
        assert text.endswith("HOW TO APPLY\nEmail us.\n\nOr call.\nToday\n")


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


def test_the_latest_download_address_redirects_to_the_revisions_own(manager_client, final_jd):
    response = manager_client.get(f"/jd/{final_jd.public_id}/download/docx/")
    assert response.status_code == 302
    assert response.url == f"/jd/{final_jd.public_id}/revisions/1/download/docx/"
