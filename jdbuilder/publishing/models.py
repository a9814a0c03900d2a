"""A JD's public posting and the stored feed files. What changes several rows (publish, close,
reopen, follow a new revision) is in `publishing.services`.

A posting shows one issued revision. What the careers page lists, searches and filters on is
copied from that revision's Document when it is published (the revision is frozen, so the copy
never goes stale), and so is what the feeds print for it: a page of the careers list or a feed
of 5,000 postings reads rows of this table and nothing else.
"""

from __future__ import annotations

import functools
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone

from jdbuilder.vocabulary import EmploymentType, PostingState, WorkplaceType

SHORT_ID_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"  # no 0/o, 1/l: read aloud, typed back
SHORT_ID_LENGTH = 8


def new_short_id() -> str:
    return "".join(secrets.choice(SHORT_ID_ALPHABET) for _ in range(SHORT_ID_LENGTH))


class PostingQuerySet(models.QuerySet):
    def open(self) -> PostingQuerySet:
        """What the public may see: published and not closed. The one filter every public
        page, feed, sitemap and search starts from."""
        return self.filter(state=PostingState.OPEN)

    def matching(
        self,
        *,
        text: str = "",
        department: str = "",
        office: str = "",
        workplace_type: str = "",
        employment_type: str = "",
    ) -> PostingQuerySet:
        """Postings whose title, skills or location contain every word of `text` (ignoring
        case), and that have each of the given facets."""
        postings = self
        for word in text.lower().split():
            postings = postings.filter(search_text__contains=word)
        facets = {
            "department": department,
            "office": office,
            "workplace_type": workplace_type,
            "employment_type": employment_type,
        }
        return postings.filter(**{name: value for name, value in facets.items() if value})

    def due_to_close(self, today) -> PostingQuerySet:
        """Open postings whose closing date has ended (a posting is open all of that day)."""
        return self.open().filter(closes_on__lt=today)

    def due_for_reminder(self, today, days: int) -> PostingQuerySet:
        """Open postings closing within `days` days of `today` whose owner and recruiters have
        not been reminded of this closing date yet."""
        return (
            self.open()
            .filter(closes_on__gte=today, closes_on__lte=today + timezone.timedelta(days=days))
            .exclude(reminded_for=models.F("closes_on"))
        )


class Posting(models.Model):
    """A JD on the careers page: at most one per JD, at one address for its whole life."""

    job_description = models.OneToOneField(
        "jdbuilder.JobDescription", on_delete=models.CASCADE, related_name="posting"
    )
    # RESTRICT: a revision that is or was public cannot vanish from under its page on its own,
    # only with its whole JD (and the posting with it).
    revision = models.ForeignKey(
        "jdbuilder.JobDescriptionRevision", on_delete=models.RESTRICT, related_name="postings"
    )
    short_id = models.CharField(max_length=SHORT_ID_LENGTH, unique=True, default=new_short_id)
    slug = models.SlugField(max_length=80)
    state = models.CharField(max_length=12, choices=PostingState, default=PostingState.OPEN)
    # The last day applications are taken; None: open until closed by hand.
    closes_on = models.DateField(null=True, blank=True)
    first_published_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    # Every change that shows on a public page or feed bumps it: lastmod, Last-Modified.
    changed_at = models.DateTimeField(default=timezone.now)
    # The closing date the owner and recruiters were last reminded of.
    reminded_for = models.DateField(null=True, blank=True)
    # An error-level pay-transparency finding was published over, with this reason; kept for
    # the revision it was given for.
    pay_override_reason = models.TextField(max_length=1000, blank=True, default="")
    pay_override_revision = models.ForeignKey(
        "jdbuilder.JobDescriptionRevision",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="+",
    )
    pay_override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    pay_override_at = models.DateTimeField(null=True, blank=True)

    # Copied from the published revision's Document (see the module's docstring).
    title = models.CharField(max_length=150)
    company_name = models.CharField(max_length=120, blank=True, default="")
    department = models.CharField(max_length=100, blank=True, default="")
    office = models.CharField(max_length=100, blank=True, default="")
    location = models.CharField(max_length=200, blank=True, default="")
    locality = models.CharField(max_length=100, blank=True, default="")
    region = models.CharField(max_length=100, blank=True, default="")
    postal_code = models.CharField(max_length=20, blank=True, default="")
    street_address = models.CharField(max_length=200, blank=True, default="")
    country = models.CharField(max_length=2, blank=True, default="")
    workplace_type = models.CharField(max_length=10, choices=WorkplaceType, blank=True)
    employment_type = models.CharField(max_length=20, choices=EmploymentType, blank=True)
    seniority_label = models.CharField(max_length=40, blank=True, default="")
    summary = models.TextField(blank=True, default="")
    skills = models.JSONField(default=list, blank=True)  # skill names, required first
    salary_text = models.CharField(max_length=120, blank=True, default="")
    # Lower-cased title, skills and location: what the careers search reads.
    search_text = models.TextField(blank=True, default="")
    apply_url = models.CharField(max_length=500, blank=True, default="")
    # The stored renditions the feeds and the posting page print (escaped when rendered).
    description_html = models.TextField(blank=True, default="")
    jobposting = models.JSONField(default=dict, blank=True)  # the JSON-LD, while open

    objects = PostingQuerySet.as_manager()

    class Meta:
        ordering = ["-first_published_at", "-pk"]
        permissions = [("publish_posting", "Can publish job postings to the careers page")]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=PostingState.values), name="posting_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True) | ~Q(state=PostingState.OPEN),
                name="open_posting_not_closed",
            ),
            models.CheckConstraint(
                condition=Q(pay_override_reason="") | Q(pay_override_revision__isnull=False),
                name="pay_override_names_revision",
            ),
        ]
        indexes = [
            # The careers list's and the feeds' order, so a page of 20 reads 20 rows, not all.
            models.Index(fields=["state", "-first_published_at", "-id"]),
            # The stamp's MAX(changed_at).
            models.Index(fields=["changed_at"]),
            # The careers page's filter choices: DISTINCT read off the index, not the rows.
            models.Index(
                fields=["state", "department", "office", "workplace_type", "employment_type"],
                name="posting_facets",
            ),
            models.Index(fields=["state", "closes_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_state_display()})"

    def get_absolute_url(self) -> str:
        return posting_path(self.slug, self.short_id)

    @property
    def is_open(self) -> bool:
        return self.state == PostingState.OPEN

    @property
    def is_closed(self) -> bool:
        return self.state == PostingState.CLOSED

    def is_gone(self, now=None) -> bool:
        """A closed posting answers 410 once its grace period has passed."""
        if self.state != PostingState.CLOSED or self.closed_at is None:
            return False
        grace = timezone.timedelta(days=settings.POSTING_GONE_AFTER_DAYS)
        return (now or timezone.now()) >= self.closed_at + grace


def posting_path(slug: str, short_id: str) -> str:
    """The careers:posting route written out: a page of 20 rows, or a feed of 5,000, would
    otherwise reverse it once per posting."""
    return f"{_careers_path(get_script_prefix(), get_urlconf())}{slug}-{short_id}/"


@functools.cache
def _careers_path(script_prefix: str, urlconf: str | None) -> str:
    return reverse("careers:list", urlconf=urlconf)


class FeedFile(models.Model):
    """A feed or sitemap as last built, for the publishing stamp it was built at: served as
    stored while the stamp is current (a 5,000-posting feed is built once per change, not per
    request), rebuilt when a posting changes (publishing.feeds)."""

    name = models.CharField(max_length=30, unique=True)  # e.g. "indeed.xml"
    stamp = models.CharField(max_length=64)
    content = models.BinaryField()
    content_type = models.CharField(max_length=80)
    built_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name
