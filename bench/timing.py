"""Side-by-side timing: our code and its baseline, interleaved in one process, medians compared."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Row:
    """One line of the results table. Times are in seconds; `unit` says how to print them."""

    name: str
    ours: float
    baseline: float | None = None
    target: float | None = None
    # "ratio": ours/baseline <= target; "max": ours <= target; "min": ours >= target; "": info.
    kind: str = "ratio"
    unit: str = "ms"
    baseline_name: str = ""
    notes: list[str] = field(default_factory=list)
    # Why the line could not be measured (e.g. a route not there yet): no figure, no verdict.
    unavailable: str = ""
    # A condition besides the figure that fails the line (e.g. a sequential scan in the plan).
    failure: str = ""

    @property
    def ratio(self) -> float | None:
        if self.baseline in (None, 0):
            return None
        return self.ours / self.baseline

    @property
    def met(self) -> bool | None:
        if self.unavailable:
            return None
        if self.failure:
            return False
        if self.target is None:
            return None
        if self.kind == "ratio":
            return self.ratio is not None and self.ratio <= self.target
        if self.kind == "max":
            return self.ours <= self.target
        if self.kind == "min":
            return self.ours >= self.target
        return None

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "ours": self.ours,
            "baseline": self.baseline,
            "target": self.target,
            "kind": self.kind,
            "unit": self.unit,
            "baseline_name": self.baseline_name,
            "notes": self.notes,
            "unavailable": self.unavailable,
            "failure": self.failure,
        }

    @classmethod
    def from_dict(cls, data: dict) -> Row:
        return cls(**data)


def timed(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def interleaved(
    contenders: dict[str, Callable[[], object]],
    *,
    repeat: int,
    warmup: int = 1,
    before: dict[str, Callable[[], object]] | None = None,
) -> dict[str, list[float]]:
    """Run each contender `repeat` times, taking turns, and return every timing by name.

    Turns rotate the order each repetition (A B C, B C A, ...), so drift in the machine's speed
    (other load, CPU frequency, caches) falls on every contender alike. `before[name]` runs
    untimed before each of that contender's runs (e.g. to delete a stored copy).
    """
    before = before or {}
    names = list(contenders)
    for _ in range(warmup):
        for name in names:
            if name in before:
                before[name]()
            contenders[name]()
    times: dict[str, list[float]] = {name: [] for name in names}
    for i in range(repeat):
        shift = i % len(names)
        for name in names[shift:] + names[:shift]:
            if name in before:
                before[name]()
            times[name].append(timed(contenders[name]))
    return times


def median(values: list[float]) -> float:
    return statistics.median(values)
