"""The role page: its facts, tasks and tools by area, skills table and chart, and the JD button."""

import re

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from roles.chart import BAR_MAX
from roles.models import Importance, SkillCategory
from tests.factories import (
    AlternateTitleFactory,
    ProficiencyLevelFactory,
    RoleFactory,
    RoleSkillFactory,
    RoleTaskFactory,
    SkillFactory,
    TaskFactory,
    ToolFactory,
)
from tests.roles.pages import (
    CACHED_PAGE_QUERIES,
    SVG_NS,
    bar_widths,
    cache_set_queries,
    count_queries,
    element,
    svg_of,
    text_of,
    without_tokens,
)

# Not cached: role, role_tasks+task+area, role_skills+skill+level, tools+area, works_with,
# titles, the scale, on top of a cached page's reads; then the cache's write.
DETAIL_QUERIES = CACHED_PAGE_QUERIES + 7


def test_unknown_slug_is_404(client_in):
    assert (
        client_in.get(reverse("roles:detail", kwargs={"slug": "no-such-role"})).status_code == 404
    )


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
    with django_assert_num_queries(DETAIL_QUERIES + cache_set_queries()):
        response = client_in.get(url)
    assert len(response.context["role_skills"]) == 20
    assert len(bar_widths(svg_of(response.content.decode()))) == 20
    assert few == DETAIL_QUERIES + cache_set_queries()
    # Asked again, with no catalog change in between: from the cache, the same page.
    with django_assert_num_queries(CACHED_PAGE_QUERIES):
        again = client_in.get(url)
    assert without_tokens(again.content) == without_tokens(response.content)


# --- with the seed catalog -------------------------------------------------------------------


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
    with django_assert_num_queries(DETAIL_QUERIES + cache_set_queries()):
        response = client_in.get(reverse("roles:detail", kwargs={"slug": slug}))

    svg = svg_of(response.content.decode())
    assert len(bar_widths(svg)) == len(response.context["role_skills"]) > 0
    assert response.context["task_groups"] and response.context["tool_groups"]
