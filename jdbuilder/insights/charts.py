"""The insights' charts: plain numbers in, inline SVG out.

Pure: this module lays the shapes out (coordinates computed here, formatted as numbers) and
the templates under `templates/insights/charts/` write the markup, auto-escaped, so a role or
department name can never become markup. Each chart has a fixed viewBox and is drawn at 100%
of its container's width, so it scales down to a phone without scrolling; the numbers are also
in the table beside each chart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

WIDTH = 400  # viewBox units; a phone's 343 CSS px show 15-unit labels at about 13 px
LABEL_GAP = 20  # the label line above each bar
ROW = 48
BAR_HEIGHT = 16
VALUE_ROOM = 100  # right of the longest bar, for its value
PAD = 8


def _n(value: float) -> str:
    """A coordinate as the markup writes it."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _v(value: float) -> str:
    """A value as the markup records it (data-value): as the tables write it."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class BarRow:
    """One bar: its label, its length's value, what is written beside it, and optionally a
    whisker from `low` to `high` (e.g. the fewest and most)."""

    label: str
    value: float
    shown: str
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True)
class _DrawnBar:
    label: str
    value: str
    shown: str
    label_y: str
    y: str
    width: str
    text_x: str
    text_y: str
    whisker: tuple[str, str, str] | None  # x1, x2, y


def bar_chart(*, chart_id: str, title: str, description: str, rows: Sequence[BarRow]) -> SafeString:
    """Horizontal bars, one per row, each label on its own line above its bar."""
    top = max([row.value for row in rows] + [row.high or 0 for row in rows] + [0])
    span = WIDTH - VALUE_ROOM
    scale = span / top if top > 0 else 0
    drawn = []
    for index, row in enumerate(rows):
        y = PAD + index * ROW
        width = row.value * scale
        whisker = None
        if row.low is not None and row.high is not None:
            whisker = (
                _n(row.low * scale),
                _n(row.high * scale),
                _n(y + LABEL_GAP + BAR_HEIGHT / 2),
            )
        end = max(width, (row.high or 0) * scale if whisker else 0)
        drawn.append(
            _DrawnBar(
                label=row.label,
                value=_v(row.value),
                shown=row.shown,
                label_y=_n(y + 15),
                y=_n(y + LABEL_GAP),
                width=_n(max(width, 0.5 if row.value else 0)),
                text_x=_n(end + 5),
                text_y=_n(y + LABEL_GAP + BAR_HEIGHT - 3),
                whisker=whisker,
            )
        )
    return render_to_string(
        "insights/charts/bars.svg",
        {
            "chart_id": chart_id,
            "title": title,
            "description": description,
            "bars": drawn,
            "width": WIDTH,
            "height": _n(PAD * 2 + len(rows) * ROW),
            "bar_height": BAR_HEIGHT,
        },
    )


# --- small multiples: one line per group, on shared axes -------------------------------------

PANEL = 104
PLOT_TOP = 26
PLOT_HEIGHT = 44
LEFT = 28


@dataclass(frozen=True)
class LinePoint:
    x_label: str  # e.g. the quarter
    value: float
    shown: str


@dataclass(frozen=True)
class LineSeries:
    label: str
    points: tuple[LinePoint, ...]


@dataclass(frozen=True)
class _DrawnPoint:
    x: str
    y: str
    value: str
    tip: str


@dataclass(frozen=True)
class _Panel:
    label: str
    label_y: str
    line: str  # the polyline's points
    points: tuple[_DrawnPoint, ...]
    axis_y: str
    top_y: str
    top_label: str
    first_label: str
    last_label: str
    x_label_y: str


def line_panels(
    *,
    chart_id: str,
    title: str,
    description: str,
    x_labels: Sequence[str],
    series: Sequence[LineSeries],
) -> SafeString:
    """One small line chart per series, all on the same x (`x_labels`) and y scales."""
    top = max([point.value for line in series for point in line.points] + [0])
    top = top if top > 0 else 1
    plot_width = WIDTH - LEFT - 12
    positions = {
        label: LEFT
        + (plot_width * index / (len(x_labels) - 1) if len(x_labels) > 1 else plot_width / 2)
        for index, label in enumerate(x_labels)
    }
    panels = []
    for index, line in enumerate(series):
        y0 = PAD + index * PANEL
        bottom = y0 + PLOT_TOP + PLOT_HEIGHT
        points = tuple(
            _DrawnPoint(
                x=_n(positions[point.x_label]),
                y=_n(bottom - PLOT_HEIGHT * point.value / top),
                value=_v(point.value),
                tip=f"{point.x_label}: {point.shown}",
            )
            for point in line.points
        )
        panels.append(
            _Panel(
                label=line.label,
                label_y=_n(y0 + 15),
                line=" ".join(f"{p.x},{p.y}" for p in points),
                points=points,
                axis_y=_n(bottom),
                top_y=_n(bottom - PLOT_HEIGHT),
                top_label=_n(top),
                first_label=x_labels[0] if x_labels else "",
                last_label=x_labels[-1] if len(x_labels) > 1 else "",
                x_label_y=_n(bottom + 16),
            )
        )
    return render_to_string(
        "insights/charts/lines.svg",
        {
            "chart_id": chart_id,
            "title": title,
            "description": description,
            "panels": panels,
            "width": WIDTH,
            "height": _n(PAD * 2 + len(series) * PANEL),
            "left": LEFT,
            "right": _n(WIDTH - 12),
        },
    )


# --- ranges against bands, on one axis (one currency and period) -----------------------------

RANGE_ROW = 50


@dataclass(frozen=True)
class RangeRow:
    """One range (`low`–`high`, e.g. a group's median range) over its band, if drawn, and
    optionally a thin line from `spread_low` to `spread_high` (e.g. the lowest minimum to the
    highest maximum of the group)."""

    label: str
    low: Decimal
    high: Decimal
    band_low: Decimal | None
    band_high: Decimal | None
    outside: bool
    shown: str
    spread_low: Decimal | None = None
    spread_high: Decimal | None = None


@dataclass(frozen=True)
class _DrawnRange:
    label: str
    label_y: str
    x: str
    width: str
    y: str
    band: tuple[str, str, str] | None  # x, width, y
    spread: tuple[str, str, str] | None  # x1, x2, y
    outside: bool
    tip: str
    low: str
    high: str


def range_chart(
    *, chart_id: str, title: str, description: str, rows: Sequence[RangeRow], unit: str
) -> SafeString:
    """Each row's range as a bar, its band drawn behind it and its spread as a line through
    it, all on one axis in `unit`: three shapes a row, however many JDs a row stands for."""
    ends = [row.low for row in rows] + [row.high for row in rows]
    ends += [row.spread_low for row in rows if row.spread_low is not None]
    ends += [row.spread_high for row in rows if row.spread_high is not None]
    ends += [row.band_low for row in rows if row.band_low is not None]
    ends += [row.band_high for row in rows if row.band_high is not None]
    lowest = min(ends, default=Decimal(0))
    highest = max(ends, default=Decimal(1))
    span = highest - lowest or Decimal(1)
    inner = WIDTH - 2 * PAD

    def x(value: Decimal) -> float:
        return PAD + float((value - lowest) / span) * inner

    drawn = []
    for index, row in enumerate(rows):
        y = PAD + index * RANGE_ROW
        band = None
        if row.band_low is not None and row.band_high is not None:
            band = (
                _n(x(row.band_low)),
                _n(max(x(row.band_high) - x(row.band_low), 1)),
                _n(y + LABEL_GAP + 2),
            )
        spread = None
        if row.spread_low is not None and row.spread_high is not None:
            spread = (_n(x(row.spread_low)), _n(x(row.spread_high)), _n(y + LABEL_GAP + 14))
        drawn.append(
            _DrawnRange(
                label=row.label,
                label_y=_n(y + 15),
                x=_n(x(row.low)),
                width=_n(max(x(row.high) - x(row.low), 2)),
                y=_n(y + LABEL_GAP + 7),
                band=band,
                spread=spread,
                outside=row.outside,
                tip=row.shown,
                low=str(row.low),
                high=str(row.high),
            )
        )
    axis_y = PAD + len(rows) * RANGE_ROW
    return render_to_string(
        "insights/charts/ranges.svg",
        {
            "chart_id": chart_id,
            "title": title,
            "description": description,
            "rows": drawn,
            "width": WIDTH,
            "height": _n(axis_y + 26),
            "axis_y": _n(axis_y),
            "axis_text_y": _n(axis_y + 18),
            "left": PAD,
            "right": WIDTH - PAD,
            "lowest": f"{lowest:,.0f}",
            "highest": f"{highest:,.0f}",
            "unit": unit,
            "band_height": 24,
            "range_height": 14,
        },
    )
