"""The review step's button: "Finalize" without approval, "Submit for approval" with a flow;
a JD in review is frozen: the wizard, its autosave and its preview refuse to change it."""

from __future__ import annotations

import pytest
from django.test import Client

from jdbuilder.models import JobDescription, JobDescriptionRevision
from jdbuilder.vocabulary import Status
from roles.models import Role
from tests.factories import DraftFactory, PayBandFactory, UserFactory
from tests.support.approvals import flow_with
from tests.support.wizard import WizardDriver, page_fields, valid_posting

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalog")]


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def walked(owner=None, **posting) -> JobDescription:
    """A draft with every step saved through the wizard, as a manager leaves it."""
    jd = DraftFactory(**({"owner": owner} if owner else {}))
    wizard = WizardDriver(client_for(jd.owner), jd)
    role = Role.objects.get(slug=jd.role.slug)
    wizard.submit("role", {"role-role_choice": str(role.pk), "role-seniority": "mid"})
    for step in ("responsibilities", "skills", "tools"):
        wizard.submit(step)
    fields = {f"posting-{name}": value for name, value in posting.items()}
    assert wizard.submit("posting", valid_posting(**fields)).status_code == 302
    return wizard.reload()


def finalize(client, jd):
    html = client.get(f"/jd/{jd.public_id}/edit/review/").content.decode()
    return client.post(f"/jd/{jd.public_id}/finalize/", page_fields(html))


def review_page(client, jd) -> str:
    response = client.get(f"/jd/{jd.public_id}/edit/review/")
    assert response.status_code == 200
    return response.content.decode()


def test_without_a_flow_the_review_step_finalizes():
    jd = walked()
    client = client_for(jd.owner)
    page = review_page(client, jd)
    assert ">Finalize</button>" in page and "Submit for approval" not in page
    response = finalize(client, jd)
    assert response.status_code == 302
    assert JobDescription.objects.get(pk=jd.pk).status == Status.FINAL


def test_with_a_flow_the_review_step_names_the_stages_and_submits():
    PayBandFactory(minimum=120000, maximum=160000)
    flow_with(
        {"name": "HR review", "approvers": [UserFactory()]},
        {"name": "Compensation", "approvers": [UserFactory()], "condition": "above_band"},
    )
    jd = walked(salary_max="190000")
    client = client_for(jd.owner)
    page = review_page(client, jd)
    assert "Submit for approval</button>" in page
    assert "HR review" in page and "Compensation" in page and "above the pay band" in page
    assert "160,000" not in page  # this manager may not see bands: no figure of it shows
    response = finalize(client, jd)
    assert response.status_code == 302
    jd.refresh_from_db()
    assert jd.status == Status.IN_REVIEW
    assert not JobDescriptionRevision.objects.exists()
    assert jd.submissions.get().stages.count() == 2


def test_a_jd_in_review_is_frozen():
    flow_with({"name": "HR review", "approvers": [UserFactory()]})
    jd = walked()
    client = client_for(jd.owner)
    finalize(client, jd)
    jd.refresh_from_db()
    before = (jd.choices, jd.title, jd.lock_version)

    wizard = client.get(f"/jd/{jd.public_id}/edit/role/", follow=True)
    assert "in review, frozen as submitted" in wizard.content.decode()
    autosave = client.post(f"/jd/{jd.public_id}/edit/role/autosave/", {"role-title": "Changed"})
    assert autosave.status_code == 409
    assert "in review" in autosave.content.decode()
    preview = client.post(f"/jd/{jd.public_id}/edit/role/preview/", {"role-title": "Changed"})
    assert preview.status_code == 409
    again = finalize(client, jd)
    assert again.status_code == 302

    jd.refresh_from_db()
    assert (jd.choices, jd.title, jd.lock_version) == before
    assert jd.submissions.count() == 1
