"""Public responses, cached and tagged under the publishing stamp (`publishing.stamp`).

`public_response` wraps a public view: GET and HEAD only; the response is kept in the shared
cache under the stamp, the path and the query parameters the view reads (never the whole query
string, so junk parameters cannot fill the cache), for PUBLIC_CACHE_SECONDS; it carries an ETag
and Last-Modified, and a matching If-None-Match gets a 304 before any work. If-Modified-Since
alone never does: a branding change moves the stamp's value but not the time of the latest
posting change, so only the ETag can say nothing changed. A public view reads no session, user
or CSRF token, so one cached response is right for everyone and an anonymous visitor gets no
cookie. A view whose body is stored per stamp already (the feeds: `publishing.feed_files`) says
`keep=False`: it is tagged and answers 304s, but its body is not copied into the cache too; nor
is any body over `MAX_KEPT_BYTES`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from functools import wraps

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.utils.cache import patch_cache_control
from django.utils.http import http_date

from jdbuilder.publishing.stamp import current_stamp

CACHED_STATUSES = (200, 301, 410)  # not 404: a made-up address must not take cache room
MAX_PARAMETER_LENGTH = 200
MAX_KEPT_BYTES = 1_000_000
KEY_PREFIX = "publishing:page:"


def public_response(*, parameters: Iterable[str] = (), keep: bool = True) -> Callable:
    """Decorate a public view that reads only the query `parameters` named; `keep=False` for
    a view that stores its own body."""
    names = tuple(sorted(parameters))

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method not in ("GET", "HEAD"):
                return HttpResponseNotAllowed(["GET", "HEAD"])
            stamp = current_stamp()
            query = "&".join(
                f"{name}={request.GET.get(name, '')[:MAX_PARAMETER_LENGTH]}"
                for name in names
                if request.GET.get(name)
            )
            source = f"{stamp.value}|{request.path}|{query}"
            etag = '"' + hashlib.sha256(source.encode()).hexdigest()[:32] + '"'
            if _not_modified(request, etag):
                response = HttpResponse(status=304)
            else:
                cache = caches["default"]
                key = KEY_PREFIX + etag.strip('"')
                kept = cache.get(key) if keep else None
                if kept is not None:
                    response = _from_kept(kept)
                else:
                    response = view(request, *args, **kwargs)
                    if keep and _keepable(response):
                        cache.set(key, _kept(response), settings.PUBLIC_CACHE_SECONDS)
            response["ETag"] = etag
            response["Last-Modified"] = http_date(stamp.last_modified.timestamp())
            patch_cache_control(response, public=True, max_age=settings.PUBLIC_CACHE_SECONDS)
            return response

        return wrapped

    return decorate


# Headers a kept response carries again; the ones above are set per request.
_KEPT_HEADERS = ("Content-Type", "Location", "X-Robots-Tag", "Content-Language")


def _keepable(response: HttpResponse) -> bool:
    return (
        response.status_code in CACHED_STATUSES
        and not response.streaming
        and len(response.content) <= MAX_KEPT_BYTES
    )


def _kept(response: HttpResponse) -> tuple[int, bytes, dict[str, str]]:
    headers = {name: response[name] for name in _KEPT_HEADERS if response.has_header(name)}
    return response.status_code, response.content, headers


def _from_kept(kept: tuple[int, bytes, dict[str, str]]) -> HttpResponse:
    status, content, headers = kept
    response = HttpResponse(content, status=status)
    for name, value in headers.items():
        response[name] = value
    return response


def _not_modified(request: HttpRequest, etag: str) -> bool:
    if_none_match = request.headers.get("If-None-Match", "")
    tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return etag in tags or "*" in tags
