"""roles.sync: every write path keeps the search texts and the catalog version in step."""

import gzip
import json
from importlib import import_module

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse

from roles.models import AlternateTitle, CatalogVersion, Role, RoleSearchText
from roles.seed import SEED_CATALOG, read_catalog_file
from roles.sync import catalog_writes
from tests.factories import (
    AlternateTitleFactory,
    RoleFactory,
    RoleSkillFactory,
    SkillFactory,
    TaskFactory,
)
from tests.roles.admin_pages import changeform_post_data, inline_form_prefix

pytestmark = pytest.mark.django_db


def text_of(role: Role) -> str:
    return RoleSearchText.objects.get(role=role).text


def names(query: str) -> list[str]:
    return list(Role.objects.search(query).values_list("name", flat=True))


# --- single writes (the admin, the factories, any ORM save) -------------------------------------


def test_a_new_role_and_its_titles_are_searchable_at_once():
    role = RoleFactory(name="Data Analyst")
    assert text_of(role) == "data analyst"
    AlternateTitleFactory(role=role, title="BI Analyst")
    assert text_of(role) == "data analyst\nbi analyst"


def test_renaming_a_role_or_a_title_and_deleting_a_title_update_the_search():
    role = RoleFactory(name="Data Analyst")
    title = AlternateTitleFactory(role=role, title="BI Analyst")
    role.name = "Business Analyst"
    role.save()
    assert names("data analyst") == [] and names("business") == ["Business Analyst"]
    title.title = "Reporting Specialist"
    title.save()
    assert names("bi analyst") == [] and names("reporting") == ["Business Analyst"]
    title.delete()
    assert names("reporting") == []


def test_a_title_moved_to_another_role_leaves_the_first():
    first, second = RoleFactory(name="First"), RoleFactory(name="Second")
    AlternateTitleFactory(role=first, title="Widget Maker")
    title = AlternateTitle.objects.get(title="Widget Maker")  # loaded, as the admin loads it
    title.role = second
    title.save()
    assert names("widget") == ["Second"]
    assert text_of(first) == "first"


def test_deleting_roles_takes_their_search_texts_along():
    role = RoleFactory()
    AlternateTitleFactory.create_batch(3, role=role)
    RoleFactory()
    Role.objects.filter(pk=role.pk).delete()
    role_two = Role.objects.get()
    role_two.delete()
    assert not RoleSearchText.objects.exists()


def test_every_catalog_write_changes_the_version():
    seen = {CatalogVersion.objects.current()}
    role = RoleFactory()
    seen.add(CatalogVersion.objects.current())
    link = RoleSkillFactory(role=role)
    seen.add(CatalogVersion.objects.current())
    role.works_with.add(RoleFactory())
    seen.add(CatalogVersion.objects.current())
    link.delete()
    seen.add(CatalogVersion.objects.current())
    assert len(seen) == 5
    # Reading does not change it.
    assert CatalogVersion.objects.current() == CatalogVersion.objects.current()


def test_a_missing_version_row_starts_a_new_token_never_a_fixed_one():
    CatalogVersion.objects.all().delete()
    first = CatalogVersion.objects.current()
    CatalogVersion.objects.all().delete()
    assert CatalogVersion.objects.current() != first


# --- bulk writes ---------------------------------------------------------------------------------


def test_catalog_writes_rebuilds_once_at_the_end(django_assert_max_num_queries):
    before = CatalogVersion.objects.current()
    with catalog_writes() as touched:
        role = Role.objects.create(name="Bulk Role", slug="bulk-role", summary="x")
        AlternateTitle.objects.bulk_create(
            [AlternateTitle(role=role, title=f"Bulk title {n}") for n in range(50)]
        )
        touched.add(role.pk)  # bulk_create sends no signal
        # Inside the block nothing is rebuilt or bumped yet.
        assert not RoleSearchText.objects.filter(role=role).exists()
        assert CatalogVersion.objects.current() == before
    assert names("bulk title 49") == ["Bulk Role"]
    assert CatalogVersion.objects.current() != before


def test_a_failed_block_rebuilds_nothing():
    before = CatalogVersion.objects.current()
    with pytest.raises(RuntimeError), catalog_writes():
        RoleFactory(name="Half Written")
        raise RuntimeError("the load failed")
    assert CatalogVersion.objects.current() == before


def test_the_seed_loader_leaves_every_role_searchable_by_its_titles():
    call_command("load_catalog", verbosity=0)
    data = read_catalog_file(SEED_CATALOG)
    assert RoleSearchText.objects.count() == Role.objects.count() == len(data["roles"])
    assert names("SOFTWARE ENGINEER-DATA") == ["Software Engineer"]


def test_a_restore_with_loaddata_rebuilds_the_search_texts(
    tmp_path, django_capture_on_commit_callbacks
):
    role = RoleFactory(name="Restored Role")
    AlternateTitleFactory(role=role, title="Bringer Back")
    dump = tmp_path / "catalog.json.gz"
    call_command("dumpdata", "roles.role", "roles.alternatetitle", output=str(dump), verbosity=0)
    with gzip.open(dump, "rt") as handle:
        assert len(json.load(handle)) == 2
    RoleSearchText.objects.all().delete()  # a backup made before the texts existed has none
    with django_capture_on_commit_callbacks(execute=True):
        call_command("loaddata", str(dump), verbosity=0)
    assert names("bringer") == ["Restored Role"]


# --- the pages see a change at once ------------------------------------------------------------


def test_an_admin_edit_of_a_skill_level_and_a_title_shows_at_once(client, staff, manager, levels):
    link = RoleSkillFactory(level=levels[1])
    role = link.role
    title = AlternateTitleFactory(role=role, title="Old Title")
    client.force_login(manager)
    page = client.get(role.get_absolute_url()).content.decode()
    assert levels[1].name in page and "Old Title" in page
    client.get(role.get_absolute_url())  # now from the cache

    client.force_login(staff)
    change_url = reverse("admin:roles_role_change", args=[role.pk])
    form = client.get(change_url)
    data = changeform_post_data(form)
    data[f"{inline_form_prefix(form, type(link), link.pk)}-level"] = str(levels[4].pk)
    data[f"{inline_form_prefix(form, AlternateTitle, title.pk)}-title"] = "New Title"
    assert client.post(change_url, data).status_code == 302

    client.force_login(manager)
    page = client.get(role.get_absolute_url()).content.decode()
    assert levels[4].name in page and "New Title" in page and "Old Title" not in page
    assert names("new title") == [role.name]


def test_the_data_migration_fills_the_texts_of_the_roles_of_the_day():
    # A module name that starts with a digit: imported by name.
    migration = import_module("roles.migrations.0004_search_text_and_catalog_version")
    role = RoleFactory(name="Data Analyst")
    AlternateTitleFactory(role=role, title="BI Analyst")
    RoleSearchText.objects.all().delete()  # as before the migration: no texts
    migration.fill_search_texts(apps, None)
    assert text_of(role) == "data analyst\nbi analyst"


@pytest.mark.django_db
def test_a_tasks_skills_changing_bumps_the_catalog_version():
    # Drafts' Documents carry what each task exercises (traceability), kept per version.
    task = TaskFactory()
    skill = SkillFactory()
    before = CatalogVersion.objects.current()
    task.skills.add(skill)
    after_add = CatalogVersion.objects.current()
    task.skills.remove(skill)
    assert before != after_add != CatalogVersion.objects.current()
