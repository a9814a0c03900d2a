"""The role list page: access, the task-area matrix, search, and the seed catalog's roles."""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from roles.models import SEED_SOURCE
from tests.factories import AlternateTitleFactory, RoleFactory
from tests.roles.pages import (
    CACHED_PAGE_QUERIES,
    cache_set_queries,
    count_queries,
    element,
    text_of,
    without_tokens,
)

LIST_URL = reverse("roles:list")

# Not cached, the first page: the count, the page's roles, the task areas, the figure's roles;
# then the cache's write.
LIST_QUERIES = CACHED_PAGE_QUERIES + 4

# Not cached, a search: the count, the page's roles, the titles of the roles a title found.
SEARCH_QUERIES = CACHED_PAGE_QUERIES + 3

# --- access ----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("url_name, kwargs", [("roles:list", {}), ("roles:detail", {"slug": "x"})])
def test_anonymous_users_are_sent_to_login(client, url_name, kwargs):
    url = reverse(url_name, kwargs=kwargs)
    response = client.get(url)
    assertRedirects(response, f"{reverse('login')}?next={url}", fetch_redirect_response=False)


# --- list and matrix -------------------------------------------------------------------------


def test_list_shows_roles_with_links_and_summaries(client_in):
    analyst = RoleFactory(name="Data Analyst", slug="data-analyst", summary="Finds insight.")
    scientist = RoleFactory(name="Data Scientist", slug="data-scientist", summary="Builds models.")

    response = client_in.get(LIST_URL)

    assert response.status_code == 200
    for role in (analyst, scientist):
        assertContains(response, f'<a href="{role.get_absolute_url()}">{role.name}</a>', html=True)
        assertContains(response, role.summary)
    assertContains(response, "<h1", count=1)
    # The search input has a label.
    assertContains(response, '<label for="role-search"')
    assertContains(response, 'id="role-search" name="q"')


def test_matrix_marks_the_right_cells_in_lifecycle_order(client_in, areas):
    analyst = RoleFactory(name="Data Analyst", source=SEED_SOURCE)
    analyst.task_areas.set([areas[0], areas[3]])
    engineer = RoleFactory(name="ML Engineer", source=SEED_SOURCE)
    engineer.task_areas.set([areas[1], areas[2], areas[4]])
    # The matrix is the seed's figure: a role from elsewhere is in the list, not the figure.
    RoleFactory(name="Imported Role", source="O*NET").task_areas.set(areas)

    table = element(client_in.get(LIST_URL).content.decode(), "table", "role-matrix")

    assert table.find("caption") is not None
    header = [text_of(th) for th in table.find("thead").iter("th")]
    assert header == ["Role"] + [area.name for area in areas]
    assert all(th.get("scope") == "col" for th in table.find("thead").iter("th"))
    rows = {}
    for tr in table.find("tbody").iter("tr"):
        row_header = tr.find("th")
        assert row_header.get("scope") == "row"
        rows[text_of(row_header)] = [text_of(td) for td in tr.findall("td")]
    assert rows == {
        "Data Analyst": ["✓Yes", "No", "No", "✓Yes", "No"],
        "ML Engineer": ["No", "✓Yes", "✓Yes", "No", "✓Yes"],
    }
    # The tick is hidden from screen readers, which hear "Yes" or "No" instead.
    assert all(span.get("aria-hidden") == "true" for span in table.iter("span") if span.text == "✓")


@pytest.mark.parametrize("query", ["data scientist", "  DATA   sci  ", "Scien"])
def test_search_by_name_ignores_case_and_extra_whitespace(client_in, query):
    scientist = RoleFactory(name="Data Scientist")
    RoleFactory(name="Software Engineer")

    response = client_in.get(LIST_URL, {"q": query})

    assert [item.role for item in response.context["items"]] == [scientist]
    assertNotContains(response, "Software Engineer")
    # The name matched, so no alternate title is offered as the reason.
    assertNotContains(response, "Matched job title")


@pytest.mark.parametrize(
    "query", ["software development engineer", "  SOFTWARE   Development  ", "development eng"]
)
def test_search_by_alternate_title_finds_the_role_once_and_says_which_title(
    client_in, areas, query
):
    engineer = RoleFactory(name="Software Engineer")
    AlternateTitleFactory(role=engineer, title="Software Development Engineer")
    AlternateTitleFactory(role=engineer, title="Software Development Engineer II")
    AlternateTitleFactory(role=engineer, title="Programmer")
    RoleFactory(name="Data Analyst")

    response = client_in.get(LIST_URL, {"q": query})

    assert [item.role for item in response.context["items"]] == [engineer]
    assertContains(response, "Matched job titles:")
    assertContains(response, "<mark>Software Development Engineer</mark>", html=True)
    assertContains(response, "<mark>Software Development Engineer II</mark>", html=True)
    assertNotContains(response, "Programmer")
    assertNotContains(response, "Data Analyst")
    # One link in the results; a search shows no figure.
    assertContains(response, f'href="{engineer.get_absolute_url()}"', count=1)
    assertNotContains(response, 'id="role-matrix"')


def test_search_with_no_match_shows_the_empty_state(client_in):
    RoleFactory(name="Data Scientist")

    response = client_in.get(LIST_URL, {"q": "astronaut"})

    assert response.context["items"] == []
    assertContains(response, 'id="empty-state"')
    assertContains(response, "No roles match “astronaut”.")
    assertContains(response, f'<a href="{LIST_URL}">Show all roles</a>', html=True)
    assertNotContains(response, 'id="role-matrix"')


def test_search_query_is_escaped(client_in):
    response = client_in.get(LIST_URL, {"q": '"><script>alert(1)</script>'})

    assertNotContains(response, "<script>alert(1)")
    assertContains(response, 'value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"')


def test_list_query_count_is_constant(client_in, django_assert_num_queries, areas):
    def make_roles(count: int) -> None:
        for _ in range(count):
            role = RoleFactory()
            role.task_areas.set(areas[:3])
            AlternateTitleFactory(role=role, title=f"Widget maker {role.pk}")

    make_roles(2)
    few = count_queries(lambda: client_in.get(LIST_URL))
    few_search = count_queries(lambda: client_in.get(LIST_URL, {"q": "widget"}))
    make_roles(18)
    written = cache_set_queries()
    with django_assert_num_queries(LIST_QUERIES + written):
        response = client_in.get(LIST_URL)
    assert len(response.context["items"]) == 20
    with django_assert_num_queries(SEARCH_QUERIES + written):
        response = client_in.get(LIST_URL, {"q": "widget"})
    assert len(response.context["items"]) == 20
    assert all(len(item.matched_titles) == 1 for item in response.context["items"])
    assert (few, few_search) == (LIST_QUERIES + written, SEARCH_QUERIES + written)
    # The same search again, nothing changed in the catalog: the page comes from the cache.
    with django_assert_num_queries(CACHED_PAGE_QUERIES):
        again = client_in.get(LIST_URL, {"q": "widget"})
    assert without_tokens(again.content) == without_tokens(response.content)


# --- with the seed catalog -------------------------------------------------------------------


def test_catalog_list_shows_the_six_roles_and_figure_1(client_in, catalog):
    response = client_in.get(LIST_URL)

    names = [item.role.name for item in response.context["items"]]
    assert sorted(names) == sorted(
        [
            "Data Scientist",
            "Data Analyst",
            "Machine Learning Engineer",
            "Machine Learning Researcher",
            "Software Engineer – Machine Learning",
            "Software Engineer",
        ]
    )
    table = element(response.content.decode(), "table", "role-matrix")
    header = [text_of(th) for th in table.find("thead").iter("th")][1:]
    assert header == [
        "Data engineering",
        "Modeling",
        "Deployment",
        "Business analysis",
        "AI infrastructure",
    ]
    rows = {
        text_of(tr.find("th")): [text_of(td) == "✓Yes" for td in tr.findall("td")]
        for tr in table.find("tbody").iter("tr")
    }
    assert rows["Data Analyst"] == [True, False, False, True, False]
    assert rows["Machine Learning Engineer"] == [True, True, True, False, False]


def test_catalog_search_finds_software_engineer_by_alternate_title(client_in, catalog):
    response = client_in.get(LIST_URL, {"q": "  Software  Development Engineer "})

    assert [item.role.name for item in response.context["items"]] == ["Software Engineer"]
    assertContains(response, "<mark>software development engineer</mark>", html=True)


def test_no_template_comment_leaks_into_the_page(client, catalog):
    from tests.factories import ManagerFactory

    client.force_login(ManagerFactory())
    for url in ["/roles/", "/roles/software-engineer/"]:
        html = client.get(url).content.decode()
        assert "{#" not in html and "{%" not in html, url
