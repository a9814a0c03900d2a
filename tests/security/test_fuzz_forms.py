"""Fuzzing the forms outside the wizard: starting a draft, the library's filters and its ZIP
download, and the site's and the admin's sign-in forms (never an open redirect either).

What each example must satisfy, and how examples are isolated: tests/security/fuzzing.py.
"""

from __future__ import annotations

import datetime
import uuid
from urllib.parse import urljoin, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from hypothesis import strategies as st

from jdbuilder.documents.formats import FORMATS
from jdbuilder.jobs.models import Job, JobKind
from jdbuilder.library.forms import LibraryFilterForm
from jdbuilder.models import JobDescription, JobDescriptionRevision
from jdbuilder.services import export_revision
from jdbuilder.vocabulary import Status
from roles.models import Role
from tests.factories import DraftFactory, ManagerFactory
from tests.security.fuzzing import (
    PASSWORD,
    assert_no_server_error,
    assert_unchanged,
    browser_client,
    drain,
    expected_get_status,
    fuzz,
    post,
    snapshot,
)
from tests.security.strategies import encodings, mutated

pytestmark = pytest.mark.django_db


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


def test_library_export_survives_hostile_selections(library_jds, manager):
    """Whatever is posted, an export queues only JDs the user may read (at most the two posted
    real ones), or answers 400 and queues nothing; nothing else changes."""
    client = browser_client(manager)
    mine = [str(jd.public_id) for jd in library_jds["mine"]]
    others = [str(library_jds["theirs"].public_id), str(library_jds["draft"].public_id)]
    readable = set(
        JobDescriptionRevision.objects.filter(job_description__public_id__in=mine).values_list(
            "pk", flat=True
        )
    )
    variants = [
        mine[0].upper(),
        "{" + mine[0] + "}",
        "urn:uuid:" + mine[0],
        mine[0].replace("-", ""),
    ]
    saved = snapshot()

    @fuzz(
        30,
        examples=[
            {
                "data": {"ids": ["\x00", mine[0]], "export_kind": "zip"},
                "extra_ids": [],
                "encoding": "urlencoded",
            }
        ],
        data=mutated(
            {"ids": mine, "export_kind": "zip"},
            extra_names=["q", "page", "sort", "everything"],
            pool=[*mine, *others, *variants, str(uuid.UUID(int=0)), "csv", "pdf", "combined"],
        ),
        extra_ids=st.lists(st.uuids().map(str), max_size=2),
        encoding=encodings(),
    )
    def check(data, extra_ids, encoding):
        if extra_ids:
            data = {**data, "ids": data.get("ids", []) + extra_ids}
        before = set(Job.objects.values_list("pk", flat=True))
        response = post(client, "/library/export/", data, encoding)
        drain(response)
        assert_no_server_error(response, data)
        assert_unchanged(saved, response, data)
        queued = list(Job.objects.exclude(pk__in=before))
        if response.status_code == 302:
            [job] = queued
            assert job.kind == JobKind.EXPORT and job.owner == manager
            assert 1 <= len(job.params["revision_ids"]) <= 2, (job.params, data)
            assert set(job.params["revision_ids"]) <= readable, (job.params, data)
        else:
            assert response.status_code == 400, data
            assert queued == [], data

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
