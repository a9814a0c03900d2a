"""Finalizing that fails halfway through its writes leaves nothing behind.

Finalizing writes the revision first, then the JD's status: a failure of the second write (an
exception, or a database error after the UPDATE ran) leaves no revision and the draft as it was,
called directly or through the wizard's review POST, and the next try succeeds.
"""

from __future__ import annotations

import pytest
from django.db import OperationalError, connection
from django.test import Client

from jdbuilder.models import JobDescription, JobDescriptionRevision
from jdbuilder.services import finalize_job_description
from jdbuilder.vocabulary import Status
from tests.factories import DraftFactory
from tests.support.wizard import WizardDriver, walk_to_review


def row(jd: JobDescription) -> dict:
    """Every column of the JD as the database holds it."""
    return JobDescription.objects.filter(pk=jd.pk).values().get()


@pytest.fixture
def draft(manager, catalog):
    return DraftFactory(owner=manager, posting={})


@pytest.mark.django_db(transaction=True)
class TestFinalizingFailsHalfway:
    """Real transactions (not the test's savepoints): finalizing's atomic block is outermost."""

    def test_the_jd_save_failing_leaves_no_revision_and_the_draft_as_it_was(
        self, draft, manager, monkeypatch
    ):
        before = row(draft)
        seen = []

        def save_fails(self, *args, **kwargs):
            # The first write happened: the revision is there, inside the transaction.
            seen.append(JobDescriptionRevision.objects.filter(job_description=self).count())
            raise RuntimeError("the database went away")

        monkeypatch.setattr(JobDescription, "save", save_fails)
        with pytest.raises(RuntimeError, match="went away"):
            finalize_job_description(
                job_description=draft, user=manager, expected_version=draft.lock_version
            )
        monkeypatch.undo()

        assert seen == [1], "the revision is written before the JD's status"
        assert not JobDescriptionRevision.objects.exists()
        after = row(draft)
        assert after == before
        assert after["status"] == Status.DRAFT and after["lock_version"] == before["lock_version"]
        # The caller's object is not left claiming otherwise either.
        assert draft.status == Status.DRAFT and draft.lock_version == before["lock_version"]

        revision = finalize_job_description(
            job_description=draft, user=manager, expected_version=draft.lock_version
        )
        assert revision.number == 1 and row(draft)["status"] == Status.FINAL

    def test_a_database_error_after_the_status_update_ran_rolls_both_writes_back(
        self, draft, manager
    ):
        before = row(draft)
        ran = []

        def connection_lost_after_update(execute, sql, params, many, context):
            result = execute(sql, params, many, context)
            if sql.startswith('UPDATE "jdbuilder_jobdescription" SET "status"'):
                ran.append(sql)
                raise OperationalError("server closed the connection unexpectedly")
            return result

        with (
            connection.execute_wrapper(connection_lost_after_update),
            pytest.raises(OperationalError),
        ):
            finalize_job_description(
                job_description=draft, user=manager, expected_version=draft.lock_version
            )
        assert len(ran) == 1, "both writes reached the database before the error"
        assert not JobDescriptionRevision.objects.exists()
        assert row(draft) == before

    def test_the_wizard_review_post_fails_with_a_500_and_issues_nothing(
        self, manager, catalog, monkeypatch
    ):
        client = Client(raise_request_exception=False)
        client.force_login(manager)
        response = client.post("/jd/new/", {"role": "software-engineer"})
        wizard = WizardDriver(client, JobDescription.objects.get(owner=manager))
        walk_to_review(wizard)
        fields = wizard.fields("review")
        before = row(wizard.jd)

        def save_fails(self, *args, **kwargs):
            raise RuntimeError("the database went away")

        monkeypatch.setattr(JobDescription, "save", save_fails)
        response = wizard.submit("review", fields=fields)
        monkeypatch.undo()

        assert response.status_code == 500
        assert "Something went wrong" in response.content.decode()
        assert not JobDescriptionRevision.objects.exists()
        after = row(wizard.jd)
        assert after["status"] == Status.DRAFT
        assert after["choices"] == before["choices"] and after["revision"] == before["revision"]

        # Reloading the review page and finalizing again works.
        response = wizard.submit("review")
        assert response.status_code == 302
        assert row(wizard.jd)["status"] == Status.FINAL
        assert JobDescriptionRevision.objects.get().number == 1

    def test_the_wizard_review_post_that_fails_leaves_the_row_exactly_as_it_was(
        self, manager, catalog, monkeypatch
    ):
        client = Client(raise_request_exception=False)
        client.force_login(manager)
        client.post("/jd/new/", {"role": "software-engineer"})
        wizard = WizardDriver(client, JobDescription.objects.get(owner=manager))
        walk_to_review(wizard)
        fields = wizard.fields("review")
        before = row(wizard.jd)

        def save_fails(self, *args, **kwargs):
            raise RuntimeError("the database went away")

        monkeypatch.setattr(JobDescription, "save", save_fails)
        assert wizard.submit("review", fields=fields).status_code == 500
        monkeypatch.undo()
        assert row(wizard.jd) == before
