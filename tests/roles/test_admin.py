"""The catalog admin: registration, access, constant-query list pages, search, inlines, history."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.apps import apps
from django.contrib import admin
from django.core import checks
from django.db import models
from django.test import Client, override_settings
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from roles.models import (
    AlternateTitle,
    CatalogVersion,
    Importance,
    InterviewQuestion,
    ProficiencyLevel,
    Role,
    RoleSearchText,
    RoleSkill,
    RoleTask,
    Skill,
    Task,
    TaskArea,
    Tool,
)
from tests.factories import (
    AlternateTitleFactory,
    InterviewQuestionFactory,
    ProficiencyLevelFactory,
    RoleFactory,
    RoleSkillFactory,
    RoleTaskFactory,
    SkillFactory,
    StaffFactory,
    TaskAreaFactory,
    TaskFactory,
    ToolFactory,
)
from tests.roles.admin_pages import changeform_post_data, changelist_url, queries_for

CATALOG_MODELS = [
    TaskArea,
    ProficiencyLevel,
    Skill,
    Role,
    AlternateTitle,
    Task,
    RoleTask,
    RoleSkill,
    Tool,
    InterviewQuestion,
]

# --- Row builders for the changelist query-count test; each makes `n` more rows. -------------


def make_task_areas(n: int) -> None:
    TaskAreaFactory.create_batch(n)


def make_levels(n: int) -> None:
    ProficiencyLevelFactory.create_batch(n)


def make_skills(n: int) -> None:
    SkillFactory.create_batch(n)


def make_roles(n: int) -> None:
    # Every role has task areas and titles, so the list columns that read them are exercised.
    areas = TaskAreaFactory.create_batch(2)
    for role in RoleFactory.create_batch(n):
        role.task_areas.add(*areas)
        AlternateTitleFactory.create_batch(2, role=role)


def make_titles(n: int) -> None:
    AlternateTitleFactory.create_batch(n)


def make_tasks(n: int) -> None:
    TaskFactory.create_batch(n)


def make_role_tasks(n: int) -> None:
    RoleTaskFactory.create_batch(n)


def make_role_skills(n: int) -> None:
    RoleSkillFactory.create_batch(n)


def make_questions(n: int) -> None:
    InterviewQuestionFactory.create_batch(n)


def make_tools(n: int) -> None:
    for tool in ToolFactory.create_batch(n):
        tool.roles.add(RoleFactory())


ROW_BUILDERS: dict[type[models.Model], Callable[[int], None]] = {
    TaskArea: make_task_areas,
    ProficiencyLevel: make_levels,
    Skill: make_skills,
    Role: make_roles,
    AlternateTitle: make_titles,
    Task: make_tasks,
    RoleTask: make_role_tasks,
    RoleSkill: make_role_skills,
    Tool: make_tools,
    InterviewQuestion: make_questions,
}

# --- Registration ----------------------------------------------------------------------------


def test_every_catalog_model_is_registered_with_history() -> None:
    # Derived rows (roles.sync keeps them in step) are not edited, so not in the admin.
    derived = {RoleSearchText, CatalogVersion}
    catalog = {
        model
        for model in apps.get_app_config("roles").get_models()
        if not model.__name__.startswith("Historical") and model not in derived
    }
    assert catalog == set(CATALOG_MODELS)
    for model in CATALOG_MODELS:
        assert isinstance(admin.site._registry[model], SimpleHistoryAdmin), model


def test_every_foreign_key_in_the_admin_uses_autocomplete() -> None:
    for model in CATALOG_MODELS:
        model_admin = admin.site._registry[model]
        editors = [(model, model_admin, None)]
        editors += [
            (inline.model, inline, inline.fk_name or _parent_fk(inline.model, model))
            for inline in model_admin.inlines
        ]
        for edited_model, editor, parent_fk in editors:
            for field in edited_model._meta.get_fields():
                if isinstance(field, models.ForeignKey) and field.name != parent_fk:
                    assert field.name in editor.autocomplete_fields, (editor, field.name)


def _parent_fk(model: type[models.Model], parent: type[models.Model]) -> str:
    return next(
        field.name
        for field in model._meta.get_fields()
        if isinstance(field, models.ForeignKey) and field.related_model is parent
    )


def test_admin_system_checks_pass() -> None:
    # Autocomplete targets need search_fields; Django's admin checks enforce that.
    errors = [
        message
        for message in checks.run_checks(tags=[checks.Tags.admin])
        if message.level >= checks.ERROR
    ]
    assert errors == []


# --- Access ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_non_staff_user_is_sent_to_the_admin_login(manager_client: Client) -> None:
    url = changelist_url(Role)
    response = manager_client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert f"next={url}" in response["Location"]


@pytest.mark.django_db
def test_anonymous_user_cannot_see_a_role_history(client: Client) -> None:
    role = RoleFactory()
    response = client.get(reverse("admin:roles_role_history", args=[role.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


# --- Changelists -----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("model", CATALOG_MODELS, ids=lambda model: model.__name__)
def test_changelist_queries_do_not_grow_with_rows(
    staff_client: Client, model: type[models.Model]
) -> None:
    url = changelist_url(model)
    # No history rows: a changelist never reads them, and writing them is most of the time.
    build = override_settings(SIMPLE_HISTORY_ENABLED=False)(ROW_BUILDERS[model])
    staff_client.get(url)  # Warm per-process caches (content types) so both counts compare.

    build(5)
    assert model.objects.count() == 5
    few = queries_for(staff_client, url)

    build(495)
    assert model.objects.count() == 500
    response = staff_client.get(url)
    assert response.context["cl"].result_count == 500
    assert len(response.context["cl"].result_list) == 100  # A full page, not five rows.
    many = queries_for(staff_client, url)

    assert few == many


@pytest.mark.django_db
def test_role_changelist_columns(staff_client: Client) -> None:
    area = TaskAreaFactory(name="Deployment")
    role = RoleFactory(name="ML engineer", onet_code="15-2051.01")
    role.task_areas.add(area)
    AlternateTitleFactory(role=role, title="Applied ML engineer")
    AlternateTitleFactory(role=role, title="MLE")

    response = staff_client.get(changelist_url(Role))

    content = response.content.decode()
    assert "15-2051.01" in content
    assert "Deployment" in content
    [listed] = response.context["cl"].result_list
    assert listed.titles_count == 2


@pytest.mark.django_db
def test_role_search_by_alternate_title_finds_the_role_once(staff_client: Client) -> None:
    role = RoleFactory(name="Data engineer")
    AlternateTitleFactory(role=role, title="Pipeline wrangler")
    AlternateTitleFactory(role=role, title="Senior pipeline wrangler")
    AlternateTitleFactory(role=role, title="Something else")
    RoleFactory(name="Data scientist")

    response = staff_client.get(changelist_url(Role), {"q": "wrangler"})

    changelist = response.context["cl"]
    assert [found.pk for found in changelist.result_list] == [role.pk]
    assert changelist.result_count == 1
    # The search join must not inflate the count of titles either.
    assert changelist.result_list[0].titles_count == 3


@pytest.mark.django_db
def test_role_changelist_filters_by_task_area(staff_client: Client) -> None:
    modelling, deployment = TaskAreaFactory.create_batch(2)
    kept = RoleFactory()
    kept.task_areas.add(modelling, deployment)
    RoleFactory().task_areas.add(deployment)

    response = staff_client.get(changelist_url(Role), {"task_areas__id__exact": modelling.pk})

    assert [found.pk for found in response.context["cl"].result_list] == [kept.pk]


@pytest.mark.django_db
def test_role_skill_changelist_filters_by_importance(staff_client: Client) -> None:
    required = RoleSkillFactory(importance=Importance.REQUIRED)
    RoleSkillFactory(importance=Importance.NICE_TO_HAVE)

    response = staff_client.get(changelist_url(RoleSkill), {"importance__exact": "required"})

    assert [found.pk for found in response.context["cl"].result_list] == [required.pk]


@pytest.mark.django_db
def test_skill_autocomplete_searches_by_name(staff_client: Client) -> None:
    wanted = SkillFactory(name="Algorithmic coding")
    SkillFactory(name="Public speaking")

    response = staff_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "roles",
            "model_name": "roleskill",
            "field_name": "skill",
            "term": "algorithm",
        },
    )

    assert response.status_code == 200
    assert response.json()["results"] == [{"id": str(wanted.pk), "text": "Algorithmic coding"}]


# --- Role change page ------------------------------------------------------------------------


@pytest.mark.django_db
def test_role_change_page_renders_every_inline(staff_client: Client) -> None:
    role = RoleFactory()
    AlternateTitleFactory(role=role, title="Model whisperer")
    RoleSkillFactory(role=role, skill=SkillFactory(name="Statistics"))
    RoleTaskFactory(role=role, task=TaskFactory(text="Tune the models"))
    ToolFactory(name="PyTorch").roles.add(role)

    response = staff_client.get(reverse("admin:roles_role_change", args=[role.pk]))

    assert response.status_code == 200
    content = response.content.decode()
    for prefix in ["alternate_titles", "role_skills", "role_tasks", "Tool_roles"]:
        assert f'name="{prefix}-TOTAL_FORMS"' in content, prefix
    assert {formset.formset.model for formset in response.context["inline_admin_formsets"]} == {
        AlternateTitle,
        RoleSkill,
        RoleTask,
        Tool.roles.through,
    }
    for shown in ["Model whisperer", "Statistics", "Tune the models", "PyTorch"]:
        assert shown in content, shown


# --- History pages ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_role_history_of_a_missing_role_is_not_found(staff_client: Client) -> None:
    response = staff_client.get(reverse("admin:roles_role_history", args=[999_999]))
    assert response.status_code == 404


@pytest.mark.django_db
def test_skill_history_page_shows_who_changed_it(client: Client) -> None:
    editor = StaffFactory(username="curator")
    client.force_login(editor)
    skill = SkillFactory(name="Statistics")
    change_url = reverse("admin:roles_skill_change", args=[skill.pk])
    data = changeform_post_data(client.get(change_url))
    data["name"] = "Applied statistics"

    assert client.post(change_url, data).status_code == 302

    response = client.get(reverse("admin:roles_skill_history", args=[skill.pk]))
    content = response.content.decode()
    assert "curator" in content.split('id="change-history"', 1)[1]
    assert "Applied statistics" in content


# --- The skill's O*NET element id ----------------------------------------------------------


@pytest.mark.django_db
def test_skill_changelist_shows_and_searches_the_onet_element_id(staff_client: Client) -> None:
    SkillFactory(name="Programming", onet_element_id="2.B.3.e")
    SkillFactory(name="Juggling")

    response = staff_client.get(changelist_url(Skill), {"q": "2.B.3"})

    content = response.content.decode()
    assert response.status_code == 200
    assert "O*NET element ID" in content and "2.B.3.e" in content
    assert "Programming" in content and "Juggling" not in content


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["javascript:alert(1)", "2.B.3.e; DROP", "B.3.e", "2..A"])
def test_skill_form_refuses_what_is_no_content_model_id(staff_client: Client, typed) -> None:
    skill = SkillFactory(name="Programming")
    change_url = reverse("admin:roles_skill_change", args=[skill.pk])
    data = changeform_post_data(staff_client.get(change_url))
    data["onet_element_id"] = typed

    response = staff_client.post(change_url, data)

    assert response.status_code == 200
    assert "Enter an O*NET Content Model element ID such as 2.A.1.e" in response.content.decode()
    skill.refresh_from_db()
    assert skill.onet_element_id == ""


@pytest.mark.django_db
def test_skill_form_keeps_a_content_model_id(staff_client: Client) -> None:
    skill = SkillFactory(name="Programming")
    change_url = reverse("admin:roles_skill_change", args=[skill.pk])
    data = changeform_post_data(staff_client.get(change_url))
    data["onet_element_id"] = " 2.B.3.e "

    assert staff_client.post(change_url, data).status_code == 302

    skill.refresh_from_db()
    assert skill.onet_element_id == "2.B.3.e"
