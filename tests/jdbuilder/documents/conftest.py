"""The documents tests' fixtures: the listener the PDF safety tests aim their attacks at, and a
local file with a canary in it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.jdbuilder.documents.pdf_safety import Listener, write_secret


@pytest.fixture(scope="module")
def running_listener():
    with Listener() as running:
        yield running


@pytest.fixture
def listener(running_listener):
    """The module's listener, with no request recorded yet."""
    running_listener.requests.clear()
    return running_listener


@pytest.fixture
def secret_file(tmp_path) -> Path:
    return write_secret(tmp_path)
