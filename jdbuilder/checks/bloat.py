"""Requirement bloat: too many must-haves, too many at the top level, nothing optional.

Why it matters: in Tara Sophia Mohr's survey ("Why Women Don't Apply for Jobs Unless They're 100%
Qualified", Harvard Business Review, 2014) the top reason people gave for not applying was that
they believed every listed requirement was truly required. A long must-have list therefore turns
away qualified people, and more of them women. Skills are catalog choices, not free text, so these
findings name the skills in `data` rather than marking places in the text.
"""

from __future__ import annotations

from jdbuilder.checks.findings import Finding, Severity
from jdbuilder.document import Document

MAX_REQUIRED = 6  # six must-haves is still a list a reader can hold in mind
MAX_AT_TOP = 2  # a role rarely needs the top level in more than one or two skills

MOHR = (
    "In Tara Sophia Mohr's survey (Harvard Business Review, 2014) the top reason people gave for "
    "not applying was believing every listed requirement was truly required."
)
SOURCE = (
    "Tara Sophia Mohr, \"Why Women Don't Apply for Jobs Unless They're 100% Qualified\", "
    "Harvard Business Review, 2014"
)
KIND = "bloat"


def check(document: Document) -> list[Finding]:
    findings: list[Finding] = []
    required = document.required_skills
    names = [s.name for s in required]

    if len(required) > MAX_REQUIRED:
        findings.append(
            Finding(
                kind=KIND,
                severity=Severity.WARNING,
                message=(
                    f"{len(required)} skills are marked required; keep it to {MAX_REQUIRED} or "
                    f"fewer. {MOHR} A long must-have list turns away qualified people."
                ),
                suggestion=(
                    f"Move some required skills to nice to have, so at most {MAX_REQUIRED} remain "
                    "required."
                ),
                data={
                    "skills": names,
                    "count": len(required),
                    "limit": MAX_REQUIRED,
                    "source": SOURCE,
                },
            )
        )

    top = len(document.scale)
    # An empty scale has no top level; rank 0 never occurs, so nothing would count anyway.
    at_top = [s.name for s in required if top and s.level_rank >= top]
    if len(at_top) > MAX_AT_TOP:
        level = document.scale[-1]
        findings.append(
            Finding(
                kind=KIND,
                severity=Severity.WARNING,
                message=(
                    f"{len(at_top)} required skills ask for the top level, {level}: "
                    f"{', '.join(at_top)}. Few people are {level} at several things at once, and "
                    f"{MOHR[0].lower()}{MOHR[1:]}"
                ),
                suggestion=(
                    f"Keep {level} for the one or two skills the role truly depends on; lower the "
                    "level of the others, or move them to nice to have."
                ),
                data={
                    "skills": at_top,
                    "count": len(at_top),
                    "limit": MAX_AT_TOP,
                    "level": level,
                    "source": SOURCE,
                },
            )
        )

    if not document.nice_to_have_skills:
        findings.append(
            Finding(
                kind=KIND,
                severity=Severity.WARNING,
                message=(
                    "No skills are listed as nice to have, so every skill reads as a must-have. "
                    f"{MOHR}"
                ),
                suggestion=(
                    "Move some required skills to nice to have, so readers can see what they can "
                    "learn on the job."
                ),
                data={"skills": [], "required": names, "source": SOURCE},
            )
        )
    return findings
