"""Hand-counted fixtures for the insights: JDs with known skills, ranges, dates and scores.

issued = library()   # what each test below counts against (see the table in `library`)
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from jdbuilder.approvals import services as approval_services
from jdbuilder.drafts import SkillChoice
from jdbuilder.models import JobDescription, JobDescriptionRevision
from jdbuilder.publishing.models import Posting
from jdbuilder.publishing.services import publish
from jdbuilder.vocabulary import PostingState, Seniority
from roles.models import Role, Skill
from tests.factories import (
    DepartmentFactory,
    DraftFactory,
    FinalJobDescriptionFactory,
    ManagerFactory,
    PayBandFactory,
    RecruiterFactory,
    UserFactory,
)
from tests.support.approvals import decide, make_flow, stage, submitted
from tests.support.publishing import reissue


def at(year: int, month: int, day: int, hour: int = 12) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, tzinfo=datetime.UTC)


def skills(required: int, nice: int = 0) -> list[SkillChoice]:
    """`required` required skills then `nice` nice-to-have ones, from the seed catalog."""
    ids = list(Skill.objects.order_by("pk").values_list("pk", flat=True))
    assert len(ids) >= required + nice
    return [SkillChoice(pk, 3, "required") for pk in ids[:required]] + [
        SkillChoice(pk, 3, "nice_to_have") for pk in ids[required : required + nice]
    ]


def issued_at(jd: JobDescription, *moments: datetime.datetime) -> None:
    """Date the JD's revisions, in number order."""
    for number, moment in enumerate(moments, start=1):
        JobDescriptionRevision.objects.filter(job_description=jd, number=number).update(
            finalized_at=moment
        )


def final_jd(owner, *, slug, seniority=Seniority.MID, required=0, nice=0, title=None, **posting):
    return FinalJobDescriptionFactory(
        owner=owner,
        role=slug,
        seniority=seniority,
        title=title or f"{Role.objects.get(slug=slug).name} {seniority}",
        skills=skills(required, nice),
        posting=posting,
    )


@dataclass
class Library:
    engineer_senior: JobDescription
    engineer_mid: JobDescription
    scientist: JobDescription
    analyst: JobDescription
    ml_engineer: JobDescription
    recruiter: object


def library() -> Library:
    """Five issued JDs (six revisions), hand-counted (USD per year unless said):

    - engineer_senior: software-engineer, senior, 3 required (+1 nice), 150000–190000, band
      140000–200000 (inside); revisions 2025-01-15 and 2025-04-10 (3 each); Engineering.
    - engineer_mid: software-engineer, mid, 5 required, 100000–120000, band 110000–150000
      (below); 2025-02-01; Engineering.
    - scientist: data-scientist, senior, 2 required, 60000–80000 EUR, band in USD (not
      comparable); 2025-04-20; Data.
    - analyst: data-analyst, mid, 4 required, no range; 2025-05-05; no department.
    - ml_engineer: machine-learning-engineer, mid, 6 required, 150000–210000, band
      140000–200000 (above); 2025-07-01; Data.

    Postings: engineer_senior (score 85), scientist (score 42), ml_engineer (score 100);
    analyst published then closed (score 10, not counted).
    """
    owner = ManagerFactory()
    recruiter = RecruiterFactory()
    engineering = DepartmentFactory(name="Engineering")
    data = DepartmentFactory(name="Data")
    engineer = Role.objects.get(slug="software-engineer")
    PayBandFactory(role=engineer, seniority="senior", minimum=140000, maximum=200000)
    PayBandFactory(role=engineer, seniority="", minimum=110000, maximum=150000)
    PayBandFactory(
        role=Role.objects.get(slug="data-scientist"), seniority="", minimum=90000, maximum=130000
    )
    PayBandFactory(
        role=Role.objects.get(slug="machine-learning-engineer"),
        seniority="mid",
        minimum=140000,
        maximum=200000,
    )
    engineer_senior = final_jd(
        owner,
        slug="software-engineer",
        seniority=Seniority.SENIOR,
        required=3,
        nice=1,
        department=engineering.pk,
    )
    reissue(engineer_senior, department=engineering.pk)
    issued_at(engineer_senior, at(2025, 1, 15), at(2025, 4, 10))
    engineer_mid = final_jd(
        owner,
        slug="software-engineer",
        required=5,
        salary_min="100000",
        salary_max="120000",
        department=engineering.pk,
    )
    issued_at(engineer_mid, at(2025, 2, 1))
    scientist = final_jd(
        owner,
        slug="data-scientist",
        seniority=Seniority.SENIOR,
        required=2,
        salary_min="60000",
        salary_max="80000",
        salary_currency="EUR",
        location="Berlin",
        department=data.pk,
    )
    issued_at(scientist, at(2025, 4, 20))
    analyst = final_jd(
        owner,
        slug="data-analyst",
        required=4,
        salary_min=None,
        salary_max=None,
        location="Remote",
        workplace_type="remote",
    )
    issued_at(analyst, at(2025, 5, 5))
    ml_engineer = final_jd(
        owner,
        slug="machine-learning-engineer",
        required=6,
        salary_min="150000",
        salary_max="210000",
        department=data.pk,
    )
    issued_at(ml_engineer, at(2025, 7, 1))
    for jd, score in ((engineer_senior, 85), (scientist, 42), (ml_engineer, 100), (analyst, 10)):
        posting = publish(job_description=jd, user=recruiter, override_reason="Tested as is.")
        JobDescriptionRevision.objects.filter(pk=posting.revision_id).update(
            quality={"score": score, "errors": 0, "warnings": 0}
        )
    Posting.objects.filter(job_description=analyst).update(
        state=PostingState.CLOSED, closed_at=timezone.now()
    )
    return Library(engineer_senior, engineer_mid, scientist, analyst, ml_engineer, recruiter)


def approvals() -> None:
    """Approved submissions, hand-counted (days from submission to approval):

    - approved 2025-03-10 after 1.5 days, approved 2025-03-20 after 3 days,
      approved 2025-04-02 after 10 days: March median 2.25, April 10;
    - one rejected and one still in review: not counted.
    Histogram: 1 day: 1 (1.5), 3–4 days: 1 (3.0), 8–14 days: 1 (10).
    """
    hr = UserFactory()
    make_flow(stage("HR review", approvers=[hr]))
    timings = (
        (at(2025, 3, 8, 12), at(2025, 3, 10, 0)),
        (at(2025, 3, 17), at(2025, 3, 20)),
        (at(2025, 3, 23), at(2025, 4, 2)),
    )
    for submitted_at, decided_at in timings:
        submission = decide(approval_services.approve, submitted(DraftFactory()), hr)
        type(submission).objects.filter(pk=submission.pk).update(
            submitted_at=submitted_at, decided_at=decided_at
        )
    decide(approval_services.reject, submitted(DraftFactory()), hr, comment="Not this year.")
    submitted(DraftFactory())
