"""The life of a posting: publish, follow a newer revision, unpublish, close, reopen, close at
the closing date, remind before it. Each is one transaction holding row locks, always the JD's
first and then its posting's (the order `services.issue_revision` takes them in), and each
writes the JD's timeline.
"""

from __future__ import annotations

import datetime

from celery import current_app
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

import jdbuilder.publishing.feed_files as feed_files
import jdbuilder.publishing.notify as notify
from jdbuilder.approvals.models import TimelineEvent
from jdbuilder.checks import pay
from jdbuilder.checks.findings import Finding, Severity
from jdbuilder.document import Document, Publication
from jdbuilder.documents.apply import apply_target
from jdbuilder.documents.build import build_document
from jdbuilder.documents.jsonld import description_html, job_posting
from jdbuilder.mail import absolute_url
from jdbuilder.models import VIEW_FINAL_PERMISSION, JobDescription, JobDescriptionRevision
from jdbuilder.publishing.models import Posting
from jdbuilder.publishing.stamp import postings_changed
from jdbuilder.vocabulary import PostingState, TimelineKind

PUBLISH_PERMISSION = "jdbuilder.publish_posting"
PERMISSIONS_BACKEND = "django.contrib.auth.backends.ModelBackend"
SLUG_LENGTH = 60


class PublishRefused(Exception):
    """The action cannot be done to this posting as it stands; the message says why."""


class PayOverrideNeeded(PublishRefused):
    """The revision has error-level pay-transparency findings: publishing needs a reason."""

    def __init__(self, findings: list[Finding]) -> None:
        self.findings = findings
        super().__init__(
            "This revision has a pay-transparency error. Publish it only with a reason, which "
            "is recorded: " + " ".join(finding.message for finding in findings)
        )


class NotAllowed(Exception):
    """The user may not publish this JD (a 403)."""


def can_publish(user, job_description: JobDescription) -> bool:
    """Recruiters publish any issued JD, managers their own; both need the permission."""
    if not user.is_authenticated or not user.has_perm(PUBLISH_PERMISSION):
        return False
    if job_description.latest_revision_id is None:
        return False
    return job_description.owner_id == user.pk or user.has_perm(VIEW_FINAL_PERMISSION)


def pay_errors(document: Document) -> list[Finding]:
    return [finding for finding in pay.check(document) if finding.severity == Severity.ERROR]


def publish(
    *,
    job_description: JobDescription,
    user,
    closes_on: datetime.date | None = None,
    override_reason: str = "",
) -> Posting:
    """Put the JD's latest issued revision on the careers page, or back on it (reopening a
    closed or unpublished posting, at the same address). `closes_on` replaces the revision's
    closing date; one that has passed is refused, so reopening an expired posting needs a new
    one. On a posting already open with that revision, a new `closes_on` moves its closing
    date."""
    with transaction.atomic():
        locked, posting = _lock(job_description.pk)
        if not can_publish(user, locked):
            raise NotAllowed
        revision = JobDescriptionRevision.objects.get(pk=locked.latest_revision_id)
        if posting is not None and posting.is_open and posting.revision_id == revision.pk:
            return _move_closing_date(locked, posting, closes_on=closes_on, user=user)
        document = build_document(revision)
        closes = closes_on or closing_date(document, posting)
        if closes is not None and closes < timezone.localdate():
            raise PublishRefused(
                f"The closing date, {_day(closes)}, has passed: give a new closing date."
            )
        override = _gate(document, revision=revision, posting=posting, reason=override_reason)
        now = timezone.now()
        reopening = posting is not None
        if posting is None:
            posting = Posting(job_description=locked, first_published_at=now)
        if posting.closes_on != closes:
            posting.reminded_for = None
        posting.closes_on = closes
        posting.state = PostingState.OPEN
        posting.closed_at = None
        posting.published_by = user
        if override:
            posting.pay_override_reason = override
            posting.pay_override_revision = revision
            posting.pay_override_by = user
            posting.pay_override_at = now
        _show(posting, revision=revision, document=document, now=now)
        posting.save()
        text = f"Revision {revision.number} at {posting.get_absolute_url()}" + (
            f", open until the end of {_day(closes)}." if closes else ", with no closing date."
        )
        if override:
            text += f" Published over a pay-transparency error; reason: {override}"
        _event(locked, TimelineKind.REOPENED if reopening else TimelineKind.PUBLISHED, user, text)
        _postings_changed()
        return posting


def follow_new_revision(*, locked: JobDescription, revision: JobDescriptionRevision) -> None:
    """A newly issued revision replaces the published one at the same address, unless it has a
    pay-transparency error (then the page keeps the older one until someone publishes the new
    one with a reason). A closed or unpublished posting keeps what it showed: reopening
    publishes the latest revision. Call it holding the JD's row lock."""
    if revision.number == 1:
        return  # nothing was issued before, so nothing can be published: no query
    posting = Posting.objects.select_for_update().filter(job_description=locked).first()
    if posting is None or not posting.is_open:
        return
    document = build_document(revision)
    if pay_errors(document):
        _event(
            locked,
            TimelineKind.KEPT_PUBLISHED,
            None,
            f"Revision {revision.number} has a pay-transparency error, so the careers page "
            f"still shows revision {posting.revision.number}. Publish it with a reason to "
            "replace it.",
        )
        return
    previous = posting.revision.number
    old_document = build_document(posting.revision)
    # The new revision's closing date wins only when it changed it (and has not passed): a
    # date chosen when the posting was reopened stays otherwise.
    new_date = document.closing_date
    if new_date and new_date != old_document.closing_date and new_date >= timezone.localdate():
        posting.closes_on = new_date
        posting.reminded_for = None
    _show(posting, revision=revision, document=document, now=timezone.now())
    posting.save()
    _event(
        locked,
        TimelineKind.REPUBLISHED,
        None,
        f"Revision {revision.number} replaced revision {previous} at {posting.get_absolute_url()}.",
    )
    _postings_changed()


def unpublish(*, job_description: JobDescription, user) -> Posting:
    """Take the posting down: its page and feeds entries go at once (404)."""
    with transaction.atomic():
        locked, posting = _lock(job_description.pk)
        if not can_publish(user, locked):
            raise NotAllowed
        if posting is None or posting.state == PostingState.UNPUBLISHED:
            raise PublishRefused("This job description is not published.")
        posting.state = PostingState.UNPUBLISHED
        posting.closed_at = posting.closed_at or timezone.now()
        posting.changed_at = timezone.now()
        posting.save(update_fields=["state", "closed_at", "changed_at"])
        _event(locked, TimelineKind.UNPUBLISHED, user, "Taken off the careers page.")
        _postings_changed()
        return posting


def close(*, job_description: JobDescription, user) -> Posting:
    """Close the posting early: its page says it is closed and leaves the feeds."""
    with transaction.atomic():
        locked, posting = _lock(job_description.pk)
        if not can_publish(user, locked):
            raise NotAllowed
        if posting is None or not posting.is_open:
            raise PublishRefused("Only an open posting can be closed.")
        _close(posting)
        _event(locked, TimelineKind.CLOSED, user, "Closed before its closing date.")
        _postings_changed()
        return posting


def close_due(*, today: datetime.date | None = None) -> int:
    """Close every open posting whose closing date has ended; the number closed. Run by beat
    (`publishing.close_and_remind`); each posting in its own transaction."""
    today = today or timezone.localdate()
    closed = 0
    for jd_id in Posting.objects.due_to_close(today).values_list("job_description_id", flat=True):
        with transaction.atomic():
            locked, posting = _lock(jd_id)
            if not (
                posting and posting.is_open and posting.closes_on and posting.closes_on < today
            ):
                continue
            _close(posting)
            _event(
                locked,
                TimelineKind.CLOSED,
                None,
                f"Closed by itself at the end of its closing date, {_day(posting.closes_on)}.",
            )
            _postings_changed()
            closed += 1
    return closed


def remind_closing(*, today: datetime.date | None = None) -> int:
    """E-mail each open posting's manager and the recruiters POSTING_CLOSING_REMINDER_DAYS
    days before its closing date (once per closing date); the number of postings reminded."""
    today = today or timezone.localdate()
    days = settings.POSTING_CLOSING_REMINDER_DAYS
    reminded = 0
    due = Posting.objects.due_for_reminder(today, days)
    for jd_id in due.values_list("job_description_id", flat=True):
        with transaction.atomic():
            locked, posting = _lock(jd_id)
            if not (posting and posting.is_open) or posting.reminded_for == posting.closes_on:
                continue
            people = reminder_recipients(locked)
            notify.closing_soon(posting=posting, recipients=people)
            posting.reminded_for = posting.closes_on
            posting.save(update_fields=["reminded_for"])
            names = ", ".join(notify.display_name(person) for person in people) or "nobody"
            _event(
                locked,
                TimelineKind.CLOSING_REMINDED,
                None,
                f"Reminded {names} that the posting closes at the end of "
                f"{_day(posting.closes_on)}.",
            )
            reminded += 1
    return reminded


def reminder_recipients(job_description: JobDescription) -> list:
    """The JD's manager and every active recruiter (who may read issued JDs and publish)."""
    users = get_user_model().objects
    # Named: django-axes' backend comes first and holds no permissions.
    recruiters = users.with_perm(
        VIEW_FINAL_PERMISSION, include_superusers=False, backend=PERMISSIONS_BACKEND
    )
    return list(
        users.filter(is_active=True)
        .filter(Q(pk=job_description.owner_id) | Q(pk__in=recruiters.values("pk")))
        .order_by("pk")
    )


# --- helpers --------------------------------------------------------------------------------


def _lock(job_description_id: int) -> tuple[JobDescription, Posting | None]:
    """The JD's row lock, then its posting's (or None): the order every service takes."""
    locked = JobDescription.objects.select_for_update().get(pk=job_description_id)
    posting = Posting.objects.select_for_update().filter(job_description=locked).first()
    return locked, posting


def closing_date(document: Document, posting: Posting | None) -> datetime.date | None:
    """The posting's own closing date (set when it was published or reopened) while it has not
    passed, or when the posting has closed: reopening an expired posting then asks for a new
    date instead of falling back on the revision's. Otherwise the revision's."""
    own = posting.closes_on if posting is not None else None
    if own and (own >= timezone.localdate() or not posting.is_open):
        return own
    return document.closing_date


def _move_closing_date(
    locked: JobDescription, posting: Posting, *, closes_on: datetime.date | None, user
) -> Posting:
    if closes_on is None or closes_on == posting.closes_on:
        raise PublishRefused("This revision is already published.")
    if closes_on < timezone.localdate():
        raise PublishRefused(f"The closing date, {_day(closes_on)}, has passed.")
    before = posting.closes_on
    posting.closes_on = closes_on
    posting.reminded_for = None
    posting.changed_at = timezone.now()
    posting.jobposting = job_posting(
        build_document(posting.revision), publication=publication_of(posting)
    )
    posting.save(update_fields=["closes_on", "reminded_for", "changed_at", "jobposting"])
    was = f"from the end of {_day(before)} " if before else ""
    _event(
        locked,
        TimelineKind.CLOSING_CHANGED,
        user,
        f"Moved the closing date {was}to the end of {_day(closes_on)}.",
    )
    _postings_changed()
    return posting


def _day(date: datetime.date) -> str:
    return f"{date.day} {date:%B %Y}"


def _gate(
    document: Document, *, revision: JobDescriptionRevision, posting: Posting | None, reason: str
) -> str:
    """The override reason to record, "" when none is needed; PayOverrideNeeded when the
    revision has a pay-transparency error and no reason was given for it."""
    errors = pay_errors(document)
    if not errors:
        return ""
    if posting is not None and posting.pay_override_revision_id == revision.pk:
        return ""  # given when this revision was first published
    reason = " ".join(reason.split())
    if not reason:
        raise PayOverrideNeeded(errors)
    return reason[:1000]


def _close(posting: Posting) -> None:
    now = timezone.now()
    posting.state = PostingState.CLOSED
    posting.closed_at = now
    posting.changed_at = now
    posting.jobposting = {}
    posting.save(update_fields=["state", "closed_at", "changed_at", "jobposting"])


def _show(
    posting: Posting,
    *,
    revision: JobDescriptionRevision,
    document: Document,
    now: datetime.datetime,
) -> None:
    """Copy what the public pages and feeds show of `revision` onto the posting (not saved)."""
    posting.revision = revision
    posting.slug = slugify(document.title)[:SLUG_LENGTH].strip("-") or "job"
    posting.published_at = now
    posting.changed_at = now
    office = document.office
    address = office.address if office and not office.remote_only else None
    posting.title = document.title
    posting.company_name = document.company_name
    posting.department = document.department
    posting.office = office.name if office else ""
    posting.location = document.location
    posting.locality = address.locality if address else ""
    posting.region = address.region if address else ""
    posting.postal_code = address.postal_code if address else ""
    posting.street_address = address.street_address if address else ""
    posting.country = address.country if address else ""
    posting.workplace_type = document.workplace_type
    posting.employment_type = document.employment_type
    posting.seniority_label = document.seniority_label
    posting.summary = document.summary
    posting.skills = [skill.name for skill in document.skills]
    posting.salary_text = document.compensation.text if document.compensation else ""
    posting.search_text = " ".join(
        [document.title, *posting.skills, document.location, posting.office, document.department]
    ).lower()
    posting.apply_url = apply_target(document.how_to_apply)
    posting.description_html = description_html(document)
    posting.jobposting = job_posting(document, publication=publication_of(posting))


def publication_of(posting: Posting) -> Publication:
    """What the careers page adds to the posting's Document (its address, dates, apply link)."""
    site = settings.SITE_URL.rstrip("/")
    return Publication(
        url=absolute_url(posting.get_absolute_url()),
        identifier=posting.short_id,
        date_posted=timezone.localdate(posting.first_published_at),
        valid_through=posting.closes_on,
        apply_url=posting.apply_url,
        direct_apply=bool(posting.apply_url) and posting.apply_url.startswith(f"{site}/"),
    )


def _postings_changed() -> None:
    """What every posting write does before it commits: the publishing stamp goes on commit,
    and the stored feeds are rebuilt after it (by a worker; in-process without a broker)."""
    postings_changed()
    transaction.on_commit(_rebuild_feeds)


def _rebuild_feeds() -> None:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        feed_files.rebuild_stored()
    else:
        # By name: the task module sits above the services, which cannot import it.
        current_app.send_task("publishing.rebuild_feeds")


def _event(job_description: JobDescription, kind: str, user, text: str) -> None:
    TimelineEvent.objects.create(job_description=job_description, kind=kind, actor=user, text=text)
