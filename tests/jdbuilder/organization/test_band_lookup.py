"""Which pay band applies to a role, seniority and office (OrganizationContent.band_for): the
role's own before its group's; the office's before its region's, its country's and anywhere;
a band for the seniority before one for any seniority; no office: the organization's country."""

from __future__ import annotations

import pytest

from jdbuilder.organization.content import organization_content
from jdbuilder.organization.models import Organization
from roles.models import Role
from tests.factories import OfficeFactory, OrganizationFactory, PayBandFactory, RoleGroupFactory


@pytest.fixture
def roles(catalog):
    return Role.objects.get(slug="software-engineer"), Role.objects.get(slug="data-scientist")


@pytest.fixture
def places(db):
    OrganizationFactory(default_country="US")
    return {
        "denver": OfficeFactory(name="Denver", region="CO", country="US"),
        "boulder": OfficeFactory(name="Boulder", locality="Boulder", region="CO", country="US"),
        "austin": OfficeFactory(name="Austin", locality="Austin", region="TX", country="US"),
        "berlin": OfficeFactory(name="Berlin", locality="Berlin", region="Berlin", country="DE"),
    }


def band_for(role, seniority="senior", office=None):
    return organization_content().band_for(
        role=role.pk, seniority=seniority, office=office.pk if office else None
    )


def test_the_role_s_own_band_comes_before_its_group_s(roles, places):
    engineer, scientist = roles
    group = RoleGroupFactory(name="Engineering", roles=[engineer, scientist])
    for_group = PayBandFactory(role=None, role_group=group, office=places["denver"], minimum=1)
    own = PayBandFactory(role=engineer, minimum=2)  # anywhere, any seniority: still first
    assert band_for(engineer, office=places["denver"]) == own
    assert band_for(scientist, office=places["denver"]) == for_group


def test_a_group_band_applies_to_its_roles_only(roles, places):
    engineer, scientist = roles
    group = RoleGroupFactory(roles=[scientist])
    PayBandFactory(role=None, role_group=group)
    assert band_for(engineer) is None
    assert band_for(scientist).role_group == group


def test_office_before_region_before_country_before_anywhere(roles, places):
    engineer, _ = roles
    anywhere = PayBandFactory(role=engineer, minimum=10)
    country = PayBandFactory(role=engineer, country="US", minimum=20)
    region = PayBandFactory(role=engineer, country="US", region="CO", minimum=30)
    office = PayBandFactory(role=engineer, office=places["denver"], minimum=40)
    assert band_for(engineer, office=places["denver"]) == office
    assert band_for(engineer, office=places["boulder"]) == region  # same region, no own band
    assert band_for(engineer, office=places["austin"]) == country  # another region
    assert band_for(engineer, office=places["berlin"]) == anywhere  # another country


def test_a_region_band_needs_the_office_s_region_and_country(roles, places):
    engineer, _ = roles
    PayBandFactory(role=engineer, country="DE", region="CO")  # CO, but in Germany
    assert band_for(engineer, office=places["denver"]) is None


def test_a_seniority_s_band_comes_before_one_for_any_seniority(roles, places):
    engineer, _ = roles
    any_level = PayBandFactory(role=engineer, seniority="")
    senior = PayBandFactory(role=engineer, seniority="senior")
    assert band_for(engineer, "senior") == senior
    assert band_for(engineer, "junior") == any_level


def test_place_outranks_seniority(roles, places):
    engineer, _ = roles
    senior_anywhere = PayBandFactory(role=engineer, seniority="senior")
    any_level_denver = PayBandFactory(role=engineer, office=places["denver"])
    assert band_for(engineer, "senior", places["denver"]) == any_level_denver
    assert band_for(engineer, "senior", places["berlin"]) == senior_anywhere


def test_without_an_office_the_organization_s_country_counts(roles, places):
    engineer, _ = roles
    germany = PayBandFactory(role=engineer, country="DE", currency="EUR")
    us = PayBandFactory(role=engineer, country="US")
    PayBandFactory(role=engineer, office=places["denver"], minimum=1)  # needs that office
    assert band_for(engineer) == us
    organization = Organization.objects.current()
    organization.default_country = "DE"
    organization.save()
    assert band_for(engineer) == germany


def test_no_band_applies(roles, places):
    engineer, scientist = roles
    PayBandFactory(role=scientist)
    PayBandFactory(role=engineer, seniority="junior")
    PayBandFactory(role=engineer, office=places["berlin"])
    assert band_for(engineer, "senior", places["denver"]) is None


def test_a_new_band_is_seen_at_once(roles, places):
    engineer, _ = roles
    assert band_for(engineer) is None
    band = PayBandFactory(role=engineer)
    assert band_for(engineer) == band
    band.delete()
    assert band_for(engineer) is None
