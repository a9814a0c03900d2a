"""Where no block covers about-the-company or about-the-team, the profile's texts fill them."""

from __future__ import annotations

import pytest

from jdbuilder.drafts import Origins, Posting
from jdbuilder.organization.blocks import fill_posting, follow_place
from jdbuilder.organization.content import organization_content
from jdbuilder.vocabulary import BlockKind
from tests.factories import ContentBlockFactory, DepartmentFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def engineering():
    OrganizationFactory(about="Acme builds forecasting tools.")
    return DepartmentFactory(name="Engineering", about_team="Eight engineers in two cities.")


def test_the_profile_fills_what_no_block_covers(engineering):
    posting, origins = fill_posting(
        Posting(), Origins(), content=organization_content(), department=engineering.pk, office=None
    )
    assert posting.about_company == "Acme builds forecasting tools."
    assert posting.about_team == "Eight engineers in two cities."
    assert origins.blocks == {}  # nothing to propose from: the profile is not a block


def test_a_block_wins_over_the_profile_and_a_typed_text_is_kept(engineering):
    block = ContentBlockFactory(kind=BlockKind.ABOUT_COMPANY, text="The block's about text.")
    posting, origins = fill_posting(
        Posting(about_team="Our own words."),
        Origins(),
        content=organization_content(),
        department=engineering.pk,
        office=None,
    )
    assert posting.about_company == "The block's about text."
    assert origins.blocks["about_company"].block == block.pk
    assert posting.about_team == "Our own words."


def test_choosing_a_department_on_save_fills_its_team_text_when_empty(engineering):
    before = Posting()
    posted = Posting(department=engineering.pk)
    followed = follow_place(before, posted, Origins(), content=organization_content())
    assert followed.about_team == "Eight engineers in two cities."
