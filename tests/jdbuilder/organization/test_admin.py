"""The organization's admin: the one profile and its logo upload, departments, offices and
content blocks, with list pages of a fixed number of queries."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jdbuilder.organization.logo import MAX_BYTES, MESSAGES
from jdbuilder.organization.models import ContentBlock, Logo, Organization
from jdbuilder.vocabulary import BlockKind
from tests.factories import (
    ContentBlockFactory,
    DepartmentFactory,
    ManagerFactory,
    OfficeFactory,
    OrganizationFactory,
)
from tests.support.organization import SVG, png_bytes

pytestmark = pytest.mark.django_db

ADD = reverse("admin:jdbuilder_organization_add")
LIST = reverse("admin:jdbuilder_organization_changelist")


def change_url(organization: Organization) -> str:
    return reverse("admin:jdbuilder_organization_change", args=[organization.pk])


def profile(**overrides) -> dict:
    data = {
        "name": "Acme Analytics",
        "website": "https://acme.example",
        "about": "We build forecasting tools.",
        "employee_count": "250",
        "default_currency": "usd",
        "default_country": "us",
        "brand_colour": "#1F4E79",
        "require_template": "",
        "managers_see_all_bands": "",
    }
    data.update(overrides)
    return data


def field_errors(response, field: str) -> list[str]:
    return list(response.context["adminform"].form.errors.get(field, []))


def test_staff_add_the_organization_with_a_real_png_logo(staff_client):
    upload = SimpleUploadedFile("logo.png", png_bytes(size=(300, 120)), content_type="image/png")
    response = staff_client.post(ADD, {**profile(), "logo_upload": upload})
    assert response.status_code == 302, response.context and response.context["errors"]
    organization = Organization.objects.current()
    assert organization.name == "Acme Analytics"
    assert organization.brand_colour == "#1f4e79"  # upper case normalised
    assert (organization.default_currency, organization.default_country) == ("USD", "US")
    logo = organization.logo
    assert (logo.media_type, logo.width, logo.height) == ("image/png", 300, 120)
    page = staff_client.get(change_url(organization))
    html = page.content.decode()
    assert f'src="/company/logo/{logo.sha256}.png"' in html
    assert 'width="240" height="96"' in html  # the preview fits its box


def test_an_svg_logo_is_refused_on_its_field_and_nothing_is_saved(staff_client):
    upload = SimpleUploadedFile("logo.svg", SVG, content_type="image/svg+xml")
    response = staff_client.post(ADD, {**profile(), "logo_upload": upload})
    assert response.status_code == 200
    assert field_errors(response, "logo_upload") == [MESSAGES["svg"]]
    assert "SVG logos are not accepted: upload a PNG or JPEG" in response.content.decode()
    assert not Organization.objects.exists() and not Logo.objects.exists()


def test_an_svg_named_png_is_refused_too(staff_client):
    organization = OrganizationFactory()
    upload = SimpleUploadedFile("logo.png", SVG, content_type="image/png")
    response = staff_client.post(change_url(organization), {**profile(), "logo_upload": upload})
    assert field_errors(response, "logo_upload") == [MESSAGES["svg"]]
    organization.refresh_from_db()
    assert organization.logo is None


def test_a_logo_over_2_mb_is_dropped_while_it_arrives(staff_client, monkeypatch):
    from jdbuilder.organization import admin as organization_admin

    def never(upload):
        raise AssertionError("the dropped file reached the check")

    monkeypatch.setattr(organization_admin, "checked_logo", never)
    organization = OrganizationFactory()
    big = png_bytes() + b"\x00" * MAX_BYTES
    upload = SimpleUploadedFile("logo.png", big, content_type="image/png")
    response = staff_client.post(change_url(organization), {**profile(), "logo_upload": upload})
    assert field_errors(response, "logo_upload") == [MESSAGES["too_large"]]
    assert not Logo.objects.exists()


def test_the_upload_page_still_checks_csrf(staff):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    organization = OrganizationFactory()
    response = client.post(change_url(organization), profile(name="Changed"))
    assert response.status_code == 403
    organization.refresh_from_db()
    assert organization.name == "Acme Analytics"


def test_another_error_leaves_no_logo_row_behind(staff_client):
    upload = SimpleUploadedFile("logo.png", png_bytes(), content_type="image/png")
    response = staff_client.post(ADD, {**profile(name=""), "logo_upload": upload})
    assert response.status_code == 200 and field_errors(response, "name")
    assert not Logo.objects.exists()


def test_a_bad_colour_is_refused_with_the_model_message(staff_client):
    response = staff_client.post(ADD, profile(brand_colour="#fff"))
    assert field_errors(response, "brand_colour") == [
        "Give the colour as # and six hex digits, for example #1f6feb."
    ]
    assert not Organization.objects.exists()


def test_the_logo_can_be_replaced_and_removed(staff_client):
    organization = OrganizationFactory()
    first = SimpleUploadedFile("a.png", png_bytes(size=(20, 20)), content_type="image/png")
    staff_client.post(change_url(organization), {**profile(), "logo_upload": first})
    organization.refresh_from_db()
    old = organization.logo
    second = SimpleUploadedFile("b.png", png_bytes(size=(30, 20)), content_type="image/png")
    staff_client.post(change_url(organization), {**profile(), "logo_upload": second})
    organization.refresh_from_db()
    assert organization.logo != old and organization.logo.width == 30
    assert Logo.objects.filter(pk=old.pk).exists()  # issued revisions may still name it
    staff_client.post(change_url(organization), {**profile(), "remove_logo": "on"})
    organization.refresh_from_db()
    assert organization.logo is None


def test_the_organization_is_a_singleton(staff_client):
    assert staff_client.get(ADD).status_code == 200
    organization = OrganizationFactory()
    # "Add" opens the one profile; a posted second one is not saved.
    response = staff_client.get(ADD)
    assert response.status_code == 302 and response["Location"] == change_url(organization)
    assert staff_client.post(ADD, profile(name="Second")).status_code == 302
    assert list(Organization.objects.values_list("name", flat=True)) == [organization.name]
    delete = reverse("admin:jdbuilder_organization_delete", args=[organization.pk])
    assert staff_client.post(delete, {"post": "yes"}).status_code == 403
    assert Organization.objects.count() == 1
    # The list goes straight to the one profile.
    response = staff_client.get(LIST)
    assert response.status_code == 302 and response["Location"] == change_url(organization)


def test_no_organization_yet_shows_the_empty_list(staff_client):
    assert staff_client.get(LIST).status_code == 200


def test_a_manager_cannot_reach_the_admin(client):
    client.force_login(ManagerFactory())
    assert client.get(ADD).status_code == 302  # to the admin's sign-in


# --- content blocks, departments, offices ----------------------------------------------------

BLOCK_ADD = reverse("admin:jdbuilder_contentblock_add")


def block(**overrides) -> dict:
    data = {"kind": "benefits", "name": "Benefits", "text": "Health", "country": ""}
    data.update(overrides)
    return data


def test_a_block_with_two_scopes_is_refused_in_words(staff_client):
    office = OfficeFactory()
    response = staff_client.post(BLOCK_ADD, block(office=office.pk, country="de"))
    errors = response.context["adminform"].form.non_field_errors()
    assert "choose at most one of them" in errors[0]
    assert not ContentBlock.objects.exists()


def test_a_team_block_needs_a_department(staff_client):
    response = staff_client.post(BLOCK_ADD, block(kind=BlockKind.ABOUT_TEAM))
    assert "belongs to a department" in field_errors(response, "department")[0]


def test_an_eeo_block_is_not_per_department(staff_client):
    department = DepartmentFactory()
    response = staff_client.post(
        BLOCK_ADD, block(kind=BlockKind.EQUAL_OPPORTUNITY, department=department.pk)
    )
    assert "not to a department" in field_errors(response, "department")[0]


def test_a_country_block_is_saved_with_the_code_in_capitals(staff_client):
    response = staff_client.post(BLOCK_ADD, block(country="de", text="Urlaub"))
    assert response.status_code == 302
    saved = ContentBlock.objects.get()
    assert saved.country == "DE" and saved.version == 1
    change = reverse("admin:jdbuilder_contentblock_change", args=[saved.pk])
    staff_client.post(change, block(country="DE", text="30 Tage Urlaub"))
    saved.refresh_from_db()
    assert saved.version == 2 and saved.history.count() == 2


def _blocks(first: int, last: int) -> None:
    """Departments (each with a head and a member), offices and a block for each."""
    for n in range(first, last):
        manager = ManagerFactory()
        department = DepartmentFactory(name=f"Dept {n}", members=[manager], head=manager)
        office = OfficeFactory(name=f"Office {n}")
        ContentBlockFactory(kind=BlockKind.ABOUT_TEAM, department=department)
        ContentBlockFactory(kind=BlockKind.BENEFITS, office=office)


def _count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "name",
    [
        "admin:jdbuilder_contentblock_changelist",
        "admin:jdbuilder_department_changelist",
        "admin:jdbuilder_office_changelist",
    ],
)
def test_list_pages_cost_the_same_at_two_sizes(staff_client, django_assert_num_queries, name):
    url = reverse(name)
    _blocks(0, 2)
    staff_client.get(url)  # warm the session and content-type caches
    small = _count_queries(staff_client, url)
    _blocks(2, 20)
    with django_assert_num_queries(small):
        response = staff_client.get(url)
    html = response.content.decode()
    assert "Dept 19" in html or "Office 19" in html


def test_the_block_list_shows_kind_scope_and_version(staff_client):
    department = DepartmentFactory(name="Platform")
    ContentBlockFactory(kind=BlockKind.ABOUT_TEAM, department=department, name="Platform team")
    ContentBlockFactory(kind=BlockKind.EQUAL_OPPORTUNITY, country="DE", name="EEO Germany")
    html = staff_client.get(reverse("admin:jdbuilder_contentblock_changelist")).content.decode()
    assert "Department: Platform" in html and "Country: DE" in html
    filtered = staff_client.get(
        reverse("admin:jdbuilder_contentblock_changelist"), {"kind": "equal_opportunity"}
    ).content.decode()
    assert "EEO Germany" in filtered and "Platform team" not in filtered
    found = staff_client.get(
        reverse("admin:jdbuilder_contentblock_changelist"), {"q": "Germany"}
    ).content.decode()
    assert "EEO Germany" in found and "Platform team" not in found


def test_the_department_form_edits_members_and_roles(staff_client, catalog):
    from roles.models import Role

    manager = ManagerFactory()
    role = Role.objects.get(slug="software-engineer")
    response = staff_client.post(
        reverse("admin:jdbuilder_department_add"),
        {
            "name": "Platform",
            "about_team": "We run it.",
            "members": [manager.pk],
            "roles": [role.pk],
        },
    )
    assert response.status_code == 302
    from jdbuilder.organization.models import Department

    department = Department.objects.get(name="Platform")
    assert list(department.members.all()) == [manager]
    assert list(department.roles.all()) == [role]
    page = staff_client.get(reverse("admin:jdbuilder_department_change", args=[department.pk]))
    assert b"selectfilter" in page.content.lower() or b"SelectFilter" in page.content
