"""The library tests' fixtures: a stand-in for the PDF renderer, and the people (made per test;
a `SharedRows` class makes its own once)."""

from __future__ import annotations

import dataclasses

import pytest

from jdbuilder.documents.formats import FORMATS
from tests.jdbuilder.library import support


@pytest.fixture(autouse=True)
def pdf_renderer(monkeypatch):
    """The A4 PDF format with `fake_pdf` as renderer; the library is tested, not the renderer."""
    support.RENDERED.clear()
    fake = dataclasses.replace(FORMATS["pdf"], renderer_path=f"{support.__name__}.fake_pdf")
    monkeypatch.setitem(FORMATS, "pdf", fake)
    return support.RENDERED


@pytest.fixture
def people(catalog):
    return support.make_people()
