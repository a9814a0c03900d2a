"""How a running job tells people how far it is: its row's stage and counts.

Each report is one UPDATE in autocommit, seen at once by every app server. Inside a long
transaction (the O*NET import writes the catalog in one) an UPDATE on the same connection would
stay invisible until the end, so reports go through a second connection of their own on
PostgreSQL. SQLite has one writer at a time: there, reports made inside such a transaction are
skipped and the page shows the stage it had when the transaction began.
"""

from __future__ import annotations

import time

from django.db import connections
from django.utils import timezone

from jdbuilder.jobs.models import Job, JobStatus

MIN_INTERVAL = 0.5  # seconds between two reports, except the last


class Progress:
    def __init__(self, job: Job, *, lease) -> None:
        self.job = job
        self.lease = lease
        self._last = 0.0
        self._side = None  # the second connection, opened only when needed
        # Transactions opened around the job (a test's) are not the job's own.
        self._outer_depth = len(connections["default"].atomic_blocks)

    def stage(self, text: str, *, total: int | None = None, done: int = 0) -> None:
        self.job.stage = text[:120]
        if total is not None:
            self.job.progress_total = total
        self.job.progress_done = done
        self._write(force=True)

    def advance(self, done: int, *, total: int | None = None) -> None:
        if total is not None:
            self.job.progress_total = total
        self.job.progress_done = min(done, self.job.progress_total)
        self._write(force=self.job.progress_done == self.job.progress_total)

    def _write(self, *, force: bool) -> None:
        now = time.monotonic()
        if not force and now - self._last < MIN_INTERVAL:
            return
        self._last = now
        fields = {
            "stage": self.job.stage,
            "progress_done": self.job.progress_done,
            "progress_total": self.job.progress_total,
            # Each report renews the claim: a job that reports is alive.
            "lease_until": timezone.now() + self.lease,
        }
        default = connections["default"]
        if len(default.atomic_blocks) <= self._outer_depth:
            Job.objects.filter(pk=self.job.pk, status=JobStatus.RUNNING).update(**fields)
        elif default.vendor == "postgresql":
            self._write_aside(fields)

    def _write_aside(self, fields: dict) -> None:
        if self._side is None:
            self._side = connections.create_connection("default")
            self._side.set_autocommit(True)
        table = self._side.ops.quote_name(Job._meta.db_table)
        names = list(fields)
        sets = ", ".join(f"{self._side.ops.quote_name(name)} = %s" for name in names)
        with self._side.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET {sets} WHERE id = %s AND status = %s",  # noqa: S608
                [*(fields[name] for name in names), self.job.pk, JobStatus.RUNNING],
            )

    def close(self) -> None:
        if self._side is not None:
            self._side.close()
            self._side = None
