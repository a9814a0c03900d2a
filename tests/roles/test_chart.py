"""The skill-profile chart function: bar widths, accessibility, escaping, layout and ids."""

import xml.etree.ElementTree as ET

import pytest
from django.utils.safestring import SafeString

from roles.chart import BAR_MAX, ChartBar, skill_profile_svg
from tests.roles.pages import LEVEL_NAMES, SVG_NS, bar_widths


def chart(bars: list[ChartBar], levels: list[str] | None = None, title: str = "Profile") -> str:
    return skill_profile_svg(
        bars=bars, levels=LEVEL_NAMES if levels is None else levels, title=title
    )


def test_chart_bar_widths_are_rank_over_scale_size():
    svg = ET.fromstring(chart([ChartBar("A", 1, "Aware"), ChartBar("B", 4, "Advanced")]))

    assert bar_widths(svg) == [BAR_MAX // 5, BAR_MAX * 4 // 5]
    tracks = [r for r in svg.iter(f"{SVG_NS}rect") if r.get("class") == "track"]
    assert [int(r.get("width")) for r in tracks] == [BAR_MAX, BAR_MAX]


def test_chart_clamps_ranks_outside_the_scale():
    svg = ET.fromstring(chart([ChartBar("A", 9), ChartBar("B", -2)]))

    assert bar_widths(svg) == [BAR_MAX, 0]


def test_chart_is_accessible_and_has_a_legend_with_the_level_names():
    markup = chart([ChartBar("Python", 3, "Proficient")], title="Skill profile: X")
    svg = ET.fromstring(markup)

    assert isinstance(markup, SafeString)
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "skill-chart-title skill-chart-desc"
    assert svg.find(f"{SVG_NS}title").get("id") == "skill-chart-title"
    assert svg.find(f"{SVG_NS}desc").get("id") == "skill-chart-desc"
    assert "from Aware (lowest) to Expert (highest)" in svg.find(f"{SVG_NS}desc").text
    legend = " ".join(t.text for t in svg.iter(f"{SVG_NS}text") if t.get("class") == "legend")
    for number, name in enumerate(LEVEL_NAMES, start=1):
        assert f"{number} = {name}" in legend
    ticks = [t.text for t in svg.iter(f"{SVG_NS}text") if t.get("class") == "tick"]
    assert ticks == ["1", "2", "3", "4", "5"]
    # No inline styles, so a strict Content Security Policy can forbid them.
    assert "style" not in markup


def test_chart_escapes_every_text_value():
    nasty = '<script>alert("x")</script>'
    markup = skill_profile_svg(bars=[ChartBar(nasty, 2, nasty)], levels=[nasty, "Two"], title=nasty)

    assert "<script>" not in markup
    assert "&lt;script&gt;alert(&quot;x&quot;)" in markup
    svg = ET.fromstring(markup)
    assert svg.find(f"{SVG_NS}title").text == nasty
    texts = {t.get("class"): t.text for t in svg.iter(f"{SVG_NS}text")}
    assert texts["label"] == texts["note"] == nasty
    assert nasty in texts["legend"]


def test_chart_escapes_strings_already_marked_safe():
    markup = chart([ChartBar(SafeString("<b>bold</b>"), 1)])

    assert "<b>" not in markup
    assert "&lt;b&gt;bold&lt;/b&gt;" in markup


def test_chart_with_no_bars_is_still_a_labelled_image():
    svg = ET.fromstring(chart([]))

    assert bar_widths(svg) == []
    assert svg.find(f"{SVG_NS}desc").text == "No skills to show."
    assert svg.get("role") == "img"


def test_chart_with_no_levels_draws_empty_bars():
    svg = ET.fromstring(chart([ChartBar("A", 2)], levels=[]))

    assert bar_widths(svg) == [0]


def test_chart_viewbox_grows_with_long_labels():
    short = ET.fromstring(chart([ChartBar("A", 1)]))
    long = ET.fromstring(chart([ChartBar("A very long skill name " * 3, 1)]))

    assert int(long.get("width")) > int(short.get("width"))
    assert long.get("viewBox") == f"0 0 {long.get('width')} {long.get('height')}"


def test_chart_ids_can_be_prefixed_but_must_be_plain():
    svg = ET.fromstring(
        skill_profile_svg(bars=[], levels=LEVEL_NAMES, title="T", chart_id="jd-chart")
    )
    assert svg.get("aria-labelledby") == "jd-chart-title jd-chart-desc"
    with pytest.raises(ValueError):
        skill_profile_svg(bars=[], levels=LEVEL_NAMES, title="T", chart_id='x" onload="y')
