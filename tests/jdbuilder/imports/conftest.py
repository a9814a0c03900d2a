"""Fixtures of the O*NET import tests: the sample release zipped, an upload of it, jobs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.roles.onet.helpers import SAMPLES, zipped_release


def upload_of(data: bytes, name: str = "db_30_0_text.zip") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/zip")


@pytest.fixture
def release(tmp_path: Path) -> Path:
    """A copy of the sample release, for the test to edit before zipping it."""
    folder = tmp_path / "db_30_0_text"
    shutil.copytree(SAMPLES, folder)
    return folder


@pytest.fixture
def release_zip() -> bytes:
    return zipped_release()


@pytest.fixture
def make_import(staff):
    """make_import(**fields) -> an OnetImport row in the state asked for, without a worker."""
    from jdbuilder.imports.models import OnetImport
    from jdbuilder.jobs.models import JobKind

    def make(**fields) -> OnetImport:
        fields.setdefault("owner", staff)
        fields.setdefault("title", "O*NET release db_30_0_text.zip")
        fields.setdefault("params", {"upload": {"name": "db_30_0_text.zip", "files": []}})
        return OnetImport.objects.create(kind=JobKind.ONET_IMPORT, **fields)

    return make
