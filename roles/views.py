"""The catalog pages for signed-in users: the role list (search, pages, the seed's task-area
figure) and a role's page.

Both are cached as rendered HTML under the catalog version (roles.models.CatalogVersion), which
every catalog write changes, so a cached page is never out of date: it is only ever found under
the version it was made from.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import Any, NamedTuple
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString

from roles.chart import ChartBar, skill_profile_svg
from roles.models import (
    AlternateTitle,
    CatalogVersion,
    ProficiencyLevel,
    Role,
    RoleSkill,
    RoleTask,
    TaskArea,
    Tool,
    normalize_query,
)
from roles.onet.attribution import ONET_ATTRIBUTION
from roles.search import search_key

# Longer queries match nothing useful and only cost the database work.
MAX_QUERY_LENGTH = 100
# Roles per page of the list: at O*NET size (1,000 roles) 20 pages of about 50 KB each.
PAGE_SIZE = 50
# Matched alternate titles named on a role's card; the others are counted.
TITLES_SHOWN = 5
# Bump when the pages' partials change, so a deploy never serves HTML cached before it.
ROLE_PAGE_VERSION = 1
# The timeout only lets the cache drop the pages of versions gone by.
ROLE_PAGE_TIMEOUT = 24 * 3600


@dataclass(frozen=True)
class RoleListItem:
    role: Role
    # Alternate titles that matched the query, shown only when the name itself did not match.
    matched_titles: list[str]
    # Matching titles beyond the TITLES_SHOWN named ones.
    more_titles: int = 0


@dataclass(frozen=True)
class FigureRow:
    role: Role
    # One boolean per task area, in the order of the matrix columns.
    covers: list[bool]


@dataclass(frozen=True)
class PageLink:
    number: int | None  # None: the gap between distant pages
    url: str = ""
    current: bool = False


class AreaGroup(NamedTuple):
    area: TaskArea
    items: list[Any]


def _group_by_area(items: Iterable[Any], area_of: Callable[[Any], TaskArea]) -> list[AreaGroup]:
    """Items grouped under their task area, areas in lifecycle order, items in their own order."""
    ordered = sorted(items, key=lambda item: area_of(item).position)  # stable: keeps item order
    return [AreaGroup(area, list(group)) for area, group in groupby(ordered, key=area_of)]


# --- the role list ------------------------------------------------------------------------------


def _page(paginator: Paginator, raw: str | None) -> tuple[Page, str]:
    """The page the address asks for, or the nearest one with a notice saying so."""
    if not raw:
        return paginator.page(1), ""
    try:
        number = int(raw) if len(raw) <= 9 else 0
    except ValueError:
        return paginator.page(1), "That page number is not valid: this is page 1."
    if number < 1:
        return paginator.page(1), "That page number is not valid: this is page 1."
    if number > paginator.num_pages:
        last = paginator.num_pages
        return paginator.page(last), f"There is no page {number}: this is the last page, {last}."
    return paginator.page(number), ""


def _page_url(query: str, number: int) -> str:
    params = {"q": query} if query else {}
    if number > 1:
        params["page"] = str(number)
    return reverse("roles:list") + (f"?{urlencode(params)}" if params else "")


def _page_links(page: Page, query: str) -> list[PageLink]:
    if page.paginator.num_pages < 2:
        return []
    return [
        PageLink(None)
        if number == Paginator.ELLIPSIS
        else PageLink(number, _page_url(query, number), number == page.number)
        for number in page.paginator.get_elided_page_range(page.number, on_each_side=2)
    ]


def _list_items(roles: Sequence[Role], key: str) -> list[RoleListItem]:
    """One card per role; a role found by its titles names the titles that matched."""
    by_title = [role.pk for role in roles if key and key not in search_key(role.name)]
    matched: dict[int, list[str]] = {pk: [] for pk in by_title}
    if by_title:
        # Compared in Python with the search's own folding (SQLite's LIKE folds ASCII only).
        rows = AlternateTitle.objects.filter(role_id__in=by_title).order_by("title", "pk")
        for role_id, title in rows.values_list("role_id", "title"):
            if key in search_key(title):
                matched[role_id].append(title)
    items = []
    for role in roles:
        titles = matched.get(role.pk, [])
        items.append(RoleListItem(role, titles[:TITLES_SHOWN], max(0, len(titles) - TITLES_SHOWN)))
    return items


def _figure(task_areas: list[TaskArea]) -> list[FigureRow]:
    """The seed's Figure 1: its roles by the task areas they carry out."""
    rows = []
    for role in Role.objects.in_seed_figure():
        area_ids = {area.pk for area in role.task_areas.all()}
        rows.append(FigureRow(role, [area.pk in area_ids for area in task_areas]))
    return rows


@dataclass(frozen=True)
class RoleListPage:
    """One page of the role list as rendered (escaped) HTML: what the cache keeps."""

    title: str
    body: SafeString


def _role_list_page(query: str, raw_page: str) -> RoleListPage:
    roles = Role.objects.search(query).only("name", "slug", "summary")
    page, page_notice = _page(Paginator(roles, PAGE_SIZE), raw_page)
    figure: list[FigureRow] = []
    task_areas: list[TaskArea] = []
    if not query and page.number == 1:
        task_areas = list(TaskArea.objects.all())
        figure = _figure(task_areas) if task_areas else []
    context = {
        "q": query,
        "items": _list_items(list(page.object_list), search_key(query)),
        "page": page,
        "page_links": _page_links(page, query),
        "page_notice": page_notice,
        "previous_url": _page_url(query, page.number - 1) if page.has_previous() else "",
        "next_url": _page_url(query, page.number + 1) if page.has_next() else "",
        "task_areas": task_areas,
        "figure": figure,
    }
    title = f"Roles matching “{query}”" if query else "Role catalog"
    if page.number > 1:
        title += f", page {page.number}"
    return RoleListPage(title, render_to_string("roles/_role_list_body.html", context))


@login_required
def role_list(request: HttpRequest) -> HttpResponse:
    query = normalize_query(request.GET.get("q", ""))[:MAX_QUERY_LENGTH]
    raw_page = request.GET.get("page", "")
    # Hashed: a query may hold any character, and cache keys may not.
    digest = hashlib.sha256(f"{query}\n{raw_page}".encode()).hexdigest()
    key = f"roles:list:{ROLE_PAGE_VERSION}:{CatalogVersion.objects.current()}:{digest}"
    listing = cache.get(key)
    if listing is None:
        listing = _role_list_page(query, raw_page)
        cache.set(key, listing, ROLE_PAGE_TIMEOUT)
    return render(request, "roles/role_list.html", {"listing": listing})


# --- a role's page ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RolePageParts:
    """A role page's user-independent parts, rendered (escaped) HTML: what the cache keeps."""

    name: str
    slug: str
    facts: SafeString
    aside: SafeString
    sections: SafeString


def _role_page_parts(slug: str) -> RolePageParts:
    # A fixed number of queries however many tasks, skills, tools, titles and partners.
    role = get_object_or_404(
        Role.objects.prefetch_related(
            Prefetch("role_tasks", queryset=RoleTask.objects.select_related("task__area")),
            Prefetch("role_skills", queryset=RoleSkill.objects.select_related("skill", "level")),
            Prefetch("tools", queryset=Tool.objects.select_related("area")),
            "works_with",
            "alternate_titles",
        ),
        slug=slug,
    )
    levels = list(ProficiencyLevel.objects.all())
    # A bar's length is the level's place on the scale, so gaps in the ranks cannot overrun it.
    place = {level.pk: number for number, level in enumerate(levels, start=1)}
    role_skills = list(role.role_skills.all())
    skill_chart = ""
    if role_skills:
        skill_chart = skill_profile_svg(
            bars=[
                ChartBar(label=rs.skill.name, rank=place[rs.level_id], note=rs.level.name)
                for rs in role_skills
            ],
            levels=[level.name for level in levels],
            title=f"Skill profile: {role.name}",
        )
    context = {
        "role": role,
        "task_groups": _group_by_area(role.role_tasks.all(), lambda rt: rt.task.area),
        "role_skills": role_skills,
        "levels": levels,
        "skill_chart": skill_chart,
        "tool_groups": _group_by_area(role.tools.all(), lambda tool: tool.area),
        "works_with": list(role.works_with.all()),
        "alternate_titles": list(role.alternate_titles.all()),
        # The notice O*NET's licence asks for wherever its data is shown.
        "onet_attribution": ONET_ATTRIBUTION if role.source.startswith("O*NET") else "",
    }
    return RolePageParts(
        name=role.name,
        slug=role.slug,
        facts=render_to_string("roles/_role_facts.html", context),
        aside=render_to_string("roles/_role_aside.html", context),
        sections=render_to_string("roles/_role_sections.html", context),
    )


@login_required
def role_detail(request: HttpRequest, slug: str) -> HttpResponse:
    # The URL's slug pattern ([-a-zA-Z0-9_]) is safe in any cache's keys.
    key = f"roles:page:{ROLE_PAGE_VERSION}:{CatalogVersion.objects.current()}:{slug}"
    parts = cache.get(key)
    if parts is None:
        parts = _role_page_parts(slug)
        cache.set(key, parts, ROLE_PAGE_TIMEOUT)
    # What depends on who asks (the start button and its CSRF token) is rendered every time.
    return render(request, "roles/role_detail.html", {"parts": parts})
