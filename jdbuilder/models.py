"""Job descriptions, their issued revisions and the files rendered from them: data, queries and
the guarded saves. What happens to several rows at once is in `jdbuilder.services`.
"""

from __future__ import annotations

import datetime
import hashlib
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connections, models, transaction
from django.db.models import F, Q
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from jdbuilder.drafts import DraftChoices
from jdbuilder.snapshots import SnapshotPath
from jdbuilder.vocabulary import LibrarySort, Seniority, Status, WizardStep
from roles.models import Role

# Recruiters' permission: read every JD issued at least once.
VIEW_FINAL_PERMISSION = "jdbuilder.view_final_jobdescription"


def reads_every_issued_jd(user) -> bool:
    """Recruiters and staff: who read every issued JD, and the pages about all of them (the
    insights, compliance). Staff are asked first: it costs no permission query."""
    return user.is_staff or user.has_perm(VIEW_FINAL_PERMISSION)


class JobDescriptionQuerySet(models.QuerySet):
    def visible_to(self, user) -> JobDescriptionQuerySet:
        """What a user may open: their own, every issued one for recruiters, all for staff."""
        if not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self
        condition = Q(owner=user)
        if user.has_perm(VIEW_FINAL_PERMISSION):
            # Issued at least once: a JD reopened for its next revision stays readable.
            condition |= Q(latest_revision__isnull=False)
        return self.filter(condition)

    def issued(self) -> JobDescriptionQuerySet:
        return self.filter(latest_revision__isnull=False)

    def editable_by(self, user) -> JobDescriptionQuerySet:
        """Only owners change a JD (staff included: they read, they do not edit others')."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(owner=user)

    # --- the recruiters' library: issued JDs, read as their latest revision -------------------

    def library(self, user) -> JobDescriptionQuerySet:
        """Every issued JD `user` may read, its latest revision loaded in the same query.

        The JD's own choices are not loaded: they are the next draft, and can be large.
        """
        return (
            self.visible_to(user)
            .issued()
            .select_related("latest_revision")
            .defer("choices", "pending_input")
        )

    def search(self, text: str) -> JobDescriptionQuerySet:
        """Every word of `text` on the latest revision's title, role, company or location.

        The issued snapshot is searched, not the JD's working fields: a JD reopened for its next
        revision must not be found by words only its unissued draft contains.
        """
        queryset = self
        for word in text.split():
            condition = Q()
            for path in SnapshotPath.SEARCHED:
                condition |= Q(**{f"{LATEST_SNAPSHOT}__{path}__icontains": word})
            queryset = queryset.filter(condition)
        return queryset

    def matching(
        self,
        *,
        role_slug: str = "",
        workplace_type: str = "",
        employment_type: str = "",
        finalized_from: datetime.date | None = None,
        finalized_to: datetime.date | None = None,
    ) -> JobDescriptionQuerySet:
        """The library's filters on the latest revision; empty values filter nothing."""
        snapshot_values = {
            SnapshotPath.ROLE_SLUG: role_slug,
            SnapshotPath.WORKPLACE_TYPE: workplace_type,
            SnapshotPath.EMPLOYMENT_TYPE: employment_type,
        }
        condition = Q(
            **{
                f"{LATEST_SNAPSHOT}__{path}": value
                for path, value in snapshot_values.items()
                if value
            }
        )
        if finalized_from is not None:
            condition &= Q(latest_revision__finalized_at__date__gte=finalized_from)
        if finalized_to is not None:
            condition &= Q(latest_revision__finalized_at__date__lte=finalized_to)
        return self.filter(condition)

    def sorted_by(self, sort: str) -> JobDescriptionQuerySet:
        """Ordered by a `LibrarySort`; the primary key breaks ties so pages never overlap."""
        if sort == LibrarySort.OLDEST:
            return self.order_by("latest_revision__finalized_at", "pk")
        if sort == LibrarySort.TITLE:
            return self.order_by(Lower(latest_snapshot_text(SnapshotPath.TITLE)), "pk")
        if sort == LibrarySort.COMPANY:
            return self.order_by(Lower(latest_snapshot_text(SnapshotPath.COMPANY_NAME)), "pk")
        return self.order_by("-latest_revision__finalized_at", "-pk")

    def latest_role_slugs(self) -> models.QuerySet:
        """The role slugs of these JDs' latest revisions, as a subquery (for the role filter)."""
        return self.annotate(role_slug=latest_snapshot_text(SnapshotPath.ROLE_SLUG)).values(
            "role_slug"
        )


LATEST_SNAPSHOT = "latest_revision__snapshot"


def latest_snapshot_text(path: str) -> KeyTextTransform:
    """The text at `path` (a `SnapshotPath`) of the latest revision's snapshot."""
    *outer, last = path.split("__")
    expression = LATEST_SNAPSHOT
    for key in outer:
        expression = KeyTransform(key, expression)
    return KeyTextTransform(last, expression)


# The `choices` of a preview's copy (JobDescription.lay_over): not JSON, so no save can store it.
NOT_SAVED = object()


class JobDescription(models.Model):
    """A job description while it is built, and the pointer to its issued revisions.

    `choices` holds what the wizard's steps chose (read it as `chosen`, a `DraftChoices`);
    `pending_input` holds, by step, what was typed on a step left before it was valid, so the
    step shows it again; `current_step` is where the wizard resumes.
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
    pending_input = models.JSONField(default=dict, blank=True)
    current_step = models.CharField(
        max_length=40, choices=WizardStep, default=WizardStep.ROLE, blank=True
    )
    # The quality checks' summary of the draft as it stands (score, errors, warnings), kept so
    # lists show it without re-running the checks per row.
    quality = models.JSONField(default=dict, blank=True)
    # What `quality` was computed from: the digest of the snapshot the checks read
    # (services.checked_digest). Finalizing reuses `quality` when the snapshot it takes has it.
    quality_of = models.CharField(max_length=64, blank=True, default="")
    # Bumped on every save of a step, so a stale tab's save is refused instead of winning.
    lock_version = models.PositiveIntegerField(default=0)
    duplicated_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="duplicates"
    )
    # Set when a revision is issued. RESTRICT: that revision cannot be deleted on its own, only
    # with its whole JD.
    latest_revision = models.ForeignKey(
        "JobDescriptionRevision",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
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

    @property
    def chosen(self) -> DraftChoices:
        """The draft's choices, typed; parsed once per value of `choices` (a step page asks a
        dozen times). Writes assign a new value, never edit the JSON in place."""
        kept = self.__dict__.get("_chosen")
        if kept is None or kept[0] is not self.choices:
            kept = (self.choices, DraftChoices.from_json(self.choices))
            self.__dict__["_chosen"] = kept
        return kept[1]

    def choose(self, chosen: DraftChoices) -> None:
        """Set the choices (not saved): `choices` becomes their JSON, `chosen` them, unparsed."""
        self.choices = chosen.to_json()
        self.__dict__["_chosen"] = (self.choices, chosen)

    def lay_over(self, chosen: DraftChoices) -> None:
        """Give a copy that is never saved (the live preview's) these choices, typed only: their
        JSON is not made (a third of a preview's own work), and saving the copy fails."""
        self.choices = NOT_SAVED
        self.__dict__["_chosen"] = (self.choices, chosen)

    def first_unsaved_step(self, steps) -> str | None:
        """The first of `steps` not saved yet, or left with input not yet valid: finalizing
        waits for it. None when every one is saved."""
        chosen = self.chosen
        for step in steps:
            if step in self.pending_input or not chosen.is_saved(step):
                return step
        return None

    @property
    def is_final(self) -> bool:
        return self.status == Status.FINAL

    @property
    def is_editable(self) -> bool:
        """Only a draft is edited: in review it is frozen as submitted; final or rejected it is
        done (a final one is reopened for its next revision first)."""
        return self.status == Status.DRAFT

    def reads_issued(self, user) -> bool:
        """Whether `user` reads this JD's latest issued revision rather than its draft: the
        owner reads the draft until it is final again, everyone else the issued revision."""
        if self.latest_revision_id is None:
            return False
        return self.is_final or self.owner_id != user.pk

    @property
    def is_in_review(self) -> bool:
        return self.status == Status.IN_REVIEW

    @property
    def seniority_choice(self) -> Seniority:
        return Seniority(self.seniority)

    def reopen(self) -> None:
        """Turn a final JD into the draft of its next revision; issued revisions stay as issued."""
        self.status = Status.DRAFT
        self.revision += 1
        self.current_step = WizardStep.REVIEW
        self.lock_version += 1
        self.save()

    def duplicate_for(self, owner) -> JobDescription:
        """A new draft with this JD's choices, for a new opening."""
        return JobDescription.objects.create(
            owner=owner,
            role=self.role,
            title=self.title,
            seniority=self.seniority,
            choices=self.choices,
            pending_input=self.pending_input,
            current_step=WizardStep.ROLE,
            quality=self.quality,
            quality_of=self.quality_of,
            duplicated_from=self,
        )

    def save_draft(self, *, expected_version: int) -> bool:
        """Write the draft's wizard fields if nobody saved since `expected_version`.

        One UPDATE with the version in its WHERE clause: of two tabs (or two app servers) that
        read the same version, exactly one wins; the other gets False and must not proceed.
        """
        updated = JobDescription.objects.filter(pk=self.pk, lock_version=expected_version).update(
            title=self.title,
            role=self.role,
            seniority=self.seniority,
            choices=self.choices,
            pending_input=self.pending_input,
            current_step=self.current_step,
            quality=self.quality,
            quality_of=self.quality_of,
            lock_version=F("lock_version") + 1,
            updated_at=timezone.now(),
        )
        if updated:
            self.lock_version = expected_version + 1
        return bool(updated)


class RevisionQuerySet(models.QuerySet):
    def latest_first(self) -> RevisionQuerySet:
        return self.order_by("-number")

    def latest_of(self, job_descriptions: JobDescriptionQuerySet) -> RevisionQuerySet:
        """The latest revision of each of `job_descriptions`, each with `jd_public_id`.

        The JDs themselves are not loaded (their working choices can be large).
        """
        return self.filter(pk__in=job_descriptions.values("latest_revision_id")).annotate(
            jd_public_id=F("job_description__public_id")
        )

    def missing_files(self, formats: tuple[str, ...]) -> RevisionQuerySet:
        """Revisions lacking a stored file in any of `formats`, oldest first."""
        stored = models.Count("rendered_files", filter=Q(rendered_files__format__in=formats))
        return self.alias(stored=stored).filter(stored__lt=len(formats)).order_by("finalized_at")


class JobDescriptionRevision(models.Model):
    """A finalized JD, frozen: `snapshot` holds every text the document shows.

    Later catalog edits never change it; the catalog role stays linked through the JD. The
    snapshot's shape is written and read in `jdbuilder.snapshots` only.
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
    # Derived from `snapshot` when the revision is issued (snapshots.required_skill_count), as
    # `quality` is: the insights average it over thousands of revisions in the database rather
    # than reading every snapshot's skills.
    required_skills = models.PositiveSmallIntegerField(
        default=0, editable=False, help_text="How many skills the revision requires."
    )

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


@dataclass(frozen=True)
class StoredFile:
    """What a download of a stored file sends."""

    content: bytes
    filename: str


class RenderedFileQuerySet(models.QuerySet):
    def keep(self, *, revision: JobDescriptionRevision, fmt: str, content: bytes, filename: str):
        """Store `content` as `revision`'s `fmt` file and return what is kept: `content`, or, if
        another process stored that file first (the one-file-per-format constraint), theirs.

        One INSERT in its own transaction: a process killed while rendering leaves nothing
        behind, and two racing both serve the same bytes. The download's name and size are kept
        with it, so a kept copy is served without building the Document again.
        """
        try:
            with transaction.atomic(using=self.db):
                return self.create(
                    revision=revision,
                    format=fmt,
                    content=content,
                    sha256=hashlib.sha256(content).hexdigest(),
                    filename=filename,
                    size=len(content),
                )
        except IntegrityError:  # stored by another process first: theirs is the copy
            return self.get(revision=revision, format=fmt)

    def stored_download(self, *, user, public_id, number: int, fmt: str) -> StoredFile | None:
        """The stored `fmt` file of revision `number` of JD `public_id` if `user` may open the JD
        (the rule of `JobDescription.objects.visible_to`), else None; None too if not stored.

        One query joins the file, its revision and its JD with the visibility rule, and reads
        only what a download sends. Staff see all; the owner needs nothing more; anyone else
        needs the recruiters' permission, asked only then (it costs the permission queries), so
        the common cases stay one query. Written as SQL: the ORM took about 3 ms to build and
        compile this three-table query, thirty times the query itself, on every download.
        """
        if not user.is_authenticated:
            return None
        connection = connections[self.db]
        ops = connection.ops
        jd, revision, rendered = (
            ops.quote_name(model._meta.db_table)
            for model in (JobDescription, JobDescriptionRevision, RenderedFile)
        )
        public_id_field = JobDescription._meta.get_field("public_id")
        params: list[Any] = [fmt, number, public_id_field.get_db_prep_value(public_id, connection)]
        # Only table names go into the text (our own, quoted); every value is a parameter.
        sql = (
            f"SELECT f.content, f.filename, j.owner_id FROM {rendered} f "  # noqa: S608
            f"INNER JOIN {revision} r ON r.id = f.revision_id "
            f"INNER JOIN {jd} j ON j.id = r.job_description_id "
            "WHERE f.format = %s AND r.number = %s AND j.public_id = %s"
        )
        if not user.is_staff:
            sql += " AND (j.owner_id = %s OR j.latest_revision_id IS NOT NULL)"
            params.append(user.pk)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        if row is None:
            return None
        content, filename, owner_id = row
        if not (user.is_staff or owner_id == user.pk or user.has_perm(VIEW_FINAL_PERMISSION)):
            return None
        return StoredFile(bytes(content), filename)


class RenderedFile(models.Model):
    """An export of a finalized revision, rendered once and kept (revisions never change).

    Kept in the database, not on a local disk, so every app server sees the same files. The
    download's file name is kept with it, so a stored copy is served without rebuilding the
    Document the name comes from.
    """

    revision = models.ForeignKey(
        JobDescriptionRevision, on_delete=models.CASCADE, related_name="rendered_files"
    )
    format = models.CharField(max_length=10)
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    # The download's name (e.g. "senior-software-engineer-acme-r1.pdf"); blank: not known.
    filename = models.CharField(max_length=200, blank=True, default="")
    size = models.PositiveIntegerField(default=0, help_text="len(content), in bytes.")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RenderedFileQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["revision", "format"], name="one_file_per_format"),
        ]

    def __str__(self) -> str:
        return f"{self.revision} ({self.format})"


# The background jobs' rows belong to this app (jdbuilder/jobs/models.py).
from jdbuilder.approvals.models import (  # noqa: E402,F401
    ApprovalFlow,
    ApprovalStage,
    Comment,
    NotificationSettings,
    ShareLink,
    Submission,
    SubmissionStage,
    TimelineEvent,
)
from jdbuilder.imports.models import OnetImport  # noqa: E402,F401
from jdbuilder.jobs.models import Job, JobFile, JobFileChunk  # noqa: E402,F401
from jdbuilder.organization.models import (  # noqa: E402,F401
    ContentBlock,
    Department,
    JobTemplate,
    Logo,
    Office,
    Organization,
    PayBand,
    RoleGroup,
)
from jdbuilder.publishing.models import FeedFile, Posting  # noqa: E402,F401
