"""Coherence: the title, the seniority and the skill levels tell one story.

Findings (kind "coherence", WARNING), only when the Document knows its seniority:

- Title words. A seniority word of the title that the chosen seniority contradicts ("Senior
  Data Scientist" chosen as Junior). Its place is the word in the title. `data`: problem
  "title-seniority", `word`, `seniority` (chosen), `title_says` (the seniorities the word
  allows). The words, whole words, case-insensitive:
    Junior, Jr, Jr., Entry-level (also "entry level"), Graduate, Intern, Internship, Trainee,
    Apprentice -> Junior;  Mid-level (also "mid level"), Intermediate -> Mid-level;
    Senior, Sr, Sr. -> Senior;  Staff -> Staff;  Principal, Distinguished -> Principal;
    Lead -> Senior, Staff or Principal.
  Seniority words are title modifiers, so position decides: a word counts at the start of the
  title or of one of its parts (after a comma, a dash between spaces, a slash, a colon, a bar or
  in brackets: "Data Scientist (Senior)"), where several may stand together ("Senior Staff
  Engineer": staff or above); and Lead, Intern, Internship, Trainee and Apprentice count at the
  end of a part too ("Tech Lead", "Data Science Intern"). Anywhere else the word is something
  else: "Chief of Staff", "Head of Lead Scoring". Nouns made with the word are not seniority
  either: "Lead Generation Analyst", "Senior Living Coordinator" (COMPOUNDS).
- Levels. A Junior JD with two or more required skills at the top of the scale: few people new
  to the work are at the top in one thing, let alone two. A Staff or Principal JD with no
  required skill above the middle of the scale (for five levels: none above the third): the
  levels describe a mid-level hire. `data`: problem "junior-top-levels" (`skills`, `level`) or
  "senior-low-levels" (`level`: the middle level's name).
- Pay against the band for the seniority: the bands check (`checks/bands.py`) reports it, from
  the band that applies to the role, the seniority and the office; this check adds nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from jdbuilder.checks.findings import Finding, Place, Severity
from jdbuilder.document import Document
from jdbuilder.vocabulary import Seniority

KIND = "coherence"
TITLE_SENIORITY = "title-seniority"
JUNIOR_TOP_LEVELS = "junior-top-levels"
SENIOR_LOW_LEVELS = "senior-low-levels"

# Seniorities, lowest first: "Senior Staff" allows staff and everything above it.
ORDER: tuple[str, ...] = tuple(str(value) for value in Seniority.values)
_ABOVE_MID = (Seniority.SENIOR, Seniority.STAFF, Seniority.PRINCIPAL)


@dataclass(frozen=True)
class Word:
    pattern: str
    seniorities: tuple[str, ...]
    trailing: bool = False  # also counts as the last word of a part ("Tech Lead")


WORDS: tuple[Word, ...] = (
    Word(r"entry[\s\-]+level|junior|jr\.?|graduate", (Seniority.JUNIOR,)),
    Word(r"intern(?:ship)?|trainee|apprentice", (Seniority.JUNIOR,), trailing=True),
    Word(r"mid[\s\-]*level|intermediate", (Seniority.MID,)),
    Word(r"senior|sr\.?", (Seniority.SENIOR,)),
    Word(r"staff", (Seniority.STAFF,)),
    Word(r"principal|distinguished", (Seniority.PRINCIPAL,)),
    Word(r"lead", _ABOVE_MID, trailing=True),
)
# A seniority word followed by one of these is part of a noun, not a modifier.
COMPOUNDS: dict[str, tuple[str, ...]] = {
    "lead": ("generation", "gen", "scoring", "qualification", "management", "nurturing"),
    "senior": ("living", "care", "services", "housing", "citizens"),
}

_SEPARATORS = re.compile(r"\s[\-–—]\s|[,/|:;()\[\]]")
# A word: letters and digits, with inner hyphens or apostrophes ("Entry-level"), and a final
# dot kept for abbreviations ("Sr.").
_TOKEN = re.compile(r"\w+(?:['\-]\w+)*\.?")
# Two words that make one seniority phrase: "entry level", "mid level".
_PHRASES = {("entry", "level"), ("mid", "level")}


def _word_of(text: str) -> Word | None:
    for word in WORDS:
        if re.fullmatch(word.pattern, text, re.IGNORECASE):
            return word
    return None


def _tokens(title: str) -> list[list[tuple[int, int, str]]]:
    """The words of each part of the title between separators, as (start, end, text), with
    "entry level" and "mid level" joined into one."""
    parts, start = [], 0
    bounds = [(m.start(), m.end()) for m in _SEPARATORS.finditer(title)] + [(len(title), 0)]
    for cut, resume in bounds:
        words = [
            (m.start() + start, m.end() + start, m.group())
            for m in _TOKEN.finditer(title[start:cut])
        ]
        joined: list[tuple[int, int, str]] = []
        for token in words:
            if joined and (joined[-1][2].lower(), token[2].lower()) in _PHRASES:
                first = joined.pop()
                token = (first[0], token[1], title[first[0] : token[1]])
            joined.append(token)
        parts.append(joined)
        start = resume
    return parts


def _compound(word: str, following: str | None) -> bool:
    if following is None:
        return False
    key = word.lower().rstrip(".")
    return following.lower() in COMPOUNDS.get(key, ())


def title_words(title: str) -> list[tuple[tuple[Place, ...], tuple[str, ...]]]:
    """The seniority words of `title` used as modifiers, with the seniorities they allow: a run
    at the start of a part ("Senior Staff") together, a trailing word ("Tech Lead") alone."""
    found: list[tuple[tuple[Place, ...], tuple[str, ...]]] = []
    for tokens in _tokens(title):
        run: list[tuple[int, int, str, Word]] = []
        for index, (start, end, text) in enumerate(tokens):
            word = _word_of(text)
            following = tokens[index + 1][2] if index + 1 < len(tokens) else None
            if word is None or _compound(text, following):
                break
            run.append((start, end, text, word))
        if run:
            allowed = _run_allows([word for *_, word in run])
            found.append((tuple(Place("title", s, e, t) for s, e, t, _ in run), allowed))
        if len(tokens) > len(run):
            start, end, text = tokens[-1]
            word = _word_of(text)
            if word is not None and word.trailing:
                found.append(((Place("title", start, end, text),), _run_allows([word])))
    return found


def _run_allows(words: list[Word]) -> tuple[str, ...]:
    """What a run of seniority words allows: one word, what it names; several ("Senior Staff",
    "Senior Lead"), every seniority from the highest of their lowest readings upward."""
    if len(words) == 1:
        return tuple(str(value) for value in words[0].seniorities)
    lowest = max(min(ORDER.index(value) for value in word.seniorities) for word in words)
    return ORDER[lowest:]


def _labels(values: tuple[str, ...]) -> str:
    labels = [Seniority(value).label for value in values]
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " or " + labels[-1]


def _title_findings(document: Document) -> list[Finding]:
    findings = []
    for places, allowed in title_words(document.title):
        if document.seniority in allowed:
            continue
        words = document.title[places[0].start : places[-1].end]
        findings.append(
            Finding(
                kind=KIND,
                severity=Severity.WARNING,
                message=(
                    f"The title says “{words}”, which reads as {_labels(allowed)}, but the "
                    f"seniority chosen is {document.seniority_label}."
                ),
                places=places,
                suggestion=(
                    f"Choose the seniority the title names, or take “{words}” out of the "
                    "title: candidates and job boards read the title first."
                ),
                data={
                    "problem": TITLE_SENIORITY,
                    "word": words,
                    "seniority": document.seniority,
                    "title_says": list(allowed),
                },
            )
        )
    return findings


def _level_findings(document: Document) -> list[Finding]:
    scale, required = document.scale, document.required_skills
    if not scale or not required:
        return []
    top = len(scale)
    if document.seniority == Seniority.JUNIOR:
        at_top = [skill.name for skill in required if skill.level_rank >= top]
        if len(at_top) < 2:
            return []
        return [
            Finding(
                kind=KIND,
                severity=Severity.WARNING,
                message=(
                    f"A Junior job description asks for the top level, {scale[-1]}, in "
                    f"{len(at_top)} required skills: {', '.join(at_top)}."
                ),
                suggestion=(
                    "Lower those levels to what a person new to the work can show, or choose "
                    "a more senior seniority."
                ),
                data={"problem": JUNIOR_TOP_LEVELS, "skills": at_top, "level": scale[-1]},
            )
        ]
    if document.seniority not in (Seniority.STAFF, Seniority.PRINCIPAL):
        return []
    # Above the middle: rank > (top + 1) / 2, so for five levels 4 and 5; for four, 3 and 4.
    if any(2 * skill.level_rank > top + 1 for skill in required):
        return []
    middle = scale[(top - 1) // 2]
    return [
        Finding(
            kind=KIND,
            severity=Severity.WARNING,
            message=(
                f"A {document.seniority_label} job description has no required skill above "
                f"{middle}, the middle of the scale."
            ),
            suggestion=(
                "Raise the levels of the skills the role is hired for, or choose a less senior "
                "seniority."
            ),
            data={"problem": SENIOR_LOW_LEVELS, "level": middle},
        )
    ]


def check(document: Document) -> list[Finding]:
    if document.seniority not in Seniority.values:
        return []
    return _title_findings(document) + _level_findings(document)
