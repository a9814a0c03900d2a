"""Each insight as the page shows it: a heading, its chart(s), its table, and the same table as
the CSV's rows (`Table`), so the picture, the numbers beside it and the download never differ.

A builder runs its chart's query (`queries.py`), draws it (`charts.py`) and fills the table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.safestring import SafeString

from jdbuilder.insights import charts, queries
from jdbuilder.insights.queries import GroupBy, pay
from jdbuilder.insights.queries.pay import GroupBand, Position
from jdbuilder.vocabulary import SalaryPeriod

NO_ISSUED = "No issued job descriptions yet."


@dataclass(frozen=True)
class Table:
    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]  # the first cell of each heads its row

    @property
    def labelled_rows(self) -> list[list[tuple[str, str]]]:
        """Each row's cells with their column's name (the phone layout labels each cell)."""
        return [list(zip(self.header, row, strict=True)) for row in self.rows]


@dataclass(frozen=True)
class Section:
    slug: str
    heading: str
    intro: str
    table: Table
    charts: tuple[SafeString, ...] = ()
    empty: str = ""  # shown instead of the chart and table when there is nothing to draw
    wide: bool = False  # chart and table one above the other (a table of many columns)
    query: dict[str, str] = field(default_factory=dict)  # the CSV link's parameters
    detail_csv: str = ""  # a second CSV's chart slug (one row per JD), where there is one

    @property
    def is_empty(self) -> bool:
        return not self.table.rows

    @property
    def csv_url(self) -> str:
        url = reverse("insights:csv", kwargs={"chart": self.slug})
        return f"{url}?{urlencode(self.query)}" if self.query else url

    @property
    def detail_csv_url(self) -> str:
        return reverse("insights:csv", kwargs={"chart": self.detail_csv}) if self.detail_csv else ""


def number(value: float) -> str:
    """2 → "2", 2.5 → "2.5", 2.25 → "2.25"."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def money(value: Decimal) -> str:
    return str(int(value)) if value == value.to_integral_value() else f"{value:.2f}"


# --- a -----------------------------------------------------------------------------------------


def required_skills(user, **_options: str) -> Section:
    rows = queries.required_skills_per_role(user)
    table = Table(
        caption="Required skills per role (latest revision of each issued job description)",
        header=("Role", "Job descriptions", "Average required skills", "Fewest", "Most"),
        rows=tuple(
            (row.role, str(row.jds), number(row.average), str(row.minimum), str(row.maximum))
            for row in rows
        ),
    )
    chart = charts.bar_chart(
        chart_id="chart-required-skills",
        title="Average number of required skills per role",
        description="One bar per role: the average, with a line from the fewest to the most.",
        rows=[
            charts.BarRow(
                label=row.role,
                value=row.average,
                shown=f"{number(row.average)} ({row.minimum}–{row.maximum})",
                low=row.minimum,
                high=row.maximum,
            )
            for row in rows
        ],
    )
    return Section(
        slug="required-skills",
        heading="Required skills per role",
        intro="How many skills each role's issued job descriptions require: the average (the "
        "bar), the fewest and the most (the line), over the latest revision of each.",
        table=table,
        charts=(chart,) if rows else (),
        empty=NO_ISSUED,
    )


# --- b -----------------------------------------------------------------------------------------


def inflation(user, *, by: str = GroupBy.ROLE, **_options: str) -> Section:
    data = queries.requirement_inflation(user, by=by)
    group_word = dict(GroupBy.CHOICES)[by]
    table = Table(
        caption=f"Average required skills per quarter, by {group_word.lower()}",
        header=(group_word, "Quarter", "Revisions issued", "Average required skills"),
        rows=tuple(
            (line.group, point.quarter, str(point.revisions), number(point.average))
            for line in data.series
            for point in line.points
        ),
    )
    chart = charts.line_panels(
        chart_id="chart-inflation",
        title=f"Average required skills per quarter, one panel per {group_word.lower()}",
        description="Each panel plots the average number of required skills of the revisions "
        "issued in each quarter, on the same scales.",
        x_labels=data.quarters,
        series=[
            charts.LineSeries(
                label=line.group,
                points=tuple(
                    charts.LinePoint(
                        p.quarter, p.average, f"{number(p.average)} ({p.revisions} issued)"
                    )
                    for p in line.points
                ),
            )
            for line in data.series
        ],
    )
    return Section(
        slug="inflation",
        heading="Requirement inflation",
        intro="Whether job descriptions ask for more over time: the average number of required "
        "skills of every revision issued in a quarter.",
        table=table,
        charts=(chart,) if data.series else (),
        empty=NO_ISSUED,
        query={"by": by},
    )


# --- c -----------------------------------------------------------------------------------------

POSITION_TEXT = {
    Position.INSIDE: "Inside the band",
    Position.BELOW: "Starts below the band",
    Position.ABOVE: "Goes above the band",
    Position.BOTH: "Below and above the band",
    Position.NOT_COMPARABLE: "Band in another currency or period",
    Position.NO_BAND: "No band",
}
# The group table's count columns, in Position.ALL's order.
POSITION_COLUMNS = {
    Position.INSIDE: "Inside the band",
    Position.BELOW: "Start below",
    Position.ABOVE: "Go above",
    Position.BOTH: "Below and above",
    Position.NOT_COMPARABLE: "Not comparable",
    Position.NO_BAND: "No band",
}


def band_text(group: pay.PayGroup) -> str:
    """The group's band as its table cell says it."""
    if group.band_kind == GroupBand.SHARED and group.band is not None:
        return f"{money(group.band.minimum)}–{money(group.band.maximum)}"
    if group.band_kind == GroupBand.OTHER_UNIT and group.band is not None:
        period = dict(SalaryPeriod.choices).get(group.band.period, group.band.period)
        return (
            f"{money(group.band.minimum)}–{money(group.band.maximum)} "
            f"{group.band.currency} {period}"
        )
    return "Several bands" if group.band_kind == GroupBand.SEVERAL else "No band"


def _jds(count: int) -> str:
    return f"{count} job description{'' if count == 1 else 's'}"


def _where(group: pay.PayGroup) -> str:
    """ "1 inside the band, 1 goes above the band": the non-zero counts, in words."""
    return ", ".join(
        f"{count} {POSITION_TEXT[position].lower()}"
        for position, count in group.positions.items()
        if count
    )


def pay_ranges(user, **_options: str) -> Section:
    groups = pay.pay_groups(pay.pay_ranges(user))
    table = Table(
        caption="Salary ranges of issued job descriptions per role, seniority, currency and "
        "period, against their pay bands",
        header=(
            "Role",
            "Seniority",
            "Currency",
            "Period",
            "Job descriptions",
            "Median minimum",
            "Median maximum",
            "Lowest minimum",
            "Highest maximum",
            "Band",
            *POSITION_COLUMNS.values(),
        ),
        rows=tuple(
            (
                group.role,
                group.seniority,
                group.currency,
                group.period_label,
                str(group.jds),
                money(group.median_minimum),
                money(group.median_maximum),
                money(group.lowest_minimum),
                money(group.highest_maximum),
                band_text(group),
                *(str(group.positions[position]) for position in POSITION_COLUMNS),
            )
            for group in groups
        ),
    )
    drawn = []
    for index, ((currency, _period), rows) in enumerate(pay.scales(groups)):
        period_label = rows[0].period_label
        drawn.append(
            charts.range_chart(
                chart_id=f"chart-pay-{index}",
                title=f"Median salary ranges in {currency} {period_label}, against their bands",
                description="One bar per role and seniority: the median minimum to the median "
                "maximum of its job descriptions; the line through it, the lowest minimum to the "
                "highest maximum; the grey box behind it, the band, drawn only when all its job "
                "descriptions have the same band in this currency and period.",
                unit=f"{currency} {period_label}",
                rows=[
                    charts.RangeRow(
                        label=" · ".join(part for part in (group.role, group.seniority) if part),
                        low=group.median_minimum,
                        high=group.median_maximum,
                        band_low=group.band.minimum if _drawn_band(group) else None,
                        band_high=group.band.maximum if _drawn_band(group) else None,
                        outside=group.median_position in Position.OUTSIDE,
                        shown=f"median {money(group.median_minimum)}–"
                        f"{money(group.median_maximum)}, lowest {money(group.lowest_minimum)}, "
                        f"highest {money(group.highest_maximum)}; {_jds(group.jds)}: "
                        f"{_where(group)}; band: {band_text(group).lower()}",
                        spread_low=group.lowest_minimum,
                        spread_high=group.highest_maximum,
                    )
                    for group in rows
                ],
            )
        )
    return Section(
        slug="pay-ranges",
        heading="Pay ranges against the bands",
        intro="The salary ranges of issued job descriptions, per role and seniority: the median "
        "range drawn over today's pay band for them, when they all have the same one "
        "(\u201cSeveral bands\u201d otherwise), and how many sit inside, below or above their own "
        "band. Ranges are compared only with bands in the same currency and period, and drawn "
        "on one axis per currency and period.",
        table=table,
        charts=tuple(drawn),
        empty="No issued job description states a salary range yet.",
        wide=True,
        detail_csv="pay-ranges-by-jd",
    )


def _drawn_band(group: pay.PayGroup) -> bool:
    return group.band is not None and group.band_kind == GroupBand.SHARED


def pay_ranges_by_jd(user, **_options: str) -> Section:
    """The pay ranges one row per JD: only as a CSV (the same query as the chart's, no
    drawing), for whoever needs to find the JDs outside their band."""
    ranges = pay.pay_ranges(user, each_jd=True)
    table = Table(
        caption="Salary ranges of issued job descriptions and the pay band for each",
        header=(
            "Role",
            "Seniority",
            "Job description",
            "Minimum",
            "Maximum",
            "Currency",
            "Period",
            "Band minimum",
            "Band maximum",
            "Where the range sits",
        ),
        rows=tuple(
            (
                row.role,
                row.seniority,
                row.title,
                money(row.minimum),
                money(row.maximum),
                row.currency,
                row.period_label,
                money(row.band.minimum) if row.band else "",
                money(row.band.maximum) if row.band else "",
                POSITION_TEXT[row.position],
            )
            for row in ranges
        ),
    )
    return Section(
        slug="pay-ranges-by-jd",
        heading="Pay ranges, one row per job description",
        intro="",
        table=table,
        empty="No issued job description states a salary range yet.",
        wide=True,
    )


# --- d -----------------------------------------------------------------------------------------


def quality_scores(user, **_options: str) -> Section:
    buckets, scored = queries.quality_scores()
    table = Table(
        caption=f"Quality scores of open postings ({scored} scored)",
        header=("Score", "Open postings"),
        rows=tuple((bucket.label, str(bucket.count)) for bucket in buckets) if scored else (),
    )
    chart = charts.bar_chart(
        chart_id="chart-quality",
        title="Open postings by quality score, in buckets of ten",
        description="One bar per score bucket: how many open postings scored in it.",
        rows=[charts.BarRow(b.label, b.count, str(b.count)) for b in buckets],
    )
    return Section(
        slug="quality-scores",
        heading="Quality scores of open postings",
        intro="The quality score of the revision each open posting shows, out of 100.",
        table=table,
        charts=(chart,) if scored else (),
        empty="No open postings yet.",
    )


# --- e -----------------------------------------------------------------------------------------


def approval_time(user, *, data: queries.ApprovalTimes | None = None, **_options: str) -> Section:
    data = data or queries.approval_times()
    table = Table(
        caption="Days from submission to approval, per month of the approval",
        header=("Month", "Approved", "Median days"),
        rows=tuple((m.month, str(m.approved), number(m.median_days)) for m in data.months),
    )
    chart = charts.bar_chart(
        chart_id="chart-approval-months",
        title="Median days from submission to approval, per month",
        description="One bar per month: the median number of days, with how many were approved.",
        rows=[
            charts.BarRow(m.month, m.median_days, f"{number(m.median_days)} days ({m.approved})")
            for m in data.months
        ],
    )
    return Section(
        slug="approval-time",
        heading="Time from submission to approval",
        intro="How long approved submissions waited, from submission to the last approval.",
        table=table,
        charts=(chart,) if data.months else (),
        empty="No approved submissions yet.",
    )


def approval_histogram(
    user, *, data: queries.ApprovalTimes | None = None, **_options: str
) -> Section:
    data = data or queries.approval_times()
    table = Table(
        caption="Approved submissions by days to approval",
        header=("Days to approval", "Approved"),
        rows=tuple((b.label, str(b.count)) for b in data.histogram) if data.approved else (),
    )
    chart = charts.bar_chart(
        chart_id="chart-approval-days",
        title="Approved submissions by days from submission to approval",
        description="One bar per span of days: how many submissions were approved in it.",
        rows=[charts.BarRow(b.label, b.count, str(b.count)) for b in data.histogram],
    )
    return Section(
        slug="approval-histogram",
        heading="Days to approval",
        intro="The same approvals, counted by how many days each took.",
        table=table,
        charts=(chart,) if data.approved else (),
        empty="No approved submissions yet.",
    )


BUILDERS: dict[str, Callable[..., Section]] = {
    "required-skills": required_skills,
    "inflation": inflation,
    "pay-ranges": pay_ranges,
    "pay-ranges-by-jd": pay_ranges_by_jd,
    "quality-scores": quality_scores,
    "approval-time": approval_time,
    "approval-histogram": approval_histogram,
}
