"""Queueing an export of many JDs, and the worker's handler that writes its file.

`queue_export` freezes the chosen revisions in the job (their ids and titles, in the order
chosen), so the file holds what the person saw when they asked, even if a JD gets a new revision
meanwhile. `run_export` writes the file through the job's chunked store, one JD at a time: one
PDF in memory for the ZIP, one row for the CSV (the combined PDF is the exception: see
`combined`). A stored PDF is read; one not stored yet is rendered and stored by
`jdbuilder.services.export_revision` (the worker may wait for WeasyPrint, a request never does).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from django.db import DatabaseError, transaction
from django.db.models import F

from jdbuilder.documents.build import build_document
from jdbuilder.documents.formats import FORMATS
from jdbuilder.exports.combined import CombinedPdf
from jdbuilder.exports.kinds import ExportKind, export_title
from jdbuilder.exports.queries import exports_of
from jdbuilder.exports.rows import LibraryRow
from jdbuilder.exports.spreadsheet import CsvWriter
from jdbuilder.exports.zip import Entry, UniqueNames, stream_zip
from jdbuilder.jobs.files import ChunkWriter
from jdbuilder.jobs.models import Job, JobFile, JobFileRole, JobKind
from jdbuilder.jobs.progress import Progress
from jdbuilder.jobs.queue import enqueue
from jdbuilder.jobs.services import JobRefused
from jdbuilder.models import JobDescription, JobDescriptionRevision, RevisionQuerySet
from jdbuilder.services import export_revision

log = logging.getLogger(__name__)

MAX_EXPORT_ITEMS = 1000
# Exports one person may have queued or running at once: each can keep a worker busy for
# minutes, and a second click should not start the same work again.
MAX_ACTIVE_EXPORTS = 3
# Revisions read from the database per query while an export runs (snapshots can be large).
BATCH_SIZE = 100


class ExportRefused(ValueError):
    """The export cannot be queued as asked; the message says why, for the person asking."""


def too_many_message(count: int, *, what: str) -> str:
    return (
        f"{what} {count:,} job descriptions; one export holds at most {MAX_EXPORT_ITEMS:,}. "
        "Narrow the search (by role, date or words) or select fewer, and export the rest "
        "separately. Nothing was exported."
    )


def readable_revisions(owner) -> RevisionQuerySet:
    """Revisions of the JDs `owner` may read in the library: nothing else is ever exported."""
    library = JobDescription.objects.library(owner).values("pk")
    return JobDescriptionRevision.objects.filter(job_description__in=library)


@transaction.atomic
def queue_export(*, owner, revision_ids: Sequence[int], export_kind: str) -> Job:
    """Queue an export of `revision_ids` (in that order) for `owner`; sent on commit.

    Raises ExportRefused, queueing nothing, for an unknown format, no revisions, more than
    MAX_EXPORT_ITEMS, any revision `owner` may not read, or too many exports already running.
    """
    if export_kind not in ExportKind.values:
        raise ExportRefused("Choose one of the formats offered: ZIP of PDFs, one PDF or CSV.")
    kind = ExportKind(export_kind)
    ids = list(dict.fromkeys(revision_ids))  # a revision asked for twice is exported once
    if not ids:
        raise ExportRefused("Select at least one job description to export.")
    if len(ids) > MAX_EXPORT_ITEMS:
        raise ExportRefused(too_many_message(len(ids), what="You asked for"))
    titles = dict(readable_revisions(owner).filter(pk__in=ids).values_list("pk", "snapshot__title"))
    unreadable = len(ids) - len(titles)
    if unreadable:
        # Without saying which: an unknown id and someone else's draft look the same.
        raise ExportRefused(
            f"{unreadable} of the selected job descriptions "
            f"{'is' if unreadable == 1 else 'are'} not in your library; nothing was exported."
        )
    if exports_of(owner).active().count() >= MAX_ACTIVE_EXPORTS:
        raise ExportRefused(
            f"You already have {MAX_ACTIVE_EXPORTS} exports being made. Wait for one of them "
            "to finish (the library lists them), then export again."
        )
    job = Job.objects.create(
        kind=JobKind.EXPORT,
        owner=owner,
        title=export_title(kind, len(ids)),
        params={
            "export_kind": kind.value,
            "revision_ids": ids,
            "titles": [titles[pk] or "" for pk in ids],
        },
    )
    enqueue(job)
    return job


# --- the worker's side -----------------------------------------------------------------------


@dataclass
class Selection:
    """The job's frozen revisions, read back in order a batch at a time, with progress."""

    job: Job
    progress: Progress
    skipped: list[str] = field(default_factory=list)
    included: int = 0

    def __iter__(self) -> Iterator[JobDescriptionRevision]:
        ids: list[int] = self.job.params["revision_ids"]
        titles: list[str] = self.job.params.get("titles", [""] * len(ids))
        # Read again as the owner may read them now: a JD deleted since, or no longer theirs
        # to read, is left out and named in the result.
        readable = readable_revisions(self.job.owner).annotate(
            jd_public_id=F("job_description__public_id")
        )
        for start in range(0, len(ids), BATCH_SIZE):
            batch = ids[start : start + BATCH_SIZE]
            found = {revision.pk: revision for revision in readable.filter(pk__in=batch)}
            for offset, pk in enumerate(batch):
                revision = found.pop(pk, None)
                if revision is None:
                    self.skipped.append(titles[start + offset] or f"Revision {pk}")
                else:
                    self.included += 1
                    yield revision  # the consumer is done with it when it asks for the next
                self.progress.advance(start + offset + 1)


def _write_zip(selection: Selection, out: ChunkWriter) -> dict:
    pdf = FORMATS["pdf"]
    names = UniqueNames()

    def entries() -> Iterator[Entry]:
        for revision in selection:
            name = names.add(pdf.filename(build_document(revision)))
            yield Entry(
                name,
                revision.finalized_at,
                lambda revision=revision: export_revision(revision=revision, export_format=pdf),
            )

    for piece in stream_zip(entries()):
        out.write(piece)
    return {}


def _write_pdf(selection: Selection, out: ChunkWriter) -> dict:
    pdf = FORMATS["pdf"]
    combined = CombinedPdf()
    for revision in selection:
        document = build_document(revision)
        combined.add(
            export_revision(revision=revision, export_format=pdf),
            title=document.title,
            company_name=document.company_name,
        )
    if not combined.entries:
        return {}
    selection.progress.stage("Writing the table of contents and the file", done=selection.included)
    return {"pages": combined.write(out, exported_at=selection.job.created_at)}


def _write_csv(selection: Selection, out: ChunkWriter) -> dict:
    spreadsheet = CsvWriter(out)
    for revision in selection:
        spreadsheet.add(LibraryRow.of_revision(revision, public_id=revision.jd_public_id))
    return {}


WRITERS = {ExportKind.ZIP: _write_zip, ExportKind.PDF: _write_pdf, ExportKind.CSV: _write_csv}


def run_export(job: Job, progress: Progress) -> dict:
    """The export job's handler (jdbuilder.jobs.services.RULES): write the file, return what
    the export page shows (how many JDs, which were left out, the file's name and size)."""
    if job.owner is None or not job.owner.is_active:
        raise JobRefused("The account that asked for this export is closed.")
    kind = ExportKind(job.params["export_kind"])
    selection = Selection(job, progress)
    progress.stage(
        f"Adding job descriptions to the {kind.short_name}",
        total=len(job.params["revision_ids"]),
    )
    writer = ChunkWriter(
        job,
        role=JobFileRole.OUTPUT,
        name=kind.filename(job.created_at),
        content_type=kind.content_type,
    )
    try:
        extra = WRITERS[kind](selection, writer)
        if not selection.included:
            raise JobRefused(
                "None of the selected job descriptions can be exported any more: they were "
                "deleted, or you may no longer read them."
            )
        stored = writer.close()
    except BaseException:
        _discard(writer.file)
        raise
    return {
        "count": selection.included,
        "skipped": selection.skipped,
        "filename": stored.name,
        "size": stored.size,
        **extra,
    }


def _discard(file: JobFile) -> None:
    """Delete a file left half written, so no partial export is ever served or kept."""
    try:
        JobFile.objects.filter(pk=file.pk).delete()
    except DatabaseError:  # the database went away: the next attempt's writer replaces it
        log.warning("Could not delete the partial export file %s", file.pk, exc_info=True)
