"""The catalog pages (role list with search and matrix, role detail) and the skill chart."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable

import pytest
from django.core.management import get_commands
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.safestring import SafeString
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from roles.chart import BAR_MAX, ChartBar, skill_profile_svg
from roles.models import Importance, SkillCategory
from tests.factories import (
    AlternateTitleFactory,
    ProficiencyLevelFactory,
    RoleFactory,
    RoleSkillFactory,
    RoleTaskFactory,
    SkillFactory,
    TaskAreaFactory,
    TaskFactory,
    ToolFactory,
)

SVG_NS = "{http://www.w3.org/2000/svg}"
LEVEL_NAMES = ["Aware", "Basic", "Proficient", "Advanced", "Expert"]
LIST_URL = reverse("roles:list")

# Queries the layout makes on every signed-in page: the session, the user, and the user's and
# groups' permissions (the navbar asks `perms`). Update this if base.html changes.
LAYOUT_QUERIES = 4
# roles (search), their task areas (prefetch), the matrix columns.
LIST_QUERIES = LAYOUT_QUERIES + 3
# ... plus the matching alternate titles (one prefetch for every role).
SEARCH_QUERIES = LIST_QUERIES + 1
# role, role_tasks+task+area, role_skills+skill+level, tools+area, works_with, titles, the scale.
DETAIL_QUERIES = LAYOUT_QUERIES + 7


# --- helpers ---------------------------------------------------------------------------------


def element(html: str, tag: str, element_id: str) -> ET.Element:
    """The element `<tag id=element_id>` of a page, parsed as XML (the page is well formed)."""
    match = re.search(
        rf'<{tag}\b[^>]*\bid="{re.escape(element_id)}"[^>]*>.*?</{tag}>', html, flags=re.S
    )
    assert match, f"no <{tag} id={element_id!r}> in the page"
    # XML wants a value for HTML's boolean attributes.
    return ET.fromstring(re.sub(r" (disabled|hidden|required)(?=[ >])", r' \1=""', match.group(0)))


def svg_of(html: str) -> ET.Element:
    match = re.search(r"<svg\b.*?</svg>", html, flags=re.S)
    assert match, "no inline SVG in the page"
    return ET.fromstring(match.group(0))


def text_of(node: ET.Element) -> str:
    return " ".join("".join(node.itertext()).split())


def bar_widths(svg: ET.Element) -> list[int]:
    return [
        int(rect.get("width")) for rect in svg.iter(f"{SVG_NS}rect") if rect.get("class") == "bar"
    ]


def count_queries(func: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as ctx:
        func()
    return len(ctx.captured_queries)


# --- fixtures --------------------------------------------------------------------------------


@pytest.fixture
def levels(db):
    return [
        ProficiencyLevelFactory(rank=rank, name=name, descriptor=f"{name.lower()} descriptor")
        for rank, name in enumerate(LEVEL_NAMES, start=1)
    ]


@pytest.fixture
def areas(db):
    """Five task areas created out of lifecycle order, returned in lifecycle order."""
    names = ["Data engineering", "Modeling", "Deployment", "Business analysis", "AI infra"]
    created = {}
    for position in (3, 1, 5, 2, 4):
        created[position] = TaskAreaFactory(
            position=position, name=names[position - 1], slug=f"area-{position}"
        )
    return [created[position] for position in sorted(created)]


@pytest.fixture
def client_in(client, manager):
    client.force_login(manager)
    return client


# --- access ----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("url_name, kwargs", [("roles:list", {}), ("roles:detail", {"slug": "x"})])
def test_anonymous_users_are_sent_to_login(client, url_name, kwargs):
    url = reverse(url_name, kwargs=kwargs)
    response = client.get(url)
    assertRedirects(response, f"{reverse('login')}?next={url}", fetch_redirect_response=False)


def test_unknown_slug_is_404(client_in):
    assert (
        client_in.get(reverse("roles:detail", kwargs={"slug": "no-such-role"})).status_code == 404
    )


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
    analyst = RoleFactory(name="Data Analyst")
    analyst.task_areas.set([areas[0], areas[3]])
    engineer = RoleFactory(name="ML Engineer")
    engineer.task_areas.set([areas[1], areas[2], areas[4]])

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
    # One link in the results; the matrix row names the role without repeating the link.
    assertContains(response, f'href="{engineer.get_absolute_url()}"', count=1)
    assertContains(response, '<th scope="row">Software Engineer</th>', html=True)


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
    with django_assert_num_queries(LIST_QUERIES):
        response = client_in.get(LIST_URL)
    assert len(response.context["items"]) == 20
    with django_assert_num_queries(SEARCH_QUERIES):
        response = client_in.get(LIST_URL, {"q": "widget"})
    assert len(response.context["items"]) == 20
    assert all(len(item.matched_titles) == 1 for item in response.context["items"])
    assert (few, few_search) == (LIST_QUERIES, SEARCH_QUERIES)


# --- detail ----------------------------------------------------------------------------------


@pytest.fixture
def full_role(db, levels, areas):
    """A role with every kind of fact, its tasks and tools created out of area order."""
    role = RoleFactory(
        name="Data Scientist",
        slug="data-scientist",
        summary="Turns data into decisions.",
        code_focus="Mostly analysis code",
        notes="Kept close to the source.",
        source='Workera, "AI Career Pathways"',
    )
    RoleTaskFactory(role=role, task=TaskFactory(area=areas[2], text="Ship the model"))
    RoleTaskFactory(role=role, task=TaskFactory(area=areas[0], text="Clean the data"))
    RoleTaskFactory(role=role, task=TaskFactory(area=areas[1], text="Train a model"))
    RoleTaskFactory(role=role, task=TaskFactory(area=areas[1], text="Evaluate a model"))
    RoleSkillFactory(
        role=role, skill=SkillFactory(name="Python"), level=levels[4]
    )  # Expert, rank 5
    RoleSkillFactory(
        role=role,
        skill=SkillFactory(name="Storytelling", category=SkillCategory.COMMUNICATION),
        level=levels[2],
        importance=Importance.NICE_TO_HAVE,
    )
    RoleSkillFactory(role=role, skill=SkillFactory(name="Statistics"), level=levels[0])
    ToolFactory(name="Kubernetes", area=areas[2]).roles.add(role)
    ToolFactory(name="pandas", area=areas[0]).roles.add(role)
    partner = RoleFactory(name="Data Analyst", slug="data-analyst")
    role.works_with.add(partner)
    AlternateTitleFactory(role=role, title="Applied Scientist")
    return role


def test_detail_shows_the_role_facts(client_in, full_role):
    response = client_in.get(full_role.get_absolute_url())

    assert response.status_code == 200
    assertContains(response, "<h1>Data Scientist</h1>", html=True, count=1)
    assertContains(response, "<h1", count=1)
    for text in (
        "Turns data into decisions.",
        "Mostly analysis code",
        "Kept close to the source.",
        "Workera, &quot;AI Career Pathways&quot;",
    ):
        assertContains(response, text)
    works_with = element(response.content.decode(), "section", "works-with")
    assert [(a.get("href"), a.text) for a in works_with.iter("a")] == [
        (reverse("roles:detail", kwargs={"slug": "data-analyst"}), "Data Analyst")
    ]
    titles = element(response.content.decode(), "section", "alternate-titles")
    assert [li.text for li in titles.iter("li")] == ["Applied Scientist"]


def test_managers_start_a_jd_from_the_role_page(client, full_role):
    from tests.factories import ManagerFactory

    client.force_login(ManagerFactory())
    html = client.get(full_role.get_absolute_url()).content.decode()
    cta = re.search(r'<section[^>]*id="start-jd-section".*?</section>', html, flags=re.S)[0]
    assert "Start a job description</h2>" in cta
    assert f'<form method="post" action="{reverse("jd:new")}">' in cta
    assert f'name="role" value="{full_role.slug}"' in cta
    assert 'name="csrfmiddlewaretoken"' in cta
    response = client.post(reverse("jd:new"), {"role": full_role.slug})
    assert response.status_code == 302 and "/edit/" in response.url


def test_users_who_cannot_start_a_jd_see_no_button(client, recruiter, full_role):
    client.force_login(recruiter)
    html = client.get(full_role.get_absolute_url()).content.decode()
    cta = re.search(r'<section[^>]*id="start-jd-section".*?</section>', html, flags=re.S)[0]
    assert "<form" not in cta
    assert "Hiring managers start job descriptions" in cta


def test_detail_groups_tasks_under_areas_in_lifecycle_order(client_in, full_role):
    tasks = element(
        client_in.get(full_role.get_absolute_url()).content.decode(), "section", "tasks"
    )

    groups = []
    for child in tasks:
        if child.tag == "h3":
            groups.append((child.text, []))
        elif child.tag == "ul":
            groups[-1][1].extend(text_of(li) for li in child.iter("li"))
    assert groups == [
        ("Data engineering", ["Clean the data"]),
        ("Modeling", ["Evaluate a model", "Train a model"]),
        ("Deployment", ["Ship the model"]),
    ]


def test_detail_lists_tools_by_area(client_in, full_role):
    tools = element(
        client_in.get(full_role.get_absolute_url()).content.decode(), "section", "tools"
    )

    headings = [h3.text for h3 in tools.iter("h3")]
    items = [text_of(li) for li in tools.iter("li")]
    assert headings == ["Data engineering", "Deployment"]
    assert items == ["pandas", "Kubernetes"]


def test_detail_skills_table_has_levels_and_descriptors(client_in, full_role):
    table = element(
        client_in.get(full_role.get_absolute_url()).content.decode(), "table", "skills-table"
    )

    assert table.find("caption") is not None
    rows = [[text_of(cell) for cell in tr] for tr in table.find("tbody").iter("tr")]
    assert rows == [
        ["Python", "Technical", "Expert", "expert descriptor", "Required"],
        ["Storytelling", "Communication", "Proficient", "proficient descriptor", "Nice to have"],
        ["Statistics", "Technical", "Aware", "aware descriptor", "Required"],
    ]


def test_detail_chart_has_one_bar_per_skill_proportional_to_rank(client_in, full_role):
    svg = svg_of(client_in.get(full_role.get_absolute_url()).content.decode())

    assert svg.get("role") == "img"
    title, desc = svg.find(f"{SVG_NS}title"), svg.find(f"{SVG_NS}desc")
    assert svg.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert title.text == "Skill profile: Data Scientist"
    assert "Python: Expert, level 5 of 5." in desc.text
    # Ranks 5, 3, 1 of 5 levels.
    assert bar_widths(svg) == [BAR_MAX, BAR_MAX * 3 // 5, BAR_MAX // 5]
    notes = [t.text for t in svg.iter(f"{SVG_NS}text") if t.get("class") == "note"]
    assert notes == ["Expert", "Proficient", "Aware"]


def test_detail_chart_uses_place_on_scale_when_ranks_have_gaps(client_in, db):
    # Ranks 1, 2 and 10: the top level is the third of three, so a full bar.
    low, mid = ProficiencyLevelFactory(rank=1), ProficiencyLevelFactory(rank=2)
    top = ProficiencyLevelFactory(rank=10, name="Top")
    role = RoleFactory()
    for level in (top, mid, low):
        RoleSkillFactory(role=role, level=level)

    svg = svg_of(client_in.get(role.get_absolute_url()).content.decode())

    assert bar_widths(svg) == [BAR_MAX, BAR_MAX * 2 // 3, BAR_MAX // 3]


def test_detail_escapes_skill_names_in_table_and_chart(client_in, levels):
    role = RoleFactory()
    nasty = '<script>alert("x")</script>'
    RoleSkillFactory(role=role, skill=SkillFactory(name=nasty), level=levels[1])

    response = client_in.get(role.get_absolute_url())
    html = response.content.decode()

    assert "<script>alert" not in html
    escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"
    table = re.search(r'<table[^>]*id="skills-table".*?</table>', html, flags=re.S).group(0)
    svg = re.search(r"<svg\b.*?</svg>", html, flags=re.S).group(0)
    assert escaped in table
    assert escaped in svg
    labels = [t.text for t in svg_of(html).iter(f"{SVG_NS}text") if t.get("class") == "label"]
    assert labels == [nasty]


def test_detail_without_skills_tasks_or_tools_says_so(client_in, db):
    role = RoleFactory()

    response = client_in.get(role.get_absolute_url())

    assertContains(response, "No tasks listed yet.")
    assertContains(response, "No skills listed yet.")
    assertContains(response, "No tools listed yet.")
    assertNotContains(response, "<svg")


def test_detail_query_count_is_constant(client_in, django_assert_num_queries, levels, areas):
    role = RoleFactory()

    def add_facts(count: int) -> None:
        for i in range(count):
            RoleTaskFactory(role=role, task=TaskFactory(area=areas[i % 5]))
            RoleSkillFactory(role=role, level=levels[i % 5])
            ToolFactory(area=areas[i % 5]).roles.add(role)
            AlternateTitleFactory(role=role)
            role.works_with.add(RoleFactory())

    url = role.get_absolute_url()
    add_facts(2)
    few = count_queries(lambda: client_in.get(url))
    add_facts(18)
    with django_assert_num_queries(DETAIL_QUERIES):
        response = client_in.get(url)
    assert len(response.context["role_skills"]) == 20
    assert len(bar_widths(svg_of(response.content.decode()))) == 20
    assert few == DETAIL_QUERIES


# --- the chart function ----------------------------------------------------------------------


def chart(bars: list[ChartBar], levels: list[str] | None = None, title: str = "Profile") -> str:
    return skill_profile_svg(
        bars=bars, levels=LEVEL_NAMES if levels is None else levels, title=title
    )


def test_chart_bar_widths_are_rank_over_scale_size():
    svg = ET.fromstring(chart([ChartBar("A", 1, "Aware"), ChartBar("B", 4, "Advanced")]))

    assert bar_widths(svg) == [BAR_MAX // 5, BAR_MAX * 4 // 5]
    tracks = [r for r in svg.iter(f"{SVG_NS}rect") if r.get("class") == "track"]
    assert [int(r.get("width")) for r in tracks] == [BAR_MAX, BAR_MAX]


def test_chart_clamps_ranks_outside_the_scale():
    svg = ET.fromstring(chart([ChartBar("A", 9), ChartBar("B", -2)]))

    assert bar_widths(svg) == [BAR_MAX, 0]


def test_chart_is_accessible_and_has_a_legend_with_the_level_names():
    markup = chart([ChartBar("Python", 3, "Proficient")], title="Skill profile: X")
    svg = ET.fromstring(markup)

    assert isinstance(markup, SafeString)
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "skill-chart-title skill-chart-desc"
    assert svg.find(f"{SVG_NS}title").get("id") == "skill-chart-title"
    assert svg.find(f"{SVG_NS}desc").get("id") == "skill-chart-desc"
    assert "from Aware (lowest) to Expert (highest)" in svg.find(f"{SVG_NS}desc").text
    legend = " ".join(t.text for t in svg.iter(f"{SVG_NS}text") if t.get("class") == "legend")
    for number, name in enumerate(LEVEL_NAMES, start=1):
        assert f"{number} = {name}" in legend
    ticks = [t.text for t in svg.iter(f"{SVG_NS}text") if t.get("class") == "tick"]
    assert ticks == ["1", "2", "3", "4", "5"]
    # No inline styles, so a strict Content Security Policy can forbid them.
    assert "style" not in markup


def test_chart_escapes_every_text_value():
    nasty = '<script>alert("x")</script>'
    markup = skill_profile_svg(bars=[ChartBar(nasty, 2, nasty)], levels=[nasty, "Two"], title=nasty)

    assert "<script>" not in markup
    assert "&lt;script&gt;alert(&quot;x&quot;)" in markup
    svg = ET.fromstring(markup)
    assert svg.find(f"{SVG_NS}title").text == nasty
    texts = {t.get("class"): t.text for t in svg.iter(f"{SVG_NS}text")}
    assert texts["label"] == texts["note"] == nasty
    assert nasty in texts["legend"]


def test_chart_escapes_strings_already_marked_safe():
    markup = chart([ChartBar(SafeString("<b>bold</b>"), 1)])

    assert "<b>" not in markup
    assert "&lt;b&gt;bold&lt;/b&gt;" in markup


def test_chart_with_no_bars_is_still_a_labelled_image():
    svg = ET.fromstring(chart([]))

    assert bar_widths(svg) == []
    assert svg.find(f"{SVG_NS}desc").text == "No skills to show."
    assert svg.get("role") == "img"


def test_chart_with_no_levels_draws_empty_bars():
    svg = ET.fromstring(chart([ChartBar("A", 2)], levels=[]))

    assert bar_widths(svg) == [0]


def test_chart_viewbox_grows_with_long_labels():
    short = ET.fromstring(chart([ChartBar("A", 1)]))
    long = ET.fromstring(chart([ChartBar("A very long skill name " * 3, 1)]))

    assert int(long.get("width")) > int(short.get("width"))
    assert long.get("viewBox") == f"0 0 {long.get('width')} {long.get('height')}"


def test_chart_ids_can_be_prefixed_but_must_be_plain():
    svg = ET.fromstring(
        skill_profile_svg(bars=[], levels=LEVEL_NAMES, title="T", chart_id="jd-chart")
    )
    assert svg.get("aria-labelledby") == "jd-chart-title jd-chart-desc"
    with pytest.raises(ValueError):
        skill_profile_svg(bars=[], levels=LEVEL_NAMES, title="T", chart_id='x" onload="y')


# --- with the seed catalog, once the load command exists --------------------------------------

needs_catalog = pytest.mark.skipif(
    "load_catalog" not in get_commands(), reason="load_catalog is not written yet"
)


@needs_catalog
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


@needs_catalog
def test_catalog_search_finds_software_engineer_by_alternate_title(client_in, catalog):
    response = client_in.get(LIST_URL, {"q": "  Software  Development Engineer "})

    assert [item.role.name for item in response.context["items"]] == ["Software Engineer"]
    assertContains(response, "<mark>software development engineer</mark>", html=True)


@needs_catalog
@pytest.mark.parametrize(
    "slug",
    [
        "data-scientist",
        "data-analyst",
        "machine-learning-engineer",
        "machine-learning-researcher",
        "software-engineer-machine-learning",
        "software-engineer",
    ],
)
def test_catalog_role_pages_render_in_constant_queries(
    client_in, catalog, django_assert_num_queries, slug
):
    with django_assert_num_queries(DETAIL_QUERIES):
        response = client_in.get(reverse("roles:detail", kwargs={"slug": slug}))

    svg = svg_of(response.content.decode())
    assert len(bar_widths(svg)) == len(response.context["role_skills"]) > 0
    assert response.context["task_groups"] and response.context["tool_groups"]


def test_no_template_comment_leaks_into_the_page(client, catalog):
    from tests.factories import ManagerFactory

    client.force_login(ManagerFactory())
    for url in ["/roles/", "/roles/software-engineer/"]:
        html = client.get(url).content.decode()
        assert "{#" not in html and "{%" not in html, url
