"""The charts alone (pure: numbers in, SVG out): layout, scaling, escaping, well-formedness; and
the pay groups' arithmetic (pure: ranges in, groups out), hand-counted."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from jdbuilder.document import PayBand
from jdbuilder.insights import charts
from jdbuilder.insights.queries import quarters_between
from jdbuilder.insights.queries.pay import (
    GroupBand,
    PayRange,
    Position,
    pay_groups,
    scales,
    weighted_median,
)
from jdbuilder.insights.sections import band_text, money, number
from jdbuilder.snapshots import required_skill_count

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


def test_a_range_row_draws_its_spread_as_a_line_and_widens_the_axis_for_it():
    svg = parsed(
        charts.range_chart(
            chart_id="r",
            title="T",
            description="D",
            unit="USD per year",
            rows=[
                charts.RangeRow(
                    "A",
                    Decimal(200),
                    Decimal(300),
                    None,
                    None,
                    False,
                    "in",
                    spread_low=Decimal(100),
                    spread_high=Decimal(500),
                ),
            ],
        )
    )
    # 100 to 500 over 384 units from x = 8: 0.96 a unit.
    ((x, width),) = [(r.get("x"), r.get("width")) for r in svg.iter(f"{SVG}rect")]
    assert (x, width) == ("104", "96")
    spread, axis = svg.iter(f"{SVG}line")
    assert spread.get("class") == "spread" and axis.get("class") == "axis"
    assert (spread.get("x1"), spread.get("x2")) == ("8", "392")
    assert spread.get("y1") == spread.get("y2") == "42"  # through the middle of the bar (35 + 7)


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


def test_the_stored_required_count_reads_only_well_formed_required_lines():
    # What the insights average (JobDescriptionRevision.required_skills) is counted so.
    assert required_skill_count({}) == 0
    assert required_skill_count({"skills": None}) == 0
    lines = [
        {"importance": "required"},
        {"importance": "nice_to_have"},
        "x",
        {"importance": "required"},
    ]
    assert required_skill_count({"skills": lines}) == 2


def test_numbers_as_tables_write_them():
    assert [number(2), number(2.5), number(2.25)] == ["2", "2.5", "2.25"]
    assert [money(Decimal("150000.00")), money(Decimal("20.5"))] == ["150000", "20.50"]


# --- the pay groups ---------------------------------------------------------------------------

BAND = PayBand(Decimal(140000), Decimal(200000), "USD", "YEAR", scope="")
OTHER = PayBand(Decimal(120000), Decimal(160000), "USD", "YEAR", scope="")
EURO_BAND = PayBand(Decimal(90000), Decimal(130000), "EUR", "YEAR", scope="")


def test_weighted_medians_are_the_medians_of_every_jd():
    d = Decimal
    assert weighted_median([(d(5), 1)]) == 5
    assert weighted_median([(d(9), 1), (d(1), 2)]) == 1  # 1 1 9
    assert weighted_median([(d(9), 2), (d(1), 2)]) == 5  # 1 1 9 9
    assert weighted_median([(d(3), 1), (d(1), 3), (d(10), 2)]) == 2  # 1 1 1 3 10 10
    with pytest.raises(ValueError, match="no values"):
        weighted_median([])


def jd(
    low,
    high,
    band,
    position,
    *,
    role="Software Engineer",
    seniority="Senior",
    currency="USD",
    jds=1,
):
    return PayRange(
        title="T",
        role=role,
        seniority=seniority,
        minimum=Decimal(low),
        maximum=Decimal(high),
        currency=currency,
        period="YEAR",
        band=band,
        position=position,
        jds=jds,
    )


def test_a_group_of_three_with_one_band_takes_its_medians_and_counts_each_position():
    (group,) = pay_groups(
        [
            jd(150000, 190000, BAND, Position.INSIDE),
            jd(130000, 180000, BAND, Position.BELOW),
            jd(160000, 220000, BAND, Position.ABOVE),
        ]
    )
    # Minimums 130, 150, 160 thousand: median 150; maximums 180, 190, 220: median 190.
    assert (group.jds, group.median_minimum, group.median_maximum) == (3, 150000, 190000)
    assert (group.lowest_minimum, group.highest_maximum) == (130000, 220000)
    assert group.band_kind == GroupBand.SHARED and group.band == BAND
    assert band_text(group) == "140000–200000"
    assert group.median_position == Position.INSIDE  # 150–190 is inside 140–200
    assert dict(group.positions) == {
        Position.INSIDE: 1,
        Position.BELOW: 1,
        Position.ABOVE: 1,
        Position.BOTH: 0,
        Position.NOT_COMPARABLE: 0,
        Position.NO_BAND: 0,
    }


@pytest.mark.parametrize(
    ("second_band", "kind", "text"),
    [(OTHER, GroupBand.SEVERAL, "Several bands"), (None, GroupBand.SEVERAL, "Several bands")],
    ids=["another band", "no band"],
)
def test_a_group_whose_bands_differ_has_no_band_drawn(second_band, kind, text):
    (group,) = pay_groups(
        [
            jd(100000, 120000, BAND, Position.BELOW, seniority="Mid-level"),
            jd(125000, 155000, second_band, Position.INSIDE, seniority="Mid-level"),
        ]
    )
    # Two of each: the medians are the means of the middle two.
    assert (group.median_minimum, group.median_maximum) == (112500, 137500)
    assert (group.band_kind, group.band, band_text(group)) == (kind, None, text)
    assert group.median_position == Position.NO_BAND  # nothing to be outside of


def test_a_band_in_another_currency_is_named_but_not_compared_and_no_band_is_said():
    euro, none = pay_groups(
        [
            jd(60000, 80000, BAND, Position.NOT_COMPARABLE, currency="EUR"),
            jd(80000, 100000, None, Position.NO_BAND, role="Data Analyst"),
        ]
    )
    assert euro.band_kind == GroupBand.OTHER_UNIT and euro.band == BAND
    assert band_text(euro) == "140000–200000 USD per year"
    assert euro.median_position == Position.NO_BAND
    assert (none.band_kind, band_text(none)) == (GroupBand.NONE, "No band")
    assert none.positions[Position.NO_BAND] == 1


def test_ranges_standing_for_several_jds_count_and_weigh_as_many():
    (group,) = pay_groups(
        [jd(100, 200, BAND, Position.BELOW, jds=3), jd(150000, 190000, BAND, Position.INSIDE)]
    )
    # Minimums 100 100 100 150000: median 100; maximums 200 200 200 190000: median 200.
    assert (group.jds, group.median_minimum, group.median_maximum) == (4, 100, 200)
    assert (group.positions[Position.BELOW], group.positions[Position.INSIDE]) == (3, 1)
    assert group.median_position == Position.BELOW


def test_groups_split_by_currency_and_period_and_each_scale_is_one_axis():
    groups = pay_groups(
        [
            jd(150000, 190000, BAND, Position.INSIDE),
            jd(95000, 120000, EURO_BAND, Position.INSIDE, currency="EUR"),
            jd(160000, 180000, BAND, Position.INSIDE),
        ]
    )
    assert [(g.currency, g.jds) for g in groups] == [("USD", 2), ("EUR", 1)]
    assert [(scale, len(rows)) for scale, rows in scales(groups)] == [
        (("USD", "YEAR"), 1),
        (("EUR", "YEAR"), 1),
    ]


def test_the_drawing_does_not_grow_with_the_number_of_jds():
    def shapes(count: int) -> int:
        groups = pay_groups(
            [jd(150000 + n, 190000 + n, BAND, Position.INSIDE) for n in range(count)]
        )
        rows = [
            charts.RangeRow(
                "A",
                g.median_minimum,
                g.median_maximum,
                BAND.minimum,
                BAND.maximum,
                False,
                "",
                spread_low=g.lowest_minimum,
                spread_high=g.highest_maximum,
            )
            for g in groups
        ]
        svg = parsed(
            charts.range_chart(chart_id="r", title="T", description="D", unit="", rows=rows)
        )
        return sum(1 for element in svg.iter() if element.tag in (f"{SVG}rect", f"{SVG}line"))

    assert shapes(3) == shapes(300) == 4  # band, range, spread, axis
