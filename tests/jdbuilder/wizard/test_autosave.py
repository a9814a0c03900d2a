"""Autosave (jdbuilder/wizard/autosave.py): a step saved as typed, valid or not yet, with the same
version check as a Save; the role step never changes the role; every refusal is a clear JSON
answer that saves nothing."""

import pytest
from django.test import Client

from jdbuilder.models import JobDescription
from tests.factories import ManagerFactory
from tests.support.wizard import valid_posting

pytestmark = pytest.mark.django_db


def autosave(wizard, step, changes=None, *, fields=None, client=None):
    data = fields if fields is not None else wizard.fields(step)
    for name, value in (changes or {}).items():
        data[name] = value if isinstance(value, list) else [value]
    return (client or wizard.client).post(wizard.url(step) + "autosave/", data)


def saved_state(jd: JobDescription):
    jd.refresh_from_db()
    return (jd.title, jd.role_id, jd.seniority, jd.choices, jd.pending_input, jd.lock_version)


class TestAutosave:
    def test_a_valid_step_is_saved_and_the_version_moves_on(self, start):
        wizard = start()
        fields = wizard.fields("posting")
        before = wizard.reload().lock_version
        response = autosave(wizard, "posting", valid_posting(), fields=fields)
        assert response.status_code == 200
        answer = response.json()
        assert answer["saved"] is True and answer["complete"] is True and answer["errors"] == 0
        assert answer["version"] == before + 1
        assert len(answer["saved_at"]) == 5 and answer["saved_at"][2] == ":"
        jd = wizard.reload()
        assert jd.chosen.posting.company_name == "Acme Analytics"
        assert jd.chosen.is_saved("posting") and jd.pending_input == {}
        assert jd.current_step == "posting"
        # The page's next Save carries the new version (autosave.js writes it into the form).
        fields.update({k: [v] for k, v in valid_posting(**{"posting-location": "Austin"}).items()})
        fields["jd_version"] = [str(answer["version"])]
        assert wizard.submit("posting", fields=fields).status_code == 302
        assert wizard.reload().chosen.posting.location == "Austin"

    def test_the_old_version_is_refused_after_an_autosave(self, start):
        wizard = start()
        fields = wizard.fields("posting")
        assert autosave(wizard, "posting", valid_posting(), fields=dict(fields)).json()["saved"]
        # Saving the page with the version it was read at is a conflict, not an overwrite.
        other = valid_posting(**{"posting-location": "Austin"})
        response = wizard.submit("posting", other, fields=dict(fields))
        assert response.status_code == 409
        assert wizard.reload().chosen.posting.location == "Denver, Colorado"

    def test_input_not_valid_yet_is_kept_as_unsaved_input(self, start):
        wizard = start()
        before = wizard.reload().choices
        typed = valid_posting(**{"posting-company_name": "Half-typed Inc"})
        typed["posting-salary_currency"] = "XYZ"
        answer = autosave(wizard, "posting", typed).json()
        assert answer["saved"] is True and answer["complete"] is False and answer["errors"] == 1
        jd = wizard.reload()
        assert jd.choices == before
        assert jd.pending_input["posting"]["posting-company_name"] == ["Half-typed Inc"]
        assert "jd_version" not in jd.pending_input["posting"]
        assert wizard.fields("posting")["posting-company_name"] == ["Half-typed Inc"]

    def test_a_list_step_is_saved_by_row(self, start):
        wizard = start()
        fields = wizard.fields("skills")
        fields["skills-0-level"] = ["1"]
        assert autosave(wizard, "skills", fields=fields).json()["complete"] is True
        jd = wizard.reload()
        assert jd.chosen.skills[0].level == 1 and jd.chosen.is_saved("skills")

    def test_the_role_step_never_changes_the_role(self, start):
        wizard = start()
        analyst = JobDescription._meta.get_field("role").related_model.objects.get(
            slug="data-analyst"
        )
        before = saved_state(wizard.jd)
        changes = {
            "role-role_choice": str(analyst.pk),
            "role-seniority": "senior",
            "role-title": "Analyst",
        }
        answer = autosave(wizard, "role", changes).json()
        assert answer["saved"] is True and answer["complete"] is False
        jd = wizard.reload()
        assert (jd.role.slug, jd.seniority, jd.title) == ("software-engineer", "mid", before[0])
        assert jd.choices == before[3]
        assert jd.pending_input["role"]["role-role_choice"] == [str(analyst.pk)]
        # The page shows what was typed; an explicit Save changes the role.
        assert wizard.fields("role")["role-title"] == ["Analyst"]
        assert wizard.submit("role").status_code == 302
        assert wizard.reload().role.slug == "data-analyst"

    def test_the_role_step_kept_as_saved_is_saved(self, start):
        wizard = start()
        assert wizard.submit("role").status_code == 302
        answer = autosave(wizard, "role").json()
        assert answer["complete"] is True
        assert wizard.reload().pending_input == {}

    def test_a_stale_version_is_a_conflict_and_saves_nothing(self, start):
        wizard = start()
        stale = wizard.fields("posting")
        assert wizard.submit("tools").status_code == 302
        before = saved_state(wizard.jd)
        response = autosave(wizard, "posting", valid_posting(), fields=stale)
        assert response.status_code == 409
        answer = response.json()
        assert answer["saved"] is False and answer["conflict"] is True
        assert "Compare and merge" in answer["message"]
        assert saved_state(wizard.jd) == before

    def test_a_lost_race_is_a_conflict(self, start, monkeypatch):
        wizard = start()
        fields = wizard.fields("posting")
        before = saved_state(wizard.jd)
        monkeypatch.setattr(JobDescription, "save_draft", lambda self, **kw: False)
        response = autosave(wizard, "posting", valid_posting(), fields=fields)
        assert response.status_code == 409 and response.json()["conflict"] is True
        monkeypatch.undo()
        assert saved_state(wizard.jd) == before


class TestRefusals:
    def test_a_final_job_description(self, start, make_final_jd, manager):
        wizard = start()
        fields = wizard.fields("posting")
        final = make_final_jd(manager)
        response = wizard.client.post(f"/jd/{final.public_id}/edit/posting/autosave/", fields)
        assert response.status_code == 409 and response.json()["final"] is True

    @pytest.mark.parametrize("step", ["nope", "review", "finished"])
    def test_no_such_step(self, start, step):
        wizard = start()
        fields = wizard.fields("posting")
        fields["jd_wizard-current_step"] = [step]
        before = saved_state(wizard.jd)
        response = wizard.client.post(wizard.url(step) + "autosave/", fields)
        assert response.status_code == 400 and response.json()["saved"] is False
        assert saved_state(wizard.jd) == before

    def test_the_form_of_another_step(self, start):
        wizard = start()
        response = wizard.client.post(wizard.url("tools") + "autosave/", wizard.fields("posting"))
        assert response.status_code == 400
        assert "does not belong to this step" in response.json()["message"]

    def test_another_managers_draft_and_a_signed_out_user(self, start):
        wizard = start()
        fields = wizard.fields("posting")
        before = saved_state(wizard.jd)
        other = Client()
        other.force_login(ManagerFactory())
        assert autosave(wizard, "posting", fields=fields, client=other).status_code == 404
        assert autosave(wizard, "posting", fields=fields, client=Client()).status_code == 403
        assert saved_state(wizard.jd) == before

    def test_only_post(self, start):
        wizard = start()
        assert wizard.client.get(wizard.url("posting") + "autosave/").status_code == 405

    def test_without_a_csrf_token(self, start, manager):
        wizard = start()
        client = Client(enforce_csrf_checks=True)
        client.force_login(manager)
        fields = wizard.fields("posting")
        fields.pop("csrfmiddlewaretoken", None)
        before = saved_state(wizard.jd)
        assert autosave(wizard, "posting", fields=fields, client=client).status_code == 403
        assert saved_state(wizard.jd) == before

    def test_an_oversize_post_is_refused_without_a_server_error(self, start):
        wizard = start()
        before = saved_state(wizard.jd)
        client = Client(raise_request_exception=False)
        client.force_login(wizard.jd.owner)
        fields = wizard.fields("posting")
        fields["posting-summary"] = ["x" * 3_000_000]  # past DATA_UPLOAD_MAX_MEMORY_SIZE
        assert autosave(wizard, "posting", fields=fields, client=client).status_code == 400
        assert saved_state(wizard.jd) == before

    def test_a_long_value_is_not_a_server_error(self, start):
        wizard = start()
        fields = wizard.fields("posting")
        fields["posting-summary"] = ["x" * 200_000]
        response = autosave(wizard, "posting", fields=fields)
        assert response.status_code in (200, 400)
        assert response.json()["saved"] in (True, False)
        assert not wizard.reload().chosen.posting.summary.startswith("xxx")


def test_the_step_page_shows_when_it_was_saved(start):
    wizard = start()
    wizard.submit("role")
    html = wizard.get("responsibilities").content.decode()
    jd = wizard.reload()
    assert f"Saved {jd.updated_at:%H:%M}." in html
    assert 'aria-live="polite"' in html
    assert f'data-autosave-url="/jd/{jd.public_id}/edit/responsibilities/autosave/"' in html
    assert "/static/js/autosave.js" in html
