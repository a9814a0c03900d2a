"""The interview question bank's file (roles/data/questions.toml): reading, validating, loading,
and the generic questions by level that skills without questions of their own get.

`read_question_file` parses and checks the TOML, raising `QuestionFileError` naming the place;
`load_questions` writes the skill-specific questions in one transaction, leaving what staff
changed alone unless told to overwrite (roles.seed.load_catalog calls it after the catalog);
`generic_questions` fills the file's `[[generic]]` templates for one skill and level, and
`generic_question_rows` makes them into rows (the O*NET import's imported skills).

A generic template names the skill with `{skill}`, filled with the skill's name exactly as the
catalog writes it (never lower-cased: "SQL", product names and O*NET's title-cased names would
read wrong), so templates are worded to take a name mid-sentence.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from roles.models import InterviewQuestion, ProficiencyLevel, QuestionKind, Skill
from roles.reports import LoadReport

SEED_QUESTIONS = Path(__file__).resolve().parent / "data" / "questions.toml"
# The history change reason of this loader's own writes: a (skill, level) whose history holds
# other changes or deletions was edited by staff, and a load without --overwrite leaves it alone.
SEED_REASON = "Seed questions"
KIND = "interview questions"

_TOP_KEYS = {"version", "questions", "generic"}
_QUESTION_KEYS = {"skill", "level", "kind", "text", "strong_answer"}
_GENERIC_KEYS = {"level", "kind", "text", "strong_answer"}
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_TEXT_MAX = InterviewQuestion._meta.get_field("text").max_length
_ANSWER_MAX = InterviewQuestion._meta.get_field("strong_answer").max_length


class QuestionFileError(ValueError):
    """The question file is malformed; the message names the place."""


@dataclass(frozen=True)
class BankQuestion:
    kind: str  # a roles.models.QuestionKind value
    text: str
    strong_answer: str
    generic: bool  # True: written from the generic template of its level


# --- Reading and validating ---------------------------------------------------------------------


def read_question_file(
    path: Path,
    *,
    skill_slugs: Collection[str] | None = None,
    ranks: Collection[int] | None = None,
) -> dict[str, Any]:
    """The question file, parsed and validated; raises QuestionFileError naming the problem.

    With `skill_slugs` and `ranks` (the catalog's), every skill and level must be among them."""
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError as exc:
        raise QuestionFileError(f"{path}: no such file") from exc
    except tomllib.TOMLDecodeError as exc:
        raise QuestionFileError(f"{path}: not valid TOML: {exc}") from exc
    try:
        validate_questions(data, skill_slugs=skill_slugs, ranks=ranks)
    except QuestionFileError as exc:
        raise QuestionFileError(f"{path.name}: {exc}") from exc
    return data


def _check_text(value: Any, key: str, limit: int | None, where: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise QuestionFileError(f"{where}: '{key}' is empty")
    if limit and len(value) > limit:
        raise QuestionFileError(f"{where}: '{key}' is longer than {limit} characters")
    stray = _PLACEHOLDER.sub("", value)
    if "{" in stray or "}" in stray:
        raise QuestionFileError(f"{where}: '{key}' has an unmatched brace")
    for name in _PLACEHOLDER.findall(value):
        if name != "skill":
            raise QuestionFileError(
                f"{where}: '{key}' has the placeholder {{{name}}}; only {{skill}} is filled in"
            )


def _check_entry(entry: Any, allowed: set[str], where: str, ranks: Collection[int] | None) -> None:
    if not isinstance(entry, dict):
        raise QuestionFileError(f"{where}: not a table")
    for key in entry:
        if key not in allowed:
            raise QuestionFileError(f"{where}: unknown key '{key}'")
    for key in sorted(allowed - {"kind"}):
        if key not in entry:
            raise QuestionFileError(f"{where}: missing '{key}'")
    level = entry["level"]
    if not isinstance(level, int) or isinstance(level, bool) or level < 1:
        raise QuestionFileError(f"{where}: level must be a whole number from 1")
    if ranks is not None and level not in ranks:
        raise QuestionFileError(f"{where}: level {level} is not on the scale")
    kind = entry.get("kind", QuestionKind.QUESTION)
    if kind not in QuestionKind.values:
        raise QuestionFileError(
            f"{where}: unknown kind '{kind}' (one of {', '.join(QuestionKind.values)})"
        )
    _check_text(entry["text"], "text", _TEXT_MAX, where)
    _check_text(entry["strong_answer"], "strong_answer", _ANSWER_MAX, where)


def _folded(text: str) -> str:
    return " ".join(text.split()).casefold()


def validate_questions(
    data: dict[str, Any],
    *,
    skill_slugs: Collection[str] | None = None,
    ranks: Collection[int] | None = None,
) -> None:
    """Check the shape (and, given them, the skills and ranks) before anything is written."""
    for key in data:
        if key not in _TOP_KEYS:
            raise QuestionFileError(f"unknown key '{key}'")
    for section in ("questions", "generic"):
        if not isinstance(data.get(section, []), list):
            raise QuestionFileError(f"'{section}' must be a list of tables ([[{section}]])")
    seen: dict[tuple[str, int, str], int] = {}
    for i, entry in enumerate(data.get("questions", [])):
        where = f"questions[{i}]"
        _check_entry(entry, _QUESTION_KEYS, where, ranks)
        skill = entry["skill"]
        if not isinstance(skill, str) or not skill:
            raise QuestionFileError(f"{where}: 'skill' is empty")
        if skill_slugs is not None and skill not in skill_slugs:
            raise QuestionFileError(f"{where}: unknown skill '{skill}'")
        key = (skill, entry["level"], _folded(entry["text"]))
        if key in seen:
            raise QuestionFileError(
                f"{where}: the same text as questions[{seen[key]}] for skill '{skill}' at "
                f"level {entry['level']}"
            )
        seen[key] = i
    generic_seen: dict[tuple[int, str], int] = {}
    for i, entry in enumerate(data.get("generic", [])):
        where = f"generic[{i}]"
        _check_entry(entry, _GENERIC_KEYS, where, ranks)
        key = (entry["level"], _folded(entry["text"]))
        if key in generic_seen:
            raise QuestionFileError(
                f"{where}: the same text as generic[{generic_seen[key]}] at level {entry['level']}"
            )
        generic_seen[key] = i


# --- Generic questions --------------------------------------------------------------------------


def fill_skill(template: str, skill_name: str) -> str:
    """A template with `{skill}` replaced by the skill's name, as the catalog writes it."""
    return template.replace("{skill}", skill_name)


@functools.cache
def _generic_templates() -> dict[int, tuple[tuple[str, str, str], ...]]:
    """The seed file's generic templates per level rank: (kind, text, strong answer), in order.

    Cached: the file ships with the code, so it changes only with a new deploy."""
    data = read_question_file(SEED_QUESTIONS)
    by_rank: dict[int, list[tuple[str, str, str]]] = {}
    for entry in data.get("generic", []):
        by_rank.setdefault(entry["level"], []).append(
            (entry.get("kind", QuestionKind.QUESTION), entry["text"], entry["strong_answer"])
        )
    return {rank: tuple(rows) for rank, rows in by_rank.items()}


def _nearest(rank: int, ranks: Iterable[int]) -> int:
    # The closest rank; on a tie the lower one (ask less rather than more of a candidate).
    return min(ranks, key=lambda known: (abs(known - rank), known))


def generic_questions(*, skill_name: str, level_rank: int) -> list[BankQuestion]:
    """The generic questions of level `level_rank` (the nearest level the file has when it has
    none for that rank), with `{skill}` filled with `skill_name`."""
    templates = _generic_templates()
    if not templates:
        return []
    rank = level_rank if level_rank in templates else _nearest(level_rank, templates)
    return [
        BankQuestion(
            kind=kind,
            text=fill_skill(text, skill_name),
            strong_answer=fill_skill(answer, skill_name),
            generic=True,
        )
        for kind, text, answer in templates[rank]
    ]


def generic_question_rows(
    skills: Iterable[Skill], levels: Iterable[ProficiencyLevel]
) -> list[InterviewQuestion]:
    """Unsaved generic rows for every skill at every level (for a bulk create)."""
    levels = list(levels)
    rows = []
    for skill in skills:
        for level in levels:
            for position, question in enumerate(
                generic_questions(skill_name=skill.name, level_rank=level.rank), start=1
            ):
                rows.append(
                    InterviewQuestion(
                        skill=skill,
                        level=level,
                        kind=question.kind,
                        text=question.text,
                        strong_answer=question.strong_answer,
                        position=position,
                        generic=True,
                    )
                )
    return rows


# --- Loading ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Wanted:
    skill: Skill
    level: ProficiencyLevel
    kind: str
    text: str
    strong_answer: str
    position: int


def _wanted(data: dict[str, Any]) -> list[_Wanted]:
    """The file's questions with their skills and levels read from the database, in order."""
    entries = data.get("questions", [])
    slugs = {entry["skill"] for entry in entries}
    skills = {skill.slug: skill for skill in Skill.objects.filter(slug__in=slugs)}
    levels = {level.rank: level for level in ProficiencyLevel.objects.all()}
    positions: dict[tuple[str, int], int] = {}
    wanted = []
    for i, entry in enumerate(entries):
        if entry["skill"] not in skills:
            raise QuestionFileError(
                f"question file, questions[{i}]: unknown skill '{entry['skill']}' "
                "(not in the catalog)"
            )
        if entry["level"] not in levels:
            raise QuestionFileError(
                f"question file, questions[{i}]: level {entry['level']} is not on the scale"
            )
        group = (entry["skill"], entry["level"])
        positions[group] = positions.get(group, 0) + 1
        name = skills[entry["skill"]].name
        wanted.append(
            _Wanted(
                skill=skills[entry["skill"]],
                level=levels[entry["level"]],
                kind=entry.get("kind", QuestionKind.QUESTION),
                text=fill_skill(entry["text"].strip(), name),
                strong_answer=fill_skill(entry["strong_answer"].strip(), name),
                position=positions[group],
            )
        )
    return wanted


def _staff_changed_groups(skill_ids: Collection[int]) -> set[tuple[int, int]]:
    """(skill id, level id) pairs where someone other than this loader changed or deleted a
    question: their questions are staff's now."""
    history = InterviewQuestion.history.model.objects.filter(
        skill_id__in=list(skill_ids), history_type__in=("~", "-")
    ).exclude(history_change_reason=SEED_REASON)
    return set(history.values_list("skill_id", "level_id"))


@transaction.atomic
def load_questions(*, data: dict[str, Any], overwrite: bool = False) -> LoadReport:
    """Create the file's questions that are missing, keyed by skill, level and text.

    A question that exists is kept as it is. A (skill, level) whose questions staff changed or
    deleted is left entirely as staff have it, so an edited or deleted default never comes back.
    With `overwrite`, the questions of every skill the file names are reset to the file exactly:
    matching rows updated in place, the others deleted, the missing created.
    """
    validate_questions(data)
    report = LoadReport()
    wanted = _wanted(data)
    skill_ids = {item.skill.pk for item in wanted}
    stored = {
        (row.skill_id, row.level_id, row.text): row
        for row in InterviewQuestion.objects.filter(skill_id__in=skill_ids)
    }
    staff_groups = set() if overwrite else _staff_changed_groups(skill_ids)
    create, update = [], []
    for item in wanted:
        row = stored.pop((item.skill.pk, item.level.pk, item.text), None)
        if row is None:
            if (item.skill.pk, item.level.pk) in staff_groups:
                report.kept[KIND] += 1  # staff's now: not added back
                continue
            create.append(
                InterviewQuestion(
                    skill=item.skill,
                    level=item.level,
                    kind=item.kind,
                    text=item.text,
                    strong_answer=item.strong_answer,
                    position=item.position,
                    generic=False,
                )
            )
            continue
        values = {
            "kind": item.kind,
            "strong_answer": item.strong_answer,
            "position": item.position,
            "generic": False,
        }
        if overwrite and any(getattr(row, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(row, key, value)
            update.append(row)
        else:
            report.kept[KIND] += 1
    if overwrite:
        # What is left of the file's skills' questions is not in the file: reset means gone.
        for row in stored.values():
            row._change_reason = SEED_REASON
            row.delete()  # one by one, for the history's "-" records (a few rows at most)
            report.deleted[KIND] += 1
    else:
        report.kept[KIND] += len(stored)
    bulk_update_with_history(
        update,
        InterviewQuestion,
        ["kind", "strong_answer", "position", "generic"],
        default_change_reason=SEED_REASON,
    )
    bulk_create_with_history(create, InterviewQuestion, default_change_reason=SEED_REASON)
    report.updated[KIND] += len(update)
    report.created[KIND] += len(create)
    return report
