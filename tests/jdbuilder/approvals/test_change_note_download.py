"""The submission's change note (against the last issued revision) downloads as Markdown and
PDF for whoever may open the submission; anyone else gets a 404."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from pypdf import PdfReader

from jdbuilder.services import RoleChoice, save_step
from jdbuilder.vocabulary import WizardStep
from roles.models import Role
from tests.factories import FinalJobDescriptionFactory, ManagerFactory, UserFactory
from tests.support.approvals import flow_with
from tests.support.approvals import submit_as_owner as submit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalog")]


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def resubmitted():
    """Revision 1 issued as "Data Wrangler"; revision 2 submitted as "Data Engineer"."""
    approver = UserFactory()
    jd = FinalJobDescriptionFactory(title="Data Wrangler", posting={})
    flow_with({"name": "HR", "approvers": [approver]})
    jd.reopen()
    save_step(
        job_description=jd,
        step=WizardStep.ROLE,
        value=RoleChoice(
            role=Role.objects.get(pk=jd.role_id), seniority=jd.seniority, title="Data Engineer"
        ),
        expected_version=jd.lock_version,
        next_step=WizardStep.REVIEW,
    )
    return submit(jd).submission, approver


def url(submission, fmt: str) -> str:
    return f"/reviews/{submission.public_id}/changes.{fmt}"


def test_the_markdown_note_names_the_change(resubmitted):
    submission, approver = resubmitted
    response = client_for(approver).get(url(submission, "md"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/markdown")
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode()
    assert "Revision 1" in text and "Data Wrangler" in text and "Data Engineer" in text


def test_the_pdf_note_carries_the_same_change(resubmitted):
    submission, approver = resubmitted
    response = client_for(approver).get(url(submission, "pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Data Wrangler" in text and "Data Engineer" in text


def test_others_and_unknown_formats_get_404(resubmitted):
    submission, approver = resubmitted
    assert client_for(ManagerFactory()).get(url(submission, "md")).status_code == 404
    assert client_for(approver).get(url(submission, "docx")).status_code == 404
