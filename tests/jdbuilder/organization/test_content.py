"""What drafts read of the organization: kept per content version, read again after any write,
and the block that applies to a department and office."""

from __future__ import annotations

import pytest

from jdbuilder.organization.content import organization_content
from jdbuilder.vocabulary import BlockKind
from roles.models import CatalogVersion
from tests.factories import (
    ContentBlockFactory,
    DepartmentFactory,
    OfficeFactory,
    OrganizationFactory,
)

pytestmark = pytest.mark.django_db


def test_the_rows_are_read_once_per_version(django_assert_num_queries):
    OrganizationFactory()
    organization_content()
    with django_assert_num_queries(1):  # the version token only
        content = organization_content()
    assert content.organization.name == "Acme Analytics"


@pytest.mark.parametrize(
    "write",
    [
        lambda: OrganizationFactory(name="Renamed"),
        lambda: DepartmentFactory(name="Research"),
        lambda: OfficeFactory(name="Lisbon", country="PT"),
        lambda: ContentBlockFactory(kind=BlockKind.HOW_TO_APPLY),
    ],
)
def test_every_write_moves_the_version(write):
    before = CatalogVersion.objects.current()
    organization_content()
    write()
    assert CatalogVersion.objects.current() != before
    assert organization_content().token == CatalogVersion.objects.current()


def test_membership_changes_move_the_version(manager):
    department = DepartmentFactory()
    before = CatalogVersion.objects.current()
    department.members.add(manager)
    assert CatalogVersion.objects.current() != before
    assert organization_content().departments_of(manager) == [department]


def test_the_most_specific_block_applies():
    OrganizationFactory(default_country="US")
    engineering = DepartmentFactory(name="Engineering")
    berlin = OfficeFactory(name="Berlin", locality="Berlin", region="Berlin", country="DE")
    lisbon = OfficeFactory(name="Lisbon", locality="Lisbon", region="", country="PT")
    company = ContentBlockFactory(kind=BlockKind.BENEFITS, text="Company benefits")
    germany = ContentBlockFactory(kind=BlockKind.BENEFITS, country="DE", text="German benefits")
    office = ContentBlockFactory(kind=BlockKind.BENEFITS, office=berlin, text="Berlin benefits")
    team = ContentBlockFactory(
        kind=BlockKind.BENEFITS, department=engineering, text="Engineering benefits"
    )
    about_team = ContentBlockFactory(
        kind=BlockKind.ABOUT_TEAM, department=engineering, text="The platform team"
    )
    us_eeo = ContentBlockFactory(kind=BlockKind.EQUAL_OPPORTUNITY, country="US", text="US EEO")
    content = organization_content()

    def benefits(**where):
        return content.blocks_for(**where)[BlockKind.BENEFITS]

    assert benefits(department=engineering.pk, office=berlin.pk) == office
    office.delete()
    content = organization_content()
    assert benefits(department=engineering.pk, office=berlin.pk) == germany
    assert benefits(department=engineering.pk, office=lisbon.pk) == team
    assert benefits(department=None, office=lisbon.pk) == company
    blocks = content.blocks_for(department=engineering.pk, office=None)
    assert blocks[BlockKind.ABOUT_TEAM] == about_team
    # No office: the organization's own country.
    assert blocks[BlockKind.EQUAL_OPPORTUNITY] == us_eeo
    assert BlockKind.EQUAL_OPPORTUNITY not in content.blocks_for(department=None, office=berlin.pk)
    assert BlockKind.ABOUT_TEAM not in content.blocks_for(department=None, office=None)
