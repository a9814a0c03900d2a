"""A job's file written and read in chunks of at most `CHUNK_SIZE` bytes: a worker builds an
export of any size holding one chunk (and one PDF) at a time, and a download streams it back.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

from django.db import transaction

from jdbuilder.jobs.models import Job, JobFile, JobFileChunk

CHUNK_SIZE = 1024 * 1024


class ChunkWriter:
    """A write-only file object over a new `JobFile`; `close()` marks it complete.

    Chunks are written as they fill, each in its own INSERT (outside any long transaction), so
    a reader on another connection can stream a finished file while nothing holds it in memory.
    """

    def __init__(self, job: Job, *, role: str, name: str, content_type: str) -> None:
        JobFile.objects.filter(job=job, role=role).delete()  # a retried job starts afresh
        self.file = JobFile.objects.create(job=job, role=role, name=name, content_type=content_type)
        self._buffer = bytearray()
        self._index = 0
        self._size = 0
        self._hash = hashlib.sha256()

    def write(self, data: bytes) -> int:
        self._buffer += data
        self._size += len(data)
        self._hash.update(data)
        while len(self._buffer) >= CHUNK_SIZE:
            self._flush(bytes(self._buffer[:CHUNK_SIZE]))
            del self._buffer[:CHUNK_SIZE]
        return len(data)

    def tell(self) -> int:
        return self._size

    def flush(self) -> None:
        pass

    def _flush(self, data: bytes) -> None:
        JobFileChunk.objects.create(file=self.file, index=self._index, data=data)
        self._index += 1

    def close(self) -> JobFile:
        if self._buffer:
            self._flush(bytes(self._buffer))
            self._buffer.clear()
        self.file.size, self.file.sha256, self.file.complete = (
            self._size,
            self._hash.hexdigest(),
            True,
        )
        self.file.save(update_fields=["size", "sha256", "complete"])
        return self.file


@transaction.atomic
def store_upload(job: Job, *, role: str, name: str, content_type: str, chunks) -> JobFile:
    """Store an uploaded file (an iterable of byte strings, e.g. `UploadedFile.chunks()`)."""
    writer = ChunkWriter(job, role=role, name=name, content_type=content_type)
    for chunk in chunks:
        writer.write(chunk)
    return writer.close()


def read_chunks(file: JobFile) -> Iterator[bytes]:
    """The file's bytes, one chunk per query, so memory holds one chunk at a time."""
    ids = list(file.chunks.order_by("index").values_list("pk", flat=True))
    for pk in ids:
        yield bytes(JobFileChunk.objects.values_list("data", flat=True).get(pk=pk))


def copy_to(file: JobFile, destination) -> None:
    """Write the file into an open binary file object (a temporary file a worker unpacks)."""
    for chunk in read_chunks(file):
        destination.write(chunk)
