"""Import of the O*NET database (its tab-delimited text release) into the role catalog.

Two phases, so that a bad file loads nothing: `read_release` parses and validates all six files
into plain data (raising `OnetError` naming the file and line), then `import_release` writes it
in one transaction, in batches of occupations, with bulk queries only. The mapping rules (task
areas, skill categories, levels, importance, tool areas) are the small pure functions below;
docs/onet-import.md explains each one.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path

from django.db import models, transaction
from django.utils import timezone
from django.utils.text import slugify
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from roles.models import (
    AlternateTitle,
    Importance,
    ProficiencyLevel,
    Role,
    RoleSkill,
    RoleTask,
    Skill,
    SkillCategory,
    Task,
    TaskArea,
    Tool,
)

ONET_VERSION = "30.0"
# Stored in Role.source of every role the import owns: CC BY 4.0 requires the attribution.
ONET_SOURCE = (
    f"O*NET {ONET_VERSION} Database by the U.S. Department of Labor, Employment and Training "
    "Administration (USDOL/ETA), used under the CC BY 4.0 license"
)
# The full notice O*NET asks for where the data is shown (e.g. a page footer), as we modify it.
ONET_ATTRIBUTION = (
    f"This site includes information from the O*NET {ONET_VERSION} Database by the U.S. "
    "Department of Labor, Employment and Training Administration (USDOL/ETA). Used under the "
    "CC BY 4.0 license. O*NET® is a trademark of USDOL/ETA. JD Builder has modified all or "
    "some of this information. USDOL/ETA has not approved, endorsed, or tested these "
    "modifications."
)
# Any release's attribution marks a role as owned by the import, so bumping ONET_VERSION keeps
# ownership; any other text (e.g. the attribution plus "; edited by staff") hands it to staff.
_ONET_SOURCE_RE = re.compile(re.escape(ONET_SOURCE).replace(re.escape(ONET_VERSION), r"\d+\.\d+"))

CHANGE_REASON = "O*NET import"
DEFAULT_BATCH_SIZE = 200  # occupations per write batch
# Rows per INSERT / UPDATE are left to Django, which fits them to the backend's parameter limit;
# `pk__in` lists are cut to this size for the same reason (SQLite allows 999 in old builds).
IDS_PER_QUERY = 500

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
ONET_MAX_LEVEL = 7

# --- Mapping rules (documented in docs/onet-import.md) -------------------------------------------

REQUIRED_FROM = Decimal("3.5")  # importance (1-5) at or above: required
NICE_TO_HAVE_FROM = Decimal("2.5")  # at or above, below REQUIRED_FROM: nice to have; else skipped

# fmt: off
COMMUNICATION_SKILLS = frozenset(name.casefold() for name in (
    "Reading Comprehension", "Active Listening", "Writing", "Speaking", "Social Perceptiveness",
    "Instructing",
))
BUSINESS_SKILLS = frozenset(name.casefold() for name in (
    "Coordination", "Persuasion", "Negotiation", "Service Orientation", "Time Management",
    "Management of Financial Resources", "Management of Material Resources",
    "Management of Personnel Resources", "Judgment and Decision Making",
))

# Word stems per task area, matched at the start of a word, case-insensitively. The area with
# the most hits wins; ties go to the earlier area in the lifecycle; no hit gives the default.
TASK_AREA_KEYWORDS: dict[str, tuple[str, ...]] = {
    "data-engineering": ("data", "etl", "ingest", "schema", "metadata"),
    "modeling": (
        "model", "statistic", "algorithm", "machine learning", "predict", "forecast",
        "regression", "simulat", "hypothes", "experiment", "mathematical",
    ),
    "deployment": (
        "deploy", "production", "install", "release", "rollout", "roll out", "debug", "test",
        "software", "upgrade",
    ),
    "business-analysis": (
        "business", "report", "client", "customer", "requirement", "stakeholder", "budget",
        "cost", "market", "sale", "present", "recommend", "manage", "supervis", "user",
    ),
    "ai-infrastructure": (
        "system", "network", "infrastructure", "secur", "server", "hardware", "cloud",
        "cluster", "backup", "computer", "architect",
    ),
}
DEFAULT_TASK_AREA = "business-analysis"

# The same rule on a tool's Commodity Title (the UNSPSC class O*NET files it under).
TOOL_AREA_KEYWORDS: dict[str, tuple[str, ...]] = {
    "data-engineering": (
        "data base", "database", "data conversion", "data integration", "data entry",
        "metadata", "extract",
    ),
    "modeling": (
        "analytical", "scientific", "data mining", "statistic", "mathemat", "simulation",
        "machine learning", "neural",
    ),
    "deployment": (
        "development", "program testing", "compiler", "configuration management",
        "file versioning", "version control", "application server", "web page", "web platform",
        "object or component",
    ),
    "business-analysis": (
        "business", "enterprise resource", "customer relationship", "accounting", "financial",
        "project management", "office suite", "spreadsheet", "word processing", "presentation",
        "electronic mail", "e-mail", "calendar", "human resources", "document management",
        "calculator", "charting", "conferenc", "instant messaging", "time accounting",
        "helpdesk", "point of sale", "inventory",
    ),
    "ai-infrastructure": (
        "operating system", "network", "security", "server", "storage", "backup", "cluster",
        "filesystem", "computer", "mainframe", "cloud", "device driver", "transaction",
        "administration", "virtual",
    ),
}
# fmt: on
DEFAULT_TOOL_AREA = "ai-infrastructure"
AREA_ORDER = tuple(TASK_AREA_KEYWORDS)  # lifecycle order, for ties


def _compile(keywords: dict[str, tuple[str, ...]]) -> dict[str, re.Pattern[str]]:
    return {
        area: re.compile(r"\b(?:" + "|".join(map(re.escape, stems)) + r")\w*", re.IGNORECASE)
        for area, stems in keywords.items()
    }


_TASK_PATTERNS = _compile(TASK_AREA_KEYWORDS)
_TOOL_PATTERNS = _compile(TOOL_AREA_KEYWORDS)


def _best_area(text: str, patterns: dict[str, re.Pattern[str]], default: str) -> str:
    hits = {area: len(pattern.findall(text)) for area, pattern in patterns.items()}
    best = max(hits.values())
    if best == 0:
        return default
    return next(area for area in AREA_ORDER if hits[area] == best)


def task_area_for(text: str) -> str:
    """Slug of the task area a task statement belongs to (keyword heuristic)."""
    return _best_area(text, _TASK_PATTERNS, DEFAULT_TASK_AREA)


def tool_area_for(commodity_title: str) -> str:
    """Slug of the task area a tool belongs to, from its O*NET Commodity Title."""
    return _best_area(commodity_title, _TOOL_PATTERNS, DEFAULT_TOOL_AREA)


def skill_category_for(name: str) -> str:
    folded = name.casefold()
    if folded in COMMUNICATION_SKILLS:
        return SkillCategory.COMMUNICATION
    if folded in BUSINESS_SKILLS:
        return SkillCategory.BUSINESS
    return SkillCategory.TECHNICAL


def level_rank_for(level: Decimal, steps: int) -> int:
    """Position (1..steps) on our scale of an O*NET level (0-7): ceil(LV / 7 * steps), clamped.

    Exact arithmetic, so a level on a band boundary (e.g. 4.2 of 7 on five steps) is not
    pushed up a step by float rounding.
    """
    position = math.ceil(Fraction(level) * steps / ONET_MAX_LEVEL)
    return min(max(position, 1), steps)


def importance_for(importance: Decimal) -> str | None:
    """Our importance for an O*NET importance (1-5); None when the skill is not worth listing."""
    if importance >= REQUIRED_FROM:
        return Importance.REQUIRED
    if importance >= NICE_TO_HAVE_FROM:
        return Importance.NICE_TO_HAVE
    return None


def is_onet_source(source: str) -> bool:
    """True when a role's source is exactly an O*NET attribution: the import owns the role."""
    return bool(_ONET_SOURCE_RE.fullmatch(source))


# --- Reading and validating ----------------------------------------------------------------------


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
        skill_names = self.read_skills()
        present = tuple(name for name in OPTIONAL_FILES if (self.folder / name).is_file())
        notes = [
            f"{name} not found: its tools are not imported, and tool links are only added."
            for name in OPTIONAL_FILES
            if name not in present
        ]
        for name in present:
            self.read_tools(name)
        return Release(self.occupations, skill_names, present, notes, self.skipped)

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

    def read_skills(self) -> list[str]:
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
        return list(dict.fromkeys(names.values()))

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


# --- Writing -------------------------------------------------------------------------------------


@dataclass
class ImportReport:
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
    )

    def summary(self) -> str:
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


@dataclass
class _Plan:
    """What the import does with one occupation's role."""

    occupation: Occupation
    role: Role | None  # None: a new role
    owned: bool  # True: the role mirrors O*NET (new, or its source is the O*NET attribution)
    slug: str = ""


def _unique_slug(text: str, taken: set[str], suffix: str, limit: int) -> str:
    base = slugify(text)[:limit].strip("-") or "onet"
    candidates = [base, f"{base[: limit - len(suffix) - 1]}-{suffix}"]
    candidates += [f"{base[: limit - len(suffix) - 6]}-{suffix}-{n}" for n in range(2, 1000)]
    slug = next(candidate for candidate in candidates if candidate not in taken)
    taken.add(slug)
    return slug


def _chunks(items: Sequence, size: int) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class _Importer:
    def __init__(self, release: Release, batch_size: int) -> None:
        self.release = release
        self.batch_size = batch_size
        self.report = ImportReport(occupations=len(release.occupations))
        self.report.skipped.update(release.skipped)
        self.prune_tools = len(release.tool_files) == len(OPTIONAL_FILES)
        self.unlinked_tasks: set[int] = set()
        self._areas_of: dict[str, int] = {}

    def area_of(self, text: str) -> int:
        """Task area id of a statement; cached, as each statement is looked up three times."""
        if text not in self._areas_of:
            self._areas_of[text] = self.areas[task_area_for(text)]
        return self._areas_of[text]

    # Reference rows ---------------------------------------------------------------------------

    def load_reference(self) -> None:
        self.areas = {area.slug: area.pk for area in TaskArea.objects.all()}
        missing = [slug for slug in AREA_ORDER if slug not in self.areas]
        if missing:
            raise OnetError(
                f"task areas {', '.join(missing)} are missing: run `manage.py load_catalog` first"
            )
        self.levels = list(ProficiencyLevel.objects.order_by("rank").values_list("pk", flat=True))
        if not self.levels:
            raise OnetError("no proficiency levels: run `manage.py load_catalog` first")

    def plan_roles(self) -> list[_Plan]:
        """Match every occupation to a role, or plan a new one; refuse conflicts up front."""
        roles = list(Role.objects.all())
        by_code: dict[str, list[Role]] = defaultdict(list)
        by_name = {role.name.casefold(): role for role in roles}
        for role in roles:
            if role.onet_code:
                by_code[role.onet_code].append(role)
        slugs = {role.slug for role in roles}
        slug_limit = Role._meta.get_field("slug").max_length
        plans, used = [], set()
        for occupation in self.release.occupations.values():
            code, title = occupation.code, occupation.title
            role = None
            candidates = by_code.get(code, [])
            if len(candidates) > 1:
                candidates = [r for r in candidates if is_onet_source(r.source)]
                if len(candidates) != 1:
                    names = ", ".join(sorted(r.name for r in by_code[code]))
                    raise OnetError(
                        f"roles {names} all have O*NET code {code}: clear it on all but one"
                    )
            if candidates:
                role = candidates[0]
            else:
                role = by_name.get(title.casefold())
                if role is not None and role.onet_code and role.onet_code != code:
                    raise OnetError(
                        f"role '{role.name}' has O*NET code {role.onet_code}, but {OCCUPATIONS} "
                        f"gives that title to {code}: correct the role's code or name"
                    )
            if role is None:
                slug = _unique_slug(title, slugs, code.replace(".", "-"), slug_limit)
                plans.append(_Plan(occupation, None, owned=True, slug=slug))
                by_name[title.casefold()] = Role(name=title)  # reserves the name
                continue
            if role.pk in used:
                raise OnetError(f"role '{role.name}' matches two occupations, one being {code}")
            used.add(role.pk)
            owned = is_onet_source(role.source)
            if owned and role.name != title:
                holder = by_name.get(title.casefold())
                if holder is not None and holder is not role:
                    raise OnetError(
                        f"{code} is now titled '{title}', but another role has that name: "
                        "rename or merge it"
                    )
                by_name[title.casefold()] = role
            plans.append(_Plan(occupation, role, owned=owned))
        return plans

    def ensure_skills(self) -> dict[str, int]:
        """Skill id per O*NET element name; an existing skill of the same name is reused as is."""
        existing = {skill.name.casefold(): skill.pk for skill in Skill.objects.all()}
        slugs = set(Skill.objects.values_list("slug", flat=True))
        limit = Skill._meta.get_field("slug").max_length
        new = [
            Skill(
                name=name,
                slug=_unique_slug(name, slugs, "onet", limit),
                category=skill_category_for(name),
            )
            for name in self.release.skill_names
            if name.casefold() not in existing
        ]
        self.bulk_create(new, Skill, "skills")
        self.report.kept["skills"] += len(self.release.skill_names) - len(new)
        existing.update({skill.name.casefold(): skill.pk for skill in new})
        return {name: existing[name.casefold()] for name in self.release.skill_names}

    def ensure_tasks(self, plans: list[_Plan]) -> dict[tuple[int, str], int]:
        tasks = {
            (area, text): pk for pk, area, text in Task.objects.values_list("pk", "area", "text")
        }
        new: dict[tuple[int, str], Task] = {}
        for plan in plans:
            for text in plan.occupation.tasks:
                key = (self.area_of(text), text)
                if key not in tasks and key not in new:
                    new[key] = Task(area_id=key[0], text=text)
        self.bulk_create(list(new.values()), Task, "tasks")
        tasks.update({key: task.pk for key, task in new.items()})
        return tasks

    def ensure_tools(self, plans: list[_Plan]) -> dict[str, int]:
        """Tool id per folded name: a tool of that name in any area is reused, else one is made.

        Several areas may hold a tool of the same name; the one in the heuristic's area wins,
        then the earliest area, so reruns pick the same row.
        """
        position = dict(TaskArea.objects.values_list("pk", "position"))
        found: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
        for pk, name, area in Tool.objects.values_list("pk", "name", "area"):
            found[name.casefold()].append((position.get(area, 0), pk, area))
        chosen: dict[str, int] = {}
        new: dict[str, Tool] = {}
        description_limit = Tool._meta.get_field("description").max_length
        for plan in plans:
            for folded, (name, commodity) in plan.occupation.tools.items():
                if folded in chosen or folded in new:
                    continue
                area = self.areas[tool_area_for(commodity)]
                if folded in found:
                    rows = sorted(found[folded])
                    chosen[folded] = next((pk for _, pk, a in rows if a == area), rows[0][1])
                else:
                    new[folded] = Tool(
                        name=name, area_id=area, description=commodity[:description_limit]
                    )
        self.bulk_create(list(new.values()), Tool, "tools")
        chosen.update({folded: tool.pk for folded, tool in new.items()})
        return chosen

    # Bulk helpers -----------------------------------------------------------------------------

    def bulk_create(self, objs: list[models.Model], model: type[models.Model], kind: str) -> None:
        if objs:
            bulk_create_with_history(objs, model, default_change_reason=CHANGE_REASON)
            self.report.created[kind] += len(objs)

    def bulk_update(
        self, objs: list[models.Model], model: type[models.Model], fields: list[str], kind: str
    ) -> None:
        if objs:
            bulk_update_with_history(
                objs,
                model,
                fields,
                default_change_reason=CHANGE_REASON,
            )
            self.report.updated[kind] += len(objs)

    def delete(self, model: type[models.Model], pks: list[int], kind: str) -> None:
        # Through the ORM, so simple-history records each deletion; only changes pay for it.
        for chunk in _chunks(pks, IDS_PER_QUERY):
            model.objects.filter(pk__in=chunk).delete()
        self.report.deleted[kind] += len(pks)

    # One batch --------------------------------------------------------------------------------

    def write_roles(self, plans: list[_Plan]) -> None:
        now = timezone.now()
        new, changed, linked = [], [], []
        for plan in plans:
            occupation = plan.occupation
            if plan.role is None:
                plan.role = Role(
                    name=occupation.title,
                    slug=plan.slug,
                    summary=occupation.description,
                    source=ONET_SOURCE,
                    onet_code=occupation.code,
                )
                new.append(plan.role)
                continue
            role = plan.role
            values = {"onet_code": occupation.code}
            if plan.owned:
                values |= {
                    "name": occupation.title,
                    "summary": occupation.description,
                    "source": ONET_SOURCE,
                }
            elif role.onet_code:
                values = {}  # a staff role: only an empty code is filled in
            if any(getattr(role, key) != value for key, value in values.items()):
                for key, value in values.items():
                    setattr(role, key, value)
                role.updated_at = now  # bulk_update skips auto_now
                (changed if plan.owned else linked).append(role)
            else:
                self.report.kept["roles"] += 1
        self.bulk_create(new, Role, "roles")
        fields = ["name", "summary", "source", "onet_code", "updated_at"]
        self.bulk_update(changed, Role, fields, "roles")
        self.bulk_update(linked, Role, ["onet_code", "updated_at"], "roles")

    def sync_titles(self, plans: list[_Plan]) -> None:
        ids = [plan.role.pk for plan in plans]
        existing: dict[int, dict[str, AlternateTitle]] = defaultdict(dict)
        for title in AlternateTitle.objects.filter(role_id__in=ids):
            existing[title.role_id][title.title.casefold()] = title
        new, changed, gone = [], [], []
        for plan in plans:
            have = existing[plan.role.pk]
            for folded, text in plan.occupation.titles.items():
                row = have.pop(folded, None)
                if row is None:
                    new.append(AlternateTitle(role=plan.role, title=text))
                elif row.title != text:
                    row.title = text
                    changed.append(row)
            gone += [row.pk for row in have.values()]
        self.delete(AlternateTitle, gone, "alternate titles")
        self.bulk_update(changed, AlternateTitle, ["title"], "alternate titles")
        self.bulk_create(new, AlternateTitle, "alternate titles")

    def sync_tasks(self, plans: list[_Plan], tasks: dict[tuple[int, str], int]) -> None:
        ids = [plan.role.pk for plan in plans]
        existing: dict[int, dict[int, RoleTask]] = defaultdict(dict)
        for link in RoleTask.objects.filter(role_id__in=ids):
            existing[link.role_id][link.task_id] = link
        new, changed, gone = [], [], []
        for plan in plans:
            have = existing[plan.role.pk]
            for text, core in plan.occupation.tasks.items():
                task = tasks[(self.area_of(text), text)]
                link = have.pop(task, None)
                if link is None:
                    new.append(RoleTask(role=plan.role, task_id=task, included_by_default=core))
                elif link.included_by_default != core:
                    link.included_by_default = core
                    changed.append(link)
            gone += [link.pk for link in have.values()]
            self.unlinked_tasks.update(have)
        self.delete(RoleTask, gone, "role tasks")
        self.bulk_update(changed, RoleTask, ["included_by_default"], "role tasks")
        self.bulk_create(new, RoleTask, "role tasks")

    def sync_skills(self, plans: list[_Plan], skills: dict[str, int]) -> None:
        ids = [plan.role.pk for plan in plans]
        existing: dict[int, dict[int, RoleSkill]] = defaultdict(dict)
        for link in RoleSkill.objects.filter(role_id__in=ids):
            existing[link.role_id][link.skill_id] = link
        steps = len(self.levels)
        new, changed, gone = [], [], []
        for plan in plans:
            have = existing[plan.role.pk]
            for name, rating in plan.occupation.skills.items():
                mapped = rating.mapped(steps)
                if mapped is None:
                    continue  # left in `have`: a link that no longer qualifies goes
                level, importance = self.levels[mapped[0] - 1], mapped[1]
                link = have.pop(skills[name], None)
                if link is None:
                    new.append(
                        RoleSkill(
                            role=plan.role,
                            skill_id=skills[name],
                            level_id=level,
                            importance=importance,
                        )
                    )
                elif (link.level_id, link.importance) != (level, importance):
                    link.level_id, link.importance = level, importance
                    changed.append(link)
            gone += [link.pk for link in have.values()]
        self.delete(RoleSkill, gone, "role skills")
        self.bulk_update(changed, RoleSkill, ["level", "importance"], "role skills")
        self.bulk_create(new, RoleSkill, "role skills")

    def sync_links(
        self,
        through: type[models.Model],
        own: str,
        other: str,
        wanted: dict[int, set[int]],
        kind: str,
        *,
        prune: bool = True,
    ) -> None:
        """Make a role's many-to-many rows (tools, task areas) equal `wanted` role -> ids.

        Written on the through table directly: one query, not one per role. Simple-history
        keeps no row for these links (see docs/onet-import.md).
        """
        existing: dict[int, dict[int, int]] = defaultdict(dict)
        rows = through.objects.filter(**{f"{own}__in": list(wanted)})
        for pk, role, target in rows.values_list("pk", own, other):
            existing[role][target] = pk
        new, gone = [], []
        for role, targets in wanted.items():
            have = existing[role]
            new += [through(**{own: role, other: t}) for t in sorted(targets - have.keys())]
            if prune:
                gone += [pk for target, pk in have.items() if target not in targets]
        for chunk in _chunks(gone, IDS_PER_QUERY):
            through.objects.filter(pk__in=chunk).delete()
        through.objects.bulk_create(new)
        self.report.created[kind] += len(new)
        self.report.deleted[kind] += len(gone)

    def run(self, progress: Callable[[int, int, Occupation], None] | None) -> ImportReport:
        self.load_reference()
        plans = self.plan_roles()
        mirrored = [plan for plan in plans if plan.owned]
        skills = self.ensure_skills()
        tasks = self.ensure_tasks(mirrored)
        tools = self.ensure_tools(mirrored) if self.release.tool_files else {}
        total = len(plans)
        for start in range(0, total, self.batch_size):
            batch = plans[start : start + self.batch_size]
            self.write_roles(batch)
            owned = [plan for plan in batch if plan.owned]
            self.sync_titles(owned)
            self.sync_tasks(owned, tasks)
            self.sync_skills(owned, skills)
            areas = {
                plan.role.pk: {self.area_of(text) for text in plan.occupation.tasks}
                for plan in owned
            }
            self.sync_links(
                Role.task_areas.through, "role_id", "taskarea_id", areas, "task area links"
            )
            if self.release.tool_files:
                wanted = {
                    plan.role.pk: {tools[folded] for folded in plan.occupation.tools}
                    for plan in owned
                }
                self.sync_links(
                    Tool.roles.through,
                    "role_id",
                    "tool_id",
                    wanted,
                    "tool links",
                    prune=self.prune_tools,
                )
            if progress is not None:
                for number, plan in enumerate(batch, start=start + 1):
                    progress(number, total, plan.occupation)
        # A statement no role carries any more (its link was dropped above) goes with it.
        orphans = Task.objects.filter(role_tasks__isnull=True)
        gone = [
            pk
            for chunk in _chunks(sorted(self.unlinked_tasks), IDS_PER_QUERY)
            for pk in orphans.filter(pk__in=chunk).values_list("pk", flat=True)
        ]
        self.delete(Task, gone, "tasks")
        return self.report


def import_release(
    release: Release,
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: Callable[[int, int, Occupation], None] | None = None,
) -> ImportReport:
    """Write a validated release to the catalog, all or nothing, in one transaction.

    New occupations become roles owned by the import. A role owned by the import (its source is
    the O*NET attribution) is made to mirror O*NET: name, summary, alternate titles, tasks,
    skills, tools and task areas. A role staff own (any other source) that matches an
    occupation by code or name only gets its empty onet_code filled in.
    """
    if batch_size < 1:
        raise OnetError("batch size must be at least 1")
    with transaction.atomic():
        return _Importer(release, batch_size).run(progress)
