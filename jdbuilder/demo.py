"""The demo company and job description `create_demo_accounts` sets up (local use only): the
organization with its logo, two departments, offices in Denver, Berlin and remote in the US, their
content blocks and Software Engineer pay bands, a template, the demo manager's final JD, and the
default approval flow ("Standard review": HR, then Compensation above the band)."""

from __future__ import annotations

import dataclasses
import datetime
import io

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from jdbuilder.approvals.models import ApprovalFlow, ApprovalStage
from jdbuilder.drafts import Responsibility
from jdbuilder.models import JobDescription
from jdbuilder.organization.logo import checked_logo, stored_logo
from jdbuilder.organization.models import (
    ContentBlock,
    Department,
    JobTemplate,
    Office,
    Organization,
    PayBand,
)
from jdbuilder.organization.services import save_as_template
from jdbuilder.publishing.models import Posting
from jdbuilder.publishing.services import publish
from jdbuilder.services import RoleChoice, finalize_job_description, save_step, start_draft
from jdbuilder.vocabulary import BlockKind, Seniority, StageCondition, WizardStep
from roles.models import Role

DEMO_TITLE = "Senior Software Engineer, Forecasting Platform"

# The posting texts the company's blocks do not give (about the company and team, benefits,
# equal opportunity and how to apply come from the Denver office's and Engineering's blocks).
DEMO_POSTING = {
    "summary": (
        "Design, build and run the services that turn hospital data into forecasts clinicians "
        "trust. You will own features end to end, from the first design note to the dashboards "
        "that tell us they work."
    ),
    "company_name": "Northwind Health Analytics",
    "location": "Denver, CO",
    "workplace_type": "hybrid",
    "applicant_location": "",
    "employment_type": "FULL_TIME",
    "salary_min": "165000",
    "salary_max": "200000",
    "salary_currency": "USD",
    "salary_period": "YEAR",
}


DEMO_BLOCKS: list[tuple[str, str, dict, str]] = [
    (
        BlockKind.ABOUT_COMPANY,
        "About Northwind",
        {},
        "Northwind Health Analytics builds forecasting tools used by 140 hospitals to plan beds, "
        "staff and supplies.",
    ),
    (
        BlockKind.HOW_TO_APPLY,
        "How to apply",
        {},
        "Apply at https://careers.northwind.example/apply with your CV and a few lines on a "
        "system you are proud of. We reply to every applicant within ten working days.",
    ),
    (
        BlockKind.BENEFITS,
        "Denver benefits",
        {"office": "Denver"},
        "Health, dental and vision insurance from day one\nFour weeks of paid leave\n"
        "A yearly learning budget of 2,000 USD\nA transit pass",
    ),
    (
        BlockKind.BENEFITS,
        "Berlin benefits",
        {"office": "Berlin"},
        "30 days of paid leave\nA company pension scheme\nA yearly learning budget of 2,000 EUR"
        "\nA BVG ticket",
    ),
    (
        BlockKind.BENEFITS,
        "US benefits (remote)",
        {"country": "US"},
        "Health, dental and vision insurance from day one\nFour weeks of paid leave\n"
        "Home-office equipment of your choice",
    ),
    (
        BlockKind.EQUAL_OPPORTUNITY,
        "US equal opportunity",
        {"country": "US"},
        "Northwind is an equal-opportunity employer. We consider all qualified applicants without "
        "regard to race, colour, religion, sex, sexual orientation, gender identity, national "
        "origin, age, disability or veteran status.",
    ),
    (
        BlockKind.EQUAL_OPPORTUNITY,
        "German equal opportunity",
        {"country": "DE"},
        "We welcome every applicant and treat everyone equally, as the General Equal Treatment "
        "Act (AGG) requires. Tell us if you need an adjustment to apply or interview.",
    ),
]
DEMO_OFFICES = [
    {
        "name": "Denver",
        "street_address": "1600 Champa Street",
        "locality": "Denver",
        "region": "CO",
        "postal_code": "80202",
        "country": "US",
    },
    {
        "name": "Berlin",
        "street_address": "Friedrichstraße 68",
        "locality": "Berlin",
        "region": "Berlin",
        "postal_code": "10117",
        "country": "DE",
    },
    {
        "name": "Remote (US)",
        "country": "US",
        "offers_onsite": False,
        "offers_hybrid": False,
        "offers_remote": True,
    },
]
# Software Engineer: (seniority, place, minimum, maximum, currency)
DEMO_BANDS = [
    (Seniority.MID, {"office": "Denver"}, 125_000, 160_000, "USD"),
    (Seniority.SENIOR, {"office": "Denver"}, 160_000, 200_000, "USD"),
    (Seniority.MID, {"office": "Berlin"}, 65_000, 85_000, "EUR"),
    (Seniority.SENIOR, {"office": "Berlin"}, 85_000, 110_000, "EUR"),
    (Seniority.SENIOR, {"country": "US"}, 150_000, 190_000, "USD"),
]
DEMO_COLOUR = "#0b5394"


def demo_logo_png() -> bytes:
    """A small wordmark drawn here, so the demo needs no image file or network."""
    image = Image.new("RGB", (360, 96), DEMO_COLOUR)
    draw = ImageDraw.Draw(image)
    draw.rectangle((16, 16, 80, 80), outline="white", width=6)
    draw.text((100, 30), "NORTHWIND", fill="white", font=ImageFont.load_default(size=30))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


@transaction.atomic
def create_demo_organization(*, manager, manager2) -> Organization:
    """The demo company: profile and logo, Engineering (manager) and Data Science (manager2),
    three offices with their blocks, Software Engineer bands; unchanged if already there."""
    existing = Organization.objects.first()
    if existing is not None:
        return existing
    logo = stored_logo(checked_logo(demo_logo_png()))
    organization = Organization.objects.create(
        name="Northwind Health Analytics",
        website="https://northwind.example",
        about=DEMO_BLOCKS[0][3],
        employee_count=320,
        default_currency="USD",
        default_country="US",
        logo=logo,
        brand_colour=DEMO_COLOUR,
    )
    offices = {spec["name"]: Office.objects.create(**spec) for spec in DEMO_OFFICES}
    engineer = Role.objects.get(slug="software-engineer")
    engineering = Department.objects.create(
        name="Engineering",
        head=manager,
        about_team="The platform team of eight engineers works across Denver, Berlin and "
        "remotely, with a shared on-call rota and a weekly demo.",
    )
    engineering.members.add(manager)
    engineering.roles.add(engineer)
    science = Department.objects.create(
        name="Data Science",
        about_team="Six data scientists turn hospital records into forecasts clinicians trust.",
    )
    science.members.add(manager2)
    science.roles.add(
        *Role.objects.filter(
            slug__in=["data-scientist", "data-analyst", "machine-learning-engineer"]
        )
    )
    for department in (engineering, science):
        ContentBlock.objects.create(
            kind=BlockKind.ABOUT_TEAM,
            name=f"About {department.name}",
            department=department,
            text=department.about_team,
        )
    for kind, name, scope, text in DEMO_BLOCKS:
        where = {"office": offices[scope["office"]]} if "office" in scope else scope
        ContentBlock.objects.create(kind=kind, name=name, text=text, **where)
    for seniority, scope, low, high, currency in DEMO_BANDS:
        where = {"office": offices[scope["office"]]} if "office" in scope else scope
        PayBand.objects.create(
            role=engineer,
            seniority=seniority,
            minimum=low,
            maximum=high,
            currency=currency,
            **where,
        )
    return organization


DEMO_TEMPLATE = "Software Engineer, Platform"


def create_demo_template(*, job_description: JobDescription, staff) -> JobTemplate | None:
    """The demo JD saved as Engineering's template, unless it exists (or there is no
    Engineering department)."""
    engineering = Department.objects.filter(name="Engineering").first()
    if engineering is None:
        return None
    existing = JobTemplate.objects.filter(name=DEMO_TEMPLATE, department=engineering).first()
    if existing is not None:
        return existing
    return save_as_template(
        job_description=job_description, user=staff, name=DEMO_TEMPLATE, department=engineering
    )


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
            dataclasses.replace(
                chosen.posting,
                **DEMO_POSTING,
                # Saving with the Denver office fills in Denver's blocks (services.save_step).
                office=Office.objects.filter(name="Denver").values_list("pk", flat=True).first(),
                closing_date=closing.isoformat(),
            ),
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


def publish_demo_posting(*, job_description: JobDescription, recruiter) -> Posting:
    """The demo JD on the careers page (published by the demo recruiter), unless it has a
    posting already (open, closed or unpublished: a rerun leaves what someone did to it)."""
    existing = Posting.objects.filter(job_description=job_description).first()
    if existing is not None:
        return existing
    return publish(job_description=job_description, user=recruiter)


DEMO_FLOW = "Standard review"
# The group whose members approve the flow's first stage.
HR_GROUP = "HR"


@transaction.atomic
def create_demo_flow(*, staff, hr, compensation) -> ApprovalFlow:
    """The default flow, unless there is one: "HR review" (anyone in the HR group, `hr` among
    them), then "Compensation" (`compensation`, named) when the maximum is above the pay band.

    Made after the demo JD is issued, so that JD stays issued as it always was; from now on the
    demo managers' JDs go through it. History records `staff` as its author.
    """
    group, _ = Group.objects.get_or_create(name=HR_GROUP)
    group.user_set.add(hr)
    existing = ApprovalFlow.objects.filter(is_default=True).first()
    if existing is not None:
        return existing
    flow = ApprovalFlow(name=DEMO_FLOW, is_default=True)
    flow._history_user = staff
    flow.save()
    first = ApprovalStage(flow=flow, position=1, name="HR review", approver_group=group)
    second = ApprovalStage(
        flow=flow, position=2, name="Compensation", condition=StageCondition.ABOVE_BAND
    )
    for stage in (first, second):
        stage._history_user = staff
        stage.save()
    second.approvers.add(compensation)
    return flow
