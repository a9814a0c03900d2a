"""Share links: a read-only page of one submission or issued revision for someone without an
account, who may leave one comment with their name.

A link's token is `<pk>.<secret>` signed with a TimestampSigner (salt "jdbuilder.share-link",
separator "~" so the token is URL-safe as it is). Only the SHA-256 of the secret is stored: the
database alone cannot rebuild a link, so the full link is shown once, when it is made.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets
import unicodedata

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

import jdbuilder.approvals.notify as notify  # the module (not the package, a layer up)
from jdbuilder.approvals.models import Comment, ShareLink, Submission, TimelineEvent
from jdbuilder.approvals.services import NotAllowed, ReviewRefused
from jdbuilder.models import JobDescription, JobDescriptionRevision
from jdbuilder.vocabulary import DocumentSection, TimelineKind

SALT = "jdbuilder.share-link"
SEPARATOR = "~"  # unreserved in URLs, and in none of the parts it separates
MAX_NAME_LENGTH = 80
MAX_TEXT_LENGTH = 4000


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=SALT, sep=SEPARATOR)


def _sha256(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def default_days() -> int:
    return int(getattr(settings, "SHARE_LINK_DAYS", 7))


def max_days() -> int:
    return int(getattr(settings, "SHARE_LINK_MAX_DAYS", 30))


def max_comments() -> int:
    return int(getattr(settings, "SHARE_LINK_MAX_COMMENTS", 1))


def may_manage(job_description: JobDescription, user) -> bool:
    """Whether `user` may make share links of the JD: its owner, or staff."""
    return user.is_authenticated and (user.is_staff or job_description.owner_id == user.pk)


def _checked_days(days: int | str | None) -> int:
    if days is None or days == "":
        return min(default_days(), max_days())
    try:
        number = int(days)
    except (TypeError, ValueError):
        raise ReviewRefused("Give the number of days the link works, as a whole number.") from None
    if not 1 <= number <= max_days():
        raise ReviewRefused(f"A share link works for 1 to {max_days()} days.")
    return number


@transaction.atomic
def create_share_link(
    *,
    user,
    submission: Submission | None = None,
    revision: JobDescriptionRevision | None = None,
    days: int | str | None = None,
) -> tuple[ShareLink, str]:
    """A new link to `submission` (in review) or `revision`, and its site-relative URL: the only
    time the URL exists, since only the secret's hash is kept.

    NotAllowed unless `user` owns the JD or is staff; ReviewRefused for a bad `days` or a
    submission no longer in review.
    """
    if (submission is None) == (revision is None):
        raise ValueError("Share either a submission or a revision.")
    source = submission or revision
    job_description = JobDescription.objects.get(pk=source.job_description_id)
    if not may_manage(job_description, user):
        raise NotAllowed("Only the job description's manager or staff can share it.")
    number = _checked_days(days)
    if submission is not None:
        submission = Submission.objects.select_for_update().get(pk=submission.pk)
        if not submission.is_in_review:
            raise ReviewRefused(
                "Only a submission in review can be shared; share an issued revision instead."
            )
    now = timezone.now()
    secret = secrets.token_urlsafe(32)
    link = ShareLink.objects.create(
        job_description=job_description,
        submission=submission,
        revision=revision,
        secret_sha256=_sha256(secret),
        created_by=user,
        created_at=now,
        expires_at=now + datetime.timedelta(days=number),
    )
    token = _signer().sign(f"{link.pk}.{secret}")
    what = (
        f"submission for revision {submission.number}"
        if submission is not None
        else f"revision {revision.number}"
    )
    TimelineEvent.objects.create(
        job_description=job_description,
        submission=submission,
        kind=TimelineKind.SHARED,
        actor=user,
        text=f"A link to the {what}, working until {link.expires_at:%Y-%m-%d %H:%M} UTC.",
    )
    return link, reverse("shared:view", kwargs={"token": token})


@transaction.atomic
def revoke_share_link(*, link: ShareLink, user) -> ShareLink:
    """Stop the link working at once; revoking a revoked link changes nothing.

    NotAllowed unless `user` owns the JD, is staff, or made the link."""
    locked = (
        ShareLink.objects.select_for_update(of=("self",))
        .select_related("job_description")
        .get(pk=link.pk)
    )
    if not (may_manage(locked.job_description, user) or locked.created_by_id == user.pk):
        raise NotAllowed("Only the job description's manager or staff can revoke its links.")
    if locked.revoked_at is not None:
        return locked
    locked.revoked_by, locked.revoked_at = user, timezone.now()
    locked.save(update_fields=["revoked_by", "revoked_at"])
    TimelineEvent.objects.create(
        job_description=locked.job_description,
        submission=locked.submission,
        kind=TimelineKind.SHARE_REVOKED,
        actor=user,
        text=f"The link made on {locked.created_at:%Y-%m-%d %H:%M} UTC.",
    )
    return locked


def open_share_link(token: str) -> ShareLink | None:
    """The active link `token` names, or None: a bad signature, an unknown link, a secret that is
    not the link's, a revoked or an expired link all give None alike."""
    try:
        value = _signer().unsign(token, max_age=datetime.timedelta(days=max_days() + 1))
    except (signing.BadSignature, TypeError, ValueError):
        return None
    pk, dot, secret = value.partition(".")
    if not dot or not pk.isdigit() or not secret:
        return None
    link = (
        ShareLink.objects.select_related("job_description", "submission", "revision")
        .filter(pk=int(pk))
        .first()
    )
    if link is None or not hmac.compare_digest(link.secret_sha256, _sha256(secret)):
        return None
    return link if link.is_active else None


def links_for(
    *, user, submission: Submission | None = None, revision: JobDescriptionRevision | None = None
) -> QuerySet[ShareLink]:
    """The share links of a submission or revision that `user` may see and revoke (their
    manager and staff); none for anyone else."""
    source = submission or revision
    if source is None or not may_manage(source.job_description, user):
        return ShareLink.objects.none()
    if submission is not None:
        return ShareLink.objects.filter(submission=submission).select_related("revoked_by")
    return ShareLink.objects.filter(revision=revision).select_related("revoked_by")


def visible_links(user) -> QuerySet[ShareLink]:
    """Links on submissions or JDs `user` may open (a 404 for every other)."""
    return ShareLink.objects.filter(
        Q(submission__in=Submission.objects.visible_to(user))
        | Q(
            submission__isnull=True,
            job_description__in=JobDescription.objects.visible_to(user),
        )
    )


def _checked_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ReviewRefused("Give your name, so the manager knows who wrote.")
    if len(name) > MAX_NAME_LENGTH:
        raise ReviewRefused(f"Your name can be at most {MAX_NAME_LENGTH} characters.")
    if any(unicodedata.category(ch).startswith("C") for ch in name):
        raise ReviewRefused("Your name cannot contain control characters.")
    return name


def _checked_text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ReviewRefused("Write the comment.")
    if len(text) > MAX_TEXT_LENGTH:
        raise ReviewRefused(f"A comment can be at most {MAX_TEXT_LENGTH:,} characters.")
    return text


@transaction.atomic
def leave_outside_comment(
    *, link: ShareLink, name: str, text: str, section: str = DocumentSection.GENERAL
) -> Comment:
    """The visitor's comment through `link`, under the link's row lock so a link never takes
    more than SHARE_LINK_MAX_COMMENTS. ReviewRefused (nothing saved) for bad input, a link that
    stopped working or one that has taken its comments."""
    name = _checked_name(name)
    body = _checked_text(text)
    if section not in DocumentSection.values:
        raise ReviewRefused("Choose a section to comment on.")
    locked = (
        ShareLink.objects.select_for_update(of=("self",))
        .select_related("job_description", "submission")
        .get(pk=link.pk)
    )
    if not locked.is_active:
        raise ReviewRefused("This link does not work any more.")
    if locked.comments_left >= max_comments():
        raise ReviewRefused("A comment was sent through this link already; it takes no more.")
    comment = Comment.objects.create(
        job_description=locked.job_description,
        submission=locked.submission,
        section=section,
        author=None,
        outside_name=name,
        share_link=locked,
        text=body,
    )
    locked.comments_left += 1
    locked.save(update_fields=["comments_left"])
    link.comments_left = locked.comments_left
    TimelineEvent.objects.create(
        job_description=locked.job_description,
        submission=locked.submission,
        kind=TimelineKind.COMMENTED,
        actor=None,
        actor_name=name,
        text=f"{DocumentSection(section).label}: {body}",
    )
    notify.commented(comment)
    return comment
