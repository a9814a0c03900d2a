"""What a catalog load did: rows created, updated and kept per kind (roles.seed and
roles.questions)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class LoadReport:
    """Rows created, updated, deleted and kept per kind; the command prints `lines()`."""

    created: Counter = field(default_factory=Counter)
    kept: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    deleted: Counter = field(default_factory=Counter)

    def merge(self, other: LoadReport) -> None:
        self.created.update(other.created)
        self.kept.update(other.kept)
        self.updated.update(other.updated)
        self.deleted.update(other.deleted)

    def lines(self) -> list[str]:
        kinds = sorted(set(self.created) | set(self.kept) | set(self.updated) | set(self.deleted))
        lines = []
        for kind in kinds:
            line = f"{kind}: {self.created[kind]} created, {self.updated[kind]} updated, "
            if self.deleted[kind]:
                line += f"{self.deleted[kind]} deleted, "
            lines.append(line + f"{self.kept[kind]} kept as they were")
        return lines
