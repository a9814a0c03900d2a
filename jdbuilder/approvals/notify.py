"""Who is told what by e-mail about reviews (sent by the workers through `jdbuilder.mail`).

Each function is called inside the transaction that made the change, so the e-mail jobs are
queued only if it commits. People who turned a kind of message off (NotificationSettings) and
people without an e-mail address are left out.
"""

from __future__ import annotations

from jdbuilder.approvals.models import Comment, Submission, SubmissionStage


def stage_waiting(stage: SubmissionStage | None) -> None:
    """Tell the stage's approvers that a submission waits for them."""


def decided(submission: Submission, *, stage: SubmissionStage, kind: str) -> None:
    """Tell the manager what an approver decided at `stage` (`kind` a TimelineKind)."""


def commented(comment: Comment) -> None:
    """Tell the manager of a comment on their JD, and a thread's author of a reply."""
