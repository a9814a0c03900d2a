"""The PDF of the largest JD the wizard allows renders within bounds, and deeply nested typed
markup comes out as text."""

from __future__ import annotations

import dataclasses
import io

import pypdf
import pytest

from jdbuilder.catalog import RoleCatalog
from jdbuilder.documents import pdf
from jdbuilder.documents.build import build_document
from jdbuilder.documents.pdf import render_pdf
from jdbuilder.drafts import SkillChoice
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
from tests.factories import POSTING_TEXT_FIELDS
from tests.jdbuilder.documents.pdf_safety import (
    body_text,
    final_revision,
    small_document,
    split_page,
    squash,
)

pytestmark = pytest.mark.django_db


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
