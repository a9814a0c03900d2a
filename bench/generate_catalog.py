"""A catalog the size of O*NET, generated for benchmarks.

`generate_catalog()` writes, through the real models, 1,000 roles, 60 alternate titles and 20
task statements per role (60,000 and 20,000), and RoleSkill rows for 35 skills on every role (the
35 skills O*NET rates), each with a level and an importance. Texts have realistic lengths:
titles 10-60 characters, task statements 60-200, summaries about 300.

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

# Word pools for names, titles and tasks. Role names are "<field> <job>" with an optional
# qualifier; alternate titles add seniority words, specialties and word orders to that.
QUALIFIERS = [
    "Applied", "Clinical", "Senior", "Field", "Digital", "Industrial", "Regional", "Technical",
    "Quantitative", "Environmental", "Commercial", "Forensic", "Biomedical", "Financial",
    "Marine", "Agricultural", "Civil", "Geospatial", "Retail", "Public Health",
]  # fmt: skip
FIELDS = [
    "Data", "Machine Learning", "Software", "Network", "Cloud", "Security", "Database",
    "Systems", "Analytics", "Research", "Operations", "Quality Assurance", "Web", "Mobile",
    "Robotics", "Computer Vision", "Speech", "Language Technology", "Platform", "Reliability",
    "Infrastructure", "Statistics", "Bioinformatics", "Actuarial", "Supply Chain", "Logistics",
    "Energy", "Manufacturing", "Healthcare Informatics", "Geographic Information",
    "Embedded Systems", "Hardware", "Signal Processing", "Risk", "Fraud", "Pricing",
    "Marketing", "Product", "Customer Insights", "Survey", "Econometrics", "Sensor",
    "Simulation", "Optimization", "Control Systems", "Telecommunications", "Imaging",
    "Laboratory", "Compliance", "Procurement",
]  # fmt: skip
JOBS = [
    "Engineer", "Analyst", "Scientist", "Developer", "Architect", "Technician", "Specialist",
    "Manager", "Consultant", "Administrator", "Programmer", "Researcher", "Coordinator",
    "Designer", "Strategist", "Planner", "Auditor", "Statistician", "Modeler", "Tester",
    "Supervisor", "Director", "Officer", "Advisor", "Operator",
]  # fmt: skip
SENIORITY = [
    "Junior", "Associate", "Senior", "Lead", "Principal", "Staff", "Chief", "Head of",
    "Assistant", "Entry-Level", "Distinguished", "Trainee",
]  # fmt: skip
SUFFIXES = ["I", "II", "III", "IV", "(Contract)", "(Remote)", "Team Lead", "Apprentice"]
SPECIALTIES = [
    "Payments", "Search", "Ranking", "Forecasting", "Pipelines", "Experimentation",
    "Recommendations", "Billing", "Identity", "Storage", "Streaming", "Observability",
    "Compliance", "Onboarding", "Claims", "Inventory", "Routing", "Scheduling", "Sensors",
    "Telemetry", "Genomics", "Imaging", "Trading", "Underwriting", "Ads", "Maps",
]  # fmt: skip

VERBS = [
    "Design", "Build", "Maintain", "Review", "Document", "Monitor", "Evaluate", "Test",
    "Analyze", "Coordinate", "Prepare", "Develop", "Validate", "Audit", "Plan", "Configure",
    "Troubleshoot", "Optimize", "Present", "Train staff on", "Estimate", "Schedule",
    "Deploy", "Investigate", "Automate", "Compile", "Assess", "Standardize", "Inspect",
    "Improve",
]  # fmt: skip
OBJECTS = [
    "data pipelines", "statistical models", "test plans", "production services",
    "database schemas", "dashboards and reports", "cloud infrastructure", "access controls",
    "model training jobs", "experiment designs", "data quality checks", "release procedures",
    "incident reviews", "cost estimates", "API specifications", "user research findings",
    "sensor calibration routines", "forecasting models", "backup and recovery plans",
    "labeling guidelines", "feature stores", "batch scoring jobs", "monitoring alerts",
    "network configurations", "vendor contracts", "survey instruments", "simulation models",
    "security assessments", "maintenance schedules", "training materials",
]  # fmt: skip
CONTEXTS = [
    "for clinical partners", "across regional offices", "with product managers",
    "for the operations team", "in line with company policy", "with external auditors",
    "for new and existing customers", "across several business units",
    "under regulatory requirements", "with the data platform team", "for field technicians",
    "in a multi-cloud environment", "for senior leadership", "with outside vendors",
    "in collaboration with researchers", "for internal tools", "for mobile applications",
    "in high-availability systems", "across time zones", "for quarterly planning",
]  # fmt: skip
PURPOSES = [
    "to reduce manual work and errors", "to meet service-level objectives",
    "so that results can be reproduced", "to identify trends and anomalies early",
    "to support decisions on budgets and staffing", "to keep costs within agreed limits",
    "to comply with privacy and retention rules", "so that releases stay predictable",
    "to improve accuracy over time", "to shorten the time from idea to production",
    "and report progress against agreed goals", "and recommend changes where needed",
    "to keep documentation current and accurate", "to detect failures before users do",
    "", "",
]  # fmt: skip
FOLLOW_UPS = [
    ", keeping written records of each decision and its reasons for later review",
    ", and brief colleagues on what changed and what they need to do differently",
    ", escalating problems that need a decision from management or legal counsel",
    ", and train new team members in the procedures involved",
]
SUMMARY_OPENINGS = [
    "Plans, builds and improves {thing} for the organisation, working from requirements "
    "gathered with colleagues and users.",
    "Owns {thing} from first design to everyday operation, and answers for its quality, cost "
    "and reliability.",
    "Applies specialist knowledge of {field} to problems the business brings, turning them "
    "into measurable work.",
]
SUMMARY_MIDDLES = [
    "Works with {partner} to agree priorities, explains trade-offs in plain language and "
    "keeps stakeholders informed of progress and risks.",
    "Reviews the work of others, shares practices across teams and keeps documentation that "
    "lets newcomers take over without a long handover.",
    "Measures outcomes against agreed targets, investigates problems when they arise and "
    "proposes changes backed by evidence.",
]
SUMMARY_ENDINGS = [
    "Typical employers include hospitals, manufacturers and software companies.",
    "Often part of a small team; larger employers split the role into specialisms.",
    "Senior holders of the role set direction and mentor others.",
]
PARTNERS = ["engineers and analysts", "managers and clients", "researchers and operators"]

TITLE_MIN, TITLE_MAX = 10, 60
TASK_MIN, TASK_MAX = 60, 200


@dataclass
class GenerateReport:
    created: Counter = field(default_factory=Counter)
    roles: list[Role] = field(default_factory=list)

    def lines(self) -> list[str]:
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


def _fit(text: str, low: int, high: int) -> bool:
    return low <= len(text) <= high


def _role_names(rng: random.Random, count: int, taken: set[str]) -> list[tuple[str, str, str]]:
    """`count` unique (name, field, job) triples, names 10-60 characters."""
    names: list[tuple[str, str, str]] = []
    seen = set(taken)
    while len(names) < count:
        fld, job = rng.choice(FIELDS), rng.choice(JOBS)
        name = f"{fld} {job}"
        if rng.random() < 0.8 or name.casefold() in seen:
            name = f"{rng.choice(QUALIFIERS)} {name}"
        if name.casefold() in seen or not _fit(name, TITLE_MIN, TITLE_MAX):
            continue
        seen.add(name.casefold())
        names.append((name, fld, job))
    return names


def _alternate_titles(rng: random.Random, name: str, fld: str, job: str, count: int) -> list[str]:
    """`count` titles for one role, unique ignoring case and different from its name."""
    patterns = [
        lambda: f"{rng.choice(SENIORITY)} {fld} {job}",
        lambda: f"{fld} {job} {rng.choice(SUFFIXES)}",
        lambda: f"{rng.choice(SPECIALTIES)} {job}",
        lambda: f"{fld} {job}, {rng.choice(SPECIALTIES)}",
        lambda: f"{rng.choice(SENIORITY)} {rng.choice(SPECIALTIES)} {job}",
        lambda: f"{job}, {fld}",
        lambda: f"{rng.choice(QUALIFIERS)} {rng.choice(FIELDS)} {job}",
        lambda: f"{rng.choice(SPECIALTIES)} {fld} {rng.choice(JOBS)}",
        lambda: f"{rng.choice(SENIORITY)} {job} {rng.choice(SUFFIXES)}",
    ]
    titles: list[str] = []
    seen = {name.casefold()}
    while len(titles) < count:
        title = rng.choice(patterns)()
        if title.casefold() in seen or not _fit(title, TITLE_MIN, TITLE_MAX):
            continue
        seen.add(title.casefold())
        titles.append(title)
    return titles


def _task_text(rng: random.Random, fld: str) -> str:
    while True:
        purpose = rng.choice(PURPOSES)
        parts = [rng.choice(VERBS), rng.choice(OBJECTS)]
        if rng.random() < 0.5:
            parts.append(f"for {fld.lower()} work")
        parts.append(rng.choice(CONTEXTS))
        if purpose:
            parts.append(purpose)
        if rng.random() < 0.3:
            parts.append(rng.choice(FOLLOW_UPS))
        text = " ".join(parts).replace(" ,", ",") + "."
        if _fit(text, TASK_MIN, TASK_MAX):
            return text


def _summary(rng: random.Random, fld: str) -> str:
    """Two or three sentences, about 300 characters."""
    sentences = [
        rng.choice(SUMMARY_OPENINGS).format(thing=f"{fld.lower()} work", field=fld.lower()),
        rng.choice(SUMMARY_MIDDLES).format(partner=rng.choice(PARTNERS)),
    ]
    if rng.random() < 0.5:
        sentences.append(rng.choice(SUMMARY_ENDINGS))
    return " ".join(sentences)


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
    """Write `roles` generated roles with their titles, tasks, skills and tools; see the module."""
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
    plans = _role_names(rng, roles, taken_names)
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
                summary=_summary(rng, fld),
                code_focus=rng.choice(["", "mostly production", "mostly analysis", "none"]),
                source=GENERATED_SOURCE,
            )
        )
    role_objs = _bulk(Role, role_objs, report, "roles", batch_size)
    report.roles = role_objs

    titles = [
        AlternateTitle(role=role, title=title)
        for role, (name, fld, job) in zip(role_objs, plans, strict=True)
        for title in _alternate_titles(rng, name, fld, job, titles_per_role)
    ]
    _bulk(AlternateTitle, titles, report, "alternate titles", batch_size)
    del titles

    existing_tasks = set(Task.objects.values_list("area_id", "text"))
    task_objs, task_roles = [], []
    for role, (_name, fld, _job) in zip(role_objs, plans, strict=True):
        for _ in range(tasks_per_role):
            while True:
                area = rng.choice(areas)
                text = _task_text(rng, fld)
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
