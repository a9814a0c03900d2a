"""The background work's benchmarks: what a request still does, and what a worker takes.

- the review page's "Finalize" POST, messages sent to a real broker and no worker running,
  against the signed-in view returning "ok" (<= 5x: the PDFs are queued, not rendered);
- from a finalize (committed) to both stored PDFs, with one real worker process (reported);
- an export of 200 JDs (a ZIP of their stored PDFs) by that worker: wall time, and the worker's
  peak memory against the same export of 50 (the peak must not grow with the count beyond one
  PDF at a time).

The worker is `celery -A jdbuilder worker --pool solo` on the benchmark's own database and a
Redis database of its own (BENCH_REDIS_URL, default redis://127.0.0.1:6379/14, emptied before and
after): with the solo pool the task runs in the worker's main process, whose VmHWM is its peak.
Without Redis these lines say "not available".
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import kombu.pools
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from bench import wizard
from bench.config import BASE_DIR
from bench.fixtures import BenchContext
from bench.pages import get, queries
from bench.timing import Row, interleaved, median
from bench.urls import SIGNED_IN_URL
from jdbuilder.celery import app as celery_app
from jdbuilder.documents.formats import STORED_FORMATS
from jdbuilder.jobs.models import FINISHED, Job, JobKind, JobStatus
from jdbuilder.models import JobDescription, RenderedFile
from jdbuilder.services import finalize_job_description, start_draft

FINALIZE_RATIO_TARGET = 5.0
EXPORT_COUNTS = (50, 200)
# A stored PDF here is about 30 KB; the ZIP entry being compressed and the chunk being written
# are what the worker holds beyond its start-up. 20 MiB leaves room for allocator noise.
EXPORT_PEAK_GROWTH_MB = 20.0
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")


def redis_available() -> bool:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False
    return True


def _flush() -> None:
    import redis

    redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).flushdb()


@contextlib.contextmanager
def sent_to_broker() -> Iterator[None]:
    """Tasks sent to Redis, as in production, instead of run in this process."""
    _flush()
    try:
        # The app reads Django's settings (the CELERY_ names) whenever it looks at its conf.
        with override_settings(CELERY_TASK_ALWAYS_EAGER=False, CELERY_BROKER_URL=REDIS_URL):
            yield
    finally:
        # kombu keeps one connection pool per broker URL for the whole process, and the app
        # keeps a reference to it: close and forget both, so the next use starts afresh.
        kombu.pools.reset()
        celery_app._pool = celery_app.amqp._producer_pool = None
        _flush()


class FinalizePost(wizard.StepPost):
    """The review page's "Finalize" button (it posts the page's form to `jd:finalize`), on a
    draft reopened (untimed) before each POST."""

    def __init__(self, client, draft: JobDescription) -> None:
        super().__init__(client, draft, "review")
        self.data.pop(wizard.GOTO_FIELD, None)
        self.url = reverse("jd:finalize", kwargs={"public_id": draft.public_id})

    def prepare(self) -> None:
        self.draft.refresh_from_db()
        if self.draft.is_final:
            self.draft.reopen()
        super().prepare()


def finalizable_draft(ctx: BenchContext) -> JobDescription:
    """A new draft of the benchmark's role with every step saved, ready to finalize."""
    draft = start_draft(owner=ctx.user, role=ctx.role)
    wizard.complete_posting(ctx.client, draft)
    for step in wizard.STEPS[:-1]:  # each step saved as shown: finalizing asks for all of them
        post = wizard.StepPost(ctx.client, draft, step)
        post.prepare()
        post()
    return draft


def finalize_request(ctx: BenchContext, *, repeat: int) -> list[Row]:
    if not redis_available():
        return [_unavailable("finalize POST (review)", FINALIZE_RATIO_TARGET)]
    draft = finalizable_draft(ctx)
    with sent_to_broker():
        post = FinalizePost(ctx.client, draft)
        contenders: dict[str, Callable[[], object]] = {
            "finalize": post,
            "signed_in": get(ctx.client, SIGNED_IN_URL),
        }
        times = interleaved(contenders, repeat=repeat, warmup=2, before={"finalize": post.prepare})
        note = queries(post, post.prepare)
    revisions = draft.revisions.count()
    return [
        Row(
            "finalize POST (review)",
            median(times["finalize"]),
            median(times["signed_in"]),
            FINALIZE_RATIO_TARGET,
            baseline_name="signed-in view returning ok",
            notes=[note, f"{revisions} revisions issued, each render queued to Redis, none run"],
        )
    ]


# --- with a real worker -------------------------------------------------------------------------


class Worker:
    """`celery worker --pool solo` in a process group of its own, stopped however we leave."""

    def __init__(self, log: Path) -> None:
        self.log = log
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Worker:
        env = {
            **os.environ,
            "CELERY_BROKER_URL": REDIS_URL,
            "LOG_LEVEL": "INFO",
            "DATABASE_URL": os.environ["DATABASE_URL"],
            "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "bench.settings"),
        }
        command = [sys.executable, "-m", "celery", "-A", "jdbuilder", "worker"]
        # INFO for the "ready." line that says it takes messages (WeasyPrint's own INFO lines
        # are turned off in the settings).
        command += ["--pool", "solo", "--loglevel", "INFO", "--without-heartbeat"]
        command += ["--without-gossip", "--without-mingle"]
        self.log.write_bytes(b"")
        with open(self.log, "ab") as out:
            self.process = subprocess.Popen(
                command, cwd=BASE_DIR, env=env, stdout=out, stderr=out, start_new_session=True
            )
        return self

    def __exit__(self, *exc) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def ready(self) -> bool:
        return b" ready." in self.log.read_bytes()

    def peak_mb(self) -> float:
        with open(f"/proc/{self.process.pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        raise RuntimeError("no VmHWM for the worker")


def _wait(condition: Callable[[], bool], *, timeout: float, what: str) -> float:
    started = time.perf_counter()
    while not condition():
        if time.perf_counter() - started > timeout:
            raise AssertionError(f"{what}: not done after {timeout:.0f} s")
        time.sleep(0.01)
    return time.perf_counter() - started


def _stored(revision) -> bool:
    return RenderedFile.objects.filter(revision=revision).count() == len(STORED_FORMATS)


def finalize_to_stored(ctx: BenchContext, worker: Worker, *, repeat: int) -> Row:
    seconds = []
    for _ in range(repeat + 1):  # the first one loads WeasyPrint and fonts in the worker
        copy = ctx.final.duplicate_for(ctx.user)
        started = time.perf_counter()
        with transaction.atomic():
            revision = finalize_job_description(
                job_description=copy, user=ctx.user, expected_version=copy.lock_version
            )
        seconds.append(
            time.perf_counter()
            - started
            + _wait(lambda r=revision: _stored(r), timeout=120, what="stored PDFs")
        )
    return Row(
        "finalize to both stored PDFs, one worker",
        median(seconds[1:]),
        None,
        None,
        kind="",
        unit="s",
        notes=[
            f"median of {repeat} (after one warm-up); solo pool; A4 and Letter rendered in turn",
        ],
    )


def _final_jds(ctx: BenchContext, count: int) -> list[int]:
    """`count` issued JDs whose PDFs are stored (copies of the demo JD's, as a worker left them)."""
    pdfs = {
        f.format: f
        for f in RenderedFile.objects.filter(revision=ctx.revision, format__in=STORED_FORMATS)
    }
    ids = []
    for _ in range(count):
        copy = ctx.final.duplicate_for(ctx.user)
        revision = finalize_job_description(
            job_description=copy, user=ctx.user, expected_version=copy.lock_version
        )
        RenderedFile.objects.bulk_create(
            RenderedFile(
                revision=revision,
                format=key,
                content=stored.content,
                sha256=stored.sha256,
                filename=stored.filename,
                size=stored.size,
            )
            for key, stored in pdfs.items()
        )
        ids.append(revision.pk)
    # Nothing to render: their jobs go, and their messages with them (a worker would skip each).
    Job.objects.filter(kind=JobKind.RENDER, status=JobStatus.QUEUED).delete()
    _flush()
    return ids


def export_rows(ctx: BenchContext, workdir: Path) -> list[Row]:
    from jdbuilder.exports.services import queue_export

    revision_ids = _final_jds(ctx, max(EXPORT_COUNTS))
    peaks, walls, sizes = {}, {}, {}
    for count in EXPORT_COUNTS:
        with Worker(workdir / f"worker-export-{count}.log") as worker:
            _wait(worker.ready, timeout=60, what="worker start")
            start_peak = worker.peak_mb()
            started = time.perf_counter()
            job = queue_export(owner=ctx.user, revision_ids=revision_ids[:count], export_kind="zip")
            job_pk = job.pk
            _wait(
                lambda pk=job_pk: Job.objects.filter(pk=pk, status__in=FINISHED).exists(),
                timeout=1800,
                what=f"export of {count}",
            )
            walls[count] = time.perf_counter() - started
            job = Job.objects.get(pk=job_pk)
            if job.status != JobStatus.SUCCEEDED:
                raise AssertionError(f"export of {count} failed: {job.error}")
            peaks[count] = (start_peak, worker.peak_mb())
            sizes[count] = job.files.get().size
    small, large = EXPORT_COUNTS
    growth = peaks[large][1] - peaks[small][1]
    return [
        Row(
            f"export of {large} JDs (ZIP of stored PDFs), one worker",
            walls[large],
            walls[small],
            None,
            kind="",
            unit="s",
            baseline_name=f"the same export of {small}",
            notes=[f"ZIP {sizes[large] / 1e6:.1f} MB ({sizes[small] / 1e6:.1f} MB for {small})"],
        ),
        Row(
            f"worker peak memory, export of {large} vs {small}",
            growth,
            None,
            EXPORT_PEAK_GROWTH_MB,
            kind="max",
            unit="MiB",
            notes=[
                f"VmHWM {peaks[small][1]:.1f} MiB for {small}, {peaks[large][1]:.1f} MiB for "
                f"{large} (a fresh worker each: {peaks[small][0]:.1f} / {peaks[large][0]:.1f} "
                f"MiB before)"
            ],
        ),
    ]


def worker_rows(ctx: BenchContext, workdir: Path, *, repeat: int) -> list[Row]:
    names = (
        "finalize to both stored PDFs, one worker",
        f"export of {max(EXPORT_COUNTS)} JDs (ZIP of stored PDFs), one worker",
        f"worker peak memory, export of {max(EXPORT_COUNTS)} vs {min(EXPORT_COUNTS)}",
    )
    if not redis_available():
        return [_unavailable(name, None) for name in names]
    with sent_to_broker():
        with Worker(workdir / "worker.log") as worker:
            _wait(worker.ready, timeout=60, what="worker start")
            rows = [finalize_to_stored(ctx, worker, repeat=repeat)]
        rows += export_rows(ctx, workdir)
    return rows


def _unavailable(name: str, target: float | None) -> Row:
    return Row(name, 0.0, None, target, unavailable=f"no Redis at {REDIS_URL}")
