"""Recruiters see issued revisions only: a JD in review (never issued) is in neither the library
nor its downloads; one reopened and resubmitted shows its last issued revision, not the
submission. The JD page of a JD in review shows it as submitted, not as the live draft."""

from __future__ import annotations

import pytest
from django.test import Client

from jdbuilder.approvals import services
from jdbuilder.documents.build import build_document
from jdbuilder.services import RoleChoice, save_step
from jdbuilder.vocabulary import WizardStep
from roles.models import ProficiencyLevel, Role
from tests.factories import (
    DraftFactory,
    FinalJobDescriptionFactory,
    RecruiterFactory,
    UserFactory,
)
from tests.support.approvals import flow_with
from tests.support.approvals import submit_as_owner as submit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalog")]


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_jd_in_review_is_not_in_the_library_nor_downloadable():
    flow_with({"name": "HR", "approvers": [UserFactory()]})
    jd = DraftFactory(title="Unissued Analyst", posting={})
    submit(jd)
    recruiter = client_for(RecruiterFactory())
    assert "Unissued Analyst" not in recruiter.get("/library/").content.decode()
    assert recruiter.get(f"/jd/{jd.public_id}/").status_code == 404
    assert recruiter.get(f"/jd/{jd.public_id}/download/html/").status_code == 404


def test_a_resubmitted_jd_shows_recruiters_its_last_issued_revision():
    jd = FinalJobDescriptionFactory(title="Issued Title", posting={})
    flow_with({"name": "HR", "approvers": [UserFactory()]})
    jd.reopen()
    role = Role.objects.get(pk=jd.role_id)
    save_step(
        job_description=jd,
        step=WizardStep.ROLE,
        value=RoleChoice(role=role, seniority=jd.seniority, title="Submitted Title"),
        expected_version=jd.lock_version,
        next_step=WizardStep.REVIEW,
    )
    submitted = submit(jd).submission
    assert submitted is not None
    recruiter = client_for(RecruiterFactory())
    library = recruiter.get("/library/").content.decode()
    assert "Issued Title" in library and "Submitted Title" not in library
    page = recruiter.get(f"/jd/{jd.public_id}/").content.decode()
    assert "Issued Title" in page and "Submitted Title" not in page


def test_the_owner_reads_a_jd_in_review_as_submitted():
    flow_with({"name": "HR", "approvers": [UserFactory()]})
    jd = DraftFactory(title="As Submitted", posting={})
    submission = submit(jd).submission
    # Every level's descriptor changes in the catalog after the submission: the live draft
    # would show the new texts, the submission keeps the old ones.
    for level in ProficiencyLevel.objects.all():
        level.descriptor = "Changed after the submission."
        level.save()
    assert "Changed after the submission." in str(build_document(jd))
    page = client_for(jd.owner).get(f"/jd/{jd.public_id}/").content.decode()
    assert "As Submitted" in page
    assert "Changed after the submission." not in page
    assert submission.snapshot["title"] == "As Submitted"
    services.withdraw(submission=submission, user=jd.owner)
