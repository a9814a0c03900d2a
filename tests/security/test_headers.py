"""Security headers on every page type, and the production settings behind a TLS proxy.

Each page type is read with the test client: the sign-in page, the role list, a role page, a
wizard step, my JDs, a JD page, the library, the admin index and a download all carry nosniff,
the referrer policy, X-Frame-Options DENY, the opener policy and the strict Content Security
Policy (no 'unsafe-inline' or 'unsafe-eval' anywhere in it).
"""

import base64
import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib import admin
from django.test import Client, override_settings
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]

EXPECTED_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    # Only django-simple-history's `style="border-top: 0"`, by its hash (jdbuilder/settings.py).
    "style-src-attr": ["'unsafe-hashes'", "'sha256-XMXSevYjgSjXgRafBFDvtjwX+yyWLrxfso9DcNZ9UXM='"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}


def parse_policy(header: str) -> dict[str, list[str]]:
    policy = {}
    for directive in filter(None, (part.strip() for part in header.split(";"))):
        name, *values = directive.split()
        assert name not in policy, f"{name} twice in {header}"
        policy[name] = values
    return policy


def assert_security_headers(response) -> None:
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    header = response["Content-Security-Policy"]
    assert parse_policy(header) == EXPECTED_POLICY
    assert "unsafe-inline" not in header and "unsafe-eval" not in header


@pytest.fixture
def final_jd(make_final_jd, manager):
    return make_final_jd(manager)


def page_types(final_jd):
    """(who, url, expected status) for each page type."""
    jd = final_jd.public_id
    return {
        "sign-in page": (None, reverse("login"), 200),
        "role list": ("manager", reverse("roles:list"), 200),
        "role page": ("manager", reverse("roles:detail", args=["software-engineer"]), 200),
        "new JD page": ("manager", reverse("jd:new"), 200),
        "my JDs": ("manager", reverse("jd:mine"), 200),
        "JD page": ("manager", final_jd.get_absolute_url(), 200),
        "revision page": ("manager", reverse("jd:revision", args=[jd, 1]), 200),
        "library": ("recruiter", reverse("library:index"), 200),
        "admin index": ("staff", reverse("admin:index"), 200),
        "admin role changelist": ("staff", reverse("admin:roles_role_changelist"), 200),
        "admin login": (None, reverse("admin:login"), 200),
        "HTML download": ("manager", reverse("jd:download_revision", args=[jd, 1, "html"]), 200),
        "Markdown download": ("manager", reverse("jd:download_revision", args=[jd, 1, "md"]), 200),
        "page not found": ("manager", "/roles/no-such-role/", 404),
        "redirect to sign in": (None, reverse("jd:mine"), 302),
    }


PAGE_TYPES = [
    "sign-in page",
    "role list",
    "role page",
    "new JD page",
    "my JDs",
    "JD page",
    "revision page",
    "library",
    "admin index",
    "admin role changelist",
    "admin login",
    "HTML download",
    "Markdown download",
    "page not found",
    "redirect to sign in",
]


@pytest.mark.parametrize("page_type", PAGE_TYPES)
def test_every_page_type_has_the_security_headers(
    client, final_jd, manager, recruiter, staff, page_type
):
    who, url, status = page_types(final_jd)[page_type]
    if who:
        client.force_login({"manager": manager, "recruiter": recruiter, "staff": staff}[who])
    response = client.get(url)
    assert response.status_code == status, (page_type, url)
    assert_security_headers(response)


def test_a_wizard_step_has_the_security_headers(manager_client, manager, catalog):
    from tests.factories import DraftFactory

    draft = DraftFactory(owner=manager, role="data-analyst")
    for step in ["role", "posting", "review"]:
        response = manager_client.get(
            reverse("jd:wizard_step", kwargs={"public_id": draft.public_id, "step": step})
        )
        assert response.status_code == 200, step
        assert_security_headers(response)


def test_downloads_are_attachments_under_the_same_policy(manager_client, final_jd):
    """Decision: downloads are not exempt from the CSP. The header is not saved with the file,
    so the HTML export's inline <style> works from disk (tests/browser/test_csp.py); here it is
    an attachment that is never sniffed, so no browser shows it on our origin."""
    url = reverse("jd:download_revision", args=[final_jd.public_id, 1, "html"])
    response = manager_client.get(url)
    assert response["Content-Type"].startswith("text/html")
    assert response["Content-Disposition"].startswith("attachment;")
    assert_security_headers(response)
    assert b"<style>" in response.content  # the export keeps its own style sheet


def test_the_one_allowed_style_attribute_is_simple_historys_paginator():
    """style-src-attr allows one value by hash; it must still be the one simple-history writes,
    or the allowance goes (and tests/browser/test_csp.py shows what replaced it)."""
    from django.template.loader import get_template

    digest = base64.b64encode(hashlib.sha256(b"border-top: 0").digest()).decode()
    assert EXPECTED_POLICY["style-src-attr"] == ["'unsafe-hashes'", f"'sha256-{digest}'"]
    source = get_template("simple_history/object_history_list.html").template.source
    assert re.findall(r'style="([^"]*)"', source) == ["border-top: 0"]


def test_no_admin_changelist_writes_djangos_inline_style():
    """Django's change_list.html writes an inline <style> when a ModelAdmin turns off both
    action bars; the policy has no hash or nonce for it, so no ModelAdmin may do that."""
    for model, model_admin in admin.site._registry.items():
        assert model_admin.actions_on_top or model_admin.actions_on_bottom, model


# --- Production settings -------------------------------------------------------------------------

PRODUCTION_ENV = {
    "SECRET_KEY": "prod-like-" + "a1B2c3D4e5F6g7H8i9J0" * 3,
    "ALLOWED_HOSTS": "jd.example.com",
    "BEHIND_TLS_PROXY": "1",
}

READ_SETTINGS = """
import json
import django
django.setup()
from django.conf import settings
print(json.dumps({
    name: getattr(settings, name, None)
    for name in [
        "DEBUG", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD",
        "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY",
        "SECURE_SSL_REDIRECT", "SECURE_PROXY_SSL_HEADER", "SECURE_CONTENT_TYPE_NOSNIFF",
        "SECURE_REFERRER_POLICY", "SECURE_CROSS_ORIGIN_OPENER_POLICY", "X_FRAME_OPTIONS",
        "MIDDLEWARE", "AUTHENTICATION_BACKENDS", "AXES_ENABLED", "AXES_FAILURE_LIMIT",
    ]
}))
"""


def production(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DJANGO_DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE", "BEHIND_TLS_PROXY"}
        and not k.startswith(("SECURE_", "SESSION_COOKIE", "CSRF_COOKIE"))
    }
    clean.update(PRODUCTION_ENV, DJANGO_SETTINGS_MODULE="jdbuilder.settings", **env)
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


def test_production_settings_behind_the_tls_proxy():
    result = production("-c", READ_SETTINGS)
    assert result.returncode == 0, result.stderr
    settings = json.loads(result.stdout.strip().splitlines()[-1])
    assert settings["DEBUG"] is False
    assert settings["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert settings["SECURE_HSTS_INCLUDE_SUBDOMAINS"] and settings["SECURE_HSTS_PRELOAD"]
    assert settings["SESSION_COOKIE_SECURE"] and settings["CSRF_COOKIE_SECURE"]
    assert settings["SESSION_COOKIE_HTTPONLY"]
    assert settings["SECURE_SSL_REDIRECT"]
    assert settings["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert settings["SECURE_CONTENT_TYPE_NOSNIFF"]
    assert settings["SECURE_REFERRER_POLICY"] == "same-origin"
    assert settings["SECURE_CROSS_ORIGIN_OPENER_POLICY"] == "same-origin"
    assert settings["X_FRAME_OPTIONS"] == "DENY"
    assert "csp.middleware.CSPMiddleware" in settings["MIDDLEWARE"]
    assert settings["MIDDLEWARE"][-1] == "axes.middleware.AxesMiddleware"
    assert settings["AUTHENTICATION_BACKENDS"][0] == "axes.backends.AxesStandaloneBackend"
    assert settings["AXES_ENABLED"] and settings["AXES_FAILURE_LIMIT"] == 5


def test_the_proxy_header_is_trusted_only_when_asked_for():
    result = production("-c", READ_SETTINGS, BEHIND_TLS_PROXY="0")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1])["SECURE_PROXY_SSL_HEADER"] is None


def test_production_settings_behind_the_tls_proxy_pass_the_deployment_checks():
    result = production("manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


PRODUCTION_SECURITY = {
    "SECURE_SSL_REDIRECT": True,
    "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
    "SECURE_HSTS_SECONDS": 31_536_000,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
    "SECURE_HSTS_PRELOAD": True,
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
}


@pytest.mark.django_db
@override_settings(**PRODUCTION_SECURITY)
def test_behind_the_proxy_https_is_served_and_plain_http_redirected(manager):
    client = Client()  # a new client loads SecurityMiddleware with these settings

    plain = client.get(reverse("login"))
    assert plain.status_code == 301
    assert plain["Location"] == "https://testserver/accounts/login/"

    https = {"X-Forwarded-Proto": "https"}
    page = client.get(reverse("login"), headers=https)
    assert page.status_code == 200
    assert page["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert_security_headers(page)
    assert page.cookies["csrftoken"]["secure"]

    signed_in = client.post(
        reverse("login"),
        {"username": manager.username, "password": "correct-horse-battery"},
        headers=https,
    )
    assert signed_in.status_code == 302
    assert signed_in.cookies["sessionid"]["secure"] and signed_in.cookies["sessionid"]["httponly"]

    # A client that claims https without the proxy header's exact value is still redirected.
    assert client.get(reverse("login"), headers={"X-Forwarded-Proto": "http"}).status_code == 301
