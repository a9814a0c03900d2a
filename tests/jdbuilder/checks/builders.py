"""Documents built directly, without the database, for the check tests.

`document(**overrides)` is a small, clean JD; `realistic_document(**overrides)` is a full posting
of about 400 words that every check should pass; `with_responsibility(text)` is the small one
with `text` as its only responsibility. `skill()` and `skills()` make skill lines on the
catalog's five-level scale.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

from jdbuilder.document import Compensation, Document, Group, SkillLine

# The catalog's scale (roles/data/catalog.toml): rank 1 is the lowest, rank 5 the top.
SCALE: tuple[str, ...] = ("Beginning", "Developing", "Accomplished", "Advanced", "Expert")
DESCRIPTORS: tuple[str, ...] = (
    "knows the core ideas and applies them to simple work with guidance",
    "handles routine work on their own and asks for help on harder problems",
    "solves typical problems independently and explains the trade-offs",
    "designs and reviews solutions without guidance",
    "sets direction, solves novel problems and teaches others",
)
TOP = len(SCALE)

SKILL_NAMES: tuple[str, ...] = (
    "Programming",
    "Systems design",
    "Cloud computing",
    "Data engineering",
    "Testing",
    "Security",
    "Machine learning",
    "Communication",
    "Mentoring",
    "Project management",
    "Statistics",
    "Databases",
)


def skill(
    name: str, rank: int = 3, *, required: bool = True, category: str = "technical"
) -> SkillLine:
    return SkillLine(
        name=name,
        level_name=SCALE[rank - 1],
        level_descriptor=DESCRIPTORS[rank - 1],
        level_rank=rank,
        category=category,
        required=required,
    )


def skills(
    count: int, *, rank: int = 3, required: bool = True, start: int = 0
) -> tuple[SkillLine, ...]:
    """`count` distinct skills at `rank`, named from SKILL_NAMES (then "Skill N")."""
    names = [*SKILL_NAMES, *(f"Skill {n}" for n in range(len(SKILL_NAMES), 64))]
    return tuple(skill(name, rank, required=required) for name in names[start : start + count])


def salary(minimum: str | int = 150000, maximum: str | int = 190000, **kw: str) -> Compensation:
    return Compensation(
        minimum=Decimal(str(minimum)),
        maximum=Decimal(str(maximum)),
        currency=kw.get("currency", "USD"),
        period=kw.get("period", "YEAR"),
    )


_BASE: dict[str, Any] = {
    "public_id": "jd-test",
    "revision": 1,
    "title": "Senior Software Engineer",
    "seniority_label": "Senior",
    "role_name": "Software Engineer",
    "onet_code": "15-1252.00",
    "summary": "Build the platform our forecasting models run on.",
    "company_name": "Acme Analytics",
    "about_company": "We build forecasting tools for hospitals.",
    "responsibilities": (Group("Delivery", ("Design and ship services",)),),
    "required_skills": skills(4) + (skill("Communication", TOP),),
    "nice_to_have_skills": (skill("Statistics", 2, required=False),),
    "scale": SCALE,
    "tools": (Group("Languages", ("Python", "SQL")),),
    "works_with": ("Data Scientist",),
    "compensation": salary(),
    "location": "Denver, Colorado",
    "workplace_type": "hybrid",
    "workplace_type_label": "Hybrid",
    "applicant_location": "",
    "employment_type": "FULL_TIME",
    "employment_type_label": "Full-time",
    "benefits": ("Health insurance", "Four weeks of paid leave"),
    "equal_opportunity": "We are an equal-opportunity employer.",
    "how_to_apply": "Send your CV to jobs@acme.example.",
    "closing_date": None,
}


def document(**overrides: Any) -> Document:
    """A small JD that passes bloat and pay; unknown keys raise TypeError, as they should."""
    return Document(**{**_BASE, **overrides})


# A full posting, written the way a careful manager would: plain words, short sentences.
_REALISTIC: dict[str, Any] = {
    "title": "Senior Software Engineer, Forecasting Platform",
    "summary": (
        "Design, build and run the services that turn hospital data into forecasts that "
        "clinicians trust. You will own features from the first design note to the dashboards "
        "that tell us they work. You will join a small team that ships every week and talks to "
        "the people who use what we build."
    ),
    "company_name": "Northwind Health Analytics",
    "about_company": (
        "Northwind Health Analytics builds forecasting tools used by 140 hospitals to plan beds, "
        "staff and supplies. Our platform team of eight engineers works across Denver and "
        "remotely. We share an on-call rota, hold a demo each Friday and write down what we "
        "decide. We care about calm, steady work more than heroics, and we keep meetings short."
    ),
    "responsibilities": (
        Group(
            "Build the platform",
            (
                "Design and build the services that load hospital data each night",
                "Write clear code with tests, and review the code of your teammates",
                "Keep our forecasts fast, correct and cheap to run",
                "Find and fix the causes of slow or failed jobs",
            ),
        ),
        Group(
            "Work with the team",
            (
                "Plan work with the product lead and the data scientists",
                "Explain trade-offs in short design notes that anyone can read",
                "Help two newer engineers grow through pairing and kind reviews",
                "Take a fair share of on-call, about one week in eight",
            ),
        ),
    ),
    "required_skills": (
        skill("Programming", 4),
        skill("Systems design", 4),
        skill("Cloud computing", 3),
        skill("Testing", 3),
        skill("Communication", 3, category="interpersonal"),
    ),
    "nice_to_have_skills": (
        skill("Machine learning", 2, required=False),
        skill("Statistics", 2, required=False),
        skill("Mentoring", 3, required=False, category="interpersonal"),
    ),
    "tools": (
        Group("Languages", ("Python", "SQL", "TypeScript")),
        Group("Platforms", ("PostgreSQL", "Kubernetes", "Amazon Web Services")),
    ),
    "compensation": salary(165000, 205000),
    "location": "Denver, Colorado",
    "benefits": (
        "Health, dental and vision insurance from day one",
        "Four weeks of paid leave plus public holidays",
        "A yearly learning budget of 2,000 USD",
        "Home-office equipment of your choice",
        "Parental leave of sixteen weeks at full pay",
    ),
    "equal_opportunity": (
        "We are an equal-opportunity employer. We welcome people of every background, and we "
        "make reasonable adjustments at every step of the process. Tell us what you need and we "
        "will sort it out."
    ),
    "how_to_apply": (
        "Send your CV and a few lines on a system you are proud of. You do not need a cover "
        "letter. If you meet some of the skills but not all, please apply anyway. We reply to "
        "every applicant within ten working days, and we will tell you how the process works."
    ),
}


def with_responsibility(text: str, **overrides: Any) -> Document:
    """`document(**overrides)` whose only responsibility is `text`, as a manager typed it."""
    return document(responsibilities=(Group("Custom", (text,)),), **overrides)


def realistic_document(**overrides: Any) -> Document:
    """A full, clean JD of about 400 words."""
    return document(**{**_REALISTIC, **overrides})


def replace(doc: Document, **changes: Any) -> Document:
    return dataclasses.replace(doc, **changes)
