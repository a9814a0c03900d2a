"""Postings for tests: an issued JD published as a recruiter publishes it."""

from __future__ import annotations

from jdbuilder.drafts import Posting as PostingStep
from jdbuilder.models import JobDescription, JobDescriptionRevision
from jdbuilder.publishing.models import Posting
from jdbuilder.publishing.services import publish
from jdbuilder.services import finalize_job_description, save_step
from jdbuilder.vocabulary import WizardStep
from tests.factories import ManagerFactory, RecruiterFactory, full_posting
from tests.support.jds import make_final_jd


def published_jd(
    *,
    owner=None,
    publisher=None,
    title: str = "Senior Software Engineer",
    slug: str = "software-engineer",
    closes_on=None,
    override_reason: str = "",
    **posting,
) -> Posting:
    """A final JD (posting fields `full_posting(**posting)`), published by `publisher` (a new
    recruiter unless given); the Posting."""
    owner = owner or ManagerFactory()
    jd = make_final_jd(owner, title=title, slug=slug, **posting)
    return publish(
        job_description=jd,
        user=publisher or RecruiterFactory(),
        closes_on=closes_on,
        override_reason=override_reason,
    )


def reissue(jd: JobDescription, **posting) -> JobDescriptionRevision:
    """Issue the JD's next revision with the posting `full_posting(**posting)`, as its owner
    does: reopen, save the posting step, finalize."""
    jd.reopen()
    save_step(
        job_description=jd,
        step=WizardStep.POSTING,
        value=PostingStep.from_json(full_posting(**posting)),
        expected_version=jd.lock_version,
        next_step=WizardStep.REVIEW,
    )
    return finalize_job_description(
        job_description=jd, user=jd.owner, expected_version=jd.lock_version
    )


__all__ = ["Posting", "published_jd", "reissue"]
