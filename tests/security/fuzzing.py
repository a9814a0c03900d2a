"""What the fuzz tests (test_fuzz_*.py) share: the `fuzz` decorator, a client that shows server
errors as 500s, posting a form as a browser would, and the snapshot a refused POST must leave
exactly as it was.

The fuzz tests: every form, fed hostile input, gives a 4xx or a form error, never a server
error, and a refused POST leaves everything already saved exactly as it was. Each test starts
from the form as the page renders it (or as the browser would send it) and lets Hypothesis change
it (tests/security/strategies.py): values replaced by arbitrary Unicode (control characters
included), numbers, dates, markup, empty or huge strings, or by other plausible values; keys
dropped, repeated, flooded past Django's field limit, or added. Most examples keep the wizard's
management form and version, so the fuzz reaches the forms' validation and, often, the saving
code.

Per example, against a snapshot of every job description and revision taken before:
- the status is below 500 (the client is told not to re-raise, so a crash shows as a 500);
- a response other than a redirect changed nothing;
- after a redirect (a step was saved, a draft started, a JD finalized) the pages the user goes
  to next still render.
Each example runs in a savepoint rolled back at its end, so every example starts from the same
saved state. A few known-hostile inputs run every time as explicit examples (NUL characters,
which PostgreSQL refuses in text and jsonb; a username longer than the lock-out table's column):
run the fuzz tests with DATABASE_URL pointing at PostgreSQL too, as CI does.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from contextlib import contextmanager
from urllib.parse import urlencode

from django.conf import settings as settings_module
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, example, given, settings

from jdbuilder.models import JobDescription, JobDescriptionRevision
from jdbuilder.wizard.views import STEPS
from roles.models import ProficiencyLevel, Role, Skill, Task, TaskArea, Tool

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


def catalog_ids() -> list[str]:
    """Real ids of everything a step refers to, whether this role's or another's."""
    ids = set()
    for model in (Role, Task, TaskArea, Skill, Tool):
        ids.update(model.objects.values_list("pk", flat=True))
    ids.update(ProficiencyLevel.objects.values_list("rank", flat=True))
    return sorted(str(i) for i in ids)
