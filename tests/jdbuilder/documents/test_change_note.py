"""The change note: a redline as Markdown and as a PDF, every user text escaped."""

from __future__ import annotations

import pytest

from jdbuilder.document import Group
from jdbuilder.documents.change_note import (
    change_note_html,
    change_note_markdown,
    change_note_pdf,
)
from jdbuilder.documents.diff import redline
from tests.jdbuilder.documents.pdf_reading import body_text, reader_for, squash
from tests.support.redline import base_document, changed, pay, skill

LABELS = {
    "title": "Machine Learning Engineer",
    "old_label": "Revision 1",
    "new_label": "Revision 2",
}


def level_and_salary():
    old = base_document()
    new = changed(
        old,
        revision=2,
        required_skills=(skill("Machine learning", "Advanced"), old.skills[1]),
        compensation=pay(130_000, 170_000),
        summary="Build and ship the models that predict hospital admissions for our customers.",
    )
    return old, new


def test_markdown_has_a_heading_the_labels_and_each_section_s_changes():
    old, new = level_and_salary()
    note = change_note_markdown(redline(old, new), **LABELS)
    assert note.startswith("# Changes to Machine Learning Engineer\n\nRevision 1 → Revision 2\n")
    assert "## Skills and proficiency\n\n- Machine learning: Accomplished → Advanced" in note
    assert "## Compensation\n\n- 120,000 to 150,000 USD a year → 130,000 to 170,000" in note
    assert "(width 30,000 → 40,000)" in note
    assert "~~forecast~~ **predict**" in note
    assert note.index("## Title and summary") < note.index("## Skills and proficiency")


def test_markdown_of_an_empty_and_a_first_redline():
    document = base_document()
    assert "No changes." in change_note_markdown(redline(document, document), **LABELS)
    first = change_note_markdown(redline(None, document), **LABELS)
    assert "Nothing issued before: this is the first revision." in first
    assert "##" not in first


def test_markdown_escapes_what_a_user_typed():
    old = base_document()
    new = changed(
        old,
        responsibilities=(
            *old.responsibilities,
            Group("Other", ("[click](http://x.example) *now*",)),
        ),
    )
    note = change_note_markdown(redline(old, new), **{**LABELS, "title": "# <b>Boss</b>"})
    assert "Added responsibility: \\[click\\](http://x.example) \\*now\\*" in note
    assert "# Changes to \\# \\<b\\>Boss\\</b\\>" in note
    assert "<b>" not in note


def test_html_escapes_a_script_in_a_text():
    old = base_document()
    new = changed(old, about_team="<script>alert(1)</script> A team of six.")
    markup = change_note_html(
        redline(old, new), **{**LABELS, "title": "<script>x</script>"}, document=new
    )
    assert "<script>" not in markup
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in markup
    assert "<ins" in markup


@pytest.mark.django_db
def test_pdf_text_has_the_heading_and_the_summaries():
    old, new = level_and_salary()
    content = change_note_pdf(redline(old, new), **LABELS, document=new)
    assert content.startswith(b"%PDF-")
    reader = reader_for(content)
    text = body_text(reader)
    assert squash("Changes to Machine Learning Engineer") in text
    assert squash("Machine learning: Accomplished → Advanced") in text
    assert squash("(width 30,000 → 40,000)") in text
    assert reader.metadata.title == "Changes to Machine Learning Engineer"


@pytest.mark.django_db
def test_pdf_of_a_script_shows_it_as_text():
    old = base_document()
    new = changed(old, about_team="<script>alert(1)</script> and <img src=http://x.example/a>")
    content = change_note_pdf(redline(old, new), **LABELS, document=new)
    text = body_text(reader_for(content))
    assert squash("<script>alert(1)</script>") in text
