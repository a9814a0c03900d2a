"""Quality checks of a job description: pure functions over a `Document`, no database access.

Each check module has `check(document) -> list[Finding]`. A finding names the exact places it
concerns as (field key, start, end) offsets into the texts that `text_fields()` lists, so the
review step can highlight the words where they stand. The value types are in `findings`.
"""

from __future__ import annotations

from collections.abc import Callable

from jdbuilder.checks import (
    bands,
    bloat,
    coherence,
    exclusionary,
    pay,
    readability,
    traceability,
    wording,
)
from jdbuilder.checks.findings import Finding, Report, Severity
from jdbuilder.document import Document

CHECKS: tuple[Callable[[Document], list[Finding]], ...] = (
    wording.check,
    exclusionary.check,
    bloat.check,
    pay.check,
    bands.check,
    readability.check,
    traceability.check,
    coherence.check,
)
SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


def run_checks(document: Document) -> Report:
    """Every check over `document`, errors first."""
    findings = [finding for check in CHECKS for finding in check(document)]
    return Report(tuple(sorted(findings, key=lambda f: SEVERITY_ORDER[f.severity])))
