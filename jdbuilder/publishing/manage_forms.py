"""What the JD page's publishing panel shows and asks (`PublishFacts`, `PublishForm`): the
posting as it stands, the closing date publishing would use, and, for a revision with an
error-level pay-transparency finding, the override's reason. The manage views validate with
the same form the panel renders, so the page and the POST never disagree on what is asked.
"""

from __future__ import annotations

import dataclasses
import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone

from jdbuilder.checks.findings import Finding
from jdbuilder.document import Document
from jdbuilder.documents.build import build_document
from jdbuilder.mail import absolute_url
from jdbuilder.models import JobDescription, JobDescriptionRevision
from jdbuilder.publishing import services
from jdbuilder.publishing.models import Posting
from jdbuilder.vocabulary import PostingState
from jdbuilder.wizard.fields import check_closing_date

REASON_MAX_LENGTH = 1000
EXPIRED = "This posting's closing date has passed: choose a new one."
NO_REASON = "Give the reason for publishing without a compliant pay range."
NOT_UNDERSTOOD = (
    "Tick the box to confirm you understand this posting may break pay-transparency law."
)


@dataclasses.dataclass(frozen=True)
class PublishFacts:
    """A JD's posting (or None) and its latest issued revision, as the panel and the views
    read them: a fixed number of queries, whatever the JD's history."""

    job_description: JobDescription
    posting: Posting | None
    revision: JobDescriptionRevision  # the latest issued one: what publishing publishes
    document: Document
    pay_errors: list[Finding]
    today: datetime.date

    @property
    def default_closes_on(self) -> datetime.date | None:
        """The closing date publishing uses when none is given."""
        return services.closing_date(self.document, self.posting)

    @property
    def expired(self) -> bool:
        """The old closing date has passed: publishing needs a new one. The posting's own
        date counts first: reopening an expired posting asks for a new date rather than
        falling back on the revision's (later, or none)."""
        posting = self.posting
        if posting is not None and posting.closes_on and posting.closes_on < self.today:
            return True
        default = self.default_closes_on
        return default is not None and default < self.today

    @property
    def needs_override(self) -> bool:
        """An error-level pay finding and no override recorded for this revision yet."""
        if not self.pay_errors:
            return False
        posting = self.posting
        return posting is None or posting.pay_override_revision_id != self.revision.pk

    @property
    def kept_back(self) -> bool:
        """A newer issued revision was kept off the open posting (the pay gate)."""
        posting = self.posting
        return posting is not None and posting.is_open and posting.revision_id != self.revision.pk

    @property
    def publish_label(self) -> str:
        """The publish button's words: publish, reopen, publish a kept-back revision, or (the
        latest revision open already) move the closing date."""
        posting = self.posting
        if posting is None:
            return "Publish"
        if posting.state != PostingState.OPEN:
            return "Reopen"
        if self.kept_back:
            return f"Publish revision {self.revision.number}"
        return "Change the closing date"

    @property
    def public_url(self) -> str:
        """The posting's address while its page answers (open or closed), else ""."""
        posting = self.posting
        if posting is None or posting.state == PostingState.UNPUBLISHED:
            return ""
        return posting.get_absolute_url()

    @property
    def public_link_text(self) -> str:
        return absolute_url(self.public_url) if self.public_url else ""

    @property
    def state_line(self) -> str:
        posting = self.posting
        if posting is None:
            return "Not published"
        if posting.state == PostingState.OPEN:
            if posting.closes_on is None:
                return "Open, with no closing date"
            return f"Open until {posting.closes_on.day} {posting.closes_on:%B %Y}"
        if posting.state == PostingState.CLOSED:
            closed = timezone.localdate(posting.closed_at)
            return f"Closed on {closed.day} {closed:%B %Y}"
        return "Unpublished"


def publish_facts(
    job_description: JobDescription,
    *,
    revision: JobDescriptionRevision | None = None,
    document: Document | None = None,
) -> PublishFacts:
    """The facts for an issued JD; `revision` and `document`, when the caller has the latest
    revision built already (the JD page), are reused."""
    if job_description.latest_revision_id is None:
        raise ValueError("Only an issued job description has a publishing panel.")
    if revision is None or revision.pk != job_description.latest_revision_id:
        revision = JobDescriptionRevision.objects.get(pk=job_description.latest_revision_id)
        document = None
    if document is None:
        document = build_document(revision)
    # The public revision's number only, not its snapshot; nor the stored renditions.
    posting = (
        Posting.objects.filter(job_description_id=job_description.pk)
        .annotate(revision_number=F("revision__number"))
        .defer("description_html", "jobposting", "search_text")
        .first()
    )
    return PublishFacts(
        job_description=job_description,
        posting=posting,
        revision=revision,
        document=document,
        pay_errors=services.pay_errors(document),
        today=timezone.localdate(),
    )


class PublishForm(forms.Form):
    """Publish, publish a newer revision, or reopen: the closing date (required when the old
    one has passed), and the pay override only when the revision needs one."""

    closes_on = forms.DateField(
        label="Closing date",
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
        help_text="The last day applications are taken; the posting closes by itself after it.",
    )
    override_reason = forms.CharField(
        label="Reason for publishing without a compliant pay range",
        max_length=REASON_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 3, "maxlength": REASON_MAX_LENGTH, "class": "form-control"}
        ),
    )
    override_understood = forms.BooleanField(
        label="I understand this posting may break pay-transparency law",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args, facts: PublishFacts, **kwargs) -> None:
        kwargs.setdefault("auto_id", "publish-%s")  # unique among the JD page's forms
        super().__init__(*args, **kwargs)
        self.facts = facts
        field = self.fields["closes_on"]
        if facts.expired:
            field.required = True
            field.widget.attrs["required"] = True
            field.help_text = EXPIRED
        else:
            self.initial.setdefault("closes_on", facts.default_closes_on)
        if facts.needs_override:
            self.fields["override_reason"].widget.attrs["required"] = True
            self.fields["override_understood"].widget.attrs["required"] = True
        else:
            del self.fields["override_reason"]
            del self.fields["override_understood"]

    def clean_closes_on(self) -> datetime.date | None:
        date = self.cleaned_data.get("closes_on")
        if date is None:
            if self.facts.expired:
                raise ValidationError(EXPIRED, code="expired")
            return None  # the service keeps the posting's or the revision's date
        if not self.facts.expired and date == self.facts.default_closes_on:
            return date  # the date it has (it may be today: a posting is open all that day)
        return check_closing_date(date)

    def clean_override_reason(self) -> str:
        reason = " ".join(self.cleaned_data.get("override_reason", "").split())
        if not reason:
            raise ValidationError(NO_REASON, code="no_reason")
        return reason

    def clean_override_understood(self) -> bool:
        if not self.cleaned_data.get("override_understood"):
            raise ValidationError(NOT_UNDERSTOOD, code="not_understood")
        return True

    @property
    def reason(self) -> str:
        """The override's reason to record ("" when the revision needs none)."""
        return self.cleaned_data.get("override_reason", "") if self.facts.needs_override else ""
