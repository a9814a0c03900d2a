"""A database too busy to answer gets a clear page, never a traceback.

SQLite has one writer at a time: while an O*NET import writes the catalog in its one
transaction, a sign-in that must write (its session, the last sign-in time) waits for the lock
(settings: transaction_mode IMMEDIATE with a timeout) and, if the import outlasts the wait, gets
OperationalError "database is locked". This middleware turns that into a 503 page saying the
database is busy, with Retry-After. PostgreSQL never raises it.

The error can come from the view (process_exception) or from a middleware below this one, such as
the session being saved on the way out; Django turns those into a 500 response inside the layer
that raised, so the `got_request_exception` signal marks the request and the 500 is replaced here.
Hence this middleware is the first in MIDDLEWARE.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

from django.core.signals import got_request_exception
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import loader

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 60
LOCKED_MESSAGES = ("database is locked", "database table is locked")
# Kept from the 500 response it replaces: what the layers inside had already added.
KEPT_HEADERS = (
    "Content-Security-Policy",
    "X-Content-Type-Options",
    "X-Frame-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
    "Strict-Transport-Security",
)


def is_database_busy(error: BaseException | None) -> bool:
    """True for SQLite's "database is locked", also when another error wraps it."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, OperationalError) and any(
            message in str(error) for message in LOCKED_MESSAGES
        ):
            return True
        error = error.__cause__ or error.__context__
    return False


def busy_response() -> HttpResponse:
    # Rendered without the request: the page must not read the session from the busy database.
    response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def _mark_busy_request(sender, request: HttpRequest | None = None, **kwargs) -> None:
    # Sent while Django handles the exception, so it is still the one being handled.
    if request is not None and is_database_busy(sys.exc_info()[1]):
        request.database_busy = True


got_request_exception.connect(_mark_busy_request, dispatch_uid="jdbuilder-busy-database")


class BusyDatabaseMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if getattr(request, "database_busy", False) and response.status_code >= 500:
            busy = busy_response()
            for header in KEPT_HEADERS:
                if header in response:
                    busy[header] = response[header]
            return busy
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_database_busy(exception):
            return None
        log.warning(
            "Database busy, answered 503: %s %s (%s)", request.method, request.path, exception
        )
        return busy_response()
