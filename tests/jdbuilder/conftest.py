"""Fixtures the builder's test folders share: the Nu HTML checker, and a final JD to download."""

from __future__ import annotations

import pytest

from tests.support import vnu as nu


@pytest.fixture(scope="session")
def vnu():
    """check(html) -> the Nu checker's messages. Fails, never skips, without Java or the jar.

    One checker service (`tests.support.vnu.NuService`) answers every check of the session: it
    starts when a test first asks for it and stops when the session ends.
    """
    service, problem = None, ""
    try:
        service = nu.NuService.start()
    except nu.CheckerUnavailable as error:
        problem = str(error)
    if service is None:  # failed outside the `except`, so the report is the message alone
        pytest.fail(f"The Nu HTML Checker cannot run: {problem}", pytrace=False)
    with service:
        yield service.check


@pytest.fixture
def final_jd(make_final_jd, manager):
    """The manager's final JD, as `make_final_jd` makes it by default."""
    return make_final_jd(manager)
