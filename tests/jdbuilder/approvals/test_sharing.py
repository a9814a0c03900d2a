"""jdbuilder.approvals.sharing: making, opening, revoking share links, and outside comments."""

from __future__ import annotations

import datetime
import hashlib
from unittest import mock

import pytest
from django.core import signing
from django.utils import timezone

from jdbuilder.approvals import sharing
from jdbuilder.approvals.models import Comment, ShareLink, TimelineEvent
from jdbuilder.approvals.services import NotAllowed, ReviewRefused, withdraw
from jdbuilder.vocabulary import DocumentSection, TimelineKind
from tests.factories import ManagerFactory, RecruiterFactory, StaffFactory
from tests.support.approvals_share import (
    approver,
    issued_revision,
    make_link,
    one_stage_flow,
    submitted,
)


@pytest.fixture
def reviewer(catalog):
    return approver()


@pytest.fixture
def submission(catalog, manager, reviewer):
    one_stage_flow(reviewer)
    return submitted(manager)


# --- making ----------------------------------------------------------------------------------


def test_a_link_keeps_only_the_hash_of_its_secret_and_opens(submission, manager):
    link, url, token = make_link(user=manager, submission=submission)

    value = signing.TimestampSigner(salt="jdbuilder.share-link", sep="~").unsign(token)
    pk, _, secret = value.partition(".")
    assert int(pk) == link.pk
    assert len(secret) >= 43  # token_urlsafe(32)
    assert link.secret_sha256 == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(ShareLink.objects.filter(pk=link.pk).values().get())
    assert url == f"/shared/{token}/"
    assert sharing.open_share_link(token) == link
    assert link.job_description_id == submission.job_description_id
    assert link.revision_id is None


def test_a_link_works_seven_days_by_default_and_the_days_asked_for(submission, manager):
    before = timezone.now()
    default, *_ = make_link(user=manager, submission=submission)
    longer, *_ = make_link(user=manager, submission=submission, days="30")

    assert before + datetime.timedelta(days=7) <= default.expires_at
    assert default.expires_at <= timezone.now() + datetime.timedelta(days=7)
    assert longer.expires_at - longer.created_at == datetime.timedelta(days=30)


@pytest.mark.parametrize("days", ["0", "31", "-1", "seven", "1.5"])
def test_a_bad_number_of_days_is_refused_and_makes_nothing(submission, manager, days):
    with pytest.raises(ReviewRefused, match="days"):
        sharing.create_share_link(user=manager, submission=submission, days=days)
    assert not ShareLink.objects.exists()
    assert not TimelineEvent.objects.filter(kind=TimelineKind.SHARED).exists()


def test_making_a_link_is_on_the_timeline(submission, manager):
    link, *_ = make_link(user=manager, submission=submission)

    event = TimelineEvent.objects.get(kind=TimelineKind.SHARED)
    assert (event.actor, event.submission, event.job_description_id) == (
        manager,
        submission,
        link.job_description_id,
    )


def test_staff_may_share_anyones_submission(submission):
    link, *_ = make_link(user=StaffFactory(), submission=submission)
    assert link.is_active


@pytest.mark.parametrize("who", ["approver", "other manager", "recruiter"])
def test_only_the_owner_or_staff_may_make_a_link(submission, reviewer, who):
    user = {
        "approver": reviewer,
        "other manager": ManagerFactory(),
        "recruiter": RecruiterFactory(),
    }[who]
    with pytest.raises(NotAllowed):
        sharing.create_share_link(user=user, submission=submission)
    assert not ShareLink.objects.exists()


def test_a_submission_no_longer_in_review_cannot_be_shared(submission, manager):
    withdraw(submission=submission, user=manager)
    submission.refresh_from_db()
    with pytest.raises(ReviewRefused, match="in review"):
        sharing.create_share_link(user=manager, submission=submission)
    assert not ShareLink.objects.exists()


def test_a_link_to_an_issued_revision(catalog, manager):
    revision = issued_revision(manager)
    link, _, token = make_link(user=manager, revision=revision)

    assert (link.revision, link.submission, link.job_description_id) == (
        revision,
        None,
        revision.job_description_id,
    )
    assert sharing.open_share_link(token) == link
    with pytest.raises(NotAllowed):
        sharing.create_share_link(user=RecruiterFactory(), revision=revision)


def test_a_link_is_to_a_submission_or_a_revision_not_both(catalog, submission, manager):
    revision = issued_revision(manager)
    with pytest.raises(ValueError):
        sharing.create_share_link(user=manager, submission=submission, revision=revision)
    with pytest.raises(ValueError):
        sharing.create_share_link(user=manager)


# --- opening: tampering, expiry, revocation -------------------------------------------------


def _changed_one_char(token: str, at: int) -> str:
    char = token[at]
    return token[:at] + ("A" if char != "A" else "B") + token[at + 1 :]


@pytest.mark.parametrize("at", [0, 5, 30, -30, -1])
def test_a_token_with_one_char_changed_opens_nothing(submission, manager, at):
    _, _, token = make_link(user=manager, submission=submission)
    assert sharing.open_share_link(_changed_one_char(token, at)) is None


@pytest.mark.parametrize("token", ["", "x", "~~", "1.abc", "not-a-token~abc~def", "1~2~3"])
def test_garbage_opens_nothing(db, token):
    assert sharing.open_share_link(token) is None


def test_another_links_pk_with_this_secret_opens_nothing_even_signed(submission, manager):
    first, _, token = make_link(user=manager, submission=submission)
    second, *_ = make_link(user=manager, submission=submission)
    signer = signing.TimestampSigner(salt="jdbuilder.share-link", sep="~")
    secret = signer.unsign(token).partition(".")[2]

    assert sharing.open_share_link(signer.sign(f"{second.pk}.{secret}")) is None
    assert sharing.open_share_link(signer.sign(f"{first.pk + 1000}.{secret}")) is None
    # The same value signed with another salt (another of our signatures) is not a token.
    other = signing.TimestampSigner(salt="another.purpose", sep="~")
    assert sharing.open_share_link(other.sign(f"{first.pk}.{secret}")) is None
    assert sharing.open_share_link(token) == first


def test_an_expired_link_opens_nothing(submission, manager):
    link, _, token = make_link(user=manager, submission=submission, days=1)
    later = link.expires_at + datetime.timedelta(seconds=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert sharing.open_share_link(token) is None
    assert sharing.open_share_link(token) == link


def test_a_link_expired_in_the_database_opens_nothing(submission, manager):
    link, _, token = make_link(user=manager, submission=submission)
    ShareLink.objects.filter(pk=link.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=2),
        expires_at=timezone.now() - datetime.timedelta(seconds=1),
    )
    assert sharing.open_share_link(token) is None


def test_a_revoked_link_opens_nothing_and_the_revocation_is_recorded(submission, manager):
    link, _, token = make_link(user=manager, submission=submission)

    revoked = sharing.revoke_share_link(link=link, user=manager)

    assert (revoked.revoked_by, revoked.revoked_at is not None) == (manager, True)
    assert sharing.open_share_link(token) is None
    event = TimelineEvent.objects.get(kind=TimelineKind.SHARE_REVOKED)
    assert (event.actor, event.submission) == (manager, submission)
    # Again: nothing changes, nothing more is recorded.
    again = sharing.revoke_share_link(link=link, user=StaffFactory())
    assert again.revoked_by == manager
    assert TimelineEvent.objects.filter(kind=TimelineKind.SHARE_REVOKED).count() == 1


def test_staff_and_the_links_maker_may_revoke(submission, manager):
    staff = StaffFactory()
    by_staff, *_ = make_link(user=staff, submission=submission)
    assert sharing.revoke_share_link(link=by_staff, user=staff).revoked_by == staff
    other, *_ = make_link(user=manager, submission=submission)
    assert sharing.revoke_share_link(link=other, user=StaffFactory()).revoked_at is not None


@pytest.mark.parametrize("who", ["approver", "other manager", "recruiter"])
def test_nobody_else_may_revoke(submission, manager, reviewer, who):
    link, _, token = make_link(user=manager, submission=submission)
    user = {
        "approver": reviewer,
        "other manager": ManagerFactory(),
        "recruiter": RecruiterFactory(),
    }[who]
    with pytest.raises(NotAllowed):
        sharing.revoke_share_link(link=link, user=user)
    assert sharing.open_share_link(token) == link


def test_links_for_lists_a_submissions_links_to_its_manager_and_staff_only(
    submission, manager, reviewer
):
    link, *_ = make_link(user=manager, submission=submission)
    assert list(sharing.links_for(user=manager, submission=submission)) == [link]
    assert list(sharing.links_for(user=StaffFactory(), submission=submission)) == [link]
    assert list(sharing.links_for(user=reviewer, submission=submission)) == []


# --- outside comments -----------------------------------------------------------------------


def test_an_outside_comment_is_kept_recorded_and_told(submission, manager):
    link, *_ = make_link(user=manager, submission=submission)
    with mock.patch("jdbuilder.approvals.notify.commented") as commented:
        comment = sharing.leave_outside_comment(
            link=link,
            name="  Dana   Reviewer ",
            text=" Too many skills. ",
            section=DocumentSection.SKILLS,
        )

    comment.refresh_from_db()
    assert (comment.author, comment.outside_name, comment.text, comment.section) == (
        None,
        "Dana Reviewer",
        "Too many skills.",
        DocumentSection.SKILLS,
    )
    assert (comment.share_link, comment.submission, comment.job_description_id) == (
        link,
        submission,
        submission.job_description_id,
    )
    commented.assert_called_once_with(comment)
    event = TimelineEvent.objects.get(kind=TimelineKind.COMMENTED)
    assert (event.actor, event.actor_name) == (None, "Dana Reviewer")
    assert "Too many skills." in event.text
    link.refresh_from_db()
    assert link.comments_left == 1


def test_a_link_takes_one_comment_then_refuses(submission, manager):
    link, *_ = make_link(user=manager, submission=submission)
    sharing.leave_outside_comment(link=link, name="Dana", text="First.", section="general")

    stale = ShareLink.objects.get(pk=link.pk)
    stale.comments_left = 0  # a page opened before the first comment: the lock reads anew
    with pytest.raises(ReviewRefused, match="no more"):
        sharing.leave_outside_comment(link=stale, name="Eve", text="Second.", section="general")
    assert list(Comment.objects.values_list("text", flat=True)) == ["First."]


def test_a_comment_on_a_revision_link_has_no_submission(catalog, manager):
    revision = issued_revision(manager)
    link, *_ = make_link(user=manager, revision=revision)
    comment = sharing.leave_outside_comment(link=link, name="Dana", text="Fine.")
    assert (comment.submission, comment.job_description_id) == (None, revision.job_description_id)


@pytest.mark.parametrize(
    ("name", "text", "section", "message"),
    [
        ("", "Text.", "general", "your name"),
        ("   ", "Text.", "general", "your name"),
        ("x" * 81, "Text.", "general", "at most 80"),
        ("Dana\x07", "Text.", "general", "control"),
        ("Dana", "", "general", "Write the comment"),
        ("Dana", " \n ", "general", "Write the comment"),
        ("Dana", "x" * 4001, "general", "at most 4,000"),
        ("Dana", "Text.", "salary", "section"),
    ],
)
def test_bad_input_is_refused_with_a_clear_error_and_saves_nothing(
    submission, manager, name, text, section, message
):
    link, *_ = make_link(user=manager, submission=submission)
    with pytest.raises(ReviewRefused, match=f"(?i){message}"):
        sharing.leave_outside_comment(link=link, name=name, text=text, section=section)
    assert not Comment.objects.exists()
    assert not TimelineEvent.objects.filter(kind=TimelineKind.COMMENTED).exists()
    link.refresh_from_db()
    assert link.comments_left == 0


def test_the_longest_name_and_text_are_taken(submission, manager):
    link, *_ = make_link(user=manager, submission=submission)
    comment = sharing.leave_outside_comment(link=link, name="n" * 80, text="t" * 4000)
    assert (len(comment.outside_name), len(comment.text)) == (80, 4000)


def test_a_link_revoked_while_its_page_was_open_takes_no_comment(submission, manager):
    link, *_ = make_link(user=manager, submission=submission)
    sharing.revoke_share_link(link=ShareLink.objects.get(pk=link.pk), user=manager)
    with pytest.raises(ReviewRefused, match="does not work"):
        sharing.leave_outside_comment(link=link, name="Dana", text="Late.")
    assert not Comment.objects.exists()
