"""The charts alone (pure: numbers in, SVG out): layout, scaling, escaping, well-formedness."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal

from jdbuilder.insights import charts
from jdbuilder.insights.queries import quarters_between, required_count
from jdbuilder.insights.sections import money, number

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = '<script>alert("x")</script> & </svg>'


def parsed(markup: str) -> ET.Element:
    return ET.fromstring(str(markup))


def test_bars_scale_to_the_longest_and_keep_their_values():
    svg = parsed(
        charts.bar_chart(
            chart_id="c",
            title="T",
            description="D",
            rows=[charts.BarRow("A", 2, "2"), charts.BarRow("B", 4, "4", low=1, high=8)],
        )
    )
    assert svg.get("viewBox") == "0 0 400 112"  # 8 + 2 rows of 48 + 8
    assert svg.get("aria-labelledby") == "c-title c-desc"
    assert svg.find(f"{SVG}title").get("id") == "c-title"
    bars = list(svg.iter(f"{SVG}rect"))
    # The whisker's top (8) sets the scale: 300 units for 8.
    assert [(b.get("data-value"), b.get("width")) for b in bars] == [("2", "75"), ("4", "150")]
    (whisker,) = svg.iter(f"{SVG}line")
    assert (whisker.get("x1"), whisker.get("x2")) == ("37.5", "300")


def test_a_chart_of_zeros_draws_no_bar_length():
    svg = parsed(
        charts.bar_chart(
            chart_id="c", title="T", description="D", rows=[charts.BarRow("A", 0, "0")]
        )
    )
    assert [b.get("width") for b in svg.iter(f"{SVG}rect")] == ["0"]


def test_every_label_is_escaped_and_the_svg_stays_well_formed():
    markup = str(
        charts.bar_chart(
            chart_id="c",
            title=HOSTILE,
            description=HOSTILE,
            rows=[charts.BarRow(HOSTILE, 1, HOSTILE)],
        )
    )
    assert "<script>" not in markup
    svg = parsed(markup)
    assert svg.find(f"{SVG}title").text == HOSTILE
    assert next(svg.iter(f"{SVG}rect")).get("data-label") == HOSTILE
    lines = parsed(
        charts.line_panels(
            chart_id="l",
            title="T",
            description="D",
            x_labels=["2025 Q1"],
            series=[charts.LineSeries(HOSTILE, (charts.LinePoint("2025 Q1", 1, "1"),))],
        )
    )
    assert next(lines.iter(f"{SVG}g")).get("data-label") == HOSTILE
    ranges = parsed(
        charts.range_chart(
            chart_id="r",
            title="T",
            description="D",
            unit=HOSTILE,
            rows=[charts.RangeRow(HOSTILE, Decimal(1), Decimal(2), None, None, False, HOSTILE)],
        )
    )
    assert HOSTILE in [t.text for t in ranges.iter(f"{SVG}text")][-1]


def test_line_panels_share_their_axes():
    svg = parsed(
        charts.line_panels(
            chart_id="l",
            title="T",
            description="D",
            x_labels=["2025 Q1", "2025 Q2", "2025 Q3"],
            series=[
                charts.LineSeries(
                    "A", (charts.LinePoint("2025 Q1", 2, "2"), charts.LinePoint("2025 Q3", 4, "4"))
                ),
                charts.LineSeries("B", (charts.LinePoint("2025 Q2", 4, "4"),)),
            ],
        )
    )
    a, b = svg.iter(f"{SVG}g")
    points_a = [(c.get("cx"), c.get("cy")) for c in a.iter(f"{SVG}circle")]
    points_b = [(c.get("cx"), c.get("cy")) for c in b.iter(f"{SVG}circle")]
    # x: 28 to 388; y: each panel's 44-unit plot (from 26 below its top), 4 at its top.
    assert points_a == [("28", "56"), ("388", "34")]
    assert points_b == [("208", "138")]
    assert a.find(f"{SVG}polyline") is not None and b.find(f"{SVG}polyline") is None


def test_ranges_share_one_axis_with_their_bands_behind():
    svg = parsed(
        charts.range_chart(
            chart_id="r",
            title="T",
            description="D",
            unit="USD per year",
            rows=[
                charts.RangeRow(
                    "A", Decimal(100), Decimal(200), Decimal(100), Decimal(300), False, "in"
                ),
                charts.RangeRow("B", Decimal(250), Decimal(300), None, None, False, "none"),
            ],
        )
    )
    rects = [(r.get("class"), r.get("x"), r.get("width")) for r in svg.iter(f"{SVG}rect")]
    # 100 to 300 over 384 units from x = 8.
    assert rects == [("band", "8", "384"), ("range", "8", "192"), ("range", "296", "96")]
    ticks = [t.text for t in svg.iter(f"{SVG}text")][-2:]
    assert ticks == ["100", "300 USD per year"]


def test_the_quarters_axis_skips_none():
    assert quarters_between({"2025 Q4", "2024 Q3", "2025 Q1"}) == (
        "2024 Q3",
        "2024 Q4",
        "2025 Q1",
        "2025 Q2",
        "2025 Q3",
        "2025 Q4",
    )
    assert quarters_between(()) == ()


def test_required_count_reads_only_well_formed_required_lines():
    assert required_count(None) == 0
    assert required_count("required") == 0
    lines = [
        {"importance": "required"},
        {"importance": "nice_to_have"},
        "x",
        {"importance": "required"},
    ]
    assert required_count(lines) == 2


def test_numbers_as_tables_write_them():
    assert [number(2), number(2.5), number(2.25)] == ["2", "2.5", "2.25"]
    assert [money(Decimal("150000.00")), money(Decimal("20.5"))] == ["150000", "20.50"]
