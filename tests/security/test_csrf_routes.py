"""Every route refuses a POST without a valid CSRF token, and the refusal changes nothing.

The sweep over the URL configuration (tests/security/csrf_sweep.py says how each route is
posted to, and what counts as a refusal), that the walk finds every kind of route, and that the
sweep fails for a route without CSRF protection and for a route it cannot build a URL for.
"""

from __future__ import annotations

import logging

import pytest
from django.http import HttpResponse
from django.test import override_settings
from django.urls import get_resolver, path
from django.views.decorators.csrf import csrf_exempt

from tests.security.csrf_sweep import CSRF_LOGGER, ROUTES, clients, csrf_client, csrf_problems, walk

pytestmark = pytest.mark.django_db


def test_every_route_refuses_a_post_without_a_csrf_token(world, caplog):
    caplog.set_level(logging.WARNING, logger=CSRF_LOGGER)
    problems = csrf_problems(world, caplog)
    assert not problems, "\n".join(problems)
    # Still signed in: the refused logouts ended no session.
    assert csrf_client(None).get("/jd/").status_code == 302
    assert clients(world)["manager"].get("/jd/").status_code == 200


def test_the_walk_finds_every_kind_of_route():
    names = {route.name for route in walk(get_resolver().url_patterns)}
    expected = {"login", "logout", "jd:new", "jd:wizard_step", "jd:reopen", "jd:duplicate"}
    expected |= {"jd:delete", "library:export", "admin:login", "admin:roles_role_change"}
    assert expected <= names


# --- the sweep fails when it should -----------------------------------------------------------


@csrf_exempt
def unprotected(request):
    return HttpResponse("done")


def test_an_unprotected_or_unknown_route_fails_the_check(world, caplog, monkeypatch):
    """The real URL configuration plus a known route without CSRF protection and a route the
    sweep has no kwargs for: the check reports both."""
    caplog.set_level(logging.WARNING, logger=CSRF_LOGGER)
    urls = type(
        "WithUnprotectedRoutes",
        (),
        {
            "urlpatterns": [
                *get_resolver().url_patterns,
                path("unprotected/", unprotected, name="unprotected"),
                path("brand-new/<int:pk>/", unprotected, name="brand_new"),
            ]
        },
    )
    monkeypatch.setitem(ROUTES, "unprotected", lambda w: [("/unprotected/", "manager")])
    with override_settings(ROOT_URLCONF=urls):
        problems = csrf_problems(world, caplog, only=lambda r: r.pattern.startswith(("unp", "bra")))
    assert any(p.startswith("add kwargs for route 'brand_new'") for p in problems), problems
    assert any("POST /unprotected/ (no token): 200" in p for p in problems), problems
