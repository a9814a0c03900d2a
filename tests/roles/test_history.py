"""The role history page's inline changes: edits to a role's skills, titles and tasks.

roles.history builds them; RoleAdmin.history_view shows them under the role's own history.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from roles.models import RoleSkill
from tests.factories import (
    AlternateTitleFactory,
    ProficiencyLevelFactory,
    RoleFactory,
    RoleSkillFactory,
    RoleTaskFactory,
    SkillFactory,
    TaskFactory,
)
from tests.roles.admin_pages import changeform_post_data, inline_form_prefix, queries_for


@pytest.mark.django_db
def test_changing_a_skill_level_inline_shows_in_the_role_history(
    staff_client: Client, staff: Any
) -> None:
    advanced = ProficiencyLevelFactory(rank=3, name="Advanced")
    expert = ProficiencyLevelFactory(rank=4, name="Expert")
    role = RoleFactory(name="Research scientist")
    AlternateTitleFactory(role=role)
    RoleTaskFactory(role=role)
    role_skill = RoleSkillFactory(
        role=role, skill=SkillFactory(name="Algorithmic coding"), level=advanced
    )
    change_url = reverse("admin:roles_role_change", args=[role.pk])

    form_page = staff_client.get(change_url)
    data = changeform_post_data(form_page)
    prefix = inline_form_prefix(form_page, RoleSkill, role_skill.pk)
    assert data[f"{prefix}-level"] == str(advanced.pk)
    data[f"{prefix}-level"] = str(expert.pk)
    response = staff_client.post(change_url, data)

    assert response.status_code == 302, response.context and response.context["errors"]
    role_skill.refresh_from_db()
    assert role_skill.level == expert
    # Nothing else on the page was touched by the round trip.
    assert role.alternate_titles.count() == 1
    assert role.role_tasks.count() == 1

    history = staff_client.get(reverse("admin:roles_role_history", args=[role.pk]))

    assert history.status_code == 200
    [latest, *_] = history.context["inline_changes"]
    assert latest.what == "Algorithmic coding: level Advanced → Expert"
    assert latest.who == staff.username
    table = history.content.decode().split('id="inline-change-history"', 1)[1]
    assert "Changes to skills, titles and tasks" in table
    assert "Algorithmic coding: level Advanced → Expert" in table
    assert f"<td>{staff.username}</td>" in table


@pytest.mark.django_db
def test_role_history_lists_added_changed_and_removed_rows(staff_client: Client) -> None:
    role = RoleFactory()
    title = AlternateTitleFactory(role=role, title="Data wrangler")
    title.title = "Data janitor"
    title.save()
    role_task = RoleTaskFactory(role=role, task=TaskFactory(text="Label the data"))
    role_task.included_by_default = False
    role_task.save()
    role_task.delete()

    response = staff_client.get(reverse("admin:roles_role_history", args=[role.pk]))

    descriptions = [change.what for change in response.context["inline_changes"]]
    assert descriptions == [
        "Task “Label the data”: removed",
        "Task “Label the data”: included by default yes → no",
        "Task “Label the data”: added (included by default yes)",
        "Alternate title “Data janitor”: title Data wrangler → Data janitor",
        "Alternate title “Data wrangler”: added",
    ]


@pytest.mark.django_db
def test_role_history_escapes_catalog_text(staff_client: Client) -> None:
    role = RoleFactory()
    AlternateTitleFactory(role=role, title="<script>alert(1)</script>")

    response = staff_client.get(reverse("admin:roles_role_history", args=[role.pk]))

    content = response.content.decode()
    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content


@pytest.mark.django_db
def test_role_history_queries_do_not_grow_with_inline_changes(staff_client: Client) -> None:
    levels = ProficiencyLevelFactory.create_batch(3)
    role = RoleFactory()
    url = reverse("admin:roles_role_history", args=[role.pk])

    def change_skill_levels(count: int) -> None:
        for role_skill in RoleSkillFactory.create_batch(count, role=role, level=levels[0]):
            for level in levels[1:]:
                role_skill.level = level
                role_skill.save()

    staff_client.get(url)  # Warm per-process caches.
    change_skill_levels(2)
    few = queries_for(staff_client, url)
    change_skill_levels(20)
    response = staff_client.get(url)
    assert len(response.context["inline_changes"]) == 22 * 3
    many = queries_for(staff_client, url)

    assert few == many


@pytest.mark.django_db
def test_role_history_shows_the_latest_200_inline_changes(staff_client: Client) -> None:
    levels = ProficiencyLevelFactory.create_batch(2)
    role = RoleFactory()
    role_skill = RoleSkillFactory(role=role, level=levels[0])
    for step in range(205):
        role_skill.level = levels[(step + 1) % 2]
        role_skill.save()

    response = staff_client.get(reverse("admin:roles_role_history", args=[role.pk]))

    changes = response.context["inline_changes"]
    assert len(changes) == 200
    # 206 records: the addition and 205 changes. The oldest shown is change 6 (levels[1] ->
    # levels[0]); its previous record lies outside the window and is still compared against.
    assert changes[-1].what == f"{role_skill.skill.name}: level {levels[1]} → {levels[0]}"
    assert changes[0].what == f"{role_skill.skill.name}: level {levels[0]} → {levels[1]}"
    assert changes[1].what == f"{role_skill.skill.name}: level {levels[1]} → {levels[0]}"
    assert [change.when for change in changes] == sorted(
        (change.when for change in changes), reverse=True
    )
    assert "Only the latest 200 changes are shown." in response.content.decode()
