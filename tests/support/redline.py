"""Documents for the redline tests: one base Document and small ways to change it.

Pure: `base_document()` is built directly (no database, no snapshot), and each variant is a
`dataclasses.replace` of it, so a test changes exactly one thing.
"""

from __future__ import annotations

import dataclasses
import datetime
from decimal import Decimal
from typing import Any

from jdbuilder.document import Compensation, Document, Group, SkillLine

LEVELS = {"Awareness": 1, "Working": 2, "Accomplished": 3, "Advanced": 4, "Expert": 5}


def skill(name: str, level: str = "Accomplished", *, required: bool = True) -> SkillLine:
    return SkillLine(
        name=name,
        level_name=level,
        level_descriptor=f"{level} in {name}.",
        level_rank=LEVELS[level],
        category="technical",
        required=required,
    )


def pay(minimum: int, maximum: int, currency: str = "USD", period: str = "YEAR") -> Compensation:
    return Compensation(Decimal(minimum), Decimal(maximum), currency, period)


def base_document(**overrides: Any) -> Document:
    document = Document(
        public_id="0b7f0c38-8d39-4c55-9a55-1b2a3c4d5e6f",
        revision=1,
        title="Machine Learning Engineer",
        seniority_label="Senior",
        role_name="Machine Learning Engineer",
        onet_code="15-2051.00",
        summary="Build and ship the models that forecast hospital admissions for our customers.",
        company_name="Acme Analytics",
        about_company="We build forecasting tools for hospitals.",
        responsibilities=(
            Group("Data", ("Clean the training data", "Label edge cases")),
            Group("Modeling", ("Train models",)),
        ),
        required_skills=(skill("Machine learning"), skill("Python", "Advanced")),
        nice_to_have_skills=(skill("Docker", "Working", required=False),),
        scale=tuple(LEVELS),
        tools=(Group("Modeling", ("PyTorch",)), Group("Other tools", ("Git",))),
        works_with=("Data scientists",),
        compensation=pay(120_000, 150_000),
        location="Denver, Colorado",
        workplace_type="hybrid",
        workplace_type_label="Hybrid",
        applicant_location="",
        employment_type="FULL_TIME",
        employment_type_label="Full-time",
        benefits=("Health insurance", "Four weeks of paid leave"),
        equal_opportunity="We are an equal-opportunity employer.",
        how_to_apply="Send your CV to jobs@acme.example.",
        closing_date=datetime.date(2030, 2, 28),
        date_posted=datetime.date(2030, 1, 15),
    )
    return dataclasses.replace(document, **overrides)


def changed(document: Document, **overrides: Any) -> Document:
    return dataclasses.replace(document, **overrides)
