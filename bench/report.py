"""The runner's printed report: the results table, the notes, search details and query plans.

Plain text (Markdown) from `bench.timing.Row`s and dictionaries; no measuring, no Django.
"""

from __future__ import annotations

from bench.timing import Row


def fmt_value(value: float | None, unit: str) -> str:
    """A measured value in its unit ("ms" and "s" values are in seconds), or "—" for none."""
    if value is None:
        return "—"
    if unit == "ms":
        return f"{value * 1000:.2f} ms" if value < 0.1 else f"{value * 1000:.0f} ms"
    if unit == "s":
        return f"{value:.1f} s"
    if unit == "rps":
        return f"{value:.1f} rps"
    return f"{value:.1f} {unit}"


def fmt_target(row: Row) -> str:
    """The row's target ("≤ 3x", "≥ 0.5x", "≤ 20 ms", ...), or "—" for none."""
    if row.target is None:
        return "—"
    if row.kind == "ratio":
        return f"≤ {row.target:g}x"
    if row.kind == "share":  # a rate against its baseline's (bench.careers.ShareRow)
        return f"≥ {row.target:g}x"
    if row.unit == "ms":
        return f"≤ {row.target * 1000:g} ms"
    return f"≤ {row.target:g} {row.unit}"


def table(rows: list[Row]) -> str:
    """The results as a Markdown table, a missed target marked **NO**."""
    header = ["name", "ours", "baseline", "ratio", "target", "met?"]
    lines = []
    for row in rows:
        if row.unavailable:
            lines.append([row.name, "not available", "—", "—", fmt_target(row), "n/a"])
            continue
        baseline = fmt_value(row.baseline, row.unit)
        if row.baseline_name and row.baseline is not None:
            baseline = f"{baseline} ({row.baseline_name})"
        met = {True: "yes", False: "**NO**", None: "—"}[row.met]
        ratio = f"{row.ratio:.2f}x" if row.ratio is not None else "—"
        lines.append(
            [row.name, fmt_value(row.ours, row.unit), baseline, ratio, fmt_target(row), met]
        )
    widths = [max(len(str(c)) for c in col) for col in zip(header, *lines, strict=False)]
    out = [
        "| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " |",
        "|" + "|".join("-" * (w + 2) for w in widths) + "|",
    ]
    out += [
        "| " + " | ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)) + " |"
        for line in lines
    ]
    return "\n".join(out)


def _notes(row: Row) -> list[str]:
    """The row's notes, with why it is not available or why it failed first."""
    first = [f"not available: {row.unavailable}"] if row.unavailable else []
    first += [f"FAILED: {row.failure}"] if row.failure else []
    return first + row.notes


def verdicts(rows: list[Row]) -> str:
    """One line per row with a target: met, not met, or not available."""
    out = []
    for row in rows:
        if row.target is None and not row.failure:
            continue
        verdict = {True: "met", False: "NOT MET", None: "not available"}[row.met]
        out.append(f"- {verdict}: {row.name}")
    return "\n".join(out)


def report(
    rows: list[Row],
    info: dict[str, str],
    details: dict[str, list[dict]],
    plans: dict[str, dict[str, str]],
    command: str,
) -> str:
    """The whole printed report: machine, command, table, notes, search medians, query plans."""
    parts = ["## Machine", ""]
    parts += [f"- {key}: {value}" for key, value in info.items()]
    parts += ["", f"Command: `{command}`", "", "## Results", "", table(rows), ""]
    parts += ["Targets:", "", verdicts(rows), ""]
    notes = [f"- {row.name}: {'; '.join(_notes(row))}" for row in rows if _notes(row)]
    if notes:
        parts += ["Notes:", "", *notes, ""]
    for label, queries in details.items():
        parts += [f"## Role search, {label}: median of each query", ""]
        parts += ["| kind | query | median | results |", "|---|---|---|---|"]
        parts += [
            f"| {d['kind']} | `{d['query']}` | {d['median_ms']:.2f} ms | {d['results']} |"
            for d in queries
        ]
        parts.append("")
    for label, by_query in plans.items():
        parts += [f"## Query plans, {label}", ""]
        for query, plan in by_query.items():
            parts += [f"`{query}`:", "", "```", plan, "```", ""]
    return "\n".join(parts)
