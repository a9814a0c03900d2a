"""Who is told what by e-mail about reviews (sent by the workers through `jdbuilder.mail`).

Each function is called inside the transaction that made the change, so the e-mail jobs are
queued only if it commits. People who turned a kind of message off (NotificationSettings) and
people without an e-mail address are left out; a person without settings gets everything.

Every message goes to one person (nobody sees who else was told). No user value reaches a
header as typed: what a subject shows (the JD's title, a stage's name) is collapsed to one line
first (`one_line`), and `queue_email` refuses any subject that still has a line break.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse

from jdbuilder.approvals.models import Comment, Submission, SubmissionStage
from jdbuilder.mail import absolute_url, queue_email
from jdbuilder.vocabulary import TimelineKind

# The NotificationSettings booleans, one per kind of message.
SUBMISSIONS_TO_APPROVE = "submissions_to_approve"
DECISIONS_ON_MINE = "decisions_on_mine"
COMMENTS_ON_MINE = "comments_on_mine"
REMINDERS = "reminders"
PREFERENCES = (SUBMISSIONS_TO_APPROVE, DECISIONS_ON_MINE, COMMENTS_ON_MINE, REMINDERS)

SUBJECT_TITLE_LENGTH = 100

DECISION_WORDS = {
    TimelineKind.STAGE_APPROVED: "approved a stage of",
    TimelineKind.APPROVED: "approved",
    TimelineKind.RETURNED: "returned for changes",
    TimelineKind.REJECTED: "rejected",
}


def one_line(text: str, *, limit: int = SUBJECT_TITLE_LENGTH) -> str:
    """`text` as one line for a subject: every run of whitespace (line breaks, CR, tabs, the
    Unicode line and paragraph separators...) becomes one space, and it is cut at `limit`."""
    collapsed = " ".join(str(text).split())
    if len(collapsed) > limit:
        collapsed = collapsed[: limit - 1].rstrip() + "…"
    return collapsed


def display_name(user) -> str:
    return user.get_full_name() or user.get_username()


def who_want(users: QuerySet, preference: str, *, exclude: Iterable[int | None] = ()) -> list:
    """Those of `users` with an e-mail address, active, who did not turn `preference` off,
    leaving out the ids in `exclude`; ordered, so messages go out in a stable order."""
    if preference not in PREFERENCES:
        raise ValueError(f"Not a notification preference: {preference!r}.")
    left_out = [pk for pk in exclude if pk is not None]
    return list(
        users.filter(is_active=True)
        .exclude(email="")
        .exclude(pk__in=left_out)
        .exclude(**{f"notification_settings__{preference}": False})
        .order_by("pk")
    )


def settings_url() -> str:
    """The link to one's notification settings, for the foot of every message ("" while the
    page is not mounted)."""
    try:
        return absolute_url(reverse("approvals:notification_settings"))
    except NoReverseMatch:
        return ""


def send_each(people: list, *, template: str, context: dict) -> int:
    """One message per person, each addressed to them alone."""
    for person in people:
        queue_email(
            to=[person.email],
            template=template,
            context={**context, "recipient_name": display_name(person)},
            owner=person,
        )
    return len(people)


def submission_context(submission: Submission) -> dict:
    jd = submission.job_description
    return {
        "title": jd.title,
        "subject_title": one_line(jd.title),
        "number": submission.number,
        "submission_url": absolute_url(submission.get_absolute_url()),
        "jd_url": absolute_url(jd.get_absolute_url()),
        "settings_url": settings_url(),
    }


def stage_approvers(stage: SubmissionStage, preference: str) -> list:
    """The stage's approvers who want `preference`, never the JD's own manager."""
    owner_id = stage.submission.job_description.owner_id
    return who_want(stage.approver_users(), preference, exclude=[owner_id])


def stage_waiting(stage: SubmissionStage | None) -> int:
    """Tell the stage's approvers that a submission waits for them; how many were told."""
    if stage is None:
        return 0
    people = stage_approvers(stage, SUBMISSIONS_TO_APPROVE)
    if not people:
        return 0
    submission = stage.submission
    context = {
        **submission_context(submission),
        "stage_name": stage.name,
        "subject_stage": one_line(stage.name, limit=60),
        "reason": stage.reason,
        "submitted_by": display_name(submission.submitted_by),
    }
    return send_each(people, template="review_waiting", context=context)


def decided(submission: Submission, *, stage: SubmissionStage, kind: str) -> int:
    """Tell the manager what an approver decided at `stage` (`kind` a TimelineKind: a stage
    approved, the whole submission approved, returned or rejected); how many were told."""
    if kind not in DECISION_WORDS:
        raise ValueError(f"Not a decision: {kind!r}.")
    jd = submission.job_description
    if kind in (TimelineKind.RETURNED, TimelineKind.REJECTED):
        comment, decider = submission.decision_comment, submission.decided_by
    else:
        comment, decider = stage.comment, stage.approved_by
    owner = get_user_model().objects.filter(pk=jd.owner_id)
    # The manager is not told of their own doing (a staff manager approving on behalf).
    people = who_want(owner, DECISIONS_ON_MINE, exclude=[getattr(decider, "pk", None)])
    if not people:
        return 0
    context = {
        **submission_context(submission),
        "kind": kind,
        "decision": DECISION_WORDS[kind],
        "stage_name": stage.name,
        "subject_stage": one_line(stage.name, limit=60),
        "on_behalf": stage.on_behalf,
        "decided_by": display_name(decider) if decider is not None else "An approver",
        "comment": comment,
        "revision_number": submission.revision.number if submission.revision_id else None,
    }
    return send_each(people, template="review_decided", context=context)


def commented(comment: Comment) -> int:
    """Tell the manager of a comment on their JD, and a thread's author of a reply to it,
    never the comment's own author; how many were told."""
    jd = comment.job_description
    users = get_user_model().objects
    author_id = comment.author_id
    people = who_want(users.filter(pk=jd.owner_id), COMMENTS_ON_MINE, exclude=[author_id])
    parent = comment.parent
    if parent is not None and parent.author_id not in (None, jd.owner_id, author_id):
        people += who_want(users.filter(pk=parent.author_id), COMMENTS_ON_MINE)
    if not people:
        return 0
    if comment.submission_id is not None:
        url = absolute_url(comment.submission.get_absolute_url())
    else:
        url = absolute_url(jd.get_absolute_url())
    context = {
        "title": jd.title,
        "subject_title": one_line(jd.title),
        "author": comment.author_name,
        "section": comment.get_section_display(),
        "text": comment.text,
        "is_reply": parent is not None,
        "thread_text": parent.text if parent is not None else "",
        "thread_author": parent.author_name if parent is not None else "",
        "url": url,
        "settings_url": settings_url(),
    }
    return send_each(people, template="review_comment", context=context)


def withdrawn(submission: Submission, *, stage: SubmissionStage | None) -> int:
    """Tell the approvers of the stage it was waiting at that the manager took it back, so
    nobody opens a review that is gone; how many were told."""
    if stage is None:
        return 0
    people = stage_approvers(stage, SUBMISSIONS_TO_APPROVE)
    if not people:
        return 0
    context = {
        **submission_context(submission),
        "stage_name": stage.name,
        "withdrawn_by": display_name(submission.job_description.owner),
    }
    return send_each(people, template="review_withdrawn", context=context)
