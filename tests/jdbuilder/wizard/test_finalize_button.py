"""The review page's "Finalize" button posts to its own small view (views.finalize): it issues
the draft as the page showed it, refuses a draft changed since, sends the manager to a step
not saved yet, and queues the PDFs without rendering them."""

from __future__ import annotations

import pytest

from jdbuilder.jobs.models import Job, JobKind, JobStatus
from jdbuilder.models import RenderedFile
from jdbuilder.vocabulary import Status
from tests.factories import DraftFactory, ManagerFactory
from tests.support.wizard import WizardDriver, page_fields, valid_posting, walk_to_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def wizard(manager_client, manager, catalog):
    return WizardDriver(manager_client, DraftFactory(owner=manager))


def finalize_url(wizard) -> str:
    return f"/jd/{wizard.jd.public_id}/finalize/"


def review_page(wizard) -> dict[str, list[str]]:
    html = wizard.get("review").content.decode()
    assert f'formaction="{finalize_url(wizard)}"' in html  # the button posts here
    return page_fields(html)


def test_the_button_issues_the_draft_and_queues_its_pdfs(wizard, manager_client):
    walk_to_review(wizard)
    response = manager_client.post(finalize_url(wizard), review_page(wizard))
    assert response.status_code == 302 and response.url == f"/jd/{wizard.jd.public_id}/"
    jd = wizard.reload()
    assert jd.status == Status.FINAL and jd.revisions.count() == 1
    revision = jd.revisions.get()
    assert revision.quality == jd.quality  # the summary the lists show
    job = Job.objects.get(kind=JobKind.RENDER)
    assert job.revision == revision and job.status == JobStatus.QUEUED
    assert not RenderedFile.objects.exists()  # queued, not rendered in the request
    page = manager_client.get(response.url).content.decode()
    assert "Finalized as revision 1." in page


def test_a_draft_changed_after_the_page_was_read_is_not_issued(wizard, manager_client):
    walk_to_review(wizard)
    fields = review_page(wizard)
    wizard.submit("posting", {**valid_posting(), "posting-location": "Lisbon"}, goto="review")
    response = manager_client.post(finalize_url(wizard), fields)
    assert response.status_code == 302
    assert response.url == f"/jd/{wizard.jd.public_id}/edit/review/"
    assert wizard.reload().status == Status.DRAFT and not wizard.jd.revisions.exists()
    page = manager_client.get(response.url).content.decode()
    assert "This draft changed after you opened the review page" in page


@pytest.mark.parametrize("version", ["", "abc", "-1", "99999"])
def test_a_missing_or_bad_version_issues_nothing(wizard, manager_client, version):
    walk_to_review(wizard)
    fields = {**review_page(wizard), "jd_version": [version]}
    response = manager_client.post(finalize_url(wizard), fields)
    assert response.url == f"/jd/{wizard.jd.public_id}/edit/review/"
    assert wizard.reload().status == Status.DRAFT and not Job.objects.exists()


def test_a_step_not_saved_yet_is_opened_instead(wizard, manager_client):
    wizard.submit("role")
    response = manager_client.post(finalize_url(wizard), review_page(wizard))
    assert response.url == f"/jd/{wizard.jd.public_id}/edit/responsibilities/"
    assert wizard.reload().status == Status.DRAFT
    page = manager_client.get(response.url).content.decode()
    assert "Please complete “Responsibilities” before finalizing." in page


def test_finalizing_twice_issues_one_revision(wizard, manager_client):
    walk_to_review(wizard)
    fields = review_page(wizard)
    manager_client.post(finalize_url(wizard), fields)
    again = manager_client.post(finalize_url(wizard), fields)
    assert again.url == f"/jd/{wizard.jd.public_id}/"
    assert wizard.reload().revisions.count() == 1
    assert Job.objects.filter(kind=JobKind.RENDER).count() == 1


def test_only_the_owner_may_finalize_and_only_by_post(wizard, client, manager_client):
    walk_to_review(wizard)
    fields = review_page(wizard)
    assert manager_client.get(finalize_url(wizard)).status_code == 405
    client.force_login(ManagerFactory(username="someone-else"))
    assert client.post(finalize_url(wizard), fields).status_code == 404
    client.logout()
    assert client.post(finalize_url(wizard), fields).status_code == 302  # to sign in
    assert wizard.reload().status == Status.DRAFT
