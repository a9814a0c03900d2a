"""What the CSRF tests (test_csrf_*.py) share: the routes of the URL configuration, walked
through every include, how to build each one's URL, what a browser would post to it, and the
sweep (`csrf_problems`) that posts to every route without a valid token.

Every route must refuse a POST without a valid CSRF token, and the refusal must change nothing.
The routes are enumerated from the URL configuration, not listed by hand: a route added later is
tested too, and a route whose URL ROUTES here cannot build yet fails the sweep with "add kwargs
for route X". Each route is posted to as a signed-in user (or anonymously, for the sign-in
forms), with the fields of the form its page shows (or a realistic body), by a client that
enforces CSRF checks: once with no token and no cookie, once with a CSRF cookie and forged tokens
(form field and X-CSRFToken header). Each POST must be refused by the CSRF check (403, logged by
django.security.csrf) or answered 405, and leave every table as it was: any other answer, a
200, a redirect or even a 400 or 404 from the view, means the view ran without a valid token.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser

from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from jdbuilder.models import JobDescription, JobDescriptionRevision
from jdbuilder.wizard.views import STEPS
from roles.models import Role
from tests.support.wizard import page_fields

PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory's
EXPORT_ID = "00000000-0000-4000-8000-000000000000"
CSRF_LOGGER = "django.security.csrf"


# --- the routes -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str | None  # "namespace:name", None for an unnamed pattern
    pattern: str  # the full pattern, for messages and for unnamed routes

    @property
    def label(self) -> str:
        return self.name or self.pattern


def walk(patterns, prefix: str = "", namespaces: tuple[str, ...] = ()) -> Iterator[Route]:
    """Every URL pattern under `patterns`, through every include, with its namespaced name."""
    for entry in patterns:
        if isinstance(entry, URLResolver):
            spaces = (*namespaces, entry.namespace) if entry.namespace else namespaces
            yield from walk(entry.url_patterns, prefix + str(entry.pattern), spaces)
        elif isinstance(entry, URLPattern):
            name = ":".join((*namespaces, entry.name)) if entry.name else None
            yield Route(name, prefix + str(entry.pattern))


@dataclass
class World:
    """The objects the routes are about: a draft and a final JD of the manager's, and users."""

    manager: object
    staff: object
    draft: JobDescription
    final: JobDescription
    role: Role


Target = tuple[str, str]  # (url, who posts: "manager", "staff" or "anonymous")
Builder = Callable[[World], list[Target]]


def _mine(name: str, jd: Callable[[World], JobDescription], **extra) -> Builder:
    return lambda w: [(reverse(name, kwargs={"public_id": jd(w).public_id, **extra}), "manager")]


# How to build each route's URL(s) and who posts to it. A route missing here fails the test.
ROUTES: dict[str, Builder] = {
    "home": lambda w: [(reverse("home"), "manager")],
    "healthz": lambda w: [(reverse("healthz"), "anonymous")],
    "healthz_jobs": lambda w: [(reverse("healthz_jobs"), "anonymous")],
    "admin:jdbuilder_onetimport_status": lambda w: [
        (reverse("admin:jdbuilder_onetimport_status", kwargs={"object_id": 1}), "staff")
    ],
    "login": lambda w: [(reverse("login"), "anonymous")],
    "logout": lambda w: [(reverse("logout"), "manager")],
    "roles:list": lambda w: [(reverse("roles:list"), "manager")],
    "roles:detail": lambda w: [(reverse("roles:detail", kwargs={"slug": w.role.slug}), "manager")],
    "jd:mine": lambda w: [(reverse("jd:mine"), "manager")],
    "jd:new": lambda w: [(reverse("jd:new"), "manager")],
    "jd:detail": _mine("jd:detail", lambda w: w.draft),
    "jd:revision": _mine("jd:revision", lambda w: w.final, number=1),
    "jd:download": _mine("jd:download", lambda w: w.final, fmt="pdf"),
    "jd:download_revision": _mine("jd:download_revision", lambda w: w.final, number=1, fmt="pdf"),
    "jd:download_preparing": _mine("jd:download_preparing", lambda w: w.final, number=1, fmt="pdf"),
    "jd:download_status": _mine("jd:download_status", lambda w: w.final, number=1, fmt="pdf"),
    "jd:wizard": _mine("jd:wizard", lambda w: w.draft),
    "jd:wizard_step": lambda w: [
        (reverse("jd:wizard_step", kwargs={"public_id": w.draft.public_id, "step": s}), "manager")
        for s, _ in STEPS
    ],
    "jd:wizard_preview": lambda w: [
        (
            reverse("jd:wizard_preview", kwargs={"public_id": w.draft.public_id, "step": s}),
            "manager",
        )
        for s, _ in STEPS
    ],
    "jd:wizard_preview_frame": lambda w: [
        (
            reverse("jd:wizard_preview_frame", kwargs={"public_id": w.draft.public_id, "step": s}),
            "manager",
        )
        for s, _ in STEPS
    ],
    "jd:wizard_autosave": lambda w: [
        (
            reverse("jd:wizard_autosave", kwargs={"public_id": w.draft.public_id, "step": s}),
            "manager",
        )
        for s, _ in STEPS
    ],
    "jd:wizard_fix": lambda w: [
        (reverse("jd:wizard_fix", kwargs={"public_id": w.draft.public_id, "step": s}), "manager")
        for s, _ in STEPS
    ],
    # Interview kits: the page and files of the draft and of the issued revision.
    "kits:kit": _mine("kits:kit", lambda w: w.final),
    "kits:download": _mine("kits:download", lambda w: w.final, fmt="pdf"),
    "kits:revision": _mine("kits:revision", lambda w: w.final, number=1),
    "kits:download_revision": _mine(
        "kits:download_revision", lambda w: w.final, number=1, fmt="pdf"
    ),
    # Insights and compliance: GET only.
    "insights:page": lambda w: [(reverse("insights:page"), "staff")],
    "insights:csv": lambda w: [
        (reverse("insights:csv", kwargs={"chart": "required-skills"}), "staff")
    ],
    "compliance:postings": lambda w: [(reverse("compliance:postings"), "staff")],
    "compliance:postings_csv": lambda w: [(reverse("compliance:postings_csv"), "staff")],
    "admin_pay_rules": lambda w: [(reverse("admin_pay_rules"), "staff")],
    "jd:reopen": _mine("jd:reopen", lambda w: w.final),
    "jd:finalize": _mine("jd:finalize", lambda w: w.draft),
    "jd:duplicate": _mine("jd:duplicate", lambda w: w.final),
    "jd:delete": _mine("jd:delete", lambda w: w.draft),
    "library:index": lambda w: [(reverse("library:index"), "manager")],
    "library:export": lambda w: [(reverse("library:export"), "manager")],
    "exports:list": lambda w: [(reverse("exports:list"), "manager")],
    "jd:wizard_posting_offer": _mine("jd:wizard_posting_offer", lambda w: w.draft),
    "organization:draft_updates": _mine("organization:draft_updates", lambda w: w.draft),
    "organization:save_template": _mine("organization:save_template", lambda w: w.final),
    "organization:bands": lambda w: [(reverse("organization:bands"), "manager")],
    "jd:compare": _mine("jd:compare", lambda w: w.final, old=1, new=1),
    "jd:compare_note_md": _mine("jd:compare_note_md", lambda w: w.final, old=1, new=1),
    "jd:compare_note_pdf": _mine("jd:compare_note_pdf", lambda w: w.final, old=1, new=1),
    "jd:share_revision": _mine("jd:share_revision", lambda w: w.final, number=1),
    "approvals:queue": lambda w: [(reverse("approvals:queue"), "manager")],
    "approvals:notification_settings": lambda w: [
        (reverse("approvals:notification_settings"), "manager")
    ],
    "approvals:resolve": lambda w: [(reverse("approvals:resolve", kwargs={"pk": 1}), "manager")],
    "approvals:revoke_share": lambda w: [
        (reverse("approvals:revoke_share", kwargs={"pk": 1}), "manager")
    ],
    # No submission exists in this world: the CSRF check refuses before any lookup.
    **{
        f"approvals:{name}": (
            lambda w, name=name: [
                (reverse(f"approvals:{name}", kwargs={"public_id": EXPORT_ID}), "manager")
            ]
        )
        for name in ("submission", "approve", "return", "reject", "withdraw", "comment", "share")
    },
    "approvals:changes": lambda w: [
        (reverse("approvals:changes", kwargs={"public_id": EXPORT_ID, "fmt": "md"}), "manager")
    ],
    "shared:view": lambda w: [(reverse("shared:view", kwargs={"token": "1.x~y~z"}), "anonymous")],
    # The public careers pages and feeds: GET only, so every POST is refused.
    **{
        f"careers:{name}": (lambda w, name=name: [(reverse(f"careers:{name}"), "anonymous")])
        for name in ("list", "rss", "atom", "indeed", "linkedin")
    },
    "careers:posting": lambda w: [
        (reverse("careers:posting", kwargs={"slug": "job", "short_id": "abcdefgh"}), "anonymous")
    ],
    "sitemap": lambda w: [(reverse("sitemap"), "anonymous")],
    "robots": lambda w: [(reverse("robots"), "anonymous")],
    **{
        name: _mine(name, lambda w: w.final)
        for name in ("jd:publish", "jd:unpublish", "jd:close_posting")
    },
    "organization:logo": lambda w: [
        (reverse("organization:logo", kwargs={"name": f"{'0' * 64}.png"}), "anonymous")
    ],
    "organization:brand_css": lambda w: [
        (reverse("organization:brand_css", kwargs={"colour": "1f4e79"}), "anonymous")
    ],
    "admin:jdbuilder_payband_import": lambda w: [
        (reverse("admin:jdbuilder_payband_import"), "staff")
    ],
    # GET-only pages of one export: any id will do, the CSRF check comes before the lookup.
    **{
        f"exports:{name}": lambda w, name=name: [
            (reverse(f"exports:{name}", kwargs={"public_id": EXPORT_ID}), "manager")
        ]
        for name in ("detail", "status", "download")
    },
    # The admin site's own views; its per-model views are built from the registry below.
    "admin:index": lambda w: [(reverse("admin:index"), "staff")],
    "admin:login": lambda w: [(reverse("admin:login"), "anonymous")],
    "admin:logout": lambda w: [(reverse("admin:logout"), "staff")],
    "admin:password_change": lambda w: [(reverse("admin:password_change"), "staff")],
    "admin:password_change_done": lambda w: [(reverse("admin:password_change_done"), "staff")],
    "admin:autocomplete": lambda w: [(reverse("admin:autocomplete"), "staff")],
    "admin:jsi18n": lambda w: [(reverse("admin:jsi18n"), "staff")],
    "admin:view_on_site": lambda w: [
        (
            reverse(
                "admin:view_on_site",
                kwargs={
                    "content_type_id": ContentType.objects.get_for_model(Role).pk,
                    "object_id": w.role.pk,
                },
            ),
            "staff",
        )
    ],
    "admin:app_list": lambda w: [
        (reverse("admin:app_list", kwargs={"app_label": label}), "staff")
        for label in sorted({model._meta.app_label for model in admin.site._registry})
    ],
}
ADMIN_MODEL_ACTIONS = ("changelist", "add", "history", "delete", "change", "simple_history")
# Unnamed patterns: the admin's redirect from an object's bare URL to its change form, and its
# catch-all (a 404, or a redirect to the login page).
ADMIN_OBJECT_REDIRECT = re.compile(r"^admin/(\w+)/(\w+)/<path:object_id>/$")
ADMIN_CATCH_ALL = "admin/(?P<url>.*)$"


def admin_model_targets(name: str, world: World) -> list[Target] | None:
    """URLs of a per-model admin view named `admin:<app>_<model>_<action>`, for a registered
    model and a standard action; None for any other name."""
    for model in admin.site._registry:
        opts = model._meta
        for action in ADMIN_MODEL_ACTIONS:
            if name != f"admin:{opts.app_label}_{opts.model_name}_{action}":
                continue
            obj = model._default_manager.order_by("pk").first()
            pk = obj.pk if obj is not None else 1
            if action in ("changelist", "add"):
                return [(reverse(name), "staff")]
            if action == "simple_history":
                history = model.history.filter(pk=pk).order_by("history_id").first()
                args = [pk, history.history_id if history else 1]
                return [(reverse(name, args=args), "staff")]
            return [(reverse(name, kwargs={"object_id": pk}), "staff")]
    if name == "admin:auth_user_password_change":
        return [(reverse(name, kwargs={"id": world.manager.pk}), "staff")]
    return None


def targets(route: Route, world: World) -> list[Target] | None:
    """Where to post for `route`, or None when this file does not know how to build its URL."""
    if route.name in ROUTES:
        return ROUTES[route.name](world)
    if route.name and route.name.startswith("admin:"):
        return admin_model_targets(route.name, world)
    if route.name is None and route.pattern == ADMIN_CATCH_ALL:
        return [("/admin/no-such-page/", "staff")]
    match = ADMIN_OBJECT_REDIRECT.match(route.pattern)
    if route.name is None and match:
        model = apps.get_model(*match.groups())
        if model in admin.site._registry:
            obj = model._default_manager.order_by("pk").first()
            return [(f"/admin/{match[1]}/{match[2]}/{obj.pk if obj else 1}/", "staff")]
    return None


# --- what a browser would post ----------------------------------------------------------------


class PostForms(HTMLParser):
    """The fields of each `<form method="post">` of a page, by the form's action."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, dict[str, list[str]]]] = []
        self._fields: dict[str, list[str]] | None = None
        self._select: str | None = None
        self._select_chose = False
        self._first_option: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._fields = {}
            self.forms.append((a.get("action") or "", self._fields))
        if self._fields is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self._fields.setdefault(name, []).append(a.get("value") or "on" * (kind == "checkbox"))
        elif tag == "select" and name:
            # A single select with nothing selected sends its first option; a multiple, nothing.
            self._select, self._first_option = name, None
            self._select_chose = "multiple" in a
        elif tag == "option" and self._select:
            if self._first_option is None:
                self._first_option = a.get("value") or ""
            if "selected" in a:
                self._fields.setdefault(self._select, []).append(a.get("value") or "")
                self._select_chose = True
        elif tag == "textarea" and name:
            self._textarea = name
            self._fields.setdefault(name, []).append("")

    def handle_data(self, data):
        if self._fields is not None and self._textarea:
            self._fields[self._textarea][-1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._fields = None
            self._select = None
        elif tag == "select" and self._select:
            if not self._select_chose and self._first_option is not None:
                self._fields.setdefault(self._select, []).append(self._first_option)
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def form_on_page(client: Client, url: str) -> dict[str, list[str]]:
    """The fields of the page's own POST form (the one posting back to `url`), token dropped."""
    response = client.get(url)
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return {}
    html = response.content.decode()
    if "wizard-form" in html:  # the wizard's form posts to its own URL
        fields = page_fields(html)
    else:
        parser = PostForms()
        parser.feed(html)
        own = [f for action, f in parser.forms if action.split("?")[0] in ("", url)]
        fields = own[0] if own else {}
    return {name: values for name, values in fields.items() if name != "csrfmiddlewaretoken"}


def realistic_body(url: str, who: str, world: World, page: dict) -> dict[str, list[str]]:
    """The page's form, or what the route's real caller sends when the page has none."""
    body = dict(page)
    if url in (reverse("login"), reverse("admin:login")):
        user = world.staff if url.startswith("/admin/") else world.manager
        body.update(username=[user.username], password=[PASSWORD], next=["/library/"])
    elif url == reverse("jd:new"):
        body.setdefault("role", [world.role.slug])
    elif url == reverse("library:export"):
        body.update(ids=[str(world.final.public_id)], export_kind=["zip"])
    elif url.startswith("/admin/") and "name" in body:
        body["name"] = ["Changed by a forged request"]
    return body


# --- what must not change ---------------------------------------------------------------------


def watched_tables() -> list[list[tuple]]:
    """What a forged POST would most likely change, read after each one (every table is read
    before and after all of them)."""
    return [
        list(model._base_manager.order_by("pk").values_list())
        for model in (JobDescription, JobDescriptionRevision, Session, get_user_model(), Role)
    ]


def every_table() -> dict[str, list[tuple]]:
    """Every row of every model's table (sessions included: a forged logout must not end one)."""
    return {
        model._meta.label: list(model._base_manager.order_by("pk").values_list())
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    }


# --- clients --------------------------------------------------------------------------------


def csrf_client(user=None) -> Client:
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def clients(world: World) -> dict[str, Client]:
    return {
        "manager": csrf_client(world.manager),
        "staff": csrf_client(world.staff),
        "anonymous": csrf_client(),
    }


# --- the checks -------------------------------------------------------------------------------

FORGED = "forgedforgedforgedforgedforged00"  # 32 characters, the shape of a real secret


def refused(client: Client, url: str, body: dict, caplog, *, with_cookie: bool):
    """POST `body` without a valid token; the problem with the answer, or None if refused."""
    client.cookies.pop("csrftoken", None)
    extra = {}
    if with_cookie:
        client.cookies["csrftoken"] = "a" * 32  # a valid-looking cookie the token must match
        body = {**body, "csrfmiddlewaretoken": [FORGED]}
        extra["HTTP_X_CSRFTOKEN"] = FORGED
    caplog.clear()
    response = client.post(url, body, **extra)
    csrf_refusal = response.status_code == 403 and any(
        record.name == CSRF_LOGGER for record in caplog.records
    )
    if csrf_refusal or response.status_code == 405:
        return None
    return f"POST {url} {'(forged token)' if with_cookie else '(no token)'}: {response.status_code}"


def wants_page(route: Route, url: str) -> bool:
    """Whether to read the route's page for its form: every page of the app but the downloads
    (their GET renders a PDF, and has no form), and a few of the admin's forms."""
    if route.name in ("jd:download", "jd:download_revision"):
        return False
    if not url.startswith("/admin/"):
        return True
    return route.name in ADMIN_PAGES_READ


ADMIN_PAGES_READ = {
    "admin:login",
    "admin:password_change",
    "admin:roles_role_change",
    "admin:roles_role_delete",
    "admin:roles_skill_change",
    "admin:auth_user_change",
    "admin:auth_user_password_change",
}


def csrf_problems(world: World, caplog, only: Callable[[Route], bool] | None = None) -> list[str]:
    """What is wrong with the CSRF protection of the routes of the current URL configuration."""
    problems: list[str] = []
    posts = []
    by_who = clients(world)
    for route in walk(get_resolver().url_patterns):
        if only is not None and not only(route):
            continue
        built = targets(route, world)
        if built is None:
            problems.append(
                f"add kwargs for route {route.label!r} ({route.pattern}) to ROUTES in "
                "tests/security/csrf_sweep.py"
            )
            continue
        for url, who in built:
            client = by_who[who]
            page = form_on_page(client, url) if wants_page(route, url) else {}
            posts.append((route.label, url, client, realistic_body(url, who, world, page)))
    if only is None:
        assert len(posts) >= 50, f"only {len(posts)} URLs: is the URL configuration walked?"

    before = every_table()
    for label, url, client, body in posts:
        for with_cookie in (False, True):
            watched = watched_tables()
            problem = refused(client, url, body, caplog, with_cookie=with_cookie)
            if problem:
                problems.append(f"{label}: {problem}")
            if watched_tables() != watched:
                problems.append(f"{label}: POST {url} without a valid token changed data")
    after = every_table()
    changed = sorted(table for table, rows in before.items() if after.get(table) != rows)
    if changed:
        problems.append(f"the POSTs without a valid token changed these tables: {changed}")
    return problems


# --- a real token, for the controls ---------------------------------------------------------


def valid_token(client: Client, url: str = "/accounts/login/") -> str:
    """A real token: the cookie Django sets on a page with a form."""
    client.get(url)
    return client.cookies["csrftoken"].value
