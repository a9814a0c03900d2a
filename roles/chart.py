"""The skill-profile chart (after Figure 2 of Workera's "AI Career Pathways") as inline SVG.

A pure function of plain values: no ORM, no JavaScript, no inline styles. The catalog's role
page uses it and the JD builder will reuse it for a JD's chart.

Safety: labels and notes come from the database, so every text value goes through
`django.utils.html.escape` (which escapes even strings already marked safe) and the markup is
assembled with `format_html` / `format_html_join`. Every numeric attribute is an int computed
here; no caller value reaches a style, a URL or an attribute other than the checked id.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString

__all__ = ["ChartBar", "skill_profile_svg"]


@dataclass(frozen=True)
class ChartBar:
    """One skill on the chart: `rank` is its 1-based position on the level scale."""

    label: str
    rank: int
    note: str = ""


# Layout in SVG user units (CSS px at 100% zoom). Text sizes live in app.css.
PAD = 4  # margin round the drawing
BAR_MAX = 300  # length of a full-scale bar; divisible by 1-6, 10 and 12 levels
BAR_H = 14
ROW_H = 44  # label line, bar, gap
LABEL_BASELINE = 15  # within a row
BAR_TOP = 21  # within a row
NOTE_GAP = 8  # between the end of the track and the level name
AXIS_H = 22  # tick numbers under the bars
LINE_H = 18  # legend lines
# A generous average glyph width at 13px: text sizes the viewBox, so better too wide than clipped.
CHAR_W = 8
LEGEND_MIN_W = 200

_ID_RE = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,63}")


def _text_w(text: str) -> int:
    return len(text) * CHAR_W


def _bar_width(rank: int, scale_size: int) -> int:
    """Length of a bar: rank / number of levels of the full length, clamped to the scale."""
    if scale_size <= 0:
        return 0
    return BAR_MAX * _clamped_rank(rank, scale_size) // scale_size


def _clamped_rank(rank: int, scale_size: int) -> int:
    return min(max(int(rank), 0), scale_size)


def _description(bars: Sequence[ChartBar], levels: Sequence[str]) -> str:
    """The text alternative: everything the picture says, in words."""
    n = len(levels)
    if not bars:
        return "No skills to show."
    if n:
        scale = (
            f"Horizontal bar chart of {len(bars)} skill{'s' if len(bars) != 1 else ''}. "
            f"Each bar's length is the skill's level on a scale of {n} "
            f"level{'s' if n != 1 else ''}, from {levels[0]} (lowest) to {levels[-1]} (highest)."
        )
    else:
        scale = f"Horizontal bar chart of {len(bars)} skills. No level scale is defined."
    parts = [scale]
    for bar in bars:
        rank = _clamped_rank(bar.rank, n)
        note = f"{bar.note}, " if bar.note else ""
        parts.append(f"{bar.label}: {note}level {rank} of {n}.")
    return " ".join(parts)


def _legend_lines(levels: Sequence[str], width: int) -> list[str]:
    """'1 = Name' entries, packed greedily into lines that fit the drawing's width.

    SVG collapses runs of spaces, so entries are separated by a middle dot, not by padding.
    """
    lines: list[str] = []
    current = "Levels:"
    for number, name in enumerate(levels, start=1):
        entry = f"{number} = {name}"
        separator = " " if current == "Levels:" else " · "
        candidate = f"{current}{separator}{entry}"
        if _text_w(candidate) > width and current != "Levels:":
            lines.append(current)
            current = entry
        else:
            current = candidate
    lines.append(current)
    return lines


def skill_profile_svg(
    *,
    bars: Sequence[ChartBar],
    levels: Sequence[str],
    title: str,
    chart_id: str = "skill-chart",
) -> SafeString:
    """Inline SVG markup: one horizontal bar per skill, its level name written beside it.

    `levels` are the level names, lowest first; a bar of rank r is r / len(levels) of the full
    length. `chart_id` prefixes the ids that `aria-labelledby` points at, so two charts can
    share a page; it must be a plain identifier.

    A pure function of its arguments, so the markup is kept for recent ones: the wizard's live
    preview draws the same chart on every pause in typing.
    """
    return _skill_profile_svg(tuple(bars), tuple(levels), title, chart_id)


@lru_cache(maxsize=512)
def _skill_profile_svg(
    bars: tuple[ChartBar, ...], levels: tuple[str, ...], title: str, chart_id: str
) -> SafeString:
    if not _ID_RE.fullmatch(chart_id):
        raise ValueError(f"chart_id must be a plain identifier, got {chart_id!r}")
    n = len(levels)
    title_id = f"{chart_id}-title"
    desc_id = f"{chart_id}-desc"

    # Width: whatever is widest of a label line, a bar plus its level name, or the legend.
    widest_note = max((_text_w(bar.note) for bar in bars), default=0)
    widest_label = max((_text_w(bar.label) for bar in bars), default=0)
    inner_w = max(BAR_MAX + NOTE_GAP + widest_note, widest_label, LEGEND_MIN_W)
    width = inner_w + 2 * PAD

    rows_h = len(bars) * ROW_H
    if bars:
        tracks = format_html_join(
            "",
            '<rect class="track" x="{}" y="{}" width="{}" height="{}"/>',
            ((PAD, PAD + i * ROW_H + BAR_TOP, BAR_MAX, BAR_H) for i in range(len(bars))),
        )
        # Grid lines at each level mark, over the tracks and under the bars.
        grid = format_html_join(
            "",
            '<line class="grid" x1="{}" y1="{}" x2="{}" y2="{}"/>',
            (
                (x, PAD + BAR_TOP - 4, x, PAD + rows_h + 2)
                for x in (PAD + _bar_width(k, n) for k in range(1, n + 1))
            ),
        )
        rows = format_html_join(
            "",
            '<g class="skill">'
            '<text class="label" x="{}" y="{}">{}</text>'
            '<rect class="bar" x="{}" y="{}" width="{}" height="{}"/>'
            '<text class="note" x="{}" y="{}">{}</text>'
            "</g>",
            (
                (
                    PAD,
                    PAD + i * ROW_H + LABEL_BASELINE,
                    escape(bar.label),
                    PAD,
                    PAD + i * ROW_H + BAR_TOP,
                    _bar_width(bar.rank, n),
                    BAR_H,
                    PAD + BAR_MAX + NOTE_GAP,
                    PAD + i * ROW_H + BAR_TOP + BAR_H - 3,
                    escape(bar.note),
                )
                for i, bar in enumerate(bars)
            ),
        )
        ticks = format_html_join(
            "",
            '<text class="tick" x="{}" y="{}" text-anchor="middle">{}</text>',
            ((PAD + _bar_width(k, n), PAD + rows_h + 14, k) for k in range(1, n + 1)),
        )
        body = format_html("{}{}{}{}", tracks, grid, rows, ticks)
        legend_top = PAD + rows_h + AXIS_H
    else:
        body = format_html(
            '<text class="label" x="{}" y="{}">{}</text>', PAD, PAD + LABEL_BASELINE, "No skills."
        )
        legend_top = PAD + ROW_H // 2

    legend_lines = _legend_lines(levels, inner_w) if n and bars else []
    legend = format_html_join(
        "",
        '<text class="legend" x="{}" y="{}">{}</text>',
        (
            (PAD, legend_top + (i + 1) * LINE_H - 4, escape(line))
            for i, line in enumerate(legend_lines)
        ),
    )
    height = legend_top + len(legend_lines) * LINE_H + PAD

    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="skill-chart" role="img" '
        'width="{}" height="{}" viewBox="0 0 {} {}" aria-labelledby="{} {}" focusable="false">'
        '<title id="{}">{}</title><desc id="{}">{}</desc>{}{}</svg>',
        width,
        height,
        width,
        height,
        title_id,
        desc_id,
        title_id,
        escape(title),
        desc_id,
        escape(_description(bars, levels)),
        body,
        legend,
    )
