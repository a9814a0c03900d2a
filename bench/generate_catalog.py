"""A catalog the size of O*NET, written for benchmarks: the rows and how they are stored.

`generate_catalog()` writes, through the real models, 1,000 roles, 60 alternate titles and 20
task statements per role (60,000 and 20,000), and RoleSkill rows for 35 skills on every role (the
35 skills O*NET rates), each with a level and an importance. The texts (realistic lengths: titles
10-60 characters, task statements 60-200, summaries about 300) come from `bench.catalog_text`.

It is deterministic (one seeded `random.Random`, no clock, no global state) and fast: every table
is written with `bulk_create` in batches inside one transaction, and no history rows are written
(the benchmarks never read history; `roles.onet` writes them for a real import).

It loads on top of the seed catalog (run `load_catalog` first: its task areas, levels, skills and
tools are reused) or stand-alone (five task areas and a five-level scale are created if there are
none). Generated roles are recognisable by `Role.source == GENERATED_SOURCE`.

    python -m bench.run --generate-only [--roles 1000]   # into DATABASE_URL, after migrate
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models.functions import Lower
from django.utils.text import slugify

from bench.catalog_text import alternate_titles, role_names, summary, task_text
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
from roles.sync import catalog_writes

GENERATED_SOURCE = "JD Builder benchmark catalog (generated, not real data)"
DEFAULT_SEED = 1953
BATCH_SIZE = 2000

# The 35 skills O*NET rates on importance and level (names only; the ratings are generated).
ONET_SKILLS = [
    ("Reading Comprehension", SkillCategory.COMMUNICATION),
    ("Active Listening", SkillCategory.COMMUNICATION),
    ("Writing", SkillCategory.COMMUNICATION),
    ("Speaking", SkillCategory.COMMUNICATION),
    ("Mathematics", SkillCategory.TECHNICAL),
    ("Science", SkillCategory.TECHNICAL),
    ("Critical Thinking", SkillCategory.BUSINESS),
    ("Active Learning", SkillCategory.BUSINESS),
    ("Learning Strategies", SkillCategory.BUSINESS),
    ("Monitoring", SkillCategory.BUSINESS),
    ("Social Perceptiveness", SkillCategory.COMMUNICATION),
    ("Coordination", SkillCategory.COMMUNICATION),
    ("Persuasion", SkillCategory.COMMUNICATION),
    ("Negotiation", SkillCategory.COMMUNICATION),
    ("Instructing", SkillCategory.COMMUNICATION),
    ("Service Orientation", SkillCategory.BUSINESS),
    ("Complex Problem Solving", SkillCategory.TECHNICAL),
    ("Operations Analysis", SkillCategory.TECHNICAL),
    ("Technology Design", SkillCategory.TECHNICAL),
    ("Equipment Selection", SkillCategory.TECHNICAL),
    ("Installation", SkillCategory.TECHNICAL),
    ("Programming", SkillCategory.TECHNICAL),
    ("Operations Monitoring", SkillCategory.TECHNICAL),
    ("Operation and Control", SkillCategory.TECHNICAL),
    ("Equipment Maintenance", SkillCategory.TECHNICAL),
    ("Troubleshooting", SkillCategory.TECHNICAL),
    ("Repairing", SkillCategory.TECHNICAL),
    ("Quality Control Analysis", SkillCategory.TECHNICAL),
    ("Judgment and Decision Making", SkillCategory.BUSINESS),
    ("Systems Analysis", SkillCategory.TECHNICAL),
    ("Systems Evaluation", SkillCategory.TECHNICAL),
    ("Time Management", SkillCategory.BUSINESS),
    ("Management of Financial Resources", SkillCategory.BUSINESS),
    ("Management of Material Resources", SkillCategory.BUSINESS),
    ("Management of Personnel Resources", SkillCategory.BUSINESS),
]

STANDALONE_AREAS = [
    ("data-engineering", "Data engineering"),
    ("modeling", "Modeling"),
    ("deployment", "Deployment"),
    ("business-analysis", "Business analysis"),
    ("ai-infrastructure", "AI infrastructure"),
]
STANDALONE_LEVELS = [
    (1, "Beginning", "needs guidance on most tasks"),
    (2, "Developing", "carries out routine tasks alone"),
    (3, "Accomplished", "designs solutions alone"),
    (4, "Advanced", "leads others and sets direction"),
    (5, "Expert", "is an authority others consult"),
]


@dataclass
class GenerateReport:
    """What `generate_catalog()` wrote: rows created by kind, and the generated roles."""

    created: Counter = field(default_factory=Counter)
    roles: list[Role] = field(default_factory=list)

    def lines(self) -> list[str]:
        """One "<kind>: <count> created" line per kind of row."""
        return [f"{kind}: {count} created" for kind, count in self.created.items()]


def _bulk(model, objs: list, report: GenerateReport, kind: str, batch_size: int) -> list:
    created = model.objects.bulk_create(objs, batch_size=batch_size)
    report.created[kind] += len(created)
    return created


def _ensure_areas() -> list[TaskArea]:
    areas = list(TaskArea.objects.order_by("position"))
    if not areas:
        areas = TaskArea.objects.bulk_create(
            TaskArea(slug=slug, name=name, position=i)
            for i, (slug, name) in enumerate(STANDALONE_AREAS, start=1)
        )
    return areas


def _ensure_levels() -> list[ProficiencyLevel]:
    levels = list(ProficiencyLevel.objects.order_by("rank"))
    if not levels:
        levels = ProficiencyLevel.objects.bulk_create(
            ProficiencyLevel(rank=rank, name=name, descriptor=descriptor)
            for rank, name, descriptor in STANDALONE_LEVELS
        )
    return levels


def _ensure_skills(count: int) -> list[Skill]:
    """The first `count` of O*NET's 35 skills, reusing a skill of the same name (any case)."""
    existing = {
        name: skill for skill, name in ((s, s.name.casefold()) for s in Skill.objects.all())
    }
    taken_slugs = set(Skill.objects.values_list("slug", flat=True))
    skills, new = [], []
    for name, category in ONET_SKILLS[:count]:
        skill = existing.get(name.casefold())
        if skill is None:
            slug = slugify(name)
            if slug in taken_slugs:
                slug = f"{slug}-onet"
            taken_slugs.add(slug)
            skill = Skill(name=name, slug=slug, category=category)
            new.append(skill)
        skills.append(skill)
    Skill.objects.bulk_create(new)
    return skills


def _levels_weighted(rng: random.Random, levels: list[ProficiencyLevel]) -> ProficiencyLevel:
    # Mid-scale levels most often, as O*NET's level ratings are.
    weights = [1, 3, 4, 2, 1][: len(levels)] + [1] * max(0, len(levels) - 5)
    return rng.choices(levels, weights=weights)[0]


@transaction.atomic
def generate_catalog(
    *,
    roles: int = 1000,
    titles_per_role: int = 60,
    tasks_per_role: int = 20,
    skills: int = 35,
    tools_per_role: int = 5,
    seed: int = DEFAULT_SEED,
    batch_size: int = BATCH_SIZE,
) -> GenerateReport:
    """Write `roles` generated roles with their titles, tasks, skills and tools; see the module.

    As one bulk catalog write (`roles.sync.catalog_writes`): bulk_create sends no signals, so
    the new roles' search texts are built, and the catalog version bumped, once at the end, as
    the O*NET import does.
    """
    with catalog_writes() as touched:
        report = _write_rows(
            roles=roles, titles_per_role=titles_per_role, tasks_per_role=tasks_per_role,
            skills=skills, tools_per_role=tools_per_role, seed=seed, batch_size=batch_size,
        )  # fmt: skip
        touched.update(role.pk for role in report.roles)
    return report


def _write_rows(
    *,
    roles: int,
    titles_per_role: int,
    tasks_per_role: int,
    skills: int,
    tools_per_role: int,
    seed: int,
    batch_size: int,
) -> GenerateReport:
    if not 1 <= skills <= len(ONET_SKILLS):
        raise ValueError(f"skills must be 1..{len(ONET_SKILLS)}")
    rng = random.Random(seed)
    report = GenerateReport()
    areas = _ensure_areas()
    levels = _ensure_levels()
    skill_rows = _ensure_skills(skills)
    tools = list(Tool.objects.order_by("area__position", "name"))

    taken_names = set(Role.objects.annotate(n=Lower("name")).values_list("n", flat=True))
    taken_slugs = set(Role.objects.values_list("slug", flat=True))
    plans = role_names(rng, roles, taken_names)
    role_objs = []
    for name, fld, _job in plans:
        slug = base = slugify(name)[:140]
        number = 2
        while slug in taken_slugs:
            slug, number = f"{base}-{number}", number + 1
        taken_slugs.add(slug)
        role_objs.append(
            Role(
                name=name,
                slug=slug,
                summary=summary(rng, fld),
                code_focus=rng.choice(["", "mostly production", "mostly analysis", "none"]),
                source=GENERATED_SOURCE,
            )
        )
    role_objs = _bulk(Role, role_objs, report, "roles", batch_size)
    report.roles = role_objs

    titles = [
        AlternateTitle(role=role, title=title)
        for role, (name, fld, job) in zip(role_objs, plans, strict=True)
        for title in alternate_titles(rng, name, fld, job, titles_per_role)
    ]
    _bulk(AlternateTitle, titles, report, "alternate titles", batch_size)
    del titles

    existing_tasks = set(Task.objects.values_list("area_id", "text"))
    task_objs, task_roles = [], []
    for role, (_name, fld, _job) in zip(role_objs, plans, strict=True):
        for _ in range(tasks_per_role):
            while True:
                area = rng.choice(areas)
                text = task_text(rng, fld)
                if (area.pk, text) not in existing_tasks:
                    break
            existing_tasks.add((area.pk, text))
            task_objs.append(Task(area=area, text=text))
            task_roles.append(role)
    task_objs = _bulk(Task, task_objs, report, "tasks", batch_size)
    _bulk(
        RoleTask,
        [
            RoleTask(role=role, task=task, included_by_default=rng.random() < 0.8)
            for role, task in zip(task_roles, task_objs, strict=True)
        ],
        report,
        "role tasks",
        batch_size,
    )
    area_links = {(role.pk, task.area_id) for role, task in zip(task_roles, task_objs, strict=True)}
    _bulk(
        Role.task_areas.through,
        [Role.task_areas.through(role_id=r, taskarea_id=a) for r, a in sorted(area_links)],
        report,
        "role task areas",
        batch_size,
    )
    del task_objs, task_roles

    role_skills = []
    for role in role_objs:
        required = set(rng.sample(range(len(skill_rows)), k=min(len(skill_rows), 8)))
        for i, skill in enumerate(skill_rows):
            role_skills.append(
                RoleSkill(
                    role=role,
                    skill=skill,
                    level=_levels_weighted(rng, levels),
                    importance=Importance.REQUIRED if i in required else Importance.NICE_TO_HAVE,
                )
            )
    _bulk(RoleSkill, role_skills, report, "role skills", batch_size)
    del role_skills

    if tools and tools_per_role:
        links = [
            Tool.roles.through(tool_id=tool.pk, role_id=role.pk)
            for role in role_objs
            for tool in rng.sample(tools, k=min(len(tools), tools_per_role))
        ]
        _bulk(Tool.roles.through, links, report, "role tools", batch_size)
    return report
