"""The export tests' fixtures: a stand-in for the PDF renderer (real PDFs, made in
milliseconds), and the people."""

from __future__ import annotations

import dataclasses

import pytest

from jdbuilder.documents.formats import FORMATS
from tests.factories import ManagerFactory, RecruiterFactory, StaffFactory
from tests.jdbuilder.exports import support


@pytest.fixture(autouse=True)
def pdf_renderer(monkeypatch):
    """The A4 PDF format with `fake_pdf` as renderer: the exports are tested, not WeasyPrint."""
    support.RENDERED.clear()
    fake = dataclasses.replace(FORMATS["pdf"], renderer_path=f"{support.__name__}.fake_pdf")
    monkeypatch.setitem(FORMATS, "pdf", fake)
    return support.RENDERED


@pytest.fixture
def people(catalog):
    return {
        "owner": ManagerFactory(username="owner"),
        "other": ManagerFactory(username="other"),
        "recruiter": RecruiterFactory(username="recruiter"),
        "second_recruiter": RecruiterFactory(username="second"),
        "staff": StaffFactory(username="staff"),
    }


@pytest.fixture
def capture(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks
