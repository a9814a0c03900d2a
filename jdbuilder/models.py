"""Job descriptions and their finalized revisions."""

from __future__ import annotations

import hashlib
import uuid

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from roles.models import Role


class Seniority(models.TextChoices):
    JUNIOR = "junior", "Junior"
    MID = "mid", "Mid-level"
    SENIOR = "senior", "Senior"
    STAFF = "staff", "Staff"
    PRINCIPAL = "principal", "Principal"

    @property
    def level_shift(self) -> int:
        """How many steps the catalog's default levels (set for mid-level) move."""
        return {"junior": -1, "mid": 0, "senior": 1, "staff": 1, "principal": 2}[self.value]


class WorkplaceType(models.TextChoices):
    ONSITE = "onsite", "On-site"
    HYBRID = "hybrid", "Hybrid"
    REMOTE = "remote", "Remote"


class EmploymentType(models.TextChoices):
    """schema.org JobPosting employmentType values."""

    FULL_TIME = "FULL_TIME", "Full-time"
    PART_TIME = "PART_TIME", "Part-time"
    CONTRACTOR = "CONTRACTOR", "Contractor"
    TEMPORARY = "TEMPORARY", "Temporary"
    INTERN = "INTERN", "Internship"


class SalaryPeriod(models.TextChoices):
    """schema.org QuantitativeValue unitText values."""

    YEAR = "YEAR", "per year"
    MONTH = "MONTH", "per month"
    WEEK = "WEEK", "per week"
    DAY = "DAY", "per day"
    HOUR = "HOUR", "per hour"


class WizardStep(models.TextChoices):
    ROLE = "role", "Role"
    RESPONSIBILITIES = "responsibilities", "Responsibilities"
    SKILLS = "skills", "Skills and proficiency"
    TOOLS = "tools", "Tools"
    POSTING = "posting", "Posting details"
    REVIEW = "review", "Review and finalize"


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    FINAL = "final", "Final"


class JobDescriptionQuerySet(models.QuerySet):
    def visible_to(self, user) -> JobDescriptionQuerySet:
        """What a user may open: their own, every final one for recruiters, all for staff."""
        if not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self
        condition = Q(owner=user)
        if user.has_perm("jdbuilder.view_final_jobdescription"):
            # Issued at least once: a JD reopened for its next revision stays readable.
            condition |= Q(
                Exists(JobDescriptionRevision.objects.filter(job_description=OuterRef("pk")))
            )
        return self.filter(condition)

    def issued(self) -> JobDescriptionQuerySet:
        return self.filter(
            Exists(JobDescriptionRevision.objects.filter(job_description=OuterRef("pk")))
        )

    def editable_by(self, user) -> JobDescriptionQuerySet:
        """Only owners change a JD (staff included: they read, they do not edit others')."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(owner=user)


class JobDescription(models.Model):
    """A job description while it is built, and the pointer to its finalized revisions.

    `choices` holds the cleaned choices of each wizard step, by step name; `wizard_state` holds
    what the wizard needs to show a step again (the data as posted and the current step).
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="job_descriptions"
    )
    # PROTECT: documents are kept for years; a role in use cannot vanish from under them.
    role = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="job_descriptions")
    title = models.CharField(max_length=150)
    seniority = models.CharField(max_length=20, choices=Seniority, default=Seniority.MID)
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    revision = models.PositiveIntegerField(
        default=1, help_text="The revision being drafted, or the latest one finalized."
    )
    choices = models.JSONField(default=dict, blank=True)
    wizard_state = models.JSONField(default=dict, blank=True)
    current_step = models.CharField(
        max_length=40, choices=WizardStep, default=WizardStep.ROLE, blank=True
    )
    # The quality checks' summary of the draft as it stands (score, errors, warnings), kept so
    # lists show it without re-running the checks per row.
    quality = models.JSONField(default=dict, blank=True)
    # Bumped on every save of a step, so a stale tab's save is refused instead of winning.
    lock_version = models.PositiveIntegerField(default=0)
    duplicated_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="duplicates"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = JobDescriptionQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]
        permissions = [("view_final_jobdescription", "Can view every final job description")]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=Status.values), name="jd_status_valid"),
            models.CheckConstraint(
                condition=Q(seniority__in=Seniority.values), name="jd_seniority_valid"
            ),
            models.CheckConstraint(condition=Q(revision__gte=1), name="jd_revision_from_one"),
        ]
        indexes = [models.Index(fields=["owner", "-updated_at"]), models.Index(fields=["status"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("jd:detail", kwargs={"public_id": self.public_id})

    def get_edit_url(self) -> str:
        return reverse("jd:wizard", kwargs={"public_id": self.public_id})

    @classmethod
    def start(cls, *, owner, role: Role, seniority: str = Seniority.MID) -> JobDescription:
        """A new draft for `role`, with the catalog's defaults as its first choices."""
        from jdbuilder.wizard.catalog import RoleCatalog
        from jdbuilder.wizard.defaults import default_choices

        draft = cls(
            owner=owner,
            role=role,
            title=role.name,
            seniority=seniority,
            choices=default_choices(RoleCatalog(role), seniority=seniority),
            current_step="role",
        )
        draft.refresh_quality()
        draft.save()
        return draft

    def chosen_tool_ids(self) -> list[int]:
        items = self.choices.get("tools", {}).get("items", [])
        return [item["tool"] for item in items if item.get("tool") is not None]

    def current_document(self):
        """The draft as a Document: what the review step shows, with today's catalog texts."""
        from jdbuilder.documents.build import build_document
        from jdbuilder.documents.snapshot import take_snapshot

        return build_document(take_snapshot(self))

    def refresh_quality(self) -> None:
        from jdbuilder.checks import run_checks

        self.quality = run_checks(self.current_document()).summary()

    def reopen(self) -> None:
        """Turn a final JD into the draft of its next revision; issued revisions stay as issued."""
        self.status = Status.DRAFT
        self.revision += 1
        self.current_step = "review"
        if self.wizard_state:
            self.wizard_state = {**self.wizard_state, "step": "review"}
        self.lock_version += 1
        self.save()

    def duplicate_for(self, owner) -> JobDescription:
        """A new draft with this JD's choices, for a new opening."""
        state = dict(self.wizard_state or {})
        if state:
            state["step"] = "role"
        return JobDescription.objects.create(
            owner=owner,
            role=self.role,
            title=self.title,
            seniority=self.seniority,
            choices=self.choices,
            wizard_state=state,
            current_step="role",
            quality=self.quality,
            duplicated_from=self,
        )

    @property
    def is_final(self) -> bool:
        return self.status == Status.FINAL

    @property
    def seniority_choice(self) -> Seniority:
        return Seniority(self.seniority)

    def save_wizard_state(self, *, expected_version: int) -> bool:
        """Write choices and wizard state if nobody saved since `expected_version`.

        One UPDATE with the version in its WHERE clause: of two tabs (or two app servers) that
        read the same version, exactly one wins; the other gets False and must not proceed.
        """
        updated = JobDescription.objects.filter(pk=self.pk, lock_version=expected_version).update(
            title=self.title,
            role=self.role,
            seniority=self.seniority,
            choices=self.choices,
            wizard_state=self.wizard_state,
            current_step=self.current_step,
            quality=self.quality,
            lock_version=F("lock_version") + 1,
            updated_at=timezone.now(),
        )
        if updated:
            self.lock_version = expected_version + 1
        return bool(updated)


class RevisionQuerySet(models.QuerySet):
    def latest_first(self) -> RevisionQuerySet:
        return self.order_by("-number")


class JobDescriptionRevision(models.Model):
    """A finalized JD, frozen: `snapshot` holds every text the document shows.

    Later catalog edits never change it; the catalog role stays linked through the JD.
    """

    job_description = models.ForeignKey(
        JobDescription, on_delete=models.CASCADE, related_name="revisions"
    )
    number = models.PositiveIntegerField()
    snapshot = models.JSONField()
    finalized_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    finalized_at = models.DateTimeField(default=timezone.now)
    quality = models.JSONField(default=dict, blank=True)

    objects = RevisionQuerySet.as_manager()

    class Meta:
        ordering = ["job_description", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["job_description", "number"], name="unique_revision_number"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="revision_number_from_one"),
        ]

    def __str__(self) -> str:
        return f"{self.job_description} (revision {self.number})"

    def get_absolute_url(self) -> str:
        return reverse(
            "jd:revision",
            kwargs={"public_id": self.job_description.public_id, "number": self.number},
        )

    def document(self):
        """The revision as the Document every renderer reads."""
        from jdbuilder.documents.build import build_document

        return build_document(self.snapshot, date_posted=self.finalized_at.date())

    def export(self, export_format) -> bytes:
        """The revision in `export_format`; stored formats are rendered once and kept.

        The stored copy is written in one INSERT inside a transaction, so a worker killed while
        rendering leaves nothing behind, and two workers racing both return the same bytes.
        """
        if not export_format.stored:
            return export_format.render(self.document())
        stored = RenderedFile.objects.filter(revision=self, format=export_format.key).first()
        if stored is not None:
            return bytes(stored.content)
        content = export_format.render(self.document())
        try:
            with transaction.atomic():
                RenderedFile.objects.create(
                    revision=self,
                    format=export_format.key,
                    content=content,
                    sha256=hashlib.sha256(content).hexdigest(),
                )
        except IntegrityError:  # another worker stored it first: serve theirs
            return bytes(RenderedFile.objects.get(revision=self, format=export_format.key).content)
        return content


class RenderedFile(models.Model):
    """An export of a finalized revision, rendered once and kept (revisions never change).

    Kept in the database, not on a local disk, so every app server sees the same files.
    """

    revision = models.ForeignKey(
        JobDescriptionRevision, on_delete=models.CASCADE, related_name="rendered_files"
    )
    format = models.CharField(max_length=10)
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["revision", "format"], name="one_file_per_format"),
        ]

    def __str__(self) -> str:
        return f"{self.revision} ({self.format})"
