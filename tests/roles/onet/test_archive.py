"""Checking an uploaded zip of a release before anything is extracted, then unpacking it.

Every bad zip is refused with a message naming the member, and nothing is written where the
release would be unpacked.
"""

from __future__ import annotations

import io
import stat
import zipfile
from pathlib import Path

import pytest

from roles.onet.archive import (
    REQUIRED_FILES,
    ArchiveError,
    ArchiveLimits,
    check_archive,
    extract_release,
    unpacked_release,
)
from roles.onet.files import OPTIONAL_FILES, read_release
from tests.roles.onet.helpers import CODES, SAMPLES, make_zip, zipped_release

LIMITS = ArchiveLimits()
SAMPLE_NAMES = sorted(path.name for path in SAMPLES.glob("*.txt"))


def sample_members(prefix: str = "db_30_0_text/", skip: tuple[str, ...] = ()) -> list:
    return [
        (prefix + name, (SAMPLES / name).read_bytes()) for name in SAMPLE_NAMES if name not in skip
    ]


def refused(data: bytes, tmp_path: Path, limits: ArchiveLimits = LIMITS) -> str:
    """The message of the refusal; the check and the extraction both refuse, writing nothing."""
    with pytest.raises(ArchiveError) as checked:
        check_archive(io.BytesIO(data), limits=limits)
    target = tmp_path / "unpacked"
    with pytest.raises(ArchiveError) as extracted:
        extract_release(io.BytesIO(data), target, limits=limits)
    assert str(extracted.value) == str(checked.value)
    assert not target.exists() or not any(target.iterdir())
    return str(checked.value)


# --- what is accepted ---------------------------------------------------------------------------


def test_a_release_zipped_in_its_folder_is_checked_and_unpacked(tmp_path):
    data = zipped_release()
    contents = check_archive(io.BytesIO(data), limits=LIMITS)
    assert contents.folder == "db_30_0_text"
    assert set(contents.files) == set(SAMPLE_NAMES)
    assert contents.upload_size == len(data)
    assert contents.total_size == sum((SAMPLES / name).stat().st_size for name in SAMPLE_NAMES)
    assert contents.summary()["missing_optional"] == []

    target = tmp_path / "unpacked"
    extract_release(io.BytesIO(data), target, limits=LIMITS)
    assert sorted(path.name for path in target.iterdir()) == SAMPLE_NAMES
    for name in SAMPLE_NAMES:
        assert (target / name).read_bytes() == (SAMPLES / name).read_bytes()
    assert set(read_release(target).occupations) == set(CODES)


def test_files_at_the_top_of_the_zip_with_folder_entries_and_a_path(tmp_path):
    at_top = tmp_path / "top.zip"
    at_top.write_bytes(make_zip(*sample_members(prefix="")))
    assert check_archive(at_top, limits=LIMITS).folder == ""

    # Zips made by `zip -r` list the folder itself too.
    with_folder_entry = make_zip(("db_30_0_text/", b""), *sample_members())
    assert check_archive(io.BytesIO(with_folder_entry), limits=LIMITS).folder == "db_30_0_text"


def test_optional_files_may_be_missing(tmp_path):
    data = make_zip(*sample_members(skip=OPTIONAL_FILES))
    contents = check_archive(io.BytesIO(data), limits=LIMITS)
    assert contents.summary()["missing_optional"] == list(OPTIONAL_FILES)
    assert set(contents.files) == set(REQUIRED_FILES)


def test_stored_members_are_accepted(tmp_path):
    data = make_zip(*sample_members(), method=zipfile.ZIP_STORED)
    extract_release(io.BytesIO(data), tmp_path / "unpacked", limits=LIMITS)
    assert len(list((tmp_path / "unpacked").iterdir())) == len(SAMPLE_NAMES)


def test_unpacked_release_removes_its_folder_afterwards():
    with unpacked_release(io.BytesIO(zipped_release()), limits=LIMITS) as (folder, contents):
        assert (folder / "Skills.txt").is_file()
        assert contents.folder == "db_30_0_text"
    assert not folder.exists()


def test_a_member_is_written_under_its_release_name_only(tmp_path):
    target = tmp_path / "unpacked"
    extract_release(io.BytesIO(zipped_release()), target, limits=LIMITS)
    assert not (target / "db_30_0_text").exists()
    assert {path.name for path in tmp_path.rglob("*") if path.is_file()} == set(SAMPLE_NAMES)


# --- the upload itself --------------------------------------------------------------------------


def test_not_a_zip(tmp_path):
    message = refused(b"Occupation Data.txt\tO*NET-SOC Code\n" * 10, tmp_path)
    assert message.startswith("not a zip file")


def test_an_empty_upload(tmp_path):
    assert refused(b"", tmp_path) == "the file is empty"


def test_an_upload_over_the_size_cap(tmp_path):
    data = zipped_release()
    message = refused(data, tmp_path, ArchiveLimits(upload_bytes=len(data) - 1))
    assert "more than the 0.0 MB an upload may be" in message
    assert check_archive(io.BytesIO(data), limits=ArchiveLimits(upload_bytes=len(data)))


def test_too_many_entries_are_refused_before_reading_them(tmp_path):
    message = refused(zipped_release(), tmp_path, ArchiveLimits(members=3))
    assert message == (
        "the zip has 6 entries; a release has 6 files (at most 3 entries are accepted)"
    )


def test_a_damaged_zip(tmp_path):
    data = bytearray(zipped_release())
    first = zipfile.ZipFile(io.BytesIO(bytes(data))).infolist()[0]
    start = first.header_offset + 30 + len(first.filename) + first.compress_size // 2
    data[start : start + 40] = b"\xff" * 40  # inside the first member's deflated data
    with pytest.raises(ArchiveError, match="damaged, cannot be unpacked"):
        extract_release(io.BytesIO(bytes(data)), tmp_path / "unpacked", limits=LIMITS)


def test_a_member_that_unpacks_to_other_bytes_than_it_declares(tmp_path):
    data = bytearray(
        make_zip(
            ("Skills.txt", b"x" * 50),
            *sample_members(prefix="", skip=("Skills.txt",)),
            method=zipfile.ZIP_STORED,
        )
    )
    # Declare 40 bytes instead of 50, in the local header and the central directory alike:
    # zipfile then stops after 40 and finds the checksum wrong.
    for signature, size_at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = data.index(signature)
        assert int.from_bytes(data[at + size_at : at + size_at + 4], "little") == 50
        data[at + size_at : at + size_at + 4] = (40).to_bytes(4, "little")
    assert check_archive(io.BytesIO(bytes(data)), limits=LIMITS)  # nothing to see yet
    with pytest.raises(ArchiveError, match="'Skills.txt': damaged, cannot be unpacked"):
        extract_release(io.BytesIO(bytes(data)), tmp_path / "unpacked", limits=LIMITS)


# --- each member --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("/etc/Skills.txt", "an absolute path"),
        ("C:/release/Skills.txt", "an absolute path"),
        ("db_30_0_text\\Skills.txt", "a backslash in its path (zip paths use /)"),
        ("db_30_0_text/../Skills.txt", "a path that climbs out of its folder ('..')"),
        ("../../Skills.txt", "a path that climbs out of its folder ('..')"),
        ("./Skills.txt", "an empty or '.' step in its path"),
        ("db_30_0_text//Skills.txt", "an empty or '.' step in its path"),
        ("a/b/Skills.txt", "nested more than one folder deep"),
        ("a/b/", "a folder inside a folder (at most one folder may hold the files)"),
    ],
)
def test_paths_that_could_land_elsewhere(tmp_path, name, reason):
    assert refused(make_zip((name, b"data")), tmp_path) == f"'{name}': {reason}"


def test_a_symbolic_link(tmp_path):
    link = zipfile.ZipInfo("db_30_0_text/Skills.txt")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    message = refused(make_zip((link, b"/etc/passwd")), tmp_path)
    assert message == "'db_30_0_text/Skills.txt': a symbolic link"


@pytest.mark.parametrize("kind", [stat.S_IFIFO, stat.S_IFCHR, stat.S_IFBLK, stat.S_IFSOCK])
def test_a_member_that_is_not_a_regular_file(tmp_path, kind):
    special = zipfile.ZipInfo("Skills.txt")
    special.external_attr = (kind | 0o644) << 16
    assert refused(make_zip((special, b"")), tmp_path) == "'Skills.txt': not a regular file"


def test_a_folder_entry_with_another_file_type(tmp_path):
    odd = zipfile.ZipInfo("db_30_0_text/")
    odd.external_attr = (stat.S_IFLNK | 0o777) << 16
    assert refused(make_zip((odd, b"")), tmp_path) == "'db_30_0_text/': a symbolic link"
    fifo = zipfile.ZipInfo("db_30_0_text/")
    fifo.external_attr = (stat.S_IFIFO | 0o755) << 16
    assert refused(make_zip((fifo, b"")), tmp_path) == "'db_30_0_text/': not a plain folder"


def test_an_encrypted_member(tmp_path):
    data = bytearray(make_zip(("Skills.txt", b"secret")))
    # zipfile writes no encrypted members: set the flag in both headers, as an encrypting
    # tool leaves it.
    for signature, flags_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.index(signature) + flags_at
        data[at] |= 0x1
    message = refused(bytes(data), tmp_path)
    assert message == "'Skills.txt': encrypted (a release is not password-protected)"


def test_a_nul_character_in_a_name(tmp_path):
    data = make_zip(("Skills.txtXevil.sh", b"data")).replace(
        b"Skills.txtXevil", b"Skills.txt\0evil"
    )
    assert refused(data, tmp_path) == "'Skills.txt': a NUL character in its name"


def test_the_same_file_twice(tmp_path):
    members = [*sample_members(), ("db_30_0_text/Skills.txt", b"again")]
    with pytest.warns(UserWarning, match="Duplicate name"):
        data = make_zip(*members)
    message = refused(data, tmp_path)
    assert message == "'db_30_0_text/Skills.txt': Skills.txt is in the zip twice"


@pytest.mark.parametrize(
    "name",
    [
        "db_30_0_text/skills.txt",  # a file the import reads, in another case: ambiguous
        "db_30_0_text/evil.txt",
        "db_30_0_text/Abilities.txt.sh",
        "db_30_0_text/Abilities;rm.txt",
        "__MACOSX/._Skills.txt",
        "run.sh",
    ],
)
def test_a_file_that_is_not_part_of_a_release(tmp_path, name):
    message = refused(make_zip(*sample_members(), (name, b"data")), tmp_path)
    assert message.startswith(f"'{name}': not a file of an O*NET text release")
    assert "the import reads Occupation Data.txt, Alternate Titles.txt" in message


def test_the_release_as_o_net_publishes_it_is_accepted_and_only_the_files_read_unpacked(
    tmp_path,
):
    """O*NET's zip holds some forty tables: the ones the import does not read are listed and
    left packed, never written to disk."""
    others = ["Abilities.txt", "Education, Training, and Experience.txt", "Read Me.txt"]
    data = make_zip(
        *sample_members(), *((f"db_30_0_text/{name}", b"not read\n") for name in others)
    )
    contents = check_archive(io.BytesIO(data), limits=LIMITS)
    assert set(contents.files) == set(SAMPLE_NAMES)
    assert contents.not_read == tuple(sorted(others))
    assert contents.summary()["not_read"] == sorted(others)
    target = tmp_path / "unpacked"
    extract_release(io.BytesIO(data), target, limits=LIMITS)
    assert sorted(path.name for path in target.iterdir()) == SAMPLE_NAMES


def test_files_in_two_folders(tmp_path):
    members = sample_members(skip=("Skills.txt",))
    members.append(("other/Skills.txt", (SAMPLES / "Skills.txt").read_bytes()))
    message = refused(make_zip(*members), tmp_path)
    assert message == (
        "'other/Skills.txt': not in the same folder as 'db_30_0_text/Alternate Titles.txt'; the "
        "files must be at the top of the zip or all in one folder"
    )


def test_files_at_the_top_and_in_a_folder(tmp_path):
    members = [*sample_members(prefix="", skip=("Skills.txt",))]
    members.append(("db_30_0_text/Skills.txt", (SAMPLES / "Skills.txt").read_bytes()))
    message = refused(make_zip(*members), tmp_path)
    assert message.startswith("'db_30_0_text/Skills.txt': not in the same folder as")


def test_a_required_file_missing(tmp_path):
    message = refused(
        make_zip(*sample_members(skip=("Skills.txt", "Task Statements.txt"))), tmp_path
    )
    assert message == (
        "the zip lacks Task Statements.txt, Skills.txt: an O*NET text release has "
        "Occupation Data.txt, Alternate Titles.txt, Task Statements.txt, Skills.txt"
    )


@pytest.mark.parametrize(
    ("method", "name"), [(zipfile.ZIP_BZIP2, "bzip2"), (zipfile.ZIP_LZMA, "lzma")]
)
def test_compression_methods_that_inflate_without_bound(tmp_path, method, name):
    message = refused(make_zip(*sample_members(), method=method), tmp_path)
    assert message == (
        f"'db_30_0_text/Alternate Titles.txt': compressed with {name}; only stored or deflated "
        f"members are accepted"
    )


def test_a_zip_bomb_member(tmp_path):
    bomb = b"0" * (8 * 1024 * 1024)  # deflates about a thousand to one
    members = [*sample_members(skip=("Skills.txt",)), ("db_30_0_text/Skills.txt", bomb)]
    message = refused(make_zip(*members), tmp_path)
    assert message.startswith("'db_30_0_text/Skills.txt': unpacks ")
    assert "times larger than it is packed (at most 100 times" in message


def test_a_member_declaring_more_than_it_packs(tmp_path):
    data = bytearray(make_zip(("Skills.txt", b"x" * 50), method=zipfile.ZIP_STORED))
    at = data.index(b"PK\x01\x02") + 24  # the central directory's uncompressed size
    data[at : at + 4] = (10_000).to_bytes(4, "little")
    message = refused(bytes(data), tmp_path)
    assert message == (
        "'Skills.txt': unpacks 200 times larger than it is packed (at most 100 times: a text "
        "release compresses far less)"
    )


def test_the_total_unpacked_size_is_capped(tmp_path):
    data = zipped_release()
    total = sum((SAMPLES / name).stat().st_size for name in SAMPLE_NAMES)
    message = refused(data, tmp_path, ArchiveLimits(total_bytes=total - 1))
    assert message.startswith("the files unpack to 0.0 MB, more than the 0.0 MB allowed")
    assert check_archive(io.BytesIO(data), limits=ArchiveLimits(total_bytes=total))
