"""Every page keeps its query count when the catalog and the number of JDs grow.

Each page is measured twice: on the seed catalog with one JD, then after adding roles (with
titles, tasks, skills and tools) and JDs of other managers. The counts must be equal.
"""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from roles.models import ProficiencyLevel, TaskArea
from tests.factories import (
    AlternateTitleFactory,
    DraftFactory,
    ManagerFactory,
    RecruiterFactory,
    RoleFactory,
    RoleSkillFactory,
    RoleTaskFactory,
    SkillFactory,
    StaffFactory,
    TaskFactory,
    ToolFactory,
)

pytestmark = pytest.mark.django_db


def grow_catalog(roles: int, jds: int, make_final_jd) -> None:
    areas = list(TaskArea.objects.all())
    level = ProficiencyLevel.objects.get(rank=3)
    for n in range(roles):
        role = RoleFactory()
        role.task_areas.set(areas[:3])
        AlternateTitleFactory.create_batch(3, role=role)
        for area in areas[:3]:
            RoleTaskFactory(role=role, task=TaskFactory(area=area))
            ToolFactory(area=area).roles.add(role)
        RoleSkillFactory(role=role, skill=SkillFactory(), level=level)
        del n
    other = ManagerFactory()
    for n in range(jds):
        make_final_jd(other, title=f"Other opening {n}")


def count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)


@pytest.fixture
def pages(catalog, make_final_jd):
    manager, recruiter, staff = ManagerFactory(), RecruiterFactory(), StaffFactory()
    final = make_final_jd(manager, title="Platform Engineer")
    draft = DraftFactory(owner=manager)
    as_manager, as_recruiter, as_staff = Client(), Client(), Client()
    as_manager.force_login(manager)
    as_recruiter.force_login(recruiter)
    as_staff.force_login(staff)
    steps = ["role", "responsibilities", "skills", "tools", "posting", "review"]
    return [
        (as_manager, "/roles/"),
        (as_manager, "/roles/?q=engineer"),
        (as_manager, "/roles/software-engineer/"),
        (as_manager, "/jd/"),
        (as_manager, "/jd/new/?q=engineer"),
        (as_manager, f"/jd/{final.public_id}/"),
        (as_manager, f"/jd/{final.public_id}/revisions/1/"),
        *[(as_manager, f"/jd/{draft.public_id}/edit/{step}/") for step in steps],
        (as_recruiter, "/library/"),
        (as_recruiter, "/library/?q=engineer&sort=title"),
        (as_recruiter, "/exports/"),
        (as_staff, "/admin/roles/role/"),
        (as_staff, "/admin/roles/task/"),
        (as_staff, "/admin/roles/tool/"),
        (as_staff, "/admin/roles/alternatetitle/"),
        (as_staff, "/admin/roles/roleskill/"),
    ]


def test_no_page_grows_with_the_catalog_or_the_number_of_jds(pages, make_final_jd):
    small = {url: count(client, url) for client, url in pages}
    grow_catalog(roles=25, jds=12, make_final_jd=make_final_jd)
    large = {url: count(client, url) for client, url in pages}
    grown = {url: (small[url], large[url]) for url in small if small[url] != large[url]}
    assert not grown, f"query counts grew (small, large): {grown}"
