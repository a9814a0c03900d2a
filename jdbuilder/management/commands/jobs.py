"""`manage.py jobs`: the background jobs that need a person's attention.

Lists the stuck jobs (queued and not started for JOBS_RESEND_AFTER seconds, or running under a
claim that ran out: the worker died), and with --failed the jobs that failed lately. Exits with
status 1 while anything is stuck, so cron or a monitoring check can run it as it is.
"""

from __future__ import annotations

import argparse
import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from jdbuilder.jobs.models import Job, JobStatus
from jdbuilder.jobs.queue import resend


def positive_hours(value: str) -> float:
    try:
        hours = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a number of hours, not {value!r}") from None
    if not 0 < hours <= 24 * 365:
        raise argparse.ArgumentTypeError(
            f"a number of hours above 0 (and up to a year), not {value}"
        )
    return hours


def format_age(age: datetime.timedelta) -> str:
    seconds = max(0, int(age.total_seconds()))
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m"
    if seconds < 86400:
        return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"
    return f"{seconds // 86400}d{seconds % 86400 // 3600:02d}h"


def describe(job: Job, now: datetime.datetime) -> str:
    """One line: kind, id, owner, status, age (since created), attempts, the error's first line."""
    owner = job.owner.get_username() if job.owner else "-"
    error = job.error.strip().splitlines()[0] if job.error.strip() else ""
    line = (
        f"{job.kind:<11} #{job.pk:<6} {job.public_id}  owner={owner:<16} {job.status:<9} "
        f"age={format_age(now - job.created_at):<7} attempts={job.attempts}"
    )
    return f"{line}  {error}" if error else line


class Command(BaseCommand):
    help = (
        "List stuck jobs (queued and not started for JOBS_RESEND_AFTER seconds, or running "
        "under an expired claim) and, with --failed, failed jobs; --requeue sends the stuck "
        "ones to the workers again. Exits with status 1 if any job is stuck."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--failed", action="store_true", help="Also list the jobs that failed lately."
        )
        parser.add_argument(
            "--since",
            type=positive_hours,
            default=None,
            metavar="HOURS",
            help="With --failed: how far back to look (default 24 hours). Implies --failed.",
        )
        parser.add_argument(
            "--requeue", action="store_true", help="Send the stuck jobs to the workers again."
        )

    def handle(self, *args, failed: bool, since: float | None, requeue: bool, **options) -> None:
        now = timezone.now()
        grace = datetime.timedelta(seconds=settings.JOBS_RESEND_AFTER)
        stuck = list(
            Job.objects.stuck(now, grace).select_related("owner").order_by("created_at", "pk")
        )
        if stuck:
            self.stdout.write(f"Stuck jobs ({len(stuck)}):")
            for job in stuck:
                self.stdout.write(describe(job, now))
        else:
            self.stdout.write("No stuck jobs.")

        if failed or since is not None:
            hours = since or 24.0
            recent = list(
                Job.objects.failed()
                .filter(finished_at__gte=now - datetime.timedelta(hours=hours))
                .select_related("owner")
                .order_by("-finished_at", "-pk")
            )
            window = f"{hours:g} hour{'' if hours == 1 else 's'}"
            if recent:
                self.stdout.write(f"Failed in the last {window} ({len(recent)}):")
                for job in recent:
                    self.stdout.write(describe(job, now))
            else:
                self.stdout.write(f"No job failed in the last {window}.")

        if requeue and stuck:
            sent = sum(self._requeue(job, now) for job in stuck)
            self.stdout.write(f"Sent {sent} stuck job(s) to the workers again.")
        if stuck:
            raise CommandError(f"{len(stuck)} job(s) stuck.", returncode=1)

    @staticmethod
    def _requeue(job: Job, now: datetime.datetime) -> bool:
        if job.status == JobStatus.RUNNING:
            # Only while its claim is still expired: a worker may have taken it meanwhile.
            if not job.take_back(
                now, error="The worker stopped; queued again by manage.py jobs --requeue."
            ):
                return False
        elif not Job.objects.filter(pk=job.pk, status=JobStatus.QUEUED).exists():
            return False  # started or finished since it was listed
        resend(job)
        return True
