"""The Markdown and plain-text exports (jdbuilder/documents/text.py): typed text is escaped so a
Markdown reader shows it literally, the heading levels, and the plain-text layout."""

from __future__ import annotations

import re

import lxml.html
import pytest

from jdbuilder.documents.text import escape_markdown, render_markdown, render_text
from tests.jdbuilder.documents.reading import HOSTILE, markdown, markdown_structure, squash
from tests.support.documents import make_document


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


class TestStatedRequirements:
    """Experience and education print only when the JD states them (the seniority's default
    is for the JSON-LD), in the same words in Markdown and plain text."""

    def test_stated_experience_and_education(self):
        document = make_document(
            posting={"experience_years": 7, "education_requirement": "bachelor degree"}
        )
        text = render_text(document)
        assert "- Employment type: Full-time\n- Experience: 7 years\n" in text
        assert "- Education: Bachelor's degree\n" in text
        assert "- Experience: 7 years\n" in render_markdown(document)

    @pytest.mark.parametrize(
        ("years", "words"), [(1, "1 year"), (0, "no prior experience required"), (40, "40 years")]
    )
    def test_experience_in_words(self, years, words):
        assert f"- Experience: {words}\n" in render_text(
            make_document(posting={"experience_years": years})
        )

    def test_not_stated_prints_nothing(self):
        text = render_text(make_document())
        assert "Experience:" not in text and "Education:" not in text
        unknown = make_document(posting={"education_requirement": "doctorate"})
        assert "Education:" not in render_text(unknown)
