"""Running jobs, and the scheduler's upkeep: what the Celery tasks call.

Each kind of job names its handler, a function `(job, progress) -> dict` living with the
feature it serves (the handler writes its own rows; the dict is the job's result), and the
limits the workers apply to it. `run_job` claims the row, runs the handler and records how it
ended; a redelivered or duplicated message finds the job claimed or finished and does nothing.
"""

from __future__ import annotations

import dataclasses
import datetime
import logging
import smtplib
from collections.abc import Callable

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from jdbuilder.documents.formats import STORED_FORMATS
from jdbuilder.jobs.models import ACTIVE, FINISHED, Job, JobFile, JobFileRole, JobKind
from jdbuilder.jobs.progress import Progress
from jdbuilder.jobs.queue import enqueue, resend
from jdbuilder.models import JobDescriptionRevision

log = logging.getLogger(__name__)


class JobRefused(Exception):
    """The job cannot be done as asked; the message is shown to the person who asked."""


class RetryLater(Exception):
    """A transient failure (database, broker or mail server unreachable): try again later."""


# Failures that go away by themselves: the job goes back to the queue and is tried again.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    ConnectionError,
    TimeoutError,
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPConnectError,
)


@dataclasses.dataclass(frozen=True)
class KindRules:
    handler: str  # dotted path of `(job, progress) -> dict`
    time_limit: int  # seconds; the worker kills a task that runs longer
    # Idempotent work (one stored file per revision and format) may be taken over at once by a
    # redelivered message; other kinds wait until the claim of a silent worker runs out.
    reclaim: bool
    max_attempts: int
    keep_result_for: datetime.timedelta | None = None
    # `(job) -> None`, called once the job has finished: tells its owner (jdbuilder.notices).
    notify: str | None = None
    # A job that reports progress often renews a shorter claim with each report, so another
    # worker takes it over minutes (not the whole time limit) after its worker was killed.
    heartbeat: int | None = None

    @property
    def lease(self) -> datetime.timedelta:
        return datetime.timedelta(seconds=self.heartbeat or self.time_limit)


RULES: dict[str, KindRules] = {
    # The largest JD the forms allow (every text and list at its cap: the JD of
    # tests/jdbuilder/documents/test_pdf_bounds.py) renders in 0.74 s here, A4, with the machine
    # loaded (load average 3.8 on 2 cores); a job renders A4 and Letter. 120 s is far above that,
    # for a machine under much worse load, and still ends a runaway render.
    JobKind.RENDER: KindRules("jdbuilder.services.render_stored_files", 120, True, 5),
    # Up to 1,000 JDs, each a stored PDF read (or at most a few seconds to render).
    JobKind.EXPORT: KindRules(
        "jdbuilder.exports.services.run_export",
        3600,
        False,
        3,
        keep_result_for=datetime.timedelta(hours=24),
        notify="jdbuilder.notices.export_finished",
        heartbeat=180,  # it reports after every JD; one JD takes seconds at most
    ),
    JobKind.ONET_IMPORT: KindRules(
        "jdbuilder.imports.services.run_import",
        1800,
        False,
        2,
        notify="jdbuilder.notices.import_finished",
    ),
    JobKind.EMAIL: KindRules("jdbuilder.mail.deliver", 60, False, 6),
}


def handler_of(kind: str) -> Callable[[Job, Progress], dict]:
    return import_string(RULES[kind].handler)


def run_job(*, job_id: int, kind: str) -> str:
    """Run one job to its end; returns what happened ("succeeded", "failed", "skipped").

    Raises RetryLater after a transient error, with the job queued again, for the task to
    retry with backoff; after the kind's last attempt the job fails instead.
    """
    rules = RULES[kind]
    job = Job.claim(job_id, lease=rules.lease, reclaim=rules.reclaim)
    if job is None:
        return "skipped"
    if job.attempts > rules.max_attempts:
        # Each attempt ended with its worker process gone (killed, out of memory, a crash):
        # the broker gives such a message back every time, so the count must end it here.
        job.fail(f"Gave up: the worker stopped during each of {job.attempts - 1} attempts.")
        return "failed"
    progress = Progress(job, lease=rules.lease)
    try:
        outcome = _run(job, rules, progress)
    finally:
        progress.close()
    if outcome != "skipped" and rules.notify:
        _notify(rules.notify, job)
    return outcome


def _run(job: Job, rules: KindRules, progress: Progress) -> str:
    try:
        result = handler_of(job.kind)(job, progress)
    except JobRefused as refused:
        job.fail(str(refused))
        return "failed"
    except TRANSIENT_ERRORS as error:
        message = f"{type(error).__name__}: {error}"
        if job.attempts >= rules.max_attempts:
            job.fail(f"Gave up after {job.attempts} attempts. Last error: {message}")
            return "failed"
        job.release(f"Attempt {job.attempts} failed, will retry: {message}")
        raise RetryLater(message) from error
    except SoftTimeLimitExceeded:
        job.fail(f"Stopped: it took longer than {rules.time_limit} seconds.")
        return "failed"
    except Exception as error:
        log.exception("Job %s (%s) failed", job.public_id, job.kind)
        job.fail(f"Failed: {type(error).__name__}: {error}")
        return "failed"
    expires_at = timezone.now() + rules.keep_result_for if rules.keep_result_for else None
    return "succeeded" if job.succeed(result, expires_at=expires_at) else "skipped"


def _notify(path: str, job: Job) -> None:
    """Tell the job's owner it has finished; a notice that cannot be sent never fails the job."""
    try:
        import_string(path)(job)
    except Exception:
        log.exception("Job %s finished, but its notice could not be queued", job.public_id)


# --- render jobs: the stored formats of each issued revision -------------------------------------


def queue_render(*, revision, new: bool = False) -> Job:
    """The revision's active render job, made (and queued on commit) if there is none.

    `new`: the revision is being issued in this transaction, so it has no job yet and no other
    request can see it: the job is made without looking for one (finalizing is timed).
    """
    if new:
        return _render_job(revision)
    job = Job.objects.active().of_kind(JobKind.RENDER).filter(revision=revision).first()
    if job is not None:
        return job
    try:
        with transaction.atomic():
            return _render_job(revision)
    except IntegrityError:  # another request queued it at the same moment
        return Job.objects.active().of_kind(JobKind.RENDER).get(revision=revision)


def _render_job(revision) -> Job:
    job = Job.objects.create(
        kind=JobKind.RENDER, revision=revision, title=f"PDFs of {revision}"[:200]
    )
    enqueue(job)
    return job


# --- the scheduler's upkeep -------------------------------------------------------------------


@dataclasses.dataclass
class SweepReport:
    renders_queued: int = 0
    resent: int = 0
    reclaimed: int = 0
    given_up: int = 0

    def __str__(self) -> str:
        return (
            f"{self.renders_queued} render(s) queued for missing files, {self.resent} queued "
            f"job(s) sent again, {self.reclaimed} abandoned job(s) queued again, "
            f"{self.given_up} given up"
        )


def sweep(*, now: datetime.datetime | None = None, limit: int = 500) -> SweepReport:
    """Make sure nothing waits forever: queue renders for revisions whose stored files are
    missing, send again jobs whose message may be lost (Redis flushed or down when they were
    queued), and queue again jobs whose worker died (its claim ran out)."""
    now = now or timezone.now()
    report = SweepReport()
    grace = datetime.timedelta(seconds=settings.JOBS_RESEND_AFTER)
    missing = JobDescriptionRevision.objects.missing_files(STORED_FORMATS).exclude(
        jobs__kind=JobKind.RENDER, jobs__status__in=ACTIVE
    )
    for revision in missing[:limit]:
        queue_render(revision=revision)
        report.renders_queued += 1
    for job in Job.objects.waiting_since(now - grace)[:limit]:
        resend(job)
        report.resent += 1
    for job in Job.objects.abandoned(now)[:limit]:
        rules = RULES[job.kind]
        if job.attempts >= rules.max_attempts:
            job.fail(f"Gave up: the worker stopped during each of {job.attempts} attempts.")
            report.given_up += 1
            continue
        if job.take_back(now, error="The worker stopped; queued again."):
            resend(job)
            report.reclaimed += 1
    return report


@dataclasses.dataclass
class CleanupReport:
    files_deleted: int = 0
    jobs_deleted: int = 0

    def __str__(self) -> str:
        return f"{self.files_deleted} expired file(s) deleted, {self.jobs_deleted} old job(s)"


@transaction.atomic
def clean_up(*, now: datetime.datetime | None = None) -> CleanupReport:
    """Delete finished exports' files once their link expires, uploads once imported, and
    finished jobs older than JOBS_KEEP_DAYS."""
    now = now or timezone.now()
    expired_files = JobFile.objects.filter(
        job__expires_at__lt=now, role=JobFileRole.OUTPUT
    ) | JobFile.objects.filter(role=JobFileRole.INPUT, job__status__in=FINISHED)
    _, deleted = expired_files.delete()
    files_deleted = deleted.get(JobFile._meta.label, 0)
    keep = datetime.timedelta(days=settings.JOBS_KEEP_DAYS)
    old = Job.objects.filter(status__in=FINISHED, finished_at__lt=now - keep)
    jobs_deleted = old.count()
    old.delete()
    return CleanupReport(files_deleted=files_deleted, jobs_deleted=jobs_deleted)
