"""Who sees pay bands: on the "Pay bands" page and in "Where this range sits in the band" on the
JD page. Managers see their departments' roles' bands (every band when staff allow it);
recruiters and staff see all; nobody signed out sees any."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jdbuilder.organization.models import Organization, PayBand
from roles.models import Role
from tests.factories import (
    DepartmentFactory,
    FinalJobDescriptionFactory,
    ManagerFactory,
    OfficeFactory,
    OrganizationFactory,
    PayBandFactory,
    RecruiterFactory,
    RoleGroupFactory,
    StaffFactory,
)

BANDS = reverse("organization:bands")
HEADING = "Where this range sits in the band"


@pytest.fixture
def world(catalog):
    engineer = Role.objects.get(slug="software-engineer")
    scientist = Role.objects.get(slug="data-scientist")
    analyst = Role.objects.get(slug="data-analyst")
    OrganizationFactory()
    inside, outside, loner = ManagerFactory(), ManagerFactory(), ManagerFactory()
    DepartmentFactory(name="Engineering", roles=[engineer], members=[inside])
    DepartmentFactory(name="Research", roles=[scientist], members=[outside])
    group = RoleGroupFactory(name="Builders", roles=[engineer, analyst])
    return {
        "engineer": engineer,
        "inside": inside,
        "outside": outside,
        "loner": loner,
        "recruiter": RecruiterFactory(),
        "staff": StaffFactory(),
        "engineer_band": PayBandFactory(role=engineer, minimum=120000, maximum=160000),
        "scientist_band": PayBandFactory(role=scientist, minimum=110000, maximum=150000),
        "group_band": PayBandFactory(
            role=None, role_group=group, seniority="junior", minimum=90000, maximum=100000
        ),
    }


def allow_all_bands() -> None:
    organization = Organization.objects.current()
    organization.managers_see_all_bands = True
    organization.save()


def band_rows(client) -> int:
    response = client.get(BANDS)
    assert response.status_code == 200
    return response.content.decode().count('<th scope="row" class="stack-title">')


# The "Pay bands" page


def test_signed_out_people_are_sent_to_sign_in(client, world):
    response = client.get(BANDS)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


@pytest.mark.parametrize(
    ("who", "rows"),
    [
        ("inside", 2),  # the engineer's own band and the group's it is in
        ("outside", 1),  # the scientist's
        ("recruiter", 3),
        ("staff", 3),
    ],
)
def test_the_bands_page_lists_the_bands_each_may_see(client, world, who, rows):
    client.force_login(world[who])
    assert band_rows(client) == rows


def test_the_inside_manager_sees_the_engineer_s_bands_only(client, world):
    client.force_login(world["inside"])
    html = client.get(BANDS).content.decode()
    assert "Software Engineer" in html and "Builders" in html
    assert "Data Scientist" not in html
    assert "110,000" not in html


def test_when_staff_allow_it_managers_see_every_band(client, world):
    allow_all_bands()
    for who in ("outside", "loner"):
        client.force_login(world[who])
        assert band_rows(client) == 3


def test_a_manager_without_departments_sees_a_note_and_no_band(client, world):
    client.force_login(world["loner"])
    response = client.get(BANDS)
    html = response.content.decode()
    assert 'id="no-departments"' in html
    assert "You are in no department yet" in html
    assert band_rows(client) == 0
    assert not PayBand.objects.visible_to(world["loner"]).exists()


def test_the_queryset_and_the_kept_rule_agree(world):
    from jdbuilder.organization.bands import can_see_bands

    engineer = world["engineer"]
    for who, sees in [
        ("inside", True),
        ("outside", False),
        ("loner", False),
        ("recruiter", True),
        ("staff", True),
    ]:
        user = world[who]
        assert can_see_bands(user, engineer.pk) is sees, who
        visible = PayBand.objects.visible_to(user)
        assert visible.filter(pk=world["engineer_band"].pk).exists() is sees, who


def test_filter_by_role_and_by_office(client, world):
    denver = OfficeFactory(name="Denver", region="CO", country="US")
    berlin = OfficeFactory(name="Berlin", region="Berlin", country="DE")
    engineer = world["engineer"]
    PayBandFactory(role=engineer, office=denver, minimum=130000)
    PayBandFactory(role=engineer, country="DE", currency="EUR", minimum=70000, maximum=90000)
    client.force_login(world["staff"])
    assert band_rows(client) == 5
    by_role = client.get(BANDS, {"role": engineer.slug}).content.decode()
    # the engineer's own four and the group's
    assert by_role.count('<th scope="row" class="stack-title">') == 4
    in_berlin = client.get(BANDS, {"office": berlin.pk}).content.decode()
    assert "70,000" in in_berlin and "130,000" not in in_berlin
    in_denver = client.get(BANDS, {"office": denver.pk}).content.decode()
    assert "130,000" in in_denver and "70,000" not in in_denver
    bad = client.get(BANDS, {"office": "nope", "role": "nobody"})
    assert bad.status_code == 200
    assert 'id="filter-errors"' in bad.content.decode()


def test_the_bands_page_costs_the_same_at_two_sizes(client, world, django_assert_num_queries):
    client.force_login(world["inside"])
    band_rows(client)
    with CaptureQueriesContext(connection) as captured:
        assert band_rows(client) == 2
    # Counted now: the next request empties the log the capture reads (reset_queries).
    small = len(captured.captured_queries)
    assert small > 0
    for n in range(8):
        PayBandFactory(role=world["engineer"], country="US", region=f"R{n}")
    band_rows(client)  # the new content version is read once
    with django_assert_num_queries(small):
        assert band_rows(client) == 10


def test_the_bands_page_pages(client, world):
    for n in range(60):
        PayBandFactory(role=world["engineer"], country="US", region=f"R{n:02d}")
    client.force_login(world["staff"])
    first = client.get(BANDS).content.decode()
    assert first.count('<th scope="row" class="stack-title">') == 50
    assert "Page 1 of 2" in first
    second = client.get(BANDS, {"page": 2}).content.decode()
    assert second.count('<th scope="row" class="stack-title">') == 13


# The JD page


def final_jd(owner, **posting):
    return FinalJobDescriptionFactory(owner=owner, title="Software Engineer", posting=posting)


@pytest.mark.parametrize(
    ("viewer", "owner", "shown"),
    [
        ("inside", "inside", True),
        ("outside", "outside", False),  # an engineer's JD, not their department's role
        ("loner", "loner", False),
        ("recruiter", "inside", True),
        ("staff", "inside", True),
    ],
)
def test_the_jd_page_shows_the_band_position_to_those_who_may_see_bands(
    client, world, viewer, owner, shown
):
    jd = final_jd(world[owner])
    client.force_login(world[viewer])
    response = client.get(jd.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert (HEADING in html) is shown
    assert ("120,000 to 160,000 USD a year" in html) is shown
    revision = client.get(jd.latest_revision.get_absolute_url()).content.decode()
    assert (HEADING in revision) is shown


def test_managers_see_the_band_position_of_any_role_when_staff_allow_it(client, world):
    allow_all_bands()
    jd = final_jd(world["outside"])
    client.force_login(world["outside"])
    assert HEADING in client.get(jd.get_absolute_url()).content.decode()


def test_signed_out_people_see_no_jd_page(client, world):
    jd = final_jd(world["inside"])
    response = client.get(jd.get_absolute_url())
    assert response.status_code == 302


def test_the_position_says_where_the_range_sits(client, world):
    jd = final_jd(world["inside"], salary_min="130000", salary_max="170000")
    client.force_login(world["inside"])
    html = client.get(jd.get_absolute_url()).content.decode()
    section = html[html.index('id="band-position"') :]
    assert "<svg" in section and 'role="img"' in section
    assert "10,000 USD above the band's maximum" in section
    assert 'x="25.00"' in section  # 130,000 is a quarter of the way into 120,000–160,000
    assert " style=" not in section.split("</section>")[0]


def test_a_revision_keeps_the_band_it_was_issued_with(client, world):
    jd = final_jd(world["inside"], salary_min="130000", salary_max="150000")
    band = world["engineer_band"]
    band.minimum, band.maximum = 140000, 200000
    band.save()
    client.force_login(world["inside"])
    revision = client.get(jd.latest_revision.get_absolute_url()).content.decode()
    assert "120,000 to 160,000 USD a year" in revision
    assert "140,000 to 200,000" not in revision


def test_a_draft_shows_today_s_band(client, world):
    from tests.factories import DraftFactory

    draft = DraftFactory(owner=world["inside"], posting={})
    band = world["engineer_band"]
    band.minimum, band.maximum = 140000, 200000
    band.save()
    client.force_login(world["inside"])
    html = client.get(draft.get_absolute_url()).content.decode()
    assert HEADING in html
    assert "140,000 to 200,000 USD a year" in html
    assert "sits inside the band" in html


def test_a_range_in_another_currency_is_not_drawn(client, world):
    jd = final_jd(world["inside"], salary_currency="EUR")
    client.force_login(world["inside"])
    html = client.get(jd.get_absolute_url()).content.decode()
    section = html[html.index('id="band-position"') :].split("</section>")[0]
    assert "cannot be compared" in section
    assert "<svg" not in section


def test_the_pages_are_valid_html(client, world, vnu):
    jd = final_jd(world["inside"], salary_min="100000", salary_max="170000")
    client.force_login(world["inside"])
    for url in (BANDS, jd.get_absolute_url(), jd.latest_revision.get_absolute_url()):
        html = client.get(url).content.decode()
        errors = [str(m) for m in vnu(html) if m.is_error or m.is_warning]
        assert errors == [], f"{url}\n" + "\n".join(errors)
    client.force_login(world["loner"])
    html = client.get(BANDS).content.decode()
    assert [str(m) for m in vnu(html) if m.is_error or m.is_warning] == []
