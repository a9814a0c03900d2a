"""The role list at catalog size: pages of 50, page links, bad page numbers, the page's size."""

import re

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from roles.models import SEED_SOURCE, AlternateTitle, Role, RoleSearchText
from roles.views import PAGE_SIZE, TITLES_SHOWN
from tests.factories import AlternateTitleFactory, RoleFactory
from tests.roles.pages import element

LIST_URL = reverse("roles:list")
# A long summary, as O*NET's are, so the size budget is tested near its worst.
SUMMARY = "Plans, directs and coordinates the work of a team. " * 8


@pytest.fixture
def many_roles(db, areas):
    """120 roles (3 pages) with 60 titles each; two of them are seed roles."""
    roles = Role.objects.bulk_create(
        [
            Role(name=f"Role {n:03d}", slug=f"role-{n:03d}", summary=SUMMARY[:400])
            for n in range(120)
        ]
    )
    AlternateTitle.objects.bulk_create(
        [
            AlternateTitle(role=role, title=f"Widget maker grade {t}")
            for role in roles
            for t in range(60)
        ]
    )
    RoleSearchText.objects.rebuild()  # bulk writes: no signals
    seed = RoleFactory(name="Data Analyst", source=SEED_SOURCE)
    seed.task_areas.set([areas[0], areas[3]])
    return roles


def card_names(response) -> list[str]:
    return [item.role.name for item in response.context["items"]]


def test_the_list_comes_in_pages_with_accessible_links(client_in, many_roles):
    response = client_in.get(LIST_URL)

    assert len(card_names(response)) == PAGE_SIZE
    assertContains(response, "121 roles · showing 1–50, page 1 of 3")
    nav = element(response.content.decode(), "ul", "role-pages")
    links = [(a.get("href"), "".join(a.itertext())) for a in nav.iter("a")]
    assert links == [
        (LIST_URL, "Page 1"),
        (f"{LIST_URL}?page=2", "Page 2"),
        (f"{LIST_URL}?page=3", "Page 3"),
        (f"{LIST_URL}?page=2", "Next page"),
    ]
    current = [a for a in nav.iter("a") if a.get("aria-current") == "page"]
    assert [a.get("href") for a in current] == [LIST_URL]
    assertContains(response, 'rel="next"')
    assertNotContains(response, 'rel="prev"')
    assertContains(response, '<nav aria-label="Pages of the role list"')


def test_a_later_page_shows_the_next_roles_and_no_figure(client_in, many_roles):
    first = card_names(client_in.get(LIST_URL))
    response = client_in.get(LIST_URL, {"page": "2"})

    second = card_names(response)
    assert len(second) == PAGE_SIZE and not set(first) & set(second)
    assert second == sorted(second)
    assertContains(response, "page 2 of 3")
    assertContains(response, 'rel="prev"')
    assertNotContains(response, 'id="role-matrix"')


def test_the_figure_is_the_seed_roles_only(client_in, many_roles):
    table = element(client_in.get(LIST_URL).content.decode(), "table", "role-matrix")
    rows = [row.find("th") for row in table.find("tbody").iter("tr")]
    assert ["".join(th.itertext()) for th in rows] == ["Data Analyst"]


@pytest.mark.parametrize(
    "page, shown, notice",
    [
        ("abc", 1, "That page number is not valid: this is page 1."),
        ("0", 1, "That page number is not valid: this is page 1."),
        ("-2", 1, "That page number is not valid: this is page 1."),
        ("9" * 40, 1, "That page number is not valid: this is page 1."),
        ("99", 3, "There is no page 99: this is the last page, 3."),
    ],
)
def test_a_bad_page_number_says_so_and_shows_the_nearest_page(
    client_in, many_roles, page, shown, notice
):
    response = client_in.get(LIST_URL, {"page": page, "q": "widget"})

    assert response.status_code == 200
    assert response.context["page"].number == shown
    assertContains(
        response,
        f'<p class="alert alert-warning" role="status" id="page-notice">{notice}</p>',
        html=True,
    )
    # The search is kept: the results are still the matching roles.
    assert all(name.startswith("Role ") for name in card_names(response))


def test_a_search_keeps_its_query_in_the_page_links(client_in, many_roles):
    response = client_in.get(LIST_URL, {"q": "Widget Maker"})

    assertContains(response, "120 roles · showing 1–50, page 1 of 3")
    hrefs = re.findall(r'class="page-link" href="([^"]+)"', response.content.decode())
    assert f"{LIST_URL}?q=Widget+Maker&amp;page=2" in hrefs
    assert f"{LIST_URL}?q=Widget+Maker&amp;page=3" in hrefs
    page_three = client_in.get(LIST_URL, {"q": "Widget Maker", "page": "3"})
    assert len(card_names(page_three)) == 20


def test_each_card_names_a_few_matched_titles_and_counts_the_rest(client_in, many_roles):
    response = client_in.get(LIST_URL, {"q": "WIDGET MAKER"})

    item = response.context["items"][0]
    assert len(item.matched_titles) == TITLES_SHOWN
    assert item.more_titles == 60 - TITLES_SHOWN
    assertContains(response, f"and {60 - TITLES_SHOWN} more")


def test_a_page_stays_under_100_kb(client_in, many_roles):
    for params in ({}, {"q": "widget"}, {"q": "e"}, {"page": "2"}):
        response = client_in.get(LIST_URL, params)
        assert len(response.content) <= 100_000, (params, len(response.content))


def test_a_title_match_with_letters_beyond_ascii_is_named(client_in, db):
    role = RoleFactory(name="Restaurant Owner")
    AlternateTitleFactory(role=role, title="CAFÉ Manager")

    response = client_in.get(LIST_URL, {"q": "café manager"})

    assert card_names(response) == ["Restaurant Owner"]
    assertContains(response, "<mark>CAFÉ Manager</mark>", html=True)


def test_an_over_long_query_is_cut_to_100_characters(client_in, db):
    response = client_in.get(LIST_URL, {"q": "x" * 150})
    assert response.context["q"] == "x" * 100
