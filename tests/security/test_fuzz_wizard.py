"""Fuzzing the wizard: every step's POST, each posting field alone, and the role searches.

Starts from a draft walked to the review, so that a fuzzed POST can save a step or finalize the
JD. What each example must satisfy, and how examples are isolated: tests/security/fuzzing.py.
"""

from __future__ import annotations

import pytest
from hypothesis import strategies as st

from jdbuilder.models import JobDescription
from jdbuilder.vocabulary import Status
from jdbuilder.wizard.views import VERSION_FIELD
from roles.models import AlternateTitle
from tests.factories import DraftFactory, full_posting
from tests.security.fuzzing import (
    STEP_NAMES,
    assert_no_server_error,
    assert_unchanged,
    browser_client,
    catalog_ids,
    expected_get_status,
    fuzz,
    post,
    snapshot,
)
from tests.security.strategies import encodings, hostile_values, mutated
from tests.support.wizard import PREFIX, WizardDriver, page_fields

pytestmark = pytest.mark.django_db


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


# --- every step -------------------------------------------------------------------------------


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
