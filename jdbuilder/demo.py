"""The demo job description `create_demo_accounts` gives the demo manager (local use only)."""

from __future__ import annotations

import dataclasses
import datetime

from django.db import transaction
from django.utils import timezone

from jdbuilder.drafts import Responsibility
from jdbuilder.models import JobDescription
from jdbuilder.services import RoleChoice, finalize_job_description, save_step, start_draft
from jdbuilder.vocabulary import Seniority, WizardStep
from roles.models import Role

DEMO_TITLE = "Senior Software Engineer, Forecasting Platform"

DEMO_POSTING = {
    "summary": (
        "Design, build and run the services that turn hospital data into forecasts clinicians "
        "trust. You will own features end to end, from the first design note to the dashboards "
        "that tell us they work."
    ),
    "company_name": "Northwind Health Analytics",
    "about_company": (
        "Northwind Health Analytics builds forecasting tools used by 140 hospitals to plan beds, "
        "staff and supplies. Our platform team of eight engineers works across Denver and "
        "remotely, with a shared on-call rota and a weekly demo."
    ),
    "location": "Denver, Colorado",
    "workplace_type": "hybrid",
    "applicant_location": "",
    "employment_type": "FULL_TIME",
    "salary_min": "165000",
    "salary_max": "205000",
    "salary_currency": "USD",
    "salary_period": "YEAR",
    "benefits": (
        "Health, dental and vision insurance from day one\n"
        "Four weeks of paid leave plus public holidays\n"
        "A yearly learning budget of 2,000 USD\n"
        "Home-office equipment of your choice"
    ),
    "how_to_apply": (
        "Send your CV and a few lines on a system you are proud of. We reply to every applicant "
        "within ten working days."
    ),
}


@transaction.atomic
def create_demo_job_description(*, owner) -> JobDescription:
    """A finalized Senior Software Engineer JD, unless the owner has it already."""
    existing = JobDescription.objects.filter(owner=owner, title=DEMO_TITLE).first()
    if existing is not None:
        return existing
    role = Role.objects.get(slug="software-engineer")
    jd = start_draft(owner=owner, role=role, seniority=Seniority.SENIOR)
    chosen = jd.chosen
    mentoring = Responsibility(
        task=None,
        text="Mentor two engineers and review designs across the platform team",
        area=role.task_areas.get(slug="ai-infrastructure").pk,
    )
    closing = timezone.localdate() + datetime.timedelta(days=45)
    steps: list[tuple[str, object]] = [
        (WizardStep.ROLE, RoleChoice(role=role, seniority=jd.seniority, title=DEMO_TITLE)),
        (WizardStep.RESPONSIBILITIES, (*chosen.responsibilities, mentoring)),
        (WizardStep.SKILLS, chosen.skills),
        (WizardStep.TOOLS, chosen.tools),
        (
            WizardStep.POSTING,
            dataclasses.replace(chosen.posting, **DEMO_POSTING, closing_date=closing.isoformat()),
        ),
    ]
    for step, value in steps:
        save_step(
            job_description=jd,
            step=step,
            value=value,
            expected_version=jd.lock_version,
            next_step=WizardStep.REVIEW,
        )
    finalize_job_description(job_description=jd, user=owner, expected_version=jd.lock_version)
    return jd
