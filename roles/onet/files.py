"""Reading and validating an O*NET text release (its tab-delimited .txt files).

`read_release` parses and checks all six files into plain data (`Release`), raising `OnetError`
with the file and line of the first problem; it writes nothing, so a bad file loads nothing.
The checks are listed in docs/onet-import.md.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from roles.models import AlternateTitle, Role, Skill, Task, Tool
from roles.onet.mapping import importance_for, level_rank_for

OCCUPATIONS = "Occupation Data.txt"
ALTERNATE_TITLES = "Alternate Titles.txt"
TASKS = "Task Statements.txt"
SKILLS = "Skills.txt"
TECHNOLOGY = "Technology Skills.txt"
TOOLS_USED = "Tools Used.txt"

# fmt: off
HEADERS: dict[str, tuple[str, ...]] = {
    OCCUPATIONS: ("O*NET-SOC Code", "Title", "Description"),
    ALTERNATE_TITLES: ("O*NET-SOC Code", "Title", "Alternate Title", "Short Title", "Source(s)"),
    TASKS: (
        "O*NET-SOC Code", "Title", "Task ID", "Task", "Task Type", "Incumbents Responding",
        "Date", "Domain Source",
    ),
    SKILLS: (
        "O*NET-SOC Code", "Title", "Element ID", "Element Name", "Scale ID", "Scale Name",
        "Data Value", "N", "Standard Error", "Lower CI Bound", "Upper CI Bound",
        "Recommend Suppress", "Not Relevant", "Date", "Domain Source",
    ),
    TECHNOLOGY: (
        "O*NET-SOC Code", "Title", "Example", "Commodity Code", "Commodity Title",
        "Hot Technology", "In Demand",
    ),
    TOOLS_USED: ("O*NET-SOC Code", "Title", "Example", "Commodity Code", "Commodity Title"),
}
# fmt: on
OPTIONAL_FILES = (TECHNOLOGY, TOOLS_USED)

SOC_CODE = re.compile(r"\d\d-\d\d\d\d\.\d\d")
COMMODITY_CODE = re.compile(r"\d{8}")
TASK_TYPES = {"Core": True, "Supplemental": False, "n/a": False, "": False}
FLAGS = {"Y", "N", "n/a", ""}  # Recommend Suppress / Not Relevant; "n/a" where not rated
SCALES = {"IM": (Decimal(1), Decimal(5)), "LV": (Decimal(0), Decimal(7))}


class OnetError(ValueError):
    """The release is malformed or does not fit the catalog; the message names the place."""


@dataclass
class SkillRating:
    line: int  # first row seen, for error messages
    importance: Decimal | None = None
    level: Decimal | None = None
    suppressed: bool = False
    not_relevant: bool = False

    def mapped(self, steps: int) -> tuple[int, str] | None:
        """(position on our scale, importance), or None when the skill is skipped."""
        if self.suppressed or self.not_relevant:
            return None
        assert self.importance is not None and self.level is not None  # checked on reading
        importance = importance_for(self.importance)
        if importance is None:
            return None
        return level_rank_for(self.level, steps), importance


@dataclass
class Occupation:
    code: str
    title: str
    description: str
    titles: dict[str, str] = field(default_factory=dict)  # casefolded -> first spelling
    tasks: dict[str, bool] = field(default_factory=dict)  # statement -> core
    skills: dict[str, SkillRating] = field(default_factory=dict)  # element name -> ratings
    tools: dict[str, tuple[str, str]] = field(default_factory=dict)  # folded -> name, commodity


@dataclass
class Release:
    occupations: dict[str, Occupation]  # by code, in file order
    skill_names: list[str]
    tool_files: tuple[str, ...]  # the optional files present
    notes: list[str] = field(default_factory=list)
    skipped: Counter = field(default_factory=Counter)
    # element name -> its Content Model element id ("2.B.3.e"): the skills' onet_element_id
    skill_elements: dict[str, str] = field(default_factory=dict)


def _lines(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) for each data line; checks encoding, header and column count."""
    name = path.name
    header = HEADERS[name]
    with path.open("rb") as handle:
        number = 0
        for number, raw in enumerate(handle, start=1):
            try:
                line = raw.decode("utf-8").rstrip("\r\n")
            except UnicodeDecodeError as exc:
                raise OnetError(f"{name} line {number}: not UTF-8 text ({exc.reason})") from exc
            if number == 1:
                columns = tuple(line.removeprefix("\ufeff").split("\t"))
                if columns != header:
                    raise OnetError(
                        f"{name} line 1: header is not the O*NET layout; expected "
                        f"{' | '.join(header)}, found {' | '.join(columns)}"
                    )
                continue
            if not line.strip():
                continue  # a trailing empty line
            values = line.split("\t")
            if len(values) != len(header):
                raise OnetError(
                    f"{name} line {number}: {len(values)} columns, expected {len(header)}"
                )
            yield number, dict(zip(header, (value.strip() for value in values), strict=True))
        if number == 0:
            raise OnetError(f"{name}: empty file, expected a header line")


class _Reader:
    """Reads one release folder, file by file, into a `Release`."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.occupations: dict[str, Occupation] = {}
        self.skipped: Counter = Counter()

    def fail(self, name: str, number: int, message: str) -> OnetError:
        return OnetError(f"{name} line {number}: {message}")

    def occupation(self, name: str, number: int, row: dict[str, str]) -> Occupation:
        code = row["O*NET-SOC Code"]
        if not SOC_CODE.fullmatch(code):
            raise self.fail(name, number, f"bad O*NET-SOC code '{code}' (expected 15-1252.00)")
        occupation = self.occupations.get(code)
        if occupation is None:
            raise self.fail(name, number, f"unknown occupation {code} (not in {OCCUPATIONS})")
        if row["Title"] != occupation.title:
            raise self.fail(
                name,
                number,
                f"title '{row['Title']}' of {code} differs from '{occupation.title}' in "
                f"{OCCUPATIONS}",
            )
        return occupation

    def required(self, name: str, number: int, row: dict[str, str], column: str) -> str:
        if not row[column]:
            raise self.fail(name, number, f"empty '{column}'")
        return row[column]

    def read(self) -> Release:
        if not self.folder.is_dir():
            raise OnetError(f"{self.folder}: not a folder")
        for name in HEADERS:
            if name not in OPTIONAL_FILES and not (self.folder / name).is_file():
                raise OnetError(f"{name}: missing from {self.folder}")
        self.read_occupations()
        self.read_titles()
        self.read_tasks()
        skill_elements = self.read_skills()
        present = tuple(name for name in OPTIONAL_FILES if (self.folder / name).is_file())
        notes = [
            f"{name} not found: its tools are not imported, and tool links are only added."
            for name in OPTIONAL_FILES
            if name not in present
        ]
        for name in present:
            self.read_tools(name)
        return Release(
            self.occupations,
            list(skill_elements),
            present,
            notes,
            self.skipped,
            skill_elements=skill_elements,
        )

    def read_occupations(self) -> None:
        titles: dict[str, str] = {}
        for number, row in _lines(self.folder / OCCUPATIONS):
            code = row["O*NET-SOC Code"]
            if not SOC_CODE.fullmatch(code):
                raise self.fail(
                    OCCUPATIONS, number, f"bad O*NET-SOC code '{code}' (expected 15-1252.00)"
                )
            if code in self.occupations:
                raise self.fail(OCCUPATIONS, number, f"occupation {code} listed twice")
            title = self.required(OCCUPATIONS, number, row, "Title")
            if len(title) > Role._meta.get_field("name").max_length:
                raise self.fail(OCCUPATIONS, number, "title longer than a role name may be")
            if title.casefold() in titles:
                raise self.fail(
                    OCCUPATIONS, number, f"title '{title}' also used by {titles[title.casefold()]}"
                )
            titles[title.casefold()] = code
            description = self.required(OCCUPATIONS, number, row, "Description")
            self.occupations[code] = Occupation(code, title, description)

    def read_titles(self) -> None:
        limit = AlternateTitle._meta.get_field("title").max_length
        for number, row in _lines(self.folder / ALTERNATE_TITLES):
            occupation = self.occupation(ALTERNATE_TITLES, number, row)
            title = self.required(ALTERNATE_TITLES, number, row, "Alternate Title")
            # A short title ("n/a" when there is none) is searched for too, e.g. "SDE".
            for text in (title, row["Short Title"]):
                if text in ("", "n/a"):
                    continue
                if len(text) > limit:
                    self.skipped[f"alternate titles over {limit} characters"] += 1
                    continue
                occupation.titles.setdefault(text.casefold(), text)

    def read_tasks(self) -> None:
        limit = Task._meta.get_field("text").max_length
        for number, row in _lines(self.folder / TASKS):
            occupation = self.occupation(TASKS, number, row)
            text = self.required(TASKS, number, row, "Task")
            if row["Task Type"] not in TASK_TYPES:
                raise self.fail(
                    TASKS, number, f"Task Type '{row['Task Type']}' is not Core or Supplemental"
                )
            if len(text) > limit:
                self.skipped[f"task statements over {limit} characters"] += 1
                continue
            core = TASK_TYPES[row["Task Type"]]
            occupation.tasks[text] = occupation.tasks.get(text, False) or core

    def read_skills(self) -> dict[str, str]:
        """Element name -> element id of every skill, in file order; the ratings go onto the
        occupations."""
        names: dict[str, str] = {}  # element id -> name
        limit = Skill._meta.get_field("name").max_length
        for number, row in _lines(self.folder / SKILLS):
            occupation = self.occupation(SKILLS, number, row)
            element = self.required(SKILLS, number, row, "Element ID")
            name = self.required(SKILLS, number, row, "Element Name")
            if len(name) > limit:
                raise self.fail(SKILLS, number, "Element Name longer than a skill name may be")
            if names.setdefault(element, name) != name:
                raise self.fail(
                    SKILLS, number, f"element {element} is named '{names[element]}' elsewhere"
                )
            scale = row["Scale ID"]
            if scale not in SCALES:
                raise self.fail(SKILLS, number, f"Scale ID '{scale}' is not IM or LV")
            low, high = SCALES[scale]
            try:
                value = Decimal(row["Data Value"])
            except InvalidOperation:
                value = None
            if value is None or not value.is_finite():
                raise self.fail(SKILLS, number, f"Data Value '{row['Data Value']}' is not a number")
            if not low <= value <= high:
                raise self.fail(
                    SKILLS, number, f"Data Value {value} is outside {low}-{high} for {scale}"
                )
            for column in ("Recommend Suppress", "Not Relevant"):
                if row[column] not in FLAGS:
                    raise self.fail(SKILLS, number, f"{column} '{row[column]}' is not Y or N")
            rating = occupation.skills.setdefault(name, SkillRating(line=number))
            attribute = "importance" if scale == "IM" else "level"
            if getattr(rating, attribute) is not None:
                raise self.fail(
                    SKILLS, number, f"second {scale} rating of {name} for {occupation.code}"
                )
            setattr(rating, attribute, value)
            rating.suppressed |= row["Recommend Suppress"] == "Y"
            rating.not_relevant |= row["Not Relevant"] == "Y"
        for occupation in self.occupations.values():
            for name, rating in occupation.skills.items():
                if rating.importance is None or rating.level is None:
                    has, lacks = ("LV", "IM") if rating.importance is None else ("IM", "LV")
                    raise self.fail(
                        SKILLS,
                        rating.line,
                        f"{name} of {occupation.code} has an {has} rating but no {lacks} rating",
                    )
        elements: dict[str, str] = {}
        for element, name in names.items():
            elements.setdefault(name, element)
        return elements

    def read_tools(self, name: str) -> None:
        limit = Tool._meta.get_field("name").max_length
        for number, row in _lines(self.folder / name):
            occupation = self.occupation(name, number, row)
            example = self.required(name, number, row, "Example")
            if not COMMODITY_CODE.fullmatch(row["Commodity Code"]):
                raise self.fail(
                    name, number, f"Commodity Code '{row['Commodity Code']}' is not 8 digits"
                )
            commodity = self.required(name, number, row, "Commodity Title")
            for column in ("Hot Technology", "In Demand"):
                if column in row and row[column] not in ("Y", "N"):
                    raise self.fail(name, number, f"{column} '{row[column]}' is not Y or N")
            example = example[:limit].rstrip()  # capped to the field, as the brief allows
            occupation.tools.setdefault(example.casefold(), (example, commodity))


def read_release(folder: Path) -> Release:
    """Parse and validate an O*NET text release folder; raises OnetError, writes nothing."""
    return _Reader(folder).read()
