"""Share-link tests' helpers: a one-stage flow, a submission in review, links and tokens."""

from __future__ import annotations

import re

from jdbuilder.approvals.models import ApprovalFlow, ApprovalStage, Submission
from jdbuilder.approvals.services import submit_job_description
from jdbuilder.approvals.sharing import create_share_link
from tests.factories import DraftFactory, FinalJobDescriptionFactory, UserFactory


def one_stage_flow(*approvers) -> ApprovalFlow:
    """The default flow: one stage, "HR", approved by any of `approvers`."""
    flow = ApprovalFlow.objects.create(name="Default", is_default=True)
    stage = ApprovalStage.objects.create(flow=flow, position=1, name="HR")
    stage.approvers.add(*approvers)
    return flow


def submitted(owner, **draft) -> Submission:
    """A draft of `owner` (DraftFactory with a full posting), submitted: in review."""
    draft.setdefault("posting", {})
    jd = DraftFactory(owner=owner, **draft)
    done = submit_job_description(job_description=jd, user=owner, expected_version=jd.lock_version)
    assert done.submission is not None, "a flow with a stage must apply"
    return done.submission


def issued_revision(owner, **draft):
    jd = FinalJobDescriptionFactory(owner=owner, **draft)
    return jd.revisions.get()


def token_of(url: str) -> str:
    """The token in a share URL ("/shared/<token>/")."""
    match = re.fullmatch(r"/shared/([^/]+)/", url)
    assert match, url
    return match.group(1)


def make_link(*, user, submission=None, revision=None, days=None):
    """create_share_link(...) -> (link, url, token)."""
    link, url = create_share_link(user=user, submission=submission, revision=revision, days=days)
    return link, url, token_of(url)


def approver():
    return UserFactory(username="approver", email="approver@example.com")
