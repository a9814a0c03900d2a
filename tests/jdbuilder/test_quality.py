"""The quality checks where they show: the review step, the stored summaries, the lists."""

import pytest
from django.template import Context, Template

from tests.factories import DraftFactory
from tests.support.wizard import WizardDriver, valid_posting

pytestmark = pytest.mark.django_db

HOSTILE = "We want a young, aggressive rockstar who dominates"


def render_marked(text, key, marks, linebreaks=False):
    template = Template("{% load documents %}{% marked text key linebreaks=linebreaks %}")
    return template.render(
        Context({"text": text, "key": key, "marks": marks, "linebreaks": linebreaks})
    )


class TestMarkedTag:
    def test_wraps_exactly_the_ranges(self):
        html = render_marked("a young rockstar", "summary", {"summary": [(2, 7, "error")]})
        assert html == 'a <mark class="finding finding-error">young</mark> rockstar'

    def test_escapes_text_inside_and_outside_marks(self):
        text = "<b>young</b> & <script>"
        html = render_marked(text, "summary", {"summary": [(3, 8, "warning")]})
        assert html == (
            '&lt;b&gt;<mark class="finding finding-warning">young</mark>&lt;/b&gt; &amp; '
            "&lt;script&gt;"
        )

    def test_ignores_overlapping_and_out_of_range_marks_and_other_fields(self):
        marks = {
            "summary": [(0, 4, "info"), (2, 6, "error"), (50, 60, "error")],
            "title": [(0, 1, "error")],
        }
        html = render_marked("abcdefgh", "summary", marks)
        assert html == '<mark class="finding finding-info">abcd</mark>efgh'

    def test_without_marks_it_is_plain_escaping_with_optional_line_breaks(self):
        assert render_marked("a\n<b>", "x", None, linebreaks=True) == "a<br>&lt;b&gt;"


@pytest.fixture
def wizard(manager_client, manager, catalog):
    return WizardDriver(manager_client, DraftFactory(owner=manager))


def add_custom_responsibility(wizard, text):
    fields = wizard.fields("responsibilities")
    row = next(
        key.split("-")[1]
        for key, value in fields.items()
        if key.endswith("-task") and value == [""]
    )
    fields[f"responsibilities-{row}-text"] = [text]
    assert wizard.submit("responsibilities", fields=fields).status_code == 302


def test_review_lists_findings_and_highlights_them_in_place(wizard):
    add_custom_responsibility(wizard, HOSTILE)
    wizard.submit("posting", valid_posting(**{"posting-salary_min": "", "posting-salary_max": ""}))
    response = wizard.get("review")
    html = response.content.decode()
    report = response.context["report"]
    kinds = {finding.kind for finding in report.findings}
    assert {"exclusionary", "gender-coded", "pay"} <= kinds
    for word in ("young", "aggressive", "rockstar", "dominates"):
        assert f">{word}</mark>" in html
    assert '<mark class="finding finding-error">Colorado</mark>' in html
    # The places point at the text the preview shows.
    document = response.context["document"]
    texts = {
        f"responsibilities.{g}.{i}": item
        for g, group in enumerate(document.responsibilities)
        for i, item in enumerate(group.items)
    }
    for finding in report.findings:
        for place in finding.places:
            source = texts.get(place.field) or getattr(document, place.field, None)
            assert source[place.start : place.end] == place.text


def test_each_save_stores_the_summary_the_lists_show(wizard, manager_client):
    add_custom_responsibility(wizard, HOSTILE)
    jd = wizard.reload()
    assert jd.quality["errors"] >= 1 and not jd.quality["clean"]
    listing = manager_client.get("/jd/").content.decode()
    assert f"Score {jd.quality['score']}/100" in listing


def test_finalizing_is_not_blocked_and_the_revision_keeps_its_summary(wizard):
    wizard.submit("role")
    add_custom_responsibility(wizard, HOSTILE)
    for step in ("skills", "tools"):
        wizard.submit(step)
    wizard.submit("posting", valid_posting())
    assert wizard.submit("review").status_code == 302
    revision = wizard.reload().revisions.get()
    assert revision.quality["errors"] >= 1
    assert revision.quality == wizard.jd.quality
