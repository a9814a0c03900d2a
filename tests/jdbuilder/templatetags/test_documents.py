"""The `documents` template tags: `marked` wraps a field's findings in <mark> and escapes the
rest. No database: the tag is pure."""

from django.template import Context, Template


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
