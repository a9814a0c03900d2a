"""Background jobs as rows: what a person waits for lives in the database, never only in the
broker's memory, so every app server shows it and a flushed Redis loses nothing.

A job is queued (a row, then a message on commit), claimed by one worker under a row lock,
reports progress on its row, and ends succeeded or failed. Its files (an uploaded release, a
finished export) are kept in the database in chunks (`JobFile`), so any worker machine reads
what any app server wrote and a download streams without holding the file in memory.
"""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone


class JobKind(models.TextChoices):
    RENDER = "render", "Stored files of a revision"
    EXPORT = "export", "Export"
    ONET_IMPORT = "onet_import", "O*NET import"
    EMAIL = "email", "E-mail"


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Ready"
    FAILED = "failed", "Failed"


ACTIVE = (JobStatus.QUEUED, JobStatus.RUNNING)
FINISHED = (JobStatus.SUCCEEDED, JobStatus.FAILED)

# A kind's claim lasts this long past its hard time limit: a worker that holds a job longer
# is dead (the limit would have killed the task), so another worker may take the job.
LEASE_MARGIN = datetime.timedelta(seconds=60)


class JobQuerySet(models.QuerySet):
    def active(self) -> JobQuerySet:
        return self.filter(status__in=ACTIVE)

    def of_kind(self, kind: str) -> JobQuerySet:
        return self.filter(kind=kind)

    def owned_by(self, user) -> JobQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(owner=user)

    def waiting_since(self, moment: datetime.datetime) -> JobQuerySet:
        """Queued, and last sent to the broker before `moment`: its message may be lost."""
        return self.filter(status=JobStatus.QUEUED, queued_at__lt=moment)

    def abandoned(self, now: datetime.datetime) -> JobQuerySet:
        """Running, but the worker's claim ran out: the worker died or was killed."""
        return self.filter(status=JobStatus.RUNNING, lease_until__lt=now)

    def stuck(self, now: datetime.datetime, queued_for: datetime.timedelta) -> JobQuerySet:
        """Queued and not started for `queued_for`, or running under a claim that ran out.

        A queued job's wait counts from its creation or its last start, not from `queued_at`:
        the sweep sending it again does not start it, and must not hide it from monitoring.
        """
        return self.alias(waiting_from=Coalesce("started_at", "created_at")).filter(
            Q(status=JobStatus.QUEUED, waiting_from__lt=now - queued_for)
            | Q(status=JobStatus.RUNNING, lease_until__lt=now)
        )

    def failed(self) -> JobQuerySet:
        return self.filter(status=JobStatus.FAILED)

    def expired(self, now: datetime.datetime) -> JobQuerySet:
        return self.filter(expires_at__lt=now)


class Job(models.Model):
    """One piece of background work and everything a person sees of it."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=20, choices=JobKind.choices)
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    # Who asked (and who alone may see an export); empty for the scheduler's own work.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="jobs",
    )
    # A render job's revision; its files go with it.
    revision = models.ForeignKey(
        "jdbuilder.JobDescriptionRevision",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="jobs",
    )
    title = models.CharField(max_length=200, blank=True, help_text="What the job is, for people.")
    params = models.JSONField(default=dict, blank=True)
    stage = models.CharField(max_length=120, blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    queued_at = models.DateTimeField(default=timezone.now, help_text="Last sent to the broker.")
    started_at = models.DateTimeField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=JobStatus.values), name="job_status_known"
            ),
            models.CheckConstraint(condition=Q(kind__in=JobKind.values), name="job_kind_known"),
            models.CheckConstraint(
                condition=Q(progress_done__lte=models.F("progress_total")),
                name="job_progress_within_total",
            ),
            models.CheckConstraint(
                condition=Q(kind=JobKind.RENDER, revision__isnull=False)
                | (~Q(kind=JobKind.RENDER) & Q(revision__isnull=True)),
                name="job_revision_only_for_render",
            ),
            # One import at a time: the catalog is written in one transaction.
            models.UniqueConstraint(
                fields=["kind"],
                condition=Q(kind=JobKind.ONET_IMPORT, status__in=ACTIVE),
                name="one_onet_import_at_a_time",
            ),
            models.UniqueConstraint(
                fields=["revision"],
                condition=Q(kind=JobKind.RENDER, status__in=ACTIVE),
                name="one_active_render_per_revision",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "queued_at"], name="job_status_queued"),
            models.Index(fields=["owner", "kind", "created_at"], name="job_owner_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.public_id} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED

    @property
    def percent(self) -> int:
        if self.status == JobStatus.SUCCEEDED:
            return 100
        if not self.progress_total:
            return 0
        return min(100, self.progress_done * 100 // self.progress_total)

    def is_expired(self, now: datetime.datetime | None = None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())

    # --- transitions, each under a row lock ----------------------------------------------------

    @classmethod
    def claim(cls, pk: int, *, lease: datetime.timedelta, reclaim: bool) -> Job | None:
        """Mark the job running for this worker and return it, or None if it is not to be run:
        finished, or running under another worker's live claim. `reclaim` lets a job whose work
        is idempotent be taken over at once (a redelivered render after its worker was killed).
        """
        with transaction.atomic():
            job = cls.objects.select_for_update().filter(pk=pk).first()
            if job is None or job.is_finished:
                return None
            now = timezone.now()
            live = job.status == JobStatus.RUNNING and job.lease_until and job.lease_until > now
            if live and not reclaim:
                return None
            job.status = JobStatus.RUNNING
            job.attempts += 1
            job.started_at = now
            job.lease_until = now + lease + LEASE_MARGIN
            job.error = ""
            job.save(update_fields=["status", "attempts", "started_at", "lease_until", "error"])
            return job

    def _finish(self, *, status: str, **fields) -> bool:
        with transaction.atomic():
            locked = type(self).objects.select_for_update().get(pk=self.pk)
            if locked.is_finished:  # a duplicate delivery finished first: keep its result
                return False
            fields.update(status=status, finished_at=timezone.now(), lease_until=None)
            for name, value in fields.items():
                setattr(locked, name, value)
                setattr(self, name, value)
            locked.save(update_fields=list(fields))
            return True

    def succeed(self, result: dict, *, expires_at: datetime.datetime | None = None) -> bool:
        """Record the result; False if the job had already finished (the result is not kept)."""
        fields = {"result": result, "expires_at": expires_at, "stage": "Done"}
        if self.progress_total:
            fields.update(progress_done=self.progress_total, progress_total=self.progress_total)
        return self._finish(status=JobStatus.SUCCEEDED, **fields)

    def fail(self, error: str) -> bool:
        return self._finish(status=JobStatus.FAILED, error=error[:4000])

    def take_back(self, now: datetime.datetime, *, error: str) -> bool:
        """Queue again a running job whose claim ran out (its worker died); False if a worker
        claimed or finished it meanwhile. One guarded UPDATE, so it never takes a live job."""
        return bool(
            type(self)
            .objects.filter(pk=self.pk, status=JobStatus.RUNNING, lease_until__lt=now)
            .update(status=JobStatus.QUEUED, lease_until=None, error=error[:4000])
        )

    def release(self, error: str) -> None:
        """Back to the queue after a transient error, the message retried by the broker."""
        type(self).objects.filter(pk=self.pk, status=JobStatus.RUNNING).update(
            status=JobStatus.QUEUED,
            lease_until=None,
            queued_at=timezone.now(),
            error=error[:4000],
        )


class JobFileRole(models.TextChoices):
    INPUT = "input", "Uploaded"
    OUTPUT = "output", "Result"


class JobFile(models.Model):
    """A job's file, stored as ordered chunks so it is written and read piece by piece."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="files")
    role = models.CharField(max_length=10, choices=JobFileRole.choices)
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    complete = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["job", "role"], name="one_file_per_job_role"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.size} bytes)"


class JobFileChunk(models.Model):
    file = models.ForeignKey(JobFile, on_delete=models.CASCADE, related_name="chunks")
    index = models.PositiveIntegerField()
    data = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["file", "index"], name="one_chunk_per_index"),
        ]

    def __str__(self) -> str:
        return f"{self.file_id} chunk {self.index}"
