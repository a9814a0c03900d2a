"""factory_boy factories for every model the tests build.

Job descriptions are made through the services, as the wizard makes them: `DraftFactory` starts
a draft and saves the steps it is given; `FinalJobDescriptionFactory` also finalizes it.
"""

import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from jdbuilder.accounts import HIRING_MANAGERS, RECRUITERS, ensure_groups
from jdbuilder.drafts import Posting, Responsibility, ToolChoice
from jdbuilder.models import JobDescription
from jdbuilder.services import RoleChoice, finalize_job_description, save_step, start_draft
from jdbuilder.vocabulary import Seniority, WizardStep
from roles import models


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("correct-horse-battery")


def joins_group(group_name: str):
    """A post-generation hook that puts the new user in one of jdbuilder.accounts' groups."""

    @factory.post_generation
    def join_group(user, create, extracted, **kwargs):
        if create:
            # Every migrate (and every flush of a transactional test) makes the groups.
            group = Group.objects.filter(name=group_name).first() or ensure_groups()[group_name]
            user.groups.add(group)

    return join_group


class ManagerFactory(UserFactory):
    username = factory.Sequence(lambda n: f"manager{n}")
    join_group = joins_group(HIRING_MANAGERS)


class RecruiterFactory(UserFactory):
    username = factory.Sequence(lambda n: f"recruiter{n}")
    join_group = joins_group(RECRUITERS)


class StaffFactory(UserFactory):
    username = factory.Sequence(lambda n: f"staff{n}")
    is_staff = True
    is_superuser = True


class TaskAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.TaskArea

    position = factory.Sequence(lambda n: n + 100)
    name = factory.Sequence(lambda n: f"Task area {n}")
    slug = factory.Sequence(lambda n: f"task-area-{n}")


class ProficiencyLevelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ProficiencyLevel
        django_get_or_create = ("rank",)

    rank = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"Level {n + 1}")
    descriptor = factory.LazyAttribute(lambda o: f"works at level {o.rank}")


class SkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Skill

    name = factory.Sequence(lambda n: f"Skill {n}")
    slug = factory.Sequence(lambda n: f"skill-{n}")
    category = models.SkillCategory.TECHNICAL


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Role

    name = factory.Sequence(lambda n: f"Role {n}")
    slug = factory.Sequence(lambda n: f"role-{n}")
    summary = "Builds things that matter."


class AlternateTitleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.AlternateTitle

    role = factory.SubFactory(RoleFactory)
    title = factory.Sequence(lambda n: f"Alternate title {n}")


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Task

    area = factory.SubFactory(TaskAreaFactory)
    text = factory.Sequence(lambda n: f"Carry out task number {n}")


class RoleTaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.RoleTask

    role = factory.SubFactory(RoleFactory)
    task = factory.SubFactory(TaskFactory)


class RoleSkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.RoleSkill

    role = factory.SubFactory(RoleFactory)
    skill = factory.SubFactory(SkillFactory)
    level = factory.SubFactory(ProficiencyLevelFactory)
    importance = models.Importance.REQUIRED


class ToolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Tool

    name = factory.Sequence(lambda n: f"Tool {n}")
    area = factory.SubFactory(TaskAreaFactory)


# Every posting field a manager types as free text.
POSTING_TEXT_FIELDS = (
    "summary",
    "company_name",
    "about_company",
    "location",
    "applicant_location",
    "benefits",
    "equal_opportunity",
    "how_to_apply",
)


def full_posting(**overrides) -> dict:
    """Every posting field filled in as a real posting would be, with `overrides`."""
    posting = {
        "summary": "Build the platform our models run on.",
        "company_name": "Acme Analytics",
        "about_company": "We build forecasting tools for hospitals.",
        "location": "Denver, Colorado",
        "workplace_type": "hybrid",
        "applicant_location": "",
        "employment_type": "FULL_TIME",
        "salary_min": "150000",
        "salary_max": "190000",
        "salary_currency": "USD",
        "salary_period": "YEAR",
        "benefits": "Health insurance\nFour weeks of paid leave",
        "equal_opportunity": "We are an equal-opportunity employer.",
        "how_to_apply": "Send your CV to jobs@acme.example.",
        "closing_date": (timezone.localdate() + datetime.timedelta(days=30)).isoformat(),
    }
    posting.update(overrides)
    return posting


class DraftFactory(factory.Factory):
    """A draft: `start_draft` for `role` (a slug or a Role), then `save_step` for each step given.

    - `title`: the role step, with `seniority`;
    - `posting`: posting values over `full_posting()`'s (None keeps the catalog's defaults);
    - `responsibilities`, `skills`, `tools`: the steps' typed choices instead of the defaults;
    - `extra_responsibilities`, `extra_tools`: added after them; a text is one the manager
      wrote (no task area), a `Responsibility` is taken as it is.
    """

    class Meta:
        model = JobDescription

    owner = factory.SubFactory(ManagerFactory)
    role = "software-engineer"
    seniority = Seniority.MID
    title = None
    posting = None
    responsibilities = None
    skills = None
    tools = None
    extra_responsibilities = ()
    extra_tools = ()

    @classmethod
    def _create(cls, model_class, *, owner, role, seniority, title, posting, **steps):
        role = role if isinstance(role, models.Role) else models.Role.objects.get(slug=role)
        jd = start_draft(owner=owner, role=role, seniority=seniority)
        for step, value in cls.step_values(jd, title=title, posting=posting, **steps).items():
            save_step(
                job_description=jd,
                step=step,
                value=value,
                expected_version=jd.lock_version,
                next_step=WizardStep.REVIEW,
            )
        return jd

    @staticmethod
    def step_values(
        jd,
        *,
        title,
        posting,
        responsibilities,
        skills,
        tools,
        extra_responsibilities,
        extra_tools,
    ) -> dict:
        chosen = jd.chosen
        values: dict = {}
        if title is not None:
            values[WizardStep.ROLE] = RoleChoice(role=jd.role, seniority=jd.seniority, title=title)
        if responsibilities is not None or extra_responsibilities:
            values[WizardStep.RESPONSIBILITIES] = (
                *(chosen.responsibilities if responsibilities is None else responsibilities),
                *(
                    item if isinstance(item, Responsibility) else Responsibility(None, item, None)
                    for item in extra_responsibilities
                ),
            )
        if skills is not None:
            values[WizardStep.SKILLS] = tuple(skills)
        if tools is not None or extra_tools:
            values[WizardStep.TOOLS] = (
                *(chosen.tools if tools is None else tools),
                *(ToolChoice(tool=None, name=name, area=None) for name in extra_tools),
            )
        if posting is not None:
            values[WizardStep.POSTING] = Posting.from_json(full_posting(**posting))
        return values


class FinalJobDescriptionFactory(DraftFactory):
    """A draft as `DraftFactory` makes it (with a full posting), finalized by its owner."""

    posting = factory.Dict({})

    @classmethod
    def _create(cls, model_class, **kwargs):
        jd = super()._create(model_class, **kwargs)
        finalize_job_description(
            job_description=jd, user=jd.owner, expected_version=jd.lock_version
        )
        return jd


# --- the organization (jdbuilder.organization) ---------------------------------------------

from jdbuilder.organization import models as org  # noqa: E402
from jdbuilder.vocabulary import BlockKind  # noqa: E402


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = org.Organization
        django_get_or_create = ("singleton",)

    singleton = True
    name = "Acme Analytics"
    website = "https://acme.example"
    about = "We build forecasting tools for hospitals."
    employee_count = 250
    default_currency = "USD"
    default_country = "US"
    brand_colour = "#1f4e79"


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = org.Department
        django_get_or_create = ("name",)
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Department {n}")
    about_team = factory.LazyAttribute(lambda d: f"The {d.name} team builds what matters.")

    @factory.post_generation
    def members(department, create, extracted, **kwargs):
        if create and extracted:
            department.members.add(*extracted)

    @factory.post_generation
    def roles(department, create, extracted, **kwargs):
        if create and extracted:
            department.roles.add(*extracted)


class OfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = org.Office
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Office {n}")
    street_address = "1 Main Street"
    locality = "Denver"
    region = "CO"
    postal_code = "80202"
    country = "US"


class ContentBlockFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = org.ContentBlock

    kind = BlockKind.BENEFITS
    name = factory.Sequence(lambda n: f"Block {n}")
    text = factory.Sequence(lambda n: f"Block text {n}")


class RoleGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = org.RoleGroup
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Role group {n}")

    @factory.post_generation
    def roles(group, create, extracted, **kwargs):
        if create and extracted:
            group.roles.add(*extracted)


class PayBandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = org.PayBand

    role = factory.LazyFunction(lambda: models.Role.objects.get(slug="software-engineer"))
    seniority = ""
    minimum = 120000
    maximum = 160000
    currency = "USD"
    period = "YEAR"


class InterviewQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.InterviewQuestion

    skill = factory.SubFactory(SkillFactory)
    level = factory.SubFactory(ProficiencyLevelFactory)
    kind = models.QuestionKind.QUESTION
    text = factory.Sequence(lambda n: f"Interview question number {n}?")
    strong_answer = factory.Sequence(lambda n: f"What a strong answer to question {n} shows.")
    position = 1
