"""The posting step and the organization: it offers the departments and offices, fills in the
content blocks that apply to the chosen ones (each kind, the most specific first), keeps what
the manager edited, follows a new office on save (no JavaScript needed), proposes the pay band
to those who may see it, refuses tampered ids and a workplace type the office does not offer,
and costs the same number of queries with 2 or 20 offices and blocks."""

from __future__ import annotations

import dataclasses
import html
import re
from types import SimpleNamespace

import pytest
from django.db import connection, reset_queries
from django.http import QueryDict
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jdbuilder.catalog import RoleCatalog
from jdbuilder.defaults import DEFAULT_EEO_STATEMENT
from jdbuilder.drafts import BlockOrigin, Origins, Posting
from jdbuilder.models import JobDescription
from jdbuilder.organization.blocks import follow_place, is_untouched, offered_texts
from jdbuilder.organization.content import organization_content
from jdbuilder.organization.models import ContentBlock, Office
from jdbuilder.vocabulary import BlockKind
from jdbuilder.wizard.forms import PostingStepForm
from jdbuilder.wizard.preview import Preview, step_form
from roles.models import Role
from tests.factories import (
    ContentBlockFactory,
    DepartmentFactory,
    DraftFactory,
    ManagerFactory,
    OfficeFactory,
    OrganizationFactory,
    PayBandFactory,
)
from tests.support.wizard import WizardDriver, page_fields

pytestmark = pytest.mark.django_db

BLOCK_TEXT_FIELDS = [kind.value for kind in BlockKind]


@pytest.fixture
def org(manager, catalog):
    """Acme: Engineering (the manager's, hiring Software Engineers) and Sales; offices in
    Denver (US), Berlin (DE, on-site and hybrid only) and Remote US; a block of every kind
    company-wide, and more specific ones for Engineering, the US, Germany and Berlin."""
    se = Role.objects.get(slug="software-engineer")
    organization = OrganizationFactory(default_country="US")
    engineering = DepartmentFactory(name="Engineering", members=[manager], roles=[se])
    sales = DepartmentFactory(name="Sales")
    denver = OfficeFactory(
        name="Denver", locality="Denver", region="CO", country="US", offers_remote=False
    )
    berlin = OfficeFactory(
        name="Berlin",
        street_address="Unter den Linden 1",
        locality="Berlin",
        region="",
        postal_code="10117",
        country="DE",
        offers_onsite=True,
        offers_hybrid=True,
        offers_remote=False,
    )
    remote = OfficeFactory(
        name="Remote US",
        street_address="",
        locality="",
        region="",
        postal_code="",
        country="US",
        offers_onsite=False,
        offers_hybrid=False,
        offers_remote=True,
    )

    def block(kind, name, **scope):
        return ContentBlockFactory(kind=kind, name=name, text=f"{name} text.", **scope)

    blocks = SimpleNamespace(
        about_company=block(BlockKind.ABOUT_COMPANY, "Acme about"),
        engineering_team=block(BlockKind.ABOUT_TEAM, "Engineering team", department=engineering),
        benefits=block(BlockKind.BENEFITS, "Company benefits"),
        denver_benefits=block(BlockKind.BENEFITS, "Denver benefits", office=denver),
        german_benefits=block(BlockKind.BENEFITS, "German benefits", country="DE"),
        eeo=block(BlockKind.EQUAL_OPPORTUNITY, "Company EEO"),
        us_eeo=block(BlockKind.EQUAL_OPPORTUNITY, "US EEO", country="US"),
        german_eeo=block(BlockKind.EQUAL_OPPORTUNITY, "German EEO", country="DE"),
        how_to_apply=block(BlockKind.HOW_TO_APPLY, "How to apply"),
    )
    return SimpleNamespace(
        organization=organization,
        se=se,
        engineering=engineering,
        sales=sales,
        denver=denver,
        berlin=berlin,
        remote=remote,
        blocks=blocks,
    )


@pytest.fixture
def wizard(manager_client, manager, org):
    return WizardDriver(manager_client, DraftFactory(owner=manager))


def choose(wizard, *, department=None, office=None, changes=None, drop_texts=False):
    """Submit the posting step as shown, with another department and office (ids or None)."""
    data = wizard.fields("posting")
    data["posting-department"] = [str(department.pk) if department else ""]
    data["posting-office"] = [str(office.pk) if office else ""]
    data.setdefault("posting-location", ["Somewhere"])
    if not data["posting-location"][0]:
        data["posting-location"] = ["Somewhere"]
    data["posting-workplace_type"] = ["hybrid"]
    for name, value in (changes or {}).items():
        data[name] = [value]
    return wizard.submit("posting", fields=data)


def saved_posting(wizard) -> Posting:
    return wizard.reload().chosen.posting


# --- what the step offers --------------------------------------------------------------------


def test_the_step_starts_with_the_department_and_office_selects(wizard, org):
    page = wizard.get("posting").content.decode()
    department = page.index('name="posting-department"')
    office = page.index('name="posting-office"')
    assert department < office < page.index('name="posting-summary"')
    options = re.findall(r'<option value="(\d*)"[^>]*>([^<]*)</option>', page[department:])
    assert ("", "No department") in options
    assert (str(org.engineering.pk), "Engineering") in options
    assert (str(org.sales.pk), "Sales") in options
    assert (str(org.berlin.pk), "Berlin") in options
    assert (str(org.remote.pk), "Remote US") in options
    assert 'name="posting-about_team"' in page
    assert "js/posting-office.js" in page


def test_each_block_kind_is_filled_for_the_chosen_department_and_office(wizard, org):
    response = choose(wizard, department=org.engineering, office=org.berlin)
    assert response.status_code == 302, response.content.decode()[:3000]
    posting = saved_posting(wizard)
    b = org.blocks
    assert (posting.department, posting.office) == (org.engineering.pk, org.berlin.pk)
    assert posting.about_company == b.about_company.text
    assert posting.about_team == b.engineering_team.text  # the department's
    assert posting.benefits == b.german_benefits.text  # Berlin's country
    assert posting.equal_opportunity == b.german_eeo.text
    assert posting.how_to_apply == b.how_to_apply.text
    origins = wizard.jd.chosen.origins.blocks
    assert origins["benefits"] == BlockOrigin(
        block=b.german_benefits.pk, version=b.german_benefits.version, text=b.german_benefits.text
    )
    assert {name: origin.block for name, origin in origins.items()} == {
        "about_company": b.about_company.pk,
        "about_team": b.engineering_team.pk,
        "benefits": b.german_benefits.pk,
        "equal_opportunity": b.german_eeo.pk,
        "how_to_apply": b.how_to_apply.pk,
    }
    # The step shows them again, each with the block it came from.
    fields = wizard.fields("posting")
    for name in BLOCK_TEXT_FIELDS:
        assert fields[f"posting-{name}"] == [getattr(posting, name)]
    page = html.unescape(wizard.get("posting").content.decode())
    assert "From the “German benefits” block." in page
    assert "From the “Engineering team” block." in page


@pytest.mark.parametrize(
    ("department", "office", "expected"),
    [
        ("engineering", "berlin", "Berlin office benefits"),  # the office's own
        ("engineering", "munich", "German benefits"),  # else its country's
        ("engineering", "denver", "Engineering benefits"),  # else the department's
        ("engineering", None, "Engineering benefits"),  # no office: the organization's country
        ("sales", "denver", "Company benefits"),  # else the company-wide one
        (None, None, "Company benefits"),
    ],
)
def test_the_most_specific_block_wins(manager_client, manager, org, department, office, expected):
    """office > country > department > company-wide, for the texts the step fills."""
    ContentBlock.objects.filter(kind=BlockKind.BENEFITS).delete()
    munich = OfficeFactory(name="Munich", locality="Munich", region="BY", country="DE")
    for name, scope in [
        ("Company benefits", {}),
        ("Engineering benefits", {"department": org.engineering}),
        ("German benefits", {"country": "DE"}),
        ("Berlin office benefits", {"office": org.berlin}),
    ]:
        ContentBlockFactory(kind=BlockKind.BENEFITS, name=name, text=name, **scope)
    wizard = WizardDriver(manager_client, DraftFactory(owner=manager))
    offices = {"denver": org.denver, "berlin": org.berlin, "munich": munich, None: None}
    department = getattr(org, department) if department else None
    office = offices[office]
    offered = offer(wizard, department=department, office=office)
    assert offered.status_code == 200
    assert offered.json()["fields"]["benefits"] == expected
    # Without JavaScript, saving the step with them fills the same text (from another
    # department and office, the texts left as offered).
    assert (
        choose(
            wizard,
            department=org.sales,
            office=org.remote,
            changes={"posting-workplace_type": "remote", "posting-applicant_location": "US"},
        ).status_code
        == 302
    )
    assert choose(wizard, department=department, office=office).status_code == 302
    assert saved_posting(wizard).benefits == expected


# --- editable per JD; following the office ---------------------------------------------------


def test_an_edited_text_is_kept_and_untouched_ones_follow_the_new_office(wizard, org):
    b = org.blocks
    assert (
        choose(
            wizard,
            department=org.engineering,
            office=org.denver,
            changes={"posting-location": "Denver, CO"},
        ).status_code
        == 302
    )
    assert saved_posting(wizard).benefits == b.denver_benefits.text
    # The manager edits the benefits for this JD only, and saves: the edit is kept.
    mine = "Denver benefits, and a bike for everyone."
    assert (
        choose(
            wizard,
            department=org.engineering,
            office=org.denver,
            changes={"posting-benefits": mine},
        ).status_code
        == 302
    )
    posting = saved_posting(wizard)
    assert posting.benefits == mine
    assert b.denver_benefits.text != mine  # the block itself is unchanged
    b.denver_benefits.refresh_from_db()
    assert b.denver_benefits.text == "Denver benefits text."
    page = html.unescape(wizard.get("posting").content.decode())
    assert "Edited from the “Denver benefits” block." in page
    assert "From the “US EEO” block." in page

    # Berlin, without JavaScript: the page still shows Denver's texts; saving follows Berlin for
    # each text left as it was offered, and keeps the edited one.
    assert choose(wizard, department=org.engineering, office=org.berlin).status_code == 302
    posting = saved_posting(wizard)
    assert posting.office == org.berlin.pk
    assert posting.equal_opportunity == b.german_eeo.text
    assert posting.benefits == mine
    assert posting.location == "Berlin"  # it still named Denver's place: it follows too
    origins = wizard.jd.chosen.origins.blocks
    assert origins["equal_opportunity"].block == b.german_eeo.pk
    assert origins["benefits"].block == b.german_benefits.pk  # the block that applies now


def test_a_typed_location_is_kept_when_the_office_changes(wizard, org):
    choose(wizard, office=org.denver, changes={"posting-location": "Denver, CO"})
    choose(wizard, office=org.berlin, changes={"posting-location": "Berlin or Potsdam"})
    assert saved_posting(wizard).location == "Berlin or Potsdam"


def test_texts_typed_over_with_crlf_still_count_as_untouched(org):
    origin = BlockOrigin(block=org.blocks.benefits.pk, version=1, text="Health\nDental")
    origins = Origins(blocks={"benefits": origin})
    assert offered_texts(origins)["benefits"] == "Health\nDental"
    assert offered_texts(Origins())["equal_opportunity"] == DEFAULT_EEO_STATEMENT
    assert is_untouched("Health\r\nDental\r\n", "Health\nDental")
    assert is_untouched("", "Health")
    assert not is_untouched("Health\nDental\nGym", "Health\nDental")
    content = organization_content()
    before = Posting(office=org.denver.pk, benefits="Health\nDental")
    posted = dataclasses.replace(before, office=org.berlin.pk, benefits="Health\r\nDental")
    followed = follow_place(before, posted, origins, content=content)
    assert followed.benefits == org.blocks.german_benefits.text
    # Same department and office: nothing follows, whatever the texts say.
    assert follow_place(before, before, origins, content=content) is before


# --- the offer (the step's script) -----------------------------------------------------------


def offer(wizard, *, department=None, office=None, client=None, jd=None):
    url = reverse("jd:wizard_posting_offer", kwargs={"public_id": (jd or wizard.jd).public_id})
    params = {
        "department": str(department.pk) if department else "",
        "office": str(office.pk) if office else "",
    }
    return (client or wizard.client).get(url, params)


def test_the_offer_gives_the_texts_the_place_and_the_band(wizard, org):
    PayBandFactory(role=org.se, office=org.berlin, minimum=70000, maximum=90000, currency="EUR")
    response = offer(wizard, department=org.engineering, office=org.berlin)
    assert response.status_code == 200
    data = response.json()
    b = org.blocks
    assert data["fields"] == {
        "about_company": b.about_company.text,
        "about_team": b.engineering_team.text,
        "benefits": b.german_benefits.text,
        "equal_opportunity": b.german_eeo.text,
        "how_to_apply": b.how_to_apply.text,
    }
    assert data["notes"]["benefits"] == "From the “German benefits” block."
    assert data["location"] == "Berlin"
    assert data["office_name"] == "Berlin"
    assert data["department_name"] == "Engineering"
    assert data["band"] == {
        "scope": "Software Engineer · any seniority · Berlin",
        "text": "EUR 70,000 – 90,000 per year",
        "minimum": "70,000",
        "maximum": "90,000",
        "currency": "EUR",
        "period": "YEAR",
    }
    # Nothing was saved by asking.
    assert wizard.reload().chosen.posting.office != org.berlin.pk


def test_the_offer_is_the_owners_only(wizard, org):
    client = Client()
    assert offer(wizard, client=client).status_code == 302  # signed out: to the sign-in page
    client.force_login(ManagerFactory())
    assert offer(wizard, client=client, office=org.berlin).status_code == 404


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"department": "abc"}, "Choose a department from the list."),
        ({"department": "999999"}, "Choose a department from the list."),
        ({"office": "-1"}, "Choose an office from the list."),
        ({"office": "1" * 40}, "Choose an office from the list."),
        ({"office": "\u0661"}, "Choose an office from the list."),  # an Arabic-Indic 1
    ],
)
def test_the_offer_refuses_ids_not_the_organizations(wizard, org, params, message):
    url = reverse("jd:wizard_posting_offer", kwargs={"public_id": wizard.jd.public_id})
    response = wizard.client.get(url, params)
    assert response.status_code == 400
    assert response.json() == {"error": message}


def test_a_manager_outside_the_roles_department_is_shown_no_band(org, client):
    PayBandFactory(role=org.se, office=org.berlin)
    outsider = ManagerFactory()
    org.sales.members.add(outsider)
    client.force_login(outsider)
    wizard = WizardDriver(client, DraftFactory(owner=outsider))
    data = offer(wizard, office=org.berlin).json()
    assert data["band"] is None
    assert data["fields"]["benefits"] == org.blocks.german_benefits.text  # texts still offered
    page = wizard.get("posting").content.decode()
    assert 'id="band-panel"' not in page and "Pay band for" not in page
    # Unless staff let managers see every band.
    org.organization.managers_see_all_bands = True
    org.organization.save()
    assert offer(wizard, office=org.berlin).json()["band"]["currency"] == "USD"


# --- the band panel ---------------------------------------------------------------------------


def test_the_step_proposes_the_band_for_the_role_seniority_and_office(wizard, org):
    PayBandFactory(role=org.se, office=org.denver, minimum=120000, maximum=160000)
    page = html.unescape(wizard.get("posting").content.decode())
    assert "No pay band is set for this role, seniority and office." in page
    choose(wizard, department=org.engineering, office=org.denver)
    page = html.unescape(wizard.get("posting").content.decode())
    assert (
        "Pay band for Software Engineer · any seniority · Denver: USD 120,000 – 160,000 per year"
        in page
    )
    button = re.search(r'<button type="button"[^>]*id="use-band"[^>]*>', page)[0]
    assert 'data-minimum="120,000"' in button and 'data-maximum="160,000"' in button
    assert 'data-currency="USD"' in button and 'data-period="YEAR"' in button
    assert " hidden" in button  # shown by posting-office.js, which fills the salary fields


# --- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("posting-department", "999999", "Choose a department from the list."),
        ("posting-department", "Engineering", "Choose a department from the list."),
        ("posting-office", "999999", "Choose an office from the list."),
        ("posting-office", "1 OR 1=1", "Choose an office from the list."),
    ],
)
def test_a_tampered_id_is_a_form_error_and_nothing_is_saved(wizard, org, name, value, message):
    before = wizard.reload().choices, wizard.jd.lock_version
    data = wizard.fields("posting")
    data[name] = [value]
    response = wizard.submit("posting", fields=data)
    assert response.status_code == 200
    assert message in html.unescape(response.content.decode())
    assert (wizard.reload().choices, wizard.jd.lock_version) == before


@pytest.mark.parametrize(
    ("office", "workplace", "message"),
    [
        ("berlin", "remote", "Berlin offers on-site and hybrid work only."),
        ("remote", "onsite", "Remote US offers remote work only."),
        ("remote", "hybrid", "Remote US offers remote work only."),
    ],
)
def test_a_workplace_type_the_office_does_not_offer_is_refused(
    wizard, org, office, workplace, message
):
    before = wizard.reload().choices, wizard.jd.lock_version
    response = choose(
        wizard,
        office=getattr(org, office),
        changes={"posting-workplace_type": workplace, "posting-applicant_location": "US"},
    )
    assert response.status_code == 200
    assert message in html.unescape(response.content.decode())
    assert (wizard.reload().choices, wizard.jd.lock_version) == before


def test_the_offices_workplace_type_is_accepted(wizard, org):
    response = choose(
        wizard,
        office=org.remote,
        changes={"posting-workplace_type": "remote", "posting-applicant_location": "US"},
    )
    assert response.status_code == 302
    assert saved_posting(wizard).workplace_type == "remote"


def test_an_about_the_team_over_its_line_cap_is_refused(wizard, org):
    response = choose(wizard, changes={"posting-about_team": "\n".join(["x"] * 31)})
    assert response.status_code == 200
    assert "Use at most 30 lines." in response.content.decode()


# --- the live preview ----------------------------------------------------------------------------


def test_the_typed_department_office_and_team_reach_the_preview(wizard, org):
    data = wizard.fields("posting")
    data["posting-department"] = [str(org.engineering.pk)]
    data["posting-office"] = [str(org.berlin.pk)]
    data["posting-about_team"] = ["A typed team."]
    jd = JobDescription.objects.select_related("role").get(pk=wizard.jd.pk)
    catalog = RoleCatalog.for_draft(jd)
    posted = QueryDict(mutable=True)
    for key, values in data.items():
        posted.setlist(key, values)
    form = step_form(
        PostingStepForm, step="posting", job_description=jd, catalog=catalog, data=posted
    )
    document = Preview(jd, catalog=catalog, step="posting", form=form).document
    assert document.about_team == "A typed team."
    assert document.department == "Engineering"
    assert document.office.name == "Berlin"
    assert document.office.address.country == "DE"
    assert document.office.address.street_address == "Unter den Linden 1"


# --- queries ----------------------------------------------------------------------------------


def grow(org, count: int) -> None:
    """`count` more offices, each with its benefits block."""
    start = Office.objects.count()
    for index in range(start, start + count):
        office = OfficeFactory(name=f"Branch {index}", country="US")
        ContentBlockFactory(kind=BlockKind.BENEFITS, name=f"Branch {index}", office=office)


def queries(call) -> int:
    """The queries `call()` makes. The log is emptied first: loading the catalog filled it to
    its cap, and a full log counts nothing."""
    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


def measured(call, expected: int | None, assert_num_queries) -> int:
    """The queries of `call()`; with `expected`, asserted by django_assert_num_queries."""
    if expected is None:
        return queries(call)
    reset_queries()
    with assert_num_queries(expected):
        call()
    return expected


def step_queries(wizard, org, assert_num_queries, expected=(None, None)) -> tuple[int, int]:
    """(GET, POST) queries of the posting step with Denver chosen and its band shown, the
    organization's rows already kept (its version read once per request)."""
    data = wizard.fields("posting")  # also reads the rows of this version
    data["posting-office"] = [str(org.denver.pk)]
    data["posting-location"] = ["Denver, CO"]
    data["posting-workplace_type"] = ["hybrid"]
    assert wizard.submit("posting", fields=data).status_code == 302
    wizard.get("posting")
    got = measured(lambda: wizard.get("posting"), expected[0], assert_num_queries)
    data = wizard.fields("posting")
    posted = measured(
        lambda: wizard.submit("posting", fields=data), expected[1], assert_num_queries
    )
    assert wizard.reload().chosen.posting.office == org.denver.pk
    return got, posted


def test_the_steps_query_count_does_not_grow_with_offices_and_blocks(
    wizard, org, django_assert_num_queries
):
    PayBandFactory(role=org.se, office=org.denver)
    grow(org, 2)
    small = step_queries(wizard, org, django_assert_num_queries)
    assert min(small) > 0
    page = html.unescape(wizard.get("posting").content.decode())
    assert "Pay band for Software Engineer · any seniority · Denver" in page
    grow(org, 20)
    step_queries(wizard, org, django_assert_num_queries, expected=small)


def test_the_offers_query_count_does_not_grow(wizard, org, django_assert_num_queries):
    grow(org, 2)
    offer(wizard, office=org.berlin)
    small = queries(lambda: offer(wizard, office=org.berlin))
    assert small > 0
    grow(org, 20)
    offer(wizard, office=org.berlin)
    reset_queries()
    with django_assert_num_queries(small):
        offer(wizard, office=org.berlin)


def test_the_page_fields_are_what_a_browser_posts(wizard, org):
    """The selects post their chosen option: the saved department and office come back."""
    choose(wizard, department=org.sales, office=org.denver)
    fields = page_fields(wizard.get("posting").content.decode())
    assert fields["posting-department"] == [str(org.sales.pk)]
    assert fields["posting-office"] == [str(org.denver.pk)]
