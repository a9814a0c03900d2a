"""A ZIP archive written as it is built: each entry goes out as soon as it is compressed.

`zipfile` can write to a stream that cannot seek: it then puts each entry's sizes and CRC in a
data descriptor after the data. The sink below is such a stream, drained by a generator after
every entry, so the writer holds one entry at a time (one PDF and its compressed copy), never
the whole archive, however many entries it has.
"""

from __future__ import annotations

import datetime
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.utils import timezone


class _Sink:
    """A write-only file object: `zipfile` writes into it, `drain` hands the bytes on.

    It has `tell` (zipfile needs offsets for the central directory) but no `seek`, which tells
    zipfile to write data descriptors instead of going back to patch each local header.
    """

    def __init__(self) -> None:
        self._chunks: list[bytes] = []
        self._position = 0

    def write(self, data: bytes) -> int:
        self._chunks.append(bytes(data))
        self._position += len(data)
        return len(data)

    def tell(self) -> int:
        return self._position

    def flush(self) -> None:
        pass

    def drain(self) -> bytes:
        data = b"".join(self._chunks)
        self._chunks.clear()
        return data


@dataclass(frozen=True)
class Entry:
    """One file of the archive; `content` is called only when the entry is written."""

    name: str
    modified: datetime.datetime
    content: Callable[[], bytes]


class UniqueNames:
    """Hands out names as given, with `-2`, `-3`... added before the extension to any repeat.

    Compared without case: archives are unpacked on case-insensitive file systems too.
    """

    def __init__(self) -> None:
        self._taken: set[str] = set()

    def add(self, name: str) -> str:
        path = PurePosixPath(name)
        candidate, counter = name, 1
        while candidate.casefold() in self._taken:
            counter += 1
            candidate = f"{path.stem}-{counter}{path.suffix}"
        self._taken.add(candidate.casefold())
        return candidate


def unique_names(names: Iterable[str]) -> list[str]:
    taken = UniqueNames()
    return [taken.add(name) for name in names]


def _zip_time(moment: datetime.datetime) -> tuple[int, int, int, int, int, int]:
    # ZIP stores local wall-clock time without a zone, and nothing before 1980.
    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    return max(local.timetuple()[:6], (1980, 1, 1, 0, 0, 0))


def stream_zip(entries: Iterable[Entry]) -> Iterator[bytes]:
    """Yield the archive of `entries` piece by piece: one piece per entry, then the directory.

    `entries` is read lazily: the next entry is asked for only after the previous one's piece
    has been taken.
    """
    sink = _Sink()
    with zipfile.ZipFile(sink, mode="w", compression=zipfile.ZIP_DEFLATED) as archive:
        for entry in entries:
            info = zipfile.ZipInfo(entry.name, date_time=_zip_time(entry.modified))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16  # a plain readable file when unpacked
            archive.writestr(info, entry.content())
            yield sink.drain()
    yield sink.drain()  # the central directory, written when the archive closes
