"""Review and approval: the flows staff keep, the submissions managers make, and what people say
and decide about them. Multi-row changes (submit, decide, comment) are in `approvals.services`.

A submission freezes the JD's snapshot when it is made; the revision an approval issues carries
that very snapshot, so what approvers read is what gets issued.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from jdbuilder.vocabulary import (
    DocumentSection,
    StageCondition,
    SubmissionState,
    TimelineKind,
)


class ApprovalFlowQuerySet(models.QuerySet):
    def for_department(self, department_id: int | None) -> ApprovalFlow | None:
        """The flow a JD of `department_id` goes through: its department's, else the default;
        None when neither exists (no approval: the JD is issued when the manager finalizes)."""
        flows = list(
            self.filter(Q(department_id=department_id) | Q(is_default=True))
            .select_related("department")
            .prefetch_related("stages__approvers", "stages__approver_group")
        )
        own = [flow for flow in flows if department_id and flow.department_id == department_id]
        if own:
            return own[0]
        return next((flow for flow in flows if flow.is_default), None)


class ApprovalFlow(models.Model):
    """Ordered stages a submission passes; a flow without stages means "no approval"."""

    name = models.CharField(max_length=120, unique=True)
    is_default = models.BooleanField(
        default=False, help_text="Used for every JD whose department has no flow of its own."
    )
    department = models.OneToOneField(
        "jdbuilder.Department",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="approval_flow",
        help_text="Leave empty for the default flow.",
    )
    history = HistoricalRecords()

    objects = ApprovalFlowQuerySet.as_manager()

    class Meta:
        ordering = ["-is_default", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="one_default_flow"
            ),
            models.CheckConstraint(
                condition=~(Q(is_default=True) & Q(department__isnull=False)),
                name="default_flow_has_no_department",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ApprovalStage(models.Model):
    """One step of a flow, approved by any one of its approvers: named people or a group."""

    flow = models.ForeignKey(ApprovalFlow, on_delete=models.CASCADE, related_name="stages")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=80)
    approver_group = models.ForeignKey(
        Group, on_delete=models.PROTECT, null=True, blank=True, related_name="approval_stages"
    )
    approvers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="approval_stages"
    )
    condition = models.CharField(
        max_length=20, choices=StageCondition, default=StageCondition.ALWAYS
    )
    condition_amount = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="For “the salary maximum is above a figure”: the figure.",
    )
    condition_currency = models.CharField(
        max_length=3, blank=True, default="", help_text="The figure's currency (ISO 4217)."
    )
    history = HistoricalRecords(m2m_fields=[approvers])

    class Meta:
        ordering = ["flow", "position"]
        constraints = [
            models.UniqueConstraint(fields=["flow", "position"], name="one_stage_per_position"),
            models.CheckConstraint(
                condition=Q(condition__in=StageCondition.values), name="stage_condition_valid"
            ),
            models.CheckConstraint(
                condition=~Q(condition=StageCondition.SALARY_MAX_ABOVE)
                | (
                    Q(condition_amount__isnull=False, condition_amount__gte=0)
                    & ~Q(condition_currency="")
                ),
                name="salary_condition_has_figure",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.flow}: {self.position}. {self.name}"


class SubmissionQuerySet(models.QuerySet):
    def in_review(self) -> SubmissionQuerySet:
        return self.filter(state=SubmissionState.IN_REVIEW)

    def visible_to(self, user) -> SubmissionQuerySet:
        """What a user may open: their own JDs' submissions, those they approve a stage of
        (now or before), and all of them for staff."""
        if not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self
        approving = SubmissionStage.objects.approvable_by(user).values("submission_id")
        return self.filter(Q(job_description__owner=user) | Q(pk__in=approving))

    def waiting_for(self, user) -> SubmissionQuerySet:
        """In review, at a stage `user` approves, and not their own: their queue."""
        if not user.is_authenticated:
            return self.none()
        current = SubmissionStage.objects.approvable_by(user).current().values("submission_id")
        return self.in_review().filter(pk__in=current).exclude(job_description__owner=user)


class Submission(models.Model):
    """One request to approve a JD's next revision, with the snapshot frozen when it was made."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    job_description = models.ForeignKey(
        "jdbuilder.JobDescription", on_delete=models.CASCADE, related_name="submissions"
    )
    # The revision number it would be issued as.
    number = models.PositiveIntegerField()
    snapshot = models.JSONField()
    quality = models.JSONField(default=dict, blank=True)
    flow = models.ForeignKey(
        ApprovalFlow, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    flow_name = models.CharField(max_length=120, blank=True, default="")
    state = models.CharField(
        max_length=12, choices=SubmissionState, default=SubmissionState.IN_REVIEW
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_comment = models.TextField(blank=True, default="")
    # Set when the last stage approves. RESTRICT: the revision goes only with its whole JD.
    revision = models.OneToOneField(
        "jdbuilder.JobDescriptionRevision",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="submission",
    )

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["job_description"],
                condition=Q(state=SubmissionState.IN_REVIEW),
                name="one_submission_in_review_per_jd",
            ),
            models.CheckConstraint(
                condition=Q(state__in=SubmissionState.values), name="submission_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(state=SubmissionState.IN_REVIEW)
                | Q(decided_at__isnull=False, decided_by__isnull=False),
                name="decided_submission_says_who_and_when",
            ),
            models.CheckConstraint(
                condition=Q(state=SubmissionState.APPROVED, revision__isnull=False)
                | (~Q(state=SubmissionState.APPROVED) & Q(revision__isnull=True)),
                name="approved_submission_has_its_revision",
            ),
        ]
        indexes = [models.Index(fields=["state", "submitted_at"])]

    def __str__(self) -> str:
        return f"{self.job_description} (submitted for revision {self.number})"

    def get_absolute_url(self) -> str:
        return reverse("approvals:submission", kwargs={"public_id": self.public_id})

    @property
    def is_in_review(self) -> bool:
        return self.state == SubmissionState.IN_REVIEW


class SubmissionStageQuerySet(models.QuerySet):
    def approvable_by(self, user) -> SubmissionStageQuerySet:
        """Stages whose approvers include `user`, by name or by group."""
        return self.filter(
            Q(stage__approvers=user) | Q(stage__approver_group__in=user.groups.all())
        ).distinct()

    def current(self) -> SubmissionStageQuerySet:
        """The first stage still waiting of each submission in review."""
        earlier_waiting = SubmissionStage.objects.filter(
            submission=models.OuterRef("submission"),
            position__lt=models.OuterRef("position"),
            approved_at__isnull=True,
        )
        return self.filter(
            approved_at__isnull=True, submission__state=SubmissionState.IN_REVIEW
        ).exclude(models.Exists(earlier_waiting))


class SubmissionStage(models.Model):
    """A stage as it applies to one submission: chosen (and explained) when it was submitted."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="stages")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=80)
    # Who approves is read from the flow's stage as it is now, so staff can add an approver
    # to a waiting stage. SET_NULL: a deleted stage leaves only staff to approve on its behalf.
    stage = models.ForeignKey(
        ApprovalStage, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(max_length=300, blank=True, default="")
    started_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    on_behalf = models.BooleanField(default=False)
    comment = models.TextField(blank=True, default="")
    reminded_at = models.DateTimeField(null=True, blank=True)

    objects = SubmissionStageQuerySet.as_manager()

    class Meta:
        ordering = ["submission", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "position"], name="one_submission_stage_per_position"
            ),
            models.CheckConstraint(
                condition=Q(approved_at__isnull=True, approved_by__isnull=True)
                | Q(approved_at__isnull=False, approved_by__isnull=False),
                name="approved_stage_says_who_and_when",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.name}"

    @property
    def is_approved(self) -> bool:
        return self.approved_at is not None

    def approver_users(self) -> models.QuerySet:
        """Everyone who may approve this stage now (active accounts only)."""
        from django.contrib.auth import get_user_model

        User = get_user_model()
        if self.stage_id is None:
            return User.objects.none()
        return User.objects.filter(
            Q(approval_stages=self.stage_id) | Q(groups__approval_stages=self.stage_id),
            is_active=True,
        ).distinct()


class CommentQuerySet(models.QuerySet):
    def threads(self) -> CommentQuerySet:
        """Top-level comments with their replies and authors loaded."""
        return (
            self.filter(parent__isnull=True)
            .select_related("author", "resolved_by", "submission")
            .prefetch_related(
                models.Prefetch(
                    "replies", queryset=Comment.objects.select_related("author").order_by("pk")
                )
            )
            .order_by("pk")
        )

    def open(self) -> CommentQuerySet:
        return self.filter(parent__isnull=True, resolved_at__isnull=True)


class Comment(models.Model):
    """A remark on a section of a submitted (or issued) JD, by a user or an outside reviewer;
    replies hang on a top-level comment, which its JD's manager resolves."""

    job_description = models.ForeignKey(
        "jdbuilder.JobDescription", on_delete=models.CASCADE, related_name="comments"
    )
    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, null=True, blank=True, related_name="comments"
    )
    section = models.CharField(
        max_length=20, choices=DocumentSection, default=DocumentSection.GENERAL
    )
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # An outside reviewer's own name, given on a share link's page (no account).
    outside_name = models.CharField(max_length=80, blank=True, default="")
    share_link = models.ForeignKey(
        "ShareLink", on_delete=models.SET_NULL, null=True, blank=True, related_name="comments"
    )
    text = models.TextField(max_length=4000)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(section__in=DocumentSection.values), name="comment_section_valid"
            ),
            models.CheckConstraint(
                condition=(Q(author__isnull=False) & Q(outside_name=""))
                | (Q(author__isnull=True) & ~Q(outside_name="")),
                name="comment_by_a_user_or_a_named_outsider",
            ),
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True, resolved_by__isnull=True)
                | Q(resolved_at__isnull=False, resolved_by__isnull=False, parent__isnull=True),
                name="only_threads_are_resolved_by_someone",
            ),
        ]
        indexes = [models.Index(fields=["job_description", "resolved_at"])]

    def __str__(self) -> str:
        return f"{self.author_name} on {self.get_section_display()}"

    @property
    def author_name(self) -> str:
        if self.author_id is None:
            return f"{self.outside_name} (outside reviewer)"
        return self.author.get_full_name() or self.author.get_username()

    @property
    def is_resolved(self) -> bool:
        return self.resolved_at is not None


class TimelineEvent(models.Model):
    """Something that happened to a JD, with who and when: its timeline."""

    job_description = models.ForeignKey(
        "jdbuilder.JobDescription", on_delete=models.CASCADE, related_name="timeline"
    )
    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    kind = models.CharField(max_length=20, choices=TimelineKind)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_name = models.CharField(max_length=80, blank=True, default="")
    on_behalf = models.BooleanField(default=False)
    stage_name = models.CharField(max_length=80, blank=True, default="")
    text = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["job_description", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=TimelineKind.values), name="timeline_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.created_at:%Y-%m-%d %H:%M})"

    @property
    def who(self) -> str:
        if self.actor_id is None:
            return f"{self.actor_name} (outside reviewer)" if self.actor_name else "JD Builder"
        return self.actor.get_full_name() or self.actor.get_username()


class ShareLinkQuerySet(models.QuerySet):
    def active(self) -> ShareLinkQuerySet:
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class ShareLink(models.Model):
    """A read-only link for someone without an account to one submission or revision.

    Only the SHA-256 of the link's secret is kept: the database alone cannot rebuild a link.
    """

    job_description = models.ForeignKey(
        "jdbuilder.JobDescription", on_delete=models.CASCADE, related_name="share_links"
    )
    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, null=True, blank=True, related_name="share_links"
    )
    revision = models.ForeignKey(
        "jdbuilder.JobDescriptionRevision",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="share_links",
    )
    secret_sha256 = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    comments_left = models.PositiveSmallIntegerField(default=0)

    objects = ShareLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(submission__isnull=False, revision__isnull=True)
                | Q(submission__isnull=True, revision__isnull=False),
                name="share_link_to_a_submission_xor_a_revision",
            ),
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")),
                name="share_link_expires_after_it_is_made",
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True, revoked_by__isnull=True)
                | Q(revoked_at__isnull=False, revoked_by__isnull=False),
                name="revoked_link_says_who_and_when",
            ),
        ]

    def __str__(self) -> str:
        return f"Share link to {self.job_description} (until {self.expires_at:%Y-%m-%d})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class NotificationSettings(models.Model):
    """What e-mail a person wants from reviews; a person without a row gets everything."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_settings"
    )
    submissions_to_approve = models.BooleanField(
        default=True, help_text="A JD is waiting for a stage I approve."
    )
    decisions_on_mine = models.BooleanField(
        default=True, help_text="My JD was approved, returned or rejected at a stage."
    )
    comments_on_mine = models.BooleanField(
        default=True, help_text="Someone commented on my JD, or replied to my comment."
    )
    reminders = models.BooleanField(
        default=True, help_text="A JD has waited for me for more than a few working days."
    )

    class Meta:
        verbose_name_plural = "notification settings"

    def __str__(self) -> str:
        return f"Notification settings of {self.user}"
