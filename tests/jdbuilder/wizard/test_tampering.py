"""A tampered wizard POST gets a 400 or a form error, never a server error: unknown steps,
broken management forms, huge formsets, ids from outside the draft's catalog."""

import pytest

from roles.models import Task

pytestmark = pytest.mark.django_db


class TestTampering:
    def test_unknown_step_names(self, start):
        wizard = start()
        assert wizard.client.get(wizard.url("nope")).status_code == 404
        assert wizard.client.get(wizard.url("finished")).status_code == 404
        fields = wizard.fields("role")
        assert wizard.client.post(wizard.url("nope"), fields).status_code == 400
        assert wizard.submit("role", goto="nope").status_code == 400

    def test_missing_or_mismatched_management_form(self, start):
        wizard = start()
        assert wizard.submit("role", drop=["jd_wizard-current_step"]).status_code == 400
        assert wizard.submit("role", {"jd_wizard-current_step": "skills"}).status_code == 400
        assert wizard.submit("role", {"jd_wizard-current_step": "bogus"}).status_code == 400

    def test_missing_formset_management_form_is_a_form_error(self, start):
        wizard = start()
        response = wizard.submit("skills", drop=["skills-TOTAL_FORMS"])
        assert response.status_code == 200
        assert "ManagementForm data is missing" in response.content.decode()

    def test_huge_total_forms_is_refused(self, start):
        wizard = start()
        response = wizard.submit("responsibilities", {"responsibilities-TOTAL_FORMS": "100000"})
        assert response.status_code == 200
        assert wizard.reload().current_step == "role"

    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            ({"role-role_choice": "999999"}, "Choose a role from the catalog."),
            ({"role-role_choice": "not-a-number"}, "Choose a role from the catalog."),
            ({"role-seniority": "emperor"}, "Select a valid choice"),
            ({"role-title": "x" * 151}, "at most 150 characters"),
        ],
    )
    def test_role_step(self, start, changes, message):
        wizard = start()
        response = wizard.submit("role", changes)
        assert response.status_code == 200
        assert message in response.content.decode()

    def test_a_task_of_another_role_is_refused(self, start):
        wizard = start()
        foreign = Task.objects.exclude(roles__slug="software-engineer").first()
        response = wizard.submit("responsibilities", {"responsibilities-0-task": str(foreign.pk)})
        assert response.status_code == 200
        assert "not one of this role&#x27;s tasks" in response.content.decode()

    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            ({"skills-0-skill": "999999"}, "Choose a skill from the catalog."),
            ({"skills-0-level": "9"}, "Choose a level on the proficiency scale."),
            ({"skills-0-level": "0"}, "Choose a level on the proficiency scale."),
            ({"skills-0-importance": "mandatory"}, "Select a valid choice"),
        ],
    )
    def test_skills_step(self, start, changes, message):
        wizard = start()
        response = wizard.submit("skills", changes)
        assert response.status_code == 200
        assert message in response.content.decode()

    def test_the_same_skill_twice_is_refused(self, start):
        wizard = start()
        fields = wizard.fields("skills")
        response = wizard.submit(
            "skills", {"skills-1-skill": fields["skills-0-skill"][0]}, fields=fields
        )
        assert "Each skill can appear only once." in response.content.decode()

    def test_an_unknown_tool_is_refused(self, start):
        wizard = start()
        response = wizard.submit("tools", {"tools-tools": ["999999"]})
        assert response.status_code == 200
        assert "Choose tools from the catalog." in response.content.decode()
