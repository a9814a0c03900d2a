"""Two approvers acting on one stage at the same moment, each on its own PostgreSQL connection:
exactly one decision is made, and the other is told the stage was decided meanwhile.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jdb_h2 .venv/bin/pytest \\
        tests/jdbuilder/approvals/test_concurrent_decisions.py --create-db
"""

from __future__ import annotations

import time

import pytest
from django.db import connection

from jdbuilder.approvals import services
from jdbuilder.approvals.models import Submission, TimelineEvent
from jdbuilder.models import JobDescriptionRevision
from jdbuilder.vocabulary import SubmissionState, TimelineKind
from tests.factories import DraftFactory, UserFactory
from tests.support.approvals import flow_with
from tests.support.approvals import submit_as_owner as submit
from tests.support.races import race

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: two threads holding two connections and row locks at once "
        "(run with DATABASE_URL=postgres://…)",
    ),
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("catalog"),
]


@pytest.fixture
def slow_decisions(monkeypatch):
    """Hold each decision's transaction (and its row lock) open a moment, so the second
    approver's request really arrives while the first one is deciding."""
    real = services.notify.decided

    def slowly(*args, **kwargs):
        time.sleep(0.5)
        return real(*args, **kwargs)

    monkeypatch.setattr(services.notify, "decided", slowly)


def test_two_approvers_approving_at_once_make_one_decision(slow_decisions):
    first, second = UserFactory(), UserFactory()
    flow_with({"name": "HR", "approvers": [first, second]})
    submission = submit(DraftFactory(posting={})).submission
    stage_id = services.current_stage(submission).pk

    outcomes = race(
        [
            lambda: services.approve(submission=submission, user=first, stage_id=stage_id),
            lambda: services.approve(submission=submission, user=second, stage_id=stage_id),
        ]
    )

    decided = [o for o in outcomes if isinstance(o, Submission)]
    refused = [o for o in outcomes if isinstance(o, services.AlreadyDecided)]
    assert len(decided) == 1 and len(refused) == 1, outcomes
    submission.refresh_from_db()
    assert submission.state == SubmissionState.APPROVED
    assert (
        JobDescriptionRevision.objects.filter(job_description=submission.job_description).count()
        == 1
    )
    assert (
        TimelineEvent.objects.filter(
            job_description=submission.job_description, kind=TimelineKind.STAGE_APPROVED
        ).count()
        == 1
    )


def test_an_approval_and_a_rejection_at_once_make_one_decision(slow_decisions):
    first, second = UserFactory(), UserFactory()
    flow_with({"name": "HR", "approvers": [first, second]})
    submission = submit(DraftFactory(posting={})).submission
    stage_id = services.current_stage(submission).pk

    outcomes = race(
        [
            lambda: services.approve(submission=submission, user=first, stage_id=stage_id),
            lambda: services.reject(
                submission=submission, user=second, stage_id=stage_id, comment="No."
            ),
        ]
    )

    assert sum(isinstance(o, Submission) for o in outcomes) == 1, outcomes
    assert sum(isinstance(o, services.AlreadyDecided) for o in outcomes) == 1, outcomes
    submission.refresh_from_db()
    revisions = JobDescriptionRevision.objects.filter(job_description=submission.job_description)
    if submission.state == SubmissionState.APPROVED:
        assert revisions.count() == 1
    else:
        assert submission.state == SubmissionState.REJECTED and not revisions.exists()
