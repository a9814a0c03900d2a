"""The streaming ZIP writer (jdbuilder/exports/zip.py): unique names, one piece per entry, and
entries read only as they are written."""

from __future__ import annotations

import io
import zipfile

from django.utils import timezone

from jdbuilder.exports.zip import Entry, UniqueNames, stream_zip, unique_names


def test_unique_names():
    assert unique_names(["a.pdf", "b.pdf", "A.pdf", "a.pdf", "a-2.pdf"]) == [
        "a.pdf",
        "b.pdf",
        "A-2.pdf",
        "a-3.pdf",
        "a-2-2.pdf",
    ]


def test_names_are_handed_out_one_at_a_time():
    names = UniqueNames()
    assert [names.add("x.pdf"), names.add("X.PDF"), names.add("y.pdf")] == [
        "x.pdf",
        "X-2.PDF",
        "y.pdf",
    ]


def test_a_stream_is_a_valid_zip_with_one_piece_per_entry():
    moment = timezone.now()
    entries = [Entry(f"f{n}.txt", moment, lambda n=n: b"x" * n * 1000) for n in range(3)]
    pieces = list(stream_zip(entries))
    assert len(pieces) == 4
    with zipfile.ZipFile(io.BytesIO(b"".join(pieces))) as archive:
        assert archive.testzip() is None
        assert [archive.read(f"f{n}.txt") for n in range(3)] == [b"", b"x" * 1000, b"x" * 2000]
        local = timezone.localtime(moment)
        assert archive.getinfo("f1.txt").date_time[:3] == (local.year, local.month, local.day)
        assert archive.getinfo("f1.txt").external_attr >> 16 == 0o644


def test_each_entry_is_read_only_when_the_one_before_has_gone_out():
    read = []

    def content(n):
        read.append(n)
        return b"%d" % n

    entries = (Entry(f"{n}.txt", timezone.now(), lambda n=n: content(n)) for n in range(3))
    pieces = stream_zip(entries)
    assert read == []
    next(pieces)
    assert read == [0]
    next(pieces)
    assert read == [0, 1]
    assert len(list(pieces)) == 2 and read == [0, 1, 2]  # the last entry, then the directory
