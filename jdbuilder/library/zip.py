"""A ZIP archive written while it is sent: entries go out as soon as each one is compressed.

`zipfile` can write to a stream that cannot seek: it then puts each entry's sizes and CRC in a
data descriptor after the data. The sink below is such a stream, drained by a generator after
every entry, so the server holds one entry at a time, never the whole archive.
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


def unique_names(names: Iterable[str]) -> list[str]:
    """The names in order, with `-2`, `-3`... added before the extension to any repeat.

    Compared without case: archives are unpacked on case-insensitive file systems too.
    """
    taken: set[str] = set()
    result = []
    for name in names:
        path = PurePosixPath(name)
        candidate, counter = name, 1
        while candidate.casefold() in taken:
            counter += 1
            candidate = f"{path.stem}-{counter}{path.suffix}"
        taken.add(candidate.casefold())
        result.append(candidate)
    return result


def _zip_time(moment: datetime.datetime) -> tuple[int, int, int, int, int, int]:
    # ZIP stores local wall-clock time without a zone, and nothing before 1980.
    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    return max(local.timetuple()[:6], (1980, 1, 1, 0, 0, 0))


def stream_zip(entries: Iterable[Entry]) -> Iterator[bytes]:
    """Yield the archive of `entries` piece by piece: one piece per entry, then the directory."""
    sink = _Sink()
    with zipfile.ZipFile(sink, mode="w", compression=zipfile.ZIP_DEFLATED) as archive:
        for entry in entries:
            info = zipfile.ZipInfo(entry.name, date_time=_zip_time(entry.modified))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16  # a plain readable file when unpacked
            archive.writestr(info, entry.content())
            yield sink.drain()
    yield sink.drain()  # the central directory, written when the archive closes
