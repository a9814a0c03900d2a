"""`OnetImport`: the O*NET import jobs, as the admin lists them (a proxy: no table of its own)."""

from __future__ import annotations

from django.db import models

from jdbuilder.jobs.models import Job, JobKind, JobQuerySet, JobStatus


class OnetImportManager(models.Manager.from_queryset(JobQuerySet)):
    def get_queryset(self) -> JobQuerySet:
        return super().get_queryset().filter(kind=JobKind.ONET_IMPORT)


# What the job's status means for an import (a job's own labels speak of exports: "Ready").
STATUS_TEXT = {
    JobStatus.QUEUED: "Queued",
    JobStatus.RUNNING: "Running",
    JobStatus.SUCCEEDED: "Imported",
    JobStatus.FAILED: "Not imported",
}


class OnetImport(Job):
    """A `Job` of kind onet_import: an uploaded release, its checks, progress and result."""

    objects = OnetImportManager()

    class Meta:
        proxy = True
        verbose_name = "O*NET import"
        verbose_name_plural = "O*NET imports"

    @property
    def status_text(self) -> str:
        return STATUS_TEXT.get(self.status, self.get_status_display())

    def record_checked_files(self, checked: dict) -> None:
        """Keep the release's check in the result while the import runs, so its page shows it
        before the import ends (the final result repeats it)."""
        self.result = {"checked": checked}
        type(self).objects.filter(pk=self.pk, status=JobStatus.RUNNING).update(result=self.result)
