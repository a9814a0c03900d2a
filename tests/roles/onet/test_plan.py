"""Matching occupations to roles: ownership, staff roles, slugs and conflicts refused up front."""

import pytest
from django.core.management import CommandError

from roles.models import AlternateTitle, Role
from roles.onet.attribution import ONET_SOURCE
from tests.roles.onet.helpers import run, snapshot


def test_imported_roles_mirror_onet_unless_staff_take_them_over(catalog, release):
    run(release)
    analysts = Role.objects.get(onet_code="15-1211.00")
    analysts.summary = "Edited by staff"
    analysts.save()
    AlternateTitle.objects.create(role=analysts, title="Platform analyst")
    keyers = Role.objects.get(onet_code="43-9021.00")
    keyers.summary = "Kept by staff"
    keyers.source = ONET_SOURCE + "; edited by staff"
    keyers.save()
    keyers.alternate_titles.filter(title="Clerk Typist").delete()

    run(release)
    analysts.refresh_from_db()
    keyers.refresh_from_db()
    assert analysts.summary.startswith("Analyze science, engineering")  # owned: reset to O*NET
    assert not analysts.alternate_titles.filter(title="Platform analyst").exists()
    assert keyers.summary == "Kept by staff"  # taken over: left alone
    assert not keyers.alternate_titles.filter(title="Clerk Typist").exists()


def test_links_a_staff_role_of_the_same_name(catalog, release):
    role = Role.objects.create(
        name="software developers", slug="devs", summary="Ours", source="Staff"
    )
    run(release)
    role.refresh_from_db()
    assert role.onet_code == "15-1252.00"
    assert (role.name, role.summary, role.source) == ("software developers", "Ours", "Staff")
    assert not role.alternate_titles.exists()
    assert Role.objects.filter(name__iexact="software developers").count() == 1


def test_new_slug_avoids_a_taken_one(catalog, release):
    Role.objects.create(name="Developers", slug="software-developers", summary="Other")
    run(release)
    assert Role.objects.get(onet_code="15-1252.00").slug == "software-developers-15-1252-00"


def test_conflicting_role_refuses_the_whole_import(catalog, release):
    Role.objects.create(name="Data Scientists", slug="ds", summary="x", onet_code="15-9999.00")
    before = snapshot()
    with pytest.raises(CommandError, match=r"role 'Data Scientists' has O\*NET code 15-9999.00"):
        run(release)
    assert snapshot() == before
