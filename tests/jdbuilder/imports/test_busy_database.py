"""jdbuilder/busy.py: SQLite's "database is locked" becomes a clear 503 page with Retry-After,
wherever it is raised (the view, or a middleware such as the session's on the way out), and
never a traceback; any other database error is still a server error.

The real lock, an import holding SQLite's write lock while people sign in, is in
test_busy_sqlite.py.
"""

from __future__ import annotations

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import OperationalError
from django.http import HttpResponse
from django.test import Client
from django.urls import path, reverse

from jdbuilder.busy import is_database_busy
from tests.factories import ManagerFactory

PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory's
BUSY_TEXT = "The database is busy (an import may be running). Try again in a minute."


def locked_view(request):
    raise OperationalError("database is locked")


def broken_view(request):
    raise OperationalError("no such table: jdbuilder_job")


def session_view(request):
    request.session["seen"] = True  # saved by SessionMiddleware after the view
    return HttpResponse("ok")


urlpatterns = [
    path("locked/", locked_view),
    path("broken/", broken_view),
    path("session/", session_view),
]


def assert_busy_page(response) -> None:
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    assert BUSY_TEXT in page
    assert "Traceback" not in page and "OperationalError" not in page


@pytest.mark.urls(__name__)
def test_a_locked_database_in_a_view_is_a_503(db):
    response = Client(raise_request_exception=False).get("/locked/")
    assert_busy_page(response)
    assert "script-src 'self'" in response["Content-Security-Policy"]  # went through every layer


@pytest.mark.urls(__name__)
def test_a_locked_database_in_a_middleware_is_a_503(db, monkeypatch):
    def locked(self, must_create=False):
        raise OperationalError("database is locked")

    monkeypatch.setattr(SessionStore, "save", locked)
    assert_busy_page(Client(raise_request_exception=False).get("/session/"))


@pytest.mark.urls(__name__)
def test_other_database_errors_stay_server_errors(db):
    response = Client(raise_request_exception=False).get("/broken/")
    assert response.status_code == 500
    assert BUSY_TEXT not in response.content.decode()


def test_a_sign_in_on_a_locked_database_gets_the_busy_page(db, monkeypatch):
    user = ManagerFactory()

    def locked(self, must_create=False):
        raise OperationalError("database is locked")

    monkeypatch.setattr(SessionStore, "save", locked)
    response = Client(raise_request_exception=False).post(
        reverse("login"), {"username": user.username, "password": PASSWORD}
    )
    assert_busy_page(response)


def test_the_lock_is_recognised_when_wrapped():
    try:
        try:
            raise OperationalError("database is locked")
        except OperationalError as inner:
            raise RuntimeError("while rendering") from inner
    except RuntimeError as outer:
        assert is_database_busy(outer)
    assert is_database_busy(OperationalError("database table is locked"))
    assert not is_database_busy(OperationalError("disk I/O error"))
    assert not is_database_busy(ValueError("database is locked"))
    assert not is_database_busy(None)
