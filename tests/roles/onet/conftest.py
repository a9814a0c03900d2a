"""Fixtures of the O*NET import tests."""

import shutil
from pathlib import Path

import pytest

from tests.roles.onet.helpers import SAMPLES


@pytest.fixture
def release(tmp_path: Path) -> Path:
    """A copy of the sample release in tmp_path, for the test to edit."""
    folder = tmp_path / "db_30_0_text"
    shutil.copytree(SAMPLES, folder)
    return folder
