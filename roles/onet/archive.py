"""Checking an uploaded zip of an O*NET text release, then unpacking it safely.

An upload is untrusted until every member has been looked at, so nothing is extracted before
`check_archive` has passed the whole zip: its size, its number of members, and each member's
path, type, encryption, compression method and ratio, and name (the release files that
roles.onet.files reads, and the release's other tables as O*NET names them, plain `.txt`
names, at the top or all inside one folder such as `db_30_0_text/`: the zip O*NET publishes is
accepted as it is downloaded). Every fault raises `ArchiveError` naming the member.

`extract_release` checks again, then writes only the files the import reads (the other tables
are left packed), each under its expected name
in a folder of our choosing (never a path taken from the zip), counting the bytes as they come
so a member that unpacks to more than it declared stops the extraction. Only stored and
deflated members are accepted: Python's bzip2 and LZMA readers inflate a whole read at once,
which a crafted member turns into unbounded memory.
"""

from __future__ import annotations

import contextlib
import re
import stat
import struct
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from roles.onet.files import HEADERS, OPTIONAL_FILES

MIB = 1024 * 1024
RELEASE_FILES = tuple(HEADERS)  # the names read_release looks for
REQUIRED_FILES = tuple(name for name in RELEASE_FILES if name not in OPTIONAL_FILES)
ACCEPTED_METHODS = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflated"}
COPY_CHUNK = 64 * 1024
# The end-of-central-directory record: its signature, its size without the comment, and the
# longest comment a zip may carry after it.
EOCD_SIGNATURE = b"PK\x05\x06"
EOCD_SIZE = 22
EOCD_COMMENT_MAX = 0xFFFF
WINDOWS_DRIVE = re.compile(r"[A-Za-z]:")
# The other tables of an O*NET text release ("Abilities.txt", "Work Context Categories.txt",
# "Education, Training, and Experience.txt", ...): accepted, listed, never unpacked.
OTHER_RELEASE_FILE = re.compile(r"[A-Z][A-Za-z0-9 ,&()'-]{0,98}\.txt")


class ArchiveError(ValueError):
    """The upload is not a zip of an O*NET text release we accept; the message says why."""


@dataclass(frozen=True)
class ArchiveLimits:
    """What an upload may be. The six files of O*NET 30.0 take about 30 MB unpacked and
    deflate about ten to one; a zip bomb's members inflate thousands to one."""

    upload_bytes: int = 300 * MIB  # the zip itself
    total_bytes: int = 1024 * MIB  # all members unpacked
    ratio: int = 100  # unpacked / packed, per member
    members: int = 64  # entries in the zip, folders included


@dataclass(frozen=True)
class Member:
    name: str  # its path in the zip
    file: str  # the release file it is (one of RELEASE_FILES)
    size: int  # unpacked, as declared
    packed: int
    info: zipfile.ZipInfo = field(repr=False, compare=False)


@dataclass(frozen=True)
class ArchiveContents:
    folder: str  # the one folder holding the files ("db_30_0_text"), or "" for the top
    members: tuple[Member, ...]
    upload_size: int
    not_read: tuple[str, ...] = ()  # the release's other tables, left packed

    @property
    def files(self) -> tuple[str, ...]:
        return tuple(member.file for member in self.members)

    @property
    def total_size(self) -> int:
        return sum(member.size for member in self.members)

    def summary(self) -> dict:
        """Plain data (JSON) for people: what the zip holds."""
        return {
            "folder": self.folder,
            "files": [{"name": m.file, "size": m.size, "packed": m.packed} for m in self.members],
            "missing_optional": [name for name in OPTIONAL_FILES if name not in self.files],
            "not_read": list(self.not_read),
            "unpacked_size": self.total_size,
            "upload_size": self.upload_size,
        }


def megabytes(size: int) -> str:
    value = size / MIB
    return f"{value:,.0f} MB" if value >= 10 else f"{value:,.1f} MB"


def check_upload_size(size: int, limits: ArchiveLimits) -> None:
    if size > limits.upload_bytes:
        raise ArchiveError(
            f"the file is {megabytes(size)}, more than the {megabytes(limits.upload_bytes)} "
            f"an upload may be"
        )
    if size == 0:
        raise ArchiveError("the file is empty")


def check_archive(source: BinaryIO | Path, *, limits: ArchiveLimits) -> ArchiveContents:
    """Check the zip and every member, extracting nothing; raises ArchiveError."""
    with _open_zip(source, limits) as (archive, size):
        return _inspect(archive, size, limits)


def extract_release(
    source: BinaryIO | Path, destination: Path, *, limits: ArchiveLimits
) -> ArchiveContents:
    """Check the zip, then write its release files into `destination` (made if missing)."""
    with _open_zip(source, limits) as (archive, size):
        contents = _inspect(archive, size, limits)
        destination.mkdir(parents=True, exist_ok=True)
        written_total = 0
        for member in contents.members:
            target = destination / member.file  # our name, never the zip's path
            try:
                with archive.open(member.info) as packed, target.open("xb") as out:
                    written = 0
                    while chunk := packed.read(COPY_CHUNK):
                        written += len(chunk)
                        written_total += len(chunk)
                        if written > member.size or written_total > limits.total_bytes:
                            raise ArchiveError(
                                f"'{member.name}': unpacks to more than the "
                                f"{member.size:,} bytes it declares"
                            )
                        out.write(chunk)
            except (zipfile.BadZipFile, zlib.error, EOFError) as error:
                message = f"'{member.name}': damaged, cannot be unpacked ({error})"
                raise ArchiveError(message) from error
        return contents


@contextlib.contextmanager
def unpacked_release(
    source: BinaryIO | Path, *, limits: ArchiveLimits
) -> Iterator[tuple[Path, ArchiveContents]]:
    """(folder, contents): the release files in a temporary folder, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="onet-release-") as work:
        folder = Path(work) / "release"
        contents = extract_release(source, folder, limits=limits)
        yield folder, contents


# --- the checks ---------------------------------------------------------------------------------


@contextlib.contextmanager
def _open_zip(
    source: BinaryIO | Path, limits: ArchiveLimits
) -> Iterator[tuple[zipfile.ZipFile, int]]:
    with contextlib.ExitStack() as stack:
        handle = stack.enter_context(source.open("rb")) if isinstance(source, Path) else source
        handle.seek(0, 2)
        size = handle.tell()
        check_upload_size(size, limits)
        # Before zipfile reads the central directory into memory, entry by entry.
        declared = _declared_entries(handle, size)
        if declared is not None and declared > limits.members:
            raise ArchiveError(
                f"the zip has {declared:,} entries; a release has {len(RELEASE_FILES)} files "
                f"(at most {limits.members} entries are accepted)"
            )
        handle.seek(0)
        try:
            archive = stack.enter_context(zipfile.ZipFile(handle))
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as error:
            raise ArchiveError(f"not a zip file ({error})") from error
        yield archive, size


def _declared_entries(handle: BinaryIO, size: int) -> int | None:
    """The entry count the zip's last record declares (0xFFFF for a Zip64 one), or None when
    there is no such record (then zipfile says the file is not a zip)."""
    length = min(size, EOCD_SIZE + EOCD_COMMENT_MAX)
    handle.seek(size - length)
    tail = handle.read(length)
    at = tail.rfind(EOCD_SIGNATURE)
    if at < 0 or len(tail) - at < EOCD_SIZE:
        return None
    (entries,) = struct.unpack("<H", tail[at + 10 : at + 12])
    return entries


def _inspect(archive: zipfile.ZipFile, size: int, limits: ArchiveLimits) -> ArchiveContents:
    entries = archive.infolist()
    if len(entries) > limits.members:
        raise ArchiveError(f"the zip has {len(entries):,} entries, more than {limits.members}")
    folders: dict[str, str] = {}  # folder -> the first member seen in it
    members: list[Member] = []
    not_read: list[str] = []
    seen: dict[str, str] = {}  # release file, folded -> member name
    for info in entries:
        folder, file = _check_member(info, limits)
        folders.setdefault(folder, info.filename)
        if file is None:  # a folder entry: checked with the files' folders below
            continue
        if file not in RELEASE_FILES:
            not_read.append(file)
            continue
        if file.casefold() in seen:
            raise ArchiveError(f"'{info.filename}': {file} is in the zip twice")
        seen[file.casefold()] = info.filename
        members.append(Member(info.filename, file, info.file_size, info.compress_size, info))
    if len(folders) > 1:
        first, second = list(folders.values())[:2]
        raise ArchiveError(
            f"'{second}': not in the same folder as '{first}'; the files must be at the top "
            f"of the zip or all in one folder"
        )
    missing = [name for name in REQUIRED_FILES if name.casefold() not in seen]
    if missing:
        raise ArchiveError(
            f"the zip lacks {', '.join(missing)}: an O*NET text release has "
            f"{', '.join(REQUIRED_FILES)}"
        )
    total = sum(member.size for member in members)
    if total > limits.total_bytes:
        raise ArchiveError(
            f"the files unpack to {megabytes(total)}, more than the "
            f"{megabytes(limits.total_bytes)} allowed"
        )
    order = {name: position for position, name in enumerate(RELEASE_FILES)}
    members.sort(key=lambda member: order[member.file])
    return ArchiveContents(next(iter(folders), ""), tuple(members), size, tuple(sorted(not_read)))


def _check_member(info: zipfile.ZipInfo, limits: ArchiveLimits) -> tuple[str, str | None]:
    """(folder, release file) of an acceptable member, file None for a folder entry;
    ArchiveError naming the member otherwise."""
    name = info.filename

    def refuse(reason: str) -> ArchiveError:
        return ArchiveError(f"'{name}': {reason}")

    if "\x00" in info.orig_filename:
        raise refuse("a NUL character in its name")
    if "\\" in name:
        raise refuse("a backslash in its path (zip paths use /)")
    if name.startswith("/") or WINDOWS_DRIVE.match(name):
        raise refuse("an absolute path")
    parts = name.removesuffix("/").split("/") if info.is_dir() else name.split("/")
    if ".." in parts:
        raise refuse("a path that climbs out of its folder ('..')")
    if any(part in ("", ".") for part in parts):
        raise refuse("an empty or '.' step in its path")
    if info.flag_bits & 0x1:
        raise refuse("encrypted (a release is not password-protected)")
    kind = stat.S_IFMT(info.external_attr >> 16)  # Unix mode bits; 0 when made elsewhere
    if kind == stat.S_IFLNK:
        raise refuse("a symbolic link")
    if info.is_dir():
        if kind not in (0, stat.S_IFDIR):
            raise refuse("not a plain folder")
        if len(parts) > 1:
            raise refuse("a folder inside a folder (at most one folder may hold the files)")
        return parts[0], None
    if kind not in (0, stat.S_IFREG):
        raise refuse("not a regular file")
    if len(parts) > 2:
        raise refuse("nested more than one folder deep")
    file = parts[-1]
    folded = {name.casefold(): name for name in RELEASE_FILES}
    if file not in RELEASE_FILES and (
        file.casefold() in folded or not OTHER_RELEASE_FILE.fullmatch(file)
    ):
        raise refuse(
            f"not a file of an O*NET text release; the import reads "
            f"{', '.join(RELEASE_FILES)}, and accepts (leaving them packed) the release's "
            f'other tables, named as O*NET names them ("Abilities.txt")'
        )
    if info.compress_type not in ACCEPTED_METHODS:
        method = zipfile.compressor_names.get(info.compress_type, str(info.compress_type))
        raise refuse(f"compressed with {method}; only stored or deflated members are accepted")
    if info.file_size > limits.ratio * max(info.compress_size, 1):
        raise refuse(
            f"unpacks {info.file_size // max(info.compress_size, 1):,} times larger than it is "
            f"packed (at most {limits.ratio} times: a text release compresses far less)"
        )
    return (parts[0] if len(parts) == 2 else ""), file
