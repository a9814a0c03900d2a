"""The organization's rows keep their rules in the database: one profile, valid codes and
colours, one scope per block, bands whose ends are in order and unique per scope."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from jdbuilder.organization.models import ContentBlock, Organization, PayBand
from jdbuilder.vocabulary import BlockKind
from tests.factories import (
    ContentBlockFactory,
    DepartmentFactory,
    OfficeFactory,
    OrganizationFactory,
    RoleFactory,
    RoleGroupFactory,
)

pytestmark = pytest.mark.django_db


def refused(**create) -> None:
    model = create.pop("model")
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.create(**create)


def test_there_is_one_organization():
    OrganizationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Organization.objects.create(name="Another")
    assert Organization.objects.count() == 1


@pytest.mark.parametrize("colour", ["#FFFFFF", "#fff", "red", "#12345g", "#1234;}"])
def test_the_brand_colour_is_six_lower_case_hex_digits_in_the_database(colour):
    refused(model=Organization, name="Acme", brand_colour=colour)


def test_an_office_needs_a_country_code_and_a_workplace():
    refused(model=OfficeFactory._meta.model, name="Nowhere", country="de")
    refused(
        model=OfficeFactory._meta.model,
        name="Closed",
        country="DE",
        offers_onsite=False,
        offers_hybrid=False,
        offers_remote=False,
    )


def test_a_block_has_at_most_one_scope():
    department, office = DepartmentFactory(), OfficeFactory()
    refused(
        model=ContentBlock,
        kind=BlockKind.BENEFITS,
        name="Both",
        text="x",
        department=department,
        office=office,
    )
    refused(
        model=ContentBlock,
        kind=BlockKind.BENEFITS,
        name="Both",
        text="x",
        office=office,
        country="DE",
    )
    refused(model=ContentBlock, kind=BlockKind.ABOUT_TEAM, name="No team", text="x")
    refused(
        model=ContentBlock,
        kind=BlockKind.EQUAL_OPPORTUNITY,
        name="Per department",
        text="x",
        department=department,
    )


def test_one_block_of_a_kind_per_scope():
    office = OfficeFactory()
    ContentBlockFactory(kind=BlockKind.BENEFITS)
    ContentBlockFactory(kind=BlockKind.BENEFITS, office=office)
    ContentBlockFactory(kind=BlockKind.BENEFITS, country="DE")
    refused(model=ContentBlock, kind=BlockKind.BENEFITS, name="Second", text="x")
    refused(model=ContentBlock, kind=BlockKind.BENEFITS, name="Second", text="x", office=office)
    refused(model=ContentBlock, kind=BlockKind.BENEFITS, name="Second", text="x", country="DE")


def test_a_block_counts_its_versions():
    block = ContentBlockFactory(text="First")
    assert block.version == 1
    block.text = "Second"
    block.save()
    block.refresh_from_db()
    assert block.version == 2
    assert [h.text for h in block.history.order_by("history_date")] == ["First", "Second"]


def test_band_rules():
    role = RoleFactory()
    group = RoleGroupFactory()
    office = OfficeFactory()
    base = {"model": PayBand, "minimum": 100, "maximum": 200}
    refused(**base, role=role, role_group=group)
    refused(**base | {"model": PayBand})  # neither role nor group
    refused(model=PayBand, role=role, minimum=300, maximum=200)
    refused(model=PayBand, role=role, minimum=-1, maximum=200)
    refused(**base, role=role, office=office, country="US")
    refused(**base, role=role, region="CO")
    refused(**base, role=role, seniority="wizard")
    PayBand.objects.create(role=role, minimum=100, maximum=200, country="US")
    # The same scope twice, NULLs included, is refused.
    refused(**base, role=role, country="US")


@pytest.mark.parametrize("colour", ["#1f4e79", "#000000", "#abcdef"])
def test_a_lower_case_hex_colour_is_stored(colour):
    OrganizationFactory(brand_colour=colour)
    assert Organization.objects.filter(brand_colour__shape="#hhhhhh").count() == 1


def test_the_tables_stay_usable_by_a_plain_sqlite_client():
    """No constraint may need a function only Django's connections define (REGEXP): the
    tables' own SQL works in a plain sqlite3 connection, and still refuses a bad code."""
    import sqlite3

    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND name IN "
            "('jdbuilder_office', 'jdbuilder_organization')"
        )
        schema = [row[0] for row in cursor.fetchall()]
    assert len(schema) == 2
    plain = sqlite3.connect(":memory:")
    try:
        for sql in schema:
            plain.execute(sql)
        columns = (
            "name, street_address, locality, region, postal_code, country, "
            "offers_onsite, offers_hybrid, offers_remote"
        )
        insert = f"INSERT INTO jdbuilder_office ({columns}) VALUES (?, '', '', '', '', ?, 1, 1, 0)"
        plain.execute(insert, ("Lisbon", "PT"))
        with pytest.raises(sqlite3.IntegrityError):
            plain.execute(insert, ("Porto", "pt"))
        assert plain.execute("SELECT count(*) FROM jdbuilder_office").fetchone()[0] == 1
    finally:
        plain.close()
