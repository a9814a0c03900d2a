"""What an O*NET import did: rows created, updated, deleted, kept and skipped, per kind.

`import_release` fills it in; the command prints `summary()` at the end of a run, and an import
from the admin keeps `counts()` in its job's result.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class ImportReport:
    """Counts per kind of row (the names in KINDS), filled in as the import writes."""

    occupations: int = 0
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    deleted: Counter = field(default_factory=Counter)
    kept: Counter = field(default_factory=Counter)
    skipped: Counter = field(default_factory=Counter)

    KINDS = (
        "roles",
        "alternate titles",
        "tasks",
        "role tasks",
        "skills",
        "role skills",
        "tools",
        "tool links",
        "task area links",
        "task skill links",
        "interview questions",
    )

    def counts(self) -> dict[str, dict[str, int]]:
        """Created / updated / deleted / kept per kind, in KINDS order, as plain data (JSON)."""
        return {
            kind: {
                "created": self.created[kind],
                "updated": self.updated[kind],
                "deleted": self.deleted[kind],
                "kept": self.kept[kind],
            }
            for kind in self.KINDS
        }

    def summary(self) -> str:
        """One line: the occupation count, then each kind's counts, then what was skipped."""
        parts = []
        for kind in self.KINDS:
            part = f"{kind} {self.created[kind]} created"
            if self.updated[kind]:
                part += f", {self.updated[kind]} updated"
            if self.deleted[kind]:
                part += f", {self.deleted[kind]} deleted"
            if self.kept[kind]:
                part += f", {self.kept[kind]} kept"
            parts.append(part)
        parts += [f"{count} {what} skipped" for what, count in sorted(self.skipped.items())]
        return f"{self.occupations} occupations: " + "; ".join(parts)
