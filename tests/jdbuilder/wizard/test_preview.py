"""The live preview (`wizard_preview`): the step's typed value over the draft's saved choices,
rendered as it will be issued, with nothing written; the cached region a step GET shows, the
placeholder it shows instead when nothing is cached, and the frame used without JavaScript."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.db import connection, transaction
from django.http import QueryDict
from django.test import Client
from django.test.utils import CaptureQueriesContext

from jdbuilder.catalog import RoleCatalog
from jdbuilder.models import JobDescription
from jdbuilder.wizard import preview
from jdbuilder.wizard.views import STEPS
from roles.models import Role, Skill
from tests.factories import DraftFactory, ManagerFactory
from tests.support.wizard import PLACEHOLDER, WizardDriver, valid_posting

pytestmark = pytest.mark.django_db


@pytest.fixture
def wizard(manager_client, manager, catalog):
    return WizardDriver(manager_client, DraftFactory(owner=manager))


def preview_url(jd, step):
    return f"/jd/{jd.public_id}/edit/{step}/preview/"


def stored(jd):
    jd = JobDescription.objects.get(pk=jd.pk)
    return (jd.title, jd.role_id, jd.choices, jd.pending_input, jd.lock_version, jd.updated_at)


def writes_to_drafts(queries) -> list[str]:
    """Statements that would change a JD or its revisions (the cache table does not count)."""
    return [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        and "jdbuilder_" in q["sql"]
    ]


def post_preview(wizard, step, changes=None, *, drop=()):
    data = wizard.fields(step)
    for name in drop:
        data.pop(name, None)
    for name, value in (changes or {}).items():
        data[name] = value if isinstance(value, list) else [value]
    return wizard.client.post(preview_url(wizard.jd, step), data)


def test_the_posting_step_as_typed_is_previewed_and_nothing_is_saved(wizard):
    before = stored(wizard.jd)
    with CaptureQueriesContext(connection) as queries:
        response = post_preview(
            wizard, "posting", {"posting-summary": "Own the forecasting platform end to end."}
        )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Own the forecasting platform end to end." in html
    assert '<article class="jd-document"' in html
    assert 'id="quality-checks"' in html
    assert "<html" not in html  # a fragment, not a page
    assert writes_to_drafts(queries) == []
    assert stored(wizard.jd) == before


def test_invalid_posting_input_still_previews_the_fields_that_are_valid(wizard):
    response = post_preview(
        wizard,
        "posting",
        {
            "posting-summary": "A summary typed while the salary is still wrong.",
            "posting-salary_currency": "not a currency",
            "posting-company_name": "",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "A summary typed while the salary is still wrong." in html
    # The invalid fields keep what the draft has saved.
    assert wizard.jd.chosen.posting.company_name in html


def test_the_role_step_previews_the_title_and_never_changes_the_role(wizard):
    other = Role.objects.exclude(pk=wizard.jd.role_id).first()
    response = post_preview(
        wizard,
        "role",
        {"role-title": "Principal Platform Engineer", "role-role_choice": str(other.pk)},
    )
    assert "Principal Platform Engineer" in response.content.decode()
    preview = response.context["preview"]
    assert preview.draft.role_id == wizard.jd.role_id
    assert preview.document.role_name == wizard.jd.role.name != other.name
    assert JobDescription.objects.get(pk=wizard.jd.pk).role_id == wizard.jd.role_id


def test_a_valid_list_step_is_laid_over_the_draft(wizard):
    fields = wizard.fields("responsibilities")
    included = [key for key in fields if key.endswith("-include") and key != "responsibilities-"]
    first = included[0]
    text = wizard.jd.chosen.responsibilities[0].text
    response = post_preview(wizard, "responsibilities", drop=[first])
    assert response.status_code == 200
    document = response.context["preview"].document
    assert text not in [item for group in document.responsibilities for item in group.items]
    assert text in [
        r.text for r in JobDescription.objects.get(pk=wizard.jd.pk).chosen.responsibilities
    ]


def test_the_copy_the_preview_lays_input_over_can_never_be_saved(wizard):
    """The overlay's copy carries its choices typed only (no JSON made): a save fails loudly
    instead of writing anything, and the draft keeps what it had."""
    jd = JobDescription.objects.select_related("role").get(pk=wizard.jd.pk)
    data = {**wizard.fields("posting"), "posting-company_name": ["Typed Inc"]}
    form = preview.step_form(
        dict(STEPS)["posting"],
        step="posting",
        job_description=jd,
        catalog=RoleCatalog.for_draft(jd),
        data=QueryDict(urlencode(data, doseq=True)),
    )
    copy = preview.overlaid(jd, "posting", form)
    assert copy is not jd and copy.chosen.posting.company_name == "Typed Inc"
    before = JobDescription.objects.values("choices", "lock_version").get(pk=wizard.jd.pk)
    with pytest.raises(TypeError), transaction.atomic():
        copy.save()
    with pytest.raises(TypeError), transaction.atomic():
        copy.save_draft(expected_version=copy.lock_version)
    assert JobDescription.objects.values("choices", "lock_version").get(pk=wizard.jd.pk) == before


def test_typed_markup_is_escaped_in_the_preview(wizard):
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    response = post_preview(wizard, "posting", {"posting-summary": hostile})
    html = response.content.decode()
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


@pytest.mark.parametrize("step", ["nope", "finished", "review2"])
def test_an_unknown_step_is_not_found(wizard, step):
    response = wizard.client.post(preview_url(wizard.jd, step), {})
    assert response.status_code == 404


def test_another_managers_draft_is_not_found(wizard, client):
    other = ManagerFactory()
    client.force_login(other)
    before = stored(wizard.jd)
    response = client.post(preview_url(wizard.jd, "posting"), {"posting-summary": "Mine now"})
    assert response.status_code == 404
    assert stored(wizard.jd) == before


def test_a_final_job_description_has_no_preview(manager_client, final_jd):
    response = manager_client.post(preview_url(final_jd, "posting"), {"posting-summary": "x"})
    assert response.status_code == 409
    assert "final" in response.content.decode()


def test_the_preview_needs_a_sign_in_and_takes_get_and_post_only(wizard):
    assert wizard.client.put(preview_url(wizard.jd, "posting")).status_code == 405
    assert wizard.client.post(frame_url(wizard.jd, "posting")).status_code == 405
    for url in (preview_url(wizard.jd, "posting"), frame_url(wizard.jd, "posting")):
        response = Client().get(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url
    response = Client().post(preview_url(wizard.jd, "posting"), {})
    assert response.status_code == 302 and "/accounts/login/" in response.url


def frame_url(jd, step):
    return f"/jd/{jd.public_id}/edit/{step}/preview/frame/"


def placeholder(html: str) -> str | None:
    """The preview URL a step page asks preview.js to load, or None if the region is inline."""
    found = PLACEHOLDER.search(html)
    return found["url"] if found else None


# --- the step page: the cached region, or a placeholder it fills ---------------------------


def test_a_step_page_loads_its_preview_then_shows_it_inline(wizard):
    for step in ("role", "responsibilities", "skills", "tools", "posting", "review"):
        wizard.submit("posting", goto=step)  # a save: a new version, nothing cached for it
        html = wizard.get(step).content.decode()
        assert '<article class="jd-document"' not in html, step
        assert placeholder(html) == preview_url(wizard.jd, step)
        assert f'<noscript><iframe class="preview-frame" src="{frame_url(wizard.jd, step)}"' in html
        assert f'data-preview-url="{preview_url(wizard.jd, step)}"' in html
        assert 'href="#jd-preview"' in html  # the phone's "one tap away" link

        loaded = wizard.client.get(placeholder(html))
        assert loaded.status_code == 200
        region = loaded.content.decode()
        assert region.count('<article class="jd-document"') == 1
        assert 'id="quality-checks"' in region and "<html" not in region

        again = wizard.get(step).content.decode()
        assert placeholder(again) is None
        assert region in again  # the very fragment the GET built, from the cache


def test_the_region_is_the_same_on_every_step_so_one_load_serves_them_all(wizard):
    wizard.shown("tools")
    for step in ("role", "skills", "posting", "review"):
        assert placeholder(wizard.get(step).content.decode()) is None, step


def test_a_step_get_with_pending_input_previews_that_input(wizard):
    wizard.submit(
        "posting",
        valid_posting(**{"posting-summary": "Pending words here.", "posting-company_name": ""}),
        goto="tools",
    )
    html = wizard.shown("posting")
    assert "Pending words here." in html.split('id="jd-preview"')[1]
    assert "Pending words here." not in wizard.shown("tools").split('id="jd-preview"')[1]


def test_a_step_shown_again_after_errors_previews_what_was_typed_at_once(wizard):
    data = valid_posting(**{"posting-summary": "Typed with an error.", "posting-company_name": ""})
    response = wizard.submit("posting", data)
    assert response.status_code == 200  # the errors, shown again
    html = response.content.decode()
    assert placeholder(html) is None
    assert "Typed with an error." in html.split('id="jd-preview"')[1]


def test_the_frame_is_the_region_as_a_page_framable_by_this_site_only(wizard):
    response = wizard.client.get(frame_url(wizard.jd, "posting"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith("<!doctype html>")
    assert '<base target="_top">' in html  # its links open in the step page
    assert html.count('<article class="jd-document"') == 1 and 'id="quality-checks"' in html
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
    # Every other page stays unframable.
    page = wizard.get("posting")
    assert page["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in page["Content-Security-Policy"]
    # The frame built and cached the region: the step page now shows it inline.
    assert placeholder(page.content.decode()) is None


def test_the_frame_and_the_load_refuse_other_users_and_final_drafts(
    wizard, manager_client, final_jd
):
    client = Client()
    client.force_login(ManagerFactory())
    for url in (preview_url(wizard.jd, "posting"), frame_url(wizard.jd, "posting")):
        assert client.get(url).status_code == 404
    for url in (preview_url(final_jd, "posting"), frame_url(final_jd, "posting")):
        response = manager_client.get(url)
        assert response.status_code == 409 and "final" in response.content.decode()
    assert wizard.client.get(frame_url(wizard.jd, "nope")).status_code == 404


# --- speed: queries, and the fragment cache -----------------------------------------------


def test_a_repeated_step_get_renders_the_cached_preview(wizard, django_assert_num_queries):
    wizard.shown("posting")  # fills the cache
    # Session, user, draft and role, the user's permissions (two), the catalog's version:
    # nothing to build the document or run the checks.
    with CaptureQueriesContext(connection) as queries:
        html = wizard.get("posting").content.decode()
    assert not any("roles_proficiencylevel" in q["sql"] for q in queries)
    assert html.count('<article class="jd-document"') == 1
    with django_assert_num_queries(len(queries)):
        wizard.get("posting")


def test_the_preview_post_query_count(wizard, django_assert_num_queries):
    data = wizard.fields("posting")
    data["posting-summary"] = ["Typed for the count."]
    # Session, user, draft with its role, and the catalog's version: the catalog rows the
    # document names are kept by the process until the version changes (documents/build.py).
    # No cache read or write: the input changes with every pause in typing.
    with django_assert_num_queries(4) as captured:
        wizard.client.post(preview_url(wizard.jd, "posting"), data)
    assert not any("django_cache" in q["sql"] for q in captured.captured_queries)
    assert not any(
        q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        for q in captured.captured_queries
    )


def test_a_step_get_never_builds_the_preview_and_its_load_builds_it_once(wizard, monkeypatch):
    assert wizard.submit("posting", valid_posting(**{"posting-summary": "Saved."})).status_code
    checked = []
    real_run_checks = preview.run_checks
    monkeypatch.setattr(
        preview, "run_checks", lambda doc: checked.append(doc) or real_run_checks(doc)
    )
    html = wizard.get("tools").content.decode()
    assert checked == [] and placeholder(html)
    wizard.client.get(placeholder(html))
    assert len(checked) == 1
    html = wizard.get("tools").content.decode()
    wizard.client.get(preview_url(wizard.jd, "tools"))  # a second load: from the cache too
    assert len(checked) == 1, "the preview was built again instead of read from the cache"
    assert "Saved." in html


def test_a_catalog_edit_reaches_the_cached_preview(wizard):
    skill_id = wizard.jd.chosen.skills[0].skill
    wizard.shown("tools")
    skill = Skill.objects.get(pk=skill_id)
    skill.name = "Renamed in the admin"
    skill.save()
    assert "Renamed in the admin" in wizard.shown("tools")


def test_a_save_changes_the_cached_preview(wizard):
    assert "Acme Rockets" not in wizard.shown("posting")
    wizard.submit("posting", valid_posting(**{"posting-company_name": "Acme Rockets"}))
    assert "Acme Rockets" in wizard.shown("posting").split('id="jd-preview"')[1]
