"""The pay band and role group admin: a list of fixed cost, and the "Import from CSV" page."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jdbuilder.organization import band_admin
from jdbuilder.organization.models import PayBand
from roles.models import Role
from tests.factories import (
    ManagerFactory,
    OfficeFactory,
    PayBandFactory,
    RoleGroupFactory,
    StaffFactory,
)

LIST = "admin:jdbuilder_payband_changelist"
IMPORT = "admin:jdbuilder_payband_import"
HEADER = "role,seniority,office,country,minimum,maximum,currency,period"


@pytest.fixture
def roles(catalog):
    return list(Role.objects.order_by("slug")[:6])


def make_bands(roles, count: int, start: int = 0) -> None:
    group = RoleGroupFactory(roles=roles[:2])
    for n in range(start, start + count):
        office = OfficeFactory(name=f"Office {n}", country="US")
        if n % 2:
            PayBandFactory(role=None, role_group=group, office=office)
        else:
            PayBandFactory(role=roles[n % len(roles)], seniority="senior", office=office)


def list_page(client):
    response = client.get(reverse(LIST))
    assert response.status_code == 200
    return response


def test_the_band_list_costs_the_same_at_two_sizes(staff_client, roles, django_assert_num_queries):
    make_bands(roles, 3)
    list_page(staff_client)  # warm: the session, content types
    with CaptureQueriesContext(connection) as captured:
        html = list_page(staff_client).content.decode()
    assert html.count('class="field-who"') == 3
    # Counted now: the next request empties the log the capture reads (reset_queries).
    small = len(captured.captured_queries)
    assert small > 0
    make_bands(roles, 12, start=3)
    with django_assert_num_queries(small):
        html = list_page(staff_client).content.decode()
    assert html.count('class="field-who"') == 15


def test_the_list_shows_who_seniority_place_and_figures(staff_client, roles):
    denver = OfficeFactory(name="Denver")
    PayBandFactory(role=roles[0], seniority="senior", office=denver, minimum=150000)
    group = RoleGroupFactory(name="Data roles", roles=roles[:2])
    PayBandFactory(role=None, role_group=group, country="DE", currency="EUR")
    html = list_page(staff_client).content.decode()
    assert roles[0].name in html and "Senior" in html and "Denver" in html
    assert "Data roles (group)" in html and "DE" in html and "EUR" in html
    assert "any" in html
    assert reverse(IMPORT) in html  # the "Import from CSV" link


def test_search_by_role_name(staff_client, roles):
    PayBandFactory(role=roles[0])
    PayBandFactory(role=roles[1])
    response = staff_client.get(reverse(LIST), {"q": roles[1].name})
    html = response.content.decode()
    assert html.count('class="field-who"') == 1
    assert roles[1].name in html


def test_a_band_s_history_page(staff_client, roles):
    band = PayBandFactory(role=roles[0])
    band.minimum = 130000
    band.save()
    url = reverse("admin:jdbuilder_payband_history", args=[band.pk])
    response = staff_client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "2 entries" in html
    assert "120000.00" in html and "130000.00" in html  # the change, old and new


def test_the_role_group_admin_lists_groups_and_edits_roles(staff_client, roles):
    group = RoleGroupFactory(name="Data roles", roles=roles[:3])
    response = staff_client.get(reverse("admin:jdbuilder_rolegroup_changelist"))
    assert response.status_code == 200
    assert "Data roles" in response.content.decode()
    change = staff_client.get(reverse("admin:jdbuilder_rolegroup_change", args=[group.pk]))
    assert change.status_code == 200
    assert "selectfilter" in change.content.decode().lower()  # filter_horizontal


# The import page


def upload(client, content: bytes, name: str = "bands.csv"):
    return client.post(reverse(IMPORT), {"file": SimpleUploadedFile(name, content, "text/csv")})


def test_the_import_page_shows_the_form(staff_client, db):
    response = staff_client.get(reverse(IMPORT))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'type="file"' in html and 'enctype="multipart/form-data"' in html
    assert " style=" not in html.split("<body")[1]
    assert "<script>" not in html


def test_a_good_file_is_imported_and_counted(staff_client, staff, roles):
    OfficeFactory(name="Denver")
    data = "\n".join(
        [
            HEADER,
            f"{roles[0].slug},senior,Denver,,1,2,USD,YEAR",
            f"{roles[1].slug},,,US,3,4,USD,YEAR",
        ]
    )
    response = upload(staff_client, data.encode())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Imported bands.csv" in html
    assert '<th scope="row">Created</th><td>2</td>' in html
    assert PayBand.objects.count() == 2
    assert PayBand.objects.first().history.get().history_user == staff


def test_a_bad_file_lists_every_fault_and_writes_nothing(staff_client, roles):
    data = "\n".join(
        [
            HEADER,
            f"{roles[0].slug},,,,1,2,USD,YEAR",
            "nobody,,,,1,2,USD,YEAR",
            "<b>x</b>,,,,5,1,USD,YEAR",
        ]
    )
    response = upload(staff_client, data.encode(), "my <bands>.csv")
    assert response.status_code == 400
    html = response.content.decode()
    assert "nothing was written" in html.lower()
    assert "my &lt;bands&gt;.csv line 3: no role &quot;nobody&quot;" in html
    assert "line 4: no role &quot;&lt;b&gt;x&lt;/b&gt;&quot;" in html  # escaped, never markup
    assert "line 4: minimum 5 is above maximum 1" in html
    assert PayBand.objects.count() == 0


def test_no_file(staff_client, db):
    response = staff_client.post(reverse(IMPORT), {})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()


def test_a_file_over_the_cap_is_dropped_while_it_arrives(staff_client, roles, monkeypatch):
    monkeypatch.setattr(band_admin, "MAX_BYTES", 64)
    data = "\n".join([HEADER] + [f"{roles[0].slug},,,US{n},1,2,USD,YEAR" for n in range(20)])
    response = upload(staff_client, data.encode())
    assert response.status_code == 400
    assert "The file is larger than 64 bytes" in response.content.decode()
    assert PayBand.objects.count() == 0


def test_only_staff_with_the_band_permissions_may_import(client, db):
    client.force_login(ManagerFactory())
    response = client.get(reverse(IMPORT))
    assert response.status_code in (302, 403)
    viewer = StaffFactory(is_superuser=False)
    client.force_login(viewer)
    assert client.get(reverse(IMPORT)).status_code == 403
    assert client.post(reverse(IMPORT), {}).status_code == 403


# The band's own form


def band_form(roles, **changes):
    data = {
        "role": roles[0].pk,
        "role_group": "",
        "seniority": "",
        "office": "",
        "country": "us",
        "region": "",
        "minimum": "100",
        "maximum": "200",
        "currency": "usd",
        "period": "YEAR",
        **changes,
    }
    return band_admin.PayBandForm(data)


def test_the_band_form_takes_a_good_band_and_upper_cases_its_codes(roles):
    form = band_form(roles)
    assert form.is_valid(), form.errors
    band = form.save()
    assert (band.country, band.currency) == ("US", "USD")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"role": ""}, "role_group", "exactly one of them"),
        ({"office": "office"}, "office", "not both"),
        ({"country": "", "region": "CO"}, "country", "needs its country"),
        ({"minimum": "300"}, "maximum", "not be below the minimum"),
        ({"minimum": "-1"}, "minimum", "not be negative"),
    ],
)
def test_the_band_form_names_what_the_constraints_refuse(roles, changes, field, message):
    if changes.get("office") == "office":
        changes["office"] = OfficeFactory().pk
    form = band_form(roles, **changes)
    assert not form.is_valid()
    assert any(message in error for error in form.errors[field]), form.errors
    assert PayBand.objects.count() == 0


def test_the_role_group_too(roles):
    group = RoleGroupFactory(roles=roles[:2])
    assert not band_form(roles, role_group=group.pk).is_valid()  # both
    form = band_form(roles, role="", role_group=group.pk)
    assert form.is_valid(), form.errors


def test_an_import_without_a_csrf_token_is_refused_and_writes_nothing(roles):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(StaffFactory())
    data = f"{HEADER}\n{roles[0].slug},,,US,1,2,USD,YEAR".encode()
    response = upload(client, data)
    assert response.status_code == 403
    assert PayBand.objects.count() == 0
