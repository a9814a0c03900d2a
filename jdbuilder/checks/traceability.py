"""Traceability: every required skill is used by some responsibility, and every chosen catalog
responsibility uses some skill the JD asks for.

The catalog records which skills carrying out each task exercises (`roles.models.Task.skills`);
the Document lists every responsibility with those skills' names (`Document.traces`, in document
order). Two WARNINGs, kind "traceability":

- a REQUIRED skill that no chosen responsibility exercises: "<Skill> is required but no
  responsibility uses it". A reader asks why the JD demands it; either the work is missing from
  the responsibilities or the skill is not truly required. `data`: problem "unused-skill",
  `skill` (its name).
- a chosen CATALOG responsibility none of whose exercised skills is among the JD's skills
  (required or nice to have): the JD describes work it asks no skill for. Its place is the
  responsibility's text. `data`: problem "unskilled-responsibility", `responsibility` (its
  text), `skills` (the names of the skills it exercises: the candidates to add). A catalog task
  with no skills recorded (an O*NET task, say) is not reported: nothing is known about it.

A responsibility the manager wrote has no skills recorded. It counts as exercising a skill when
its text names the skill: the skill's whole name, as whole words, case-insensitive, any run of
spaces or hyphens between its words ("Apply deep learning to scans" uses Deep learning; "deeply
learning" does not). The same holds for a catalog task with no skills recorded. Naming is a
weak signal, but it is the manager's own statement of the work, and it never makes a finding,
it only removes one.

`traces is None` (a revision issued before the catalog recorded the skills): nothing is said.
"""

from __future__ import annotations

import re
from functools import lru_cache

from jdbuilder.checks.findings import Finding, Place, Severity
from jdbuilder.document import Document, Trace

KIND = "traceability"
UNUSED_SKILL = "unused-skill"
UNSKILLED_RESPONSIBILITY = "unskilled-responsibility"


@lru_cache(maxsize=512)
def _name_pattern(name: str) -> re.Pattern[str]:
    words = [re.escape(word) for word in re.split(r"[\s\-]+", name.strip()) if word]
    return re.compile(r"(?<!\w)" + r"[\s\-]+".join(words) + r"(?!\w)", re.IGNORECASE)


def names_skill(text: str, skill: str) -> bool:
    """Whether `text` names `skill` (whole words, case-insensitive)."""
    return bool(skill.strip()) and _name_pattern(skill).search(text) is not None


def exercised(trace: Trace, skill_names: tuple[str, ...]) -> set[str]:
    """The JD's skills (casefolded names) `trace` exercises: those the catalog records for it,
    and for a responsibility without recorded skills, those its text names."""
    used = {name.casefold() for name in trace.skills}
    if trace.custom or not trace.skills:
        used |= {name.casefold() for name in skill_names if names_skill(trace.text, name)}
    return used


def responsibility_keys(document: Document) -> list[tuple[str, str]]:
    """(field key, text) of every responsibility, in document order (`text_fields`' keys)."""
    return [
        (f"responsibilities.{g}.{i}", text)
        for g, group in enumerate(document.responsibilities)
        for i, text in enumerate(group.items)
    ]


def check(document: Document) -> list[Finding]:
    traces = document.traces
    if traces is None:
        return []
    names = tuple(skill.name for skill in document.skills)
    asked = {name.casefold() for name in names}
    used: set[str] = set()
    for trace in traces:
        used |= exercised(trace, names)

    findings = [
        Finding(
            kind=KIND,
            severity=Severity.WARNING,
            message=f"{skill.name} is required but no responsibility uses it",
            suggestion=(
                f"Make {skill.name} nice to have, add a responsibility that uses it, or remove "
                "it: a reader asks why a skill the work never needs is required."
            ),
            data={"problem": UNUSED_SKILL, "skill": skill.name},
        )
        for skill in document.required_skills
        if skill.name.casefold() not in used
    ]

    # Traces follow the document's order; a place is given only where the texts agree.
    keys = responsibility_keys(document)
    for index, trace in enumerate(traces):
        if trace.custom or not trace.skills:
            continue
        if any(name.casefold() in asked for name in trace.skills):
            continue
        places: tuple[Place, ...] = ()
        if index < len(keys) and keys[index][1] == trace.text:
            places = (Place(keys[index][0], 0, len(trace.text), trace.text),)
        skills = ", ".join(trace.skills)
        findings.append(
            Finding(
                kind=KIND,
                severity=Severity.WARNING,
                message=f"“{trace.text}” uses none of the skills this job description asks for",
                places=places,
                suggestion=(
                    f"Add a skill it exercises ({skills}), or remove the responsibility if the "
                    "job does not include this work."
                ),
                data={
                    "problem": UNSKILLED_RESPONSIBILITY,
                    "responsibility": trace.text,
                    "skills": list(trace.skills),
                },
            )
        )
    return findings
