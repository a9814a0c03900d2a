"""jdbuilder/jobs/files.py: a job's file written and read back in chunks (CHUNK_SIZE made small
here, so a few bytes cross several chunk boundaries), with its size and SHA-256."""

from __future__ import annotations

import hashlib
import io

import pytest

from jdbuilder.jobs import files
from jdbuilder.jobs.files import ChunkWriter, copy_to, read_chunks, store_upload
from jdbuilder.jobs.models import JobFile, JobFileChunk, JobFileRole, JobKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(files, "CHUNK_SIZE", 4)
    return 4


@pytest.fixture
def job(make_job):
    return make_job(kind=JobKind.EXPORT)


def chunk_sizes(stored: JobFile) -> list[int]:
    return [len(data) for data in stored.chunks.order_by("index").values_list("data", flat=True)]


@pytest.mark.parametrize(
    "pieces",
    [
        [b"abcdefghij"],  # one write over three chunks
        [b"ab", b"c", b"defgh", b"", b"ij"],  # writes that straddle the boundaries
        [b"a"] * 10,
    ],
    ids=["one write", "uneven writes", "byte by byte"],
)
def test_what_is_written_reads_back_the_same_across_chunk_boundaries(job, small_chunks, pieces):
    writer = ChunkWriter(job, role=JobFileRole.OUTPUT, name="out.csv", content_type="text/csv")
    for piece in pieces:
        assert writer.write(piece) == len(piece)
    assert writer.tell() == 10
    assert not JobFile.objects.get(pk=writer.file.pk).complete  # until closed
    stored = writer.close()

    content = b"".join(pieces)
    row = JobFile.objects.get(pk=stored.pk)
    assert (row.size, row.sha256, row.complete) == (10, hashlib.sha256(content).hexdigest(), True)
    assert (row.name, row.content_type, row.role) == ("out.csv", "text/csv", JobFileRole.OUTPUT)
    assert chunk_sizes(row) == [4, 4, 2]
    assert b"".join(read_chunks(row)) == content


def test_a_file_of_whole_chunks_has_no_empty_last_chunk(job, small_chunks):
    writer = ChunkWriter(job, role=JobFileRole.OUTPUT, name="out.bin", content_type="x/y")
    writer.write(b"12345678")
    stored = writer.close()
    assert chunk_sizes(stored) == [4, 4]
    assert list(read_chunks(stored)) == [b"1234", b"5678"]


def test_an_empty_file_has_no_chunks(job):
    stored = ChunkWriter(
        job, role=JobFileRole.OUTPUT, name="e.txt", content_type="text/plain"
    ).close()
    assert (stored.size, stored.sha256) == (0, hashlib.sha256(b"").hexdigest())
    assert stored.complete and list(read_chunks(stored)) == []


def test_full_chunks_are_written_as_they_fill(job, small_chunks):
    """A writer holds at most one chunk in memory: the others are already rows."""
    writer = ChunkWriter(job, role=JobFileRole.OUTPUT, name="out.bin", content_type="x/y")
    writer.write(b"abcdefghi")
    assert chunk_sizes(writer.file) == [4, 4]
    writer.write(b"jkl")
    assert chunk_sizes(writer.file) == [4, 4, 4]
    assert b"".join(read_chunks(writer.close())) == b"abcdefghijkl"


def test_a_retried_job_starts_its_file_afresh(job, small_chunks):
    first = ChunkWriter(job, role=JobFileRole.OUTPUT, name="out.bin", content_type="x/y")
    first.write(b"half of the first try")  # the worker died before close()
    second = ChunkWriter(job, role=JobFileRole.OUTPUT, name="out.bin", content_type="x/y")
    second.write(b"whole")
    stored = second.close()

    assert list(JobFile.objects.filter(job=job)) == [stored]
    assert JobFileChunk.objects.filter(file__job=job).count() == 2
    assert b"".join(read_chunks(stored)) == b"whole"


def test_an_input_and_an_output_are_kept_side_by_side(job):
    upload = store_upload(
        job, role=JobFileRole.INPUT, name="db.zip", content_type="application/zip", chunks=[b"in"]
    )
    output = ChunkWriter(job, role=JobFileRole.OUTPUT, name="log.txt", content_type="text/plain")
    output.write(b"out")
    output.close()
    assert {f.role: b"".join(read_chunks(f)) for f in job.files.all()} == {
        JobFileRole.INPUT: b"in",
        JobFileRole.OUTPUT: b"out",
    }
    assert upload.sha256 == hashlib.sha256(b"in").hexdigest()


def test_store_upload_and_copy_to_round_trip(job, small_chunks):
    data = bytes(range(256)) * 3
    pieces = [data[i : i + 100] for i in range(0, len(data), 100)]  # as UploadedFile.chunks()
    stored = store_upload(
        job, role=JobFileRole.INPUT, name="db.zip", content_type="application/zip", chunks=pieces
    )
    assert stored.size == len(data) and stored.complete
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    destination = io.BytesIO()
    copy_to(stored, destination)
    assert destination.getvalue() == data


def test_reading_takes_one_query_per_chunk(job, small_chunks, django_assert_num_queries):
    writer = ChunkWriter(job, role=JobFileRole.OUTPUT, name="out.bin", content_type="x/y")
    writer.write(b"x" * 20)
    stored = writer.close()
    with django_assert_num_queries(1 + 5):  # the chunk ids, then each chunk alone
        assert sum(len(chunk) for chunk in read_chunks(stored)) == 20
