"""Property-based fuzzing of every form: hostile input gets a 4xx or a form error, never a server
error, and a refused POST leaves everything already saved exactly as it was.

Each test starts from the form as the page renders it (or as the browser would send it) and lets
Hypothesis change it: values replaced by arbitrary Unicode (control characters included),
numbers, dates, markup, empty or huge strings, or by other plausible values; keys dropped,
repeated, flooded past Django's field limit, or added. Most examples keep the wizard's management
form and version, so the fuzz reaches the forms' validation and, often, the saving code.

Per example, against a snapshot of every job description and revision taken before:
- the status is below 500 (the client is told not to re-raise, so a crash shows as a 500);
- a response other than a redirect changed nothing;
- after a redirect (a step was saved, a draft started, a JD finalized) the pages the user goes
  to next still render.
Each example runs in a savepoint rolled back at its end, so every example starts from the same
draft. A few known-hostile inputs run every time as explicit examples (NUL characters, which
PostgreSQL refuses in text and jsonb; a username longer than the lock-out table's column): run
the file with DATABASE_URL pointing at PostgreSQL too, as CI does.
"""

from __future__ import annotations

import datetime
import functools
import io
import uuid
import zipfile
from collections.abc import Sequence
from contextlib import contextmanager
from urllib.parse import urlencode, urljoin, urlsplit

import pytest
from django.conf import settings as settings_module
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from jdbuilder.documents.formats import FORMATS
from jdbuilder.library.forms import LibraryFilterForm
from jdbuilder.models import JobDescription, JobDescriptionRevision
from jdbuilder.services import export_revision
from jdbuilder.vocabulary import Status
from jdbuilder.wizard.views import STEPS, VERSION_FIELD
from roles.models import AlternateTitle, ProficiencyLevel, Role, Skill, Task, TaskArea, Tool
from tests.factories import DraftFactory, ManagerFactory, full_posting
from tests.security.strategies import encodings, hostile_values, mutated
from tests.support.wizard import PREFIX, WizardDriver, page_fields

pytestmark = pytest.mark.django_db

STEP_NAMES = [name for name, _ in STEPS]
PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory's


def fuzz(max_examples: int, *, examples: Sequence[dict] = (), **strategies):
    """Run the decorated check on `max_examples` drawn from `strategies`, plus `examples`, each
    in a savepoint rolled back at its end (see `rolled_back`).

    No deadline (a first PDF takes a while), no example database written into the repository,
    and the test's fixtures shared by every example on purpose."""

    def decorate(check):
        @functools.wraps(check)
        def isolated(**kwargs):
            with rolled_back():
                check(**kwargs)

        test = given(**strategies)(isolated)
        for explicit in examples:
            test = example(**explicit)(test)
        return settings(
            max_examples=max_examples,
            deadline=None,
            database=None,
            suppress_health_check=[
                HealthCheck.function_scoped_fixture,
                HealthCheck.too_slow,
                HealthCheck.data_too_large,
            ],
        )(test)

    return decorate


# --- requests ---------------------------------------------------------------------------------


def browser_client(user=None) -> Client:
    """A client whose server errors come back as 500 responses instead of exceptions."""
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def post(client: Client, url: str, data: dict[str, list[str]], encoding: str):
    if encoding == "urlencoded":
        body = urlencode([(k, v) for k, values in data.items() for v in values])
        return client.post(url, body, content_type="application/x-www-form-urlencoded")
    # As a browser writes multipart names: quotes and line breaks percent-encoded.
    safe = {
        k.replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A"): v for k, v in data.items()
    }
    return client.post(url, safe)


def assert_no_server_error(response, what) -> None:
    assert response.status_code < 500, f"{response.status_code} for {what!r}"


def expected_get_status(query: dict[str, list[str]]) -> int:
    """A GET page answers 200 whatever its filters say, or 400 past Django's field limit."""
    fields = sum(len(values) or 1 for values in query.values())
    return 400 if fields > settings_module.DATA_UPLOAD_MAX_NUMBER_FIELDS else 200


def drain(response) -> bytes:
    """The body, streamed ones included (a ZIP is built while it streams)."""
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


# --- what must not change ---------------------------------------------------------------------

JD_FIELDS = (
    "owner_id",
    "role_id",
    "title",
    "seniority",
    "status",
    "revision",
    "choices",
    "pending_input",
    "current_step",
    "quality",
    "lock_version",
    "latest_revision_id",
)


def snapshot() -> dict:
    """Every job description's saved state and the whole revisions table."""
    return {
        "jds": list(JobDescription.objects.order_by("pk").values("pk", "public_id", *JD_FIELDS)),
        "revisions": list(JobDescriptionRevision.objects.order_by("pk").values()),
    }


@contextmanager
def rolled_back():
    """Run one example in a savepoint that is rolled back at its end: the next example starts
    from the same saved state, and a database error in one (PostgreSQL then refuses every query
    until a rollback) cannot fail the next."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def assert_unchanged(saved: dict, response, what) -> None:
    after = snapshot()
    assert after == saved, f"a {response.status_code} response changed saved data for {what!r}"


# --- fixtures ---------------------------------------------------------------------------------


@pytest.fixture
def draft(catalog, manager):
    """A draft walked through every step to the review, so that finalizing can succeed."""
    client = browser_client(manager)
    wizard = WizardDriver(client, DraftFactory(owner=manager))
    for step in STEP_NAMES[:4]:
        assert wizard.submit(step).status_code == 302
    posting = {f"posting-{key}": value for key, value in full_posting().items()}
    response = wizard.submit("posting", posting)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert wizard.reload().current_step == "review"
    return wizard


@pytest.fixture
def library_jds(make_final_jd, manager):
    """Two finalized JDs in the manager's library, one someone else's, and a draft."""
    mine = [
        make_final_jd(manager, title="Platform Engineer", company_name="Acme"),
        make_final_jd(manager, title="Data Analyst", slug="data-analyst", company_name="Zeta"),
    ]
    theirs = make_final_jd(ManagerFactory(), title="Someone else's")
    draft = DraftFactory(owner=manager)
    for jd in mine:  # rendered once here, kept: a ZIP in the fuzz reads them
        export_revision(revision=jd.latest_revision, export_format=FORMATS["pdf"])
    return {"mine": mine, "theirs": theirs, "draft": draft}


def catalog_ids() -> list[str]:
    """Real ids of everything a step refers to, whether this role's or another's."""
    ids = set()
    for model in (Role, Task, TaskArea, Skill, Tool):
        ids.update(model.objects.values_list("pk", flat=True))
    ids.update(ProficiencyLevel.objects.values_list("rank", flat=True))
    return sorted(str(i) for i in ids)


# --- the wizard -------------------------------------------------------------------------------


def extra_wizard_names(step: str, fields: dict[str, list[str]]) -> list[str]:
    names = ["wizard_goto_step", f"{PREFIX}-current_step", VERSION_FIELD]
    names += [
        f"{step}-{n}-{field}" for n in (-1, 3, 199, 200, 10**6) for field in ("task", "skill")
    ]
    names += [f"{step}-{key}" for key in ("TOTAL_FORMS", "INITIAL_FORMS", "MAX_NUM_FORMS", "x")]
    return names + sorted(fields)


@pytest.mark.parametrize("step", STEP_NAMES)
def test_wizard_step_survives_hostile_posts(draft, step):
    client, jd = draft.client, draft.jd
    url = draft.url(step)
    fields = page_fields(client.get(url).content.decode())
    assert fields[f"{PREFIX}-current_step"] == [step]
    assert fields[VERSION_FIELD] == [str(jd.lock_version)]
    saved = snapshot()
    pool = catalog_ids() + STEP_NAMES + ["on", "off", "true", "", str(jd.public_id)]
    changes = mutated(
        fields,
        steady=[f"{PREFIX}-current_step", VERSION_FIELD],
        extra_names=extra_wizard_names(step, fields),
        pool=pool,
    )

    first_field = next(
        (n for n in sorted(fields) if n.startswith(f"{step}-")), "csrfmiddlewaretoken"
    )
    known = [  # NUL in an extra key of a valid post, and in a field kept by a "go to"
        {"data": {**fields, "note": ["\x00"]}, "encoding": "urlencoded"},
        {
            "data": {**fields, first_field: ["a\x00"], "wizard_goto_step": ["role"]},
            "encoding": "multipart",
        },
    ]

    @fuzz(
        30,
        examples=known,
        data=changes,
        encoding=encodings(),
    )
    def check(data, encoding):
        response = post(client, url, data, encoding)
        assert_no_server_error(response, data)
        if response.status_code != 302:
            assert_unchanged(saved, response, data)
            return
        # Saved (or finalized): what the user sees next must still render.
        jd.refresh_from_db()
        assert client.get(response.url).status_code == 200, (response.url, data)
        if jd.status == Status.DRAFT:
            # The review shows the whole draft; after a "go to", this step shows what was kept.
            pages = {"review", step} if "wizard_goto_step" in data else {"review"}
            for page in pages - {jd.current_step}:  # the redirect went to that one
                assert client.get(draft.url(page)).status_code == 200, (page, data)
        else:
            assert jd.revisions.count() == len(saved["revisions"]) + 1

    check()


# --- role search ------------------------------------------------------------------------------


def test_role_searches_survive_hostile_queries(draft):
    client, jd = draft.client, draft.jd
    urls = ["/roles/", "/jd/new/", draft.url("role")]
    titles = list(AlternateTitle.objects.values_list("title", flat=True)[:10])
    saved = snapshot()

    @fuzz(
        30,
        examples=[{"url": url, "query": {"q": ["\x00"]}} for url in urls],
        url=st.sampled_from(urls),
        query=mutated({"q": ["engineer"]}, extra_names=["page", "role"], pool=titles),
    )
    def check(url, query):
        response = client.get(url, query)
        assert_no_server_error(response, (url, query))
        assert response.status_code == expected_get_status(query), (url, query)
        assert_unchanged(saved, response, (url, query))

    check()
    assert jd.lock_version == JobDescription.objects.get(pk=jd.pk).lock_version


# --- starting a draft -------------------------------------------------------------------------


def test_new_draft_post_survives_hostile_roles(catalog, manager):
    client = browser_client(manager)
    saved = snapshot()
    slugs = list(Role.objects.values_list("slug", flat=True))

    @fuzz(
        25,
        examples=[{"data": {"role": ["\x00"]}, "encoding": "urlencoded"}],
        data=mutated({"role": ["software-engineer"]}, pool=slugs),
        encoding=encodings(),
    )
    def check(data, encoding):
        response = post(client, "/jd/new/", data, encoding)
        assert_no_server_error(response, data)
        if response.status_code != 302:
            assert_unchanged(saved, response, data)
            return
        started = JobDescription.objects.exclude(pk__in=[r["pk"] for r in saved["jds"]]).get()
        assert started.status == Status.DRAFT and started.owner == manager
        assert client.get(response.url, follow=True).status_code == 200

    check()


# --- the library ------------------------------------------------------------------------------


def library_query() -> dict[str, list[str]]:
    """A query that sets every filter of the library's form (so a new filter is fuzzed too)."""
    today = timezone.localdate()
    known = {
        "q": "engineer",
        "role": "software-engineer",
        "workplace_type": "hybrid",
        "employment_type": "FULL_TIME",
        "finalized_from": (today - datetime.timedelta(days=1)).isoformat(),
        "finalized_to": (today + datetime.timedelta(days=1)).isoformat(),
        "sort": "title",
    }
    query = {name: [known.get(name, "")] for name in LibraryFilterForm.base_fields}
    return {**query, "page": ["1"]}


def test_library_filters_survive_hostile_queries(library_jds, manager):
    client = browser_client(manager)
    saved = snapshot()
    pool = ["newest", "oldest", "company", "data-analyst", "remote", "PART_TIME", "2", "-1", "last"]

    nul = {name: ["\x00"] for name in library_query()}

    @fuzz(30, examples=[{"query": nul}], query=mutated(library_query(), pool=pool))
    def check(query):
        response = client.get("/library/", query)
        assert_no_server_error(response, query)
        assert response.status_code == expected_get_status(query), query
        assert_unchanged(saved, response, query)

    check()


def test_library_zip_survives_hostile_selections(library_jds, manager):
    client = browser_client(manager)
    mine = [str(jd.public_id) for jd in library_jds["mine"]]
    others = [str(library_jds["theirs"].public_id), str(library_jds["draft"].public_id)]
    variants = [
        mine[0].upper(),
        "{" + mine[0] + "}",
        "urn:uuid:" + mine[0],
        mine[0].replace("-", ""),
    ]
    saved = snapshot()

    @fuzz(
        30,
        examples=[{"data": {"ids": ["\x00", mine[0]]}, "extra_ids": [], "encoding": "urlencoded"}],
        data=mutated(
            {"ids": mine},
            extra_names=["q", "page", "sort"],
            pool=[*mine, *others, *variants, str(uuid.UUID(int=0))],
        ),
        extra_ids=st.lists(st.uuids().map(str), max_size=2),
        encoding=encodings(),
    )
    def check(data, extra_ids, encoding):
        if extra_ids:
            data = {**data, "ids": data.get("ids", []) + extra_ids}
        response = post(client, "/library/zip/", data, encoding)
        body = drain(response)
        assert_no_server_error(response, data)
        assert_unchanged(saved, response, data)  # rendered PDFs are kept; nothing else changes
        if response.status_code == 200:
            names = zipfile.ZipFile(io.BytesIO(body)).namelist()
            assert 1 <= len(names) <= 2, (names, data)
            assert all(name.endswith(".pdf") for name in names)
        else:
            assert response.status_code == 400, data

    check()


# --- signing in -------------------------------------------------------------------------------


def test_login_forms_survive_hostile_credentials(catalog, manager, staff):
    # Failed sign-ins are counted towards a lock-out (django-axes), in rows that each example's
    # rollback removes: every example starts unlocked, so the sign-in itself is fuzzed.
    users = get_user_model().objects.order_by("pk")
    before = list(users.values("pk", "username", "password", "is_active", "is_staff"))
    saved = snapshot()
    next_values = [
        "/library/",
        "//evil.example/",
        "https://evil.example/",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "http://testserver/jd/",
        " /jd/",
    ]

    nul = {"username": ["\x00"], "password": ["\x00"], "next": ["\x00"]}
    long_name = {"username": ["a" * 256], "password": [PASSWORD]}

    @fuzz(
        30,
        examples=[
            {"url": "/accounts/login/", "data": nul, "encoding": "urlencoded"},
            # Longer than the sign-in lock-out's username column (varchar 255).
            {"url": "/admin/login/", "data": long_name, "encoding": "urlencoded"},
        ],
        url=st.sampled_from(["/accounts/login/", "/admin/login/"]),
        data=mutated(
            {"username": [staff.username], "password": [PASSWORD], "next": ["/library/"]},
            pool=[manager.username, staff.username, PASSWORD, *next_values],
        ),
        encoding=encodings(),
    )
    def check(url, data, encoding):
        client = browser_client()
        response = post(client, url, data, encoding)
        assert_no_server_error(response, (url, data))
        assert list(users.values("pk", "username", "password", "is_active", "is_staff")) == before
        assert_unchanged(saved, response, (url, data))
        if response.status_code == 302:
            # Never an open redirect: read as a browser reads it (leading blanks and controls
            # dropped, backslashes as slashes), the target stays on this site.
            target = response.url.lstrip("".join(map(chr, range(33)))).replace("\\", "/")
            resolved = urljoin(f"http://testserver{url}", target)
            assert urlsplit(resolved)[:2] == ("http", "testserver"), (response.url, data)
            assert_no_server_error(client.get(resolved, follow=True), (resolved, data))

    check()


# --- every hostile value, alone, in every field of the posting -------------------------------


def test_posting_fields_each_survive_any_single_value(draft):
    """The posting step, all valid but one field: reaches each field's own cleaning."""
    client, jd = draft.client, draft.jd
    url = draft.url("posting")
    fields = page_fields(client.get(url).content.decode())
    names = sorted(name for name in fields if name.startswith("posting-"))
    saved = snapshot()

    @fuzz(30, name=st.sampled_from(names), value=hostile_values())
    def check(name, value):
        data = {**fields, name: [value]}
        response = post(client, url, data, "urlencoded")
        assert_no_server_error(response, (name, value))
        if response.status_code == 302:
            jd.refresh_from_db()
            assert client.get(draft.url("review")).status_code == 200, (name, value)
        else:
            assert response.status_code == 200, (name, value)
            assert_unchanged(saved, response, (name, value))

    check()
