"""The mapping rules from O*NET's values to the catalog's: pure functions, no database.

Importance (1-5) to required / nice to have, a level (0-7) to a step of our scale, a skill name
to its category, the keyword heuristics that put a task statement or a tool in a task area, and
the one that finds the O*NET skills a task statement names (traceability).
docs/onet-import.md explains each rule; a test checks it lists every keyword.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction

from roles.models import Importance, SkillCategory

ONET_MAX_LEVEL = 7  # the top of O*NET's level (LV) scale

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

# Traceability: word stems (matched as above) by which a task statement names the activity of an
# O*NET skill, per Element Name. O*NET links no task to a skill, so this is all the files allow;
# a statement is linked only to skills its occupation rates (see `skills_named_in`). Stems are
# kept narrow: a wrong link hides a real "required but no responsibility uses it" finding.
TASK_SKILL_KEYWORDS: dict[str, tuple[str, ...]] = {
    "Reading Comprehension": ("read",),
    "Active Listening": ("interview", "confer with", "consult with", "listen"),
    "Writing": ("writ", "draft"),
    "Speaking": ("present", "oral", "speak", "brief"),
    "Mathematics": ("mathemat", "statistic", "calculat", "quantitative"),
    "Science": ("scientific analys", "scientific method", "scientific article", "research"),
    "Critical Thinking": ("critical", "assess"),
    "Active Learning": ("learn", "emerging", "keep abreast", "stay current"),
    "Learning Strategies": ("learning strateg", "curricul"),
    "Monitoring": ("monitor",),
    "Social Perceptiveness": ("perceptiv", "empath"),
    "Coordination": ("coordinat", "collaborat"),
    "Persuasion": ("persuad", "convinc", "advocat", "recommend"),
    "Negotiation": ("negotiat",),
    "Instructing": ("instruct", "teach", "train", "mentor", "tutor"),
    "Service Orientation": ("assist", "help desk", "customer service"),
    "Complex Problem Solving": ("solv", "resolv", "problem"),
    "Operations Analysis": ("requirement", "feasibil", "user needs"),
    "Technology Design": ("design",),
    "Equipment Selection": ("select equipment", "select tools", "procure", "purchas"),
    "Installation": ("install",),
    # Not "program" or "software" alone: "programmers" are people, and using software is not
    # writing it ("using statistical software").
    "Programming": (
        "programming", "computer program", "coding", "code", "script", "existing software",
        "software system", "develop software", "write software",
    ),
    "Operations Monitoring": ("gauge", "dials"),
    "Operation and Control": ("operate", "load machine"),
    "Equipment Maintenance": ("maintenance", "lubricat"),
    "Troubleshooting": ("troubleshoot", "diagnos", "debug", "malfunction", "correct error"),
    "Repairing": ("repair",),
    "Quality Control Analysis": ("test", "inspect", "verif", "accuracy", "quality", "validat"),
    "Judgment and Decision Making": ("decid", "decision", "judg"),
    "Systems Analysis": (
        "structured analysis", "flow chart", "work flow", "system capabilit", "system requirement",
    ),
    "Systems Evaluation": ("evaluat", "measure outcome", "improve performance"),
    "Time Management": ("schedul", "deadline", "time and cost", "prioriti"),
    "Management of Financial Resources": ("budget", "cost", "financ", "expenditur"),
    "Management of Material Resources": ("supplies", "inventor", "materials"),
    "Management of Personnel Resources": (
        "supervise", "supervising", "supervision", "personnel", "hire", "hiring", "recruit",
        "staffing",
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
_SKILL_PATTERNS = {name.casefold(): p for name, p in _compile(TASK_SKILL_KEYWORDS).items()}


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
    """Category of a skill from its O*NET Element Name; a name not listed is technical."""
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


def skills_named_in(statement: str, rated: Iterable[str]) -> set[str]:
    """The skills of `rated` (the O*NET element names the occupation rates) whose stems the
    task statement contains. A skill with no stems (a later release's new one) is never named.
    """
    return {
        name
        for name in rated
        if (pattern := _SKILL_PATTERNS.get(name.casefold())) and pattern.search(statement)
    }
