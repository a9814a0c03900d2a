"""Job descriptions for tests: a full posting and a finalized JD."""

import datetime

from django.utils import timezone

from jdbuilder.models import JobDescription
from jdbuilder.services import finalize_job_description
from roles.models import Role


def full_posting(**overrides) -> dict:
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


def make_final_jd(
    owner, *, title="Senior Software Engineer", slug="software-engineer", **posting
) -> JobDescription:
    """A finalized JobDescription for `owner`, with the posting of `full_posting(**posting)`."""
    jd = JobDescription.start(owner=owner, role=Role.objects.get(slug=slug))
    jd.title = title
    jd.choices = {**jd.choices, "posting": full_posting(**posting)}
    jd.save()
    finalize_job_description(job_description=jd, user=owner, expected_version=jd.lock_version)
    return jd
