"""The wizard's steps in order: a new draft's defaults, each step posting to the next, seniority
and role changes, the whole build-leave-resume-finalize story, and what each step page offers
(the tools step's list, query counts that do not grow with the role)."""

import pytest

from jdbuilder.drafts import ToolChoice
from jdbuilder.services import save_step
from jdbuilder.vocabulary import Status
from roles.models import ProficiencyLevel, Role, RoleSkill, Task
from tests.support.wizard import page_fields, skill_rows, valid_posting, walk_to_review

pytestmark = pytest.mark.django_db


class TestStartAndSteps:
    def test_new_draft_starts_at_the_role_step_with_the_catalog_defaults(self, start):
        wizard = start()
        assert wizard.client.get(f"/jd/{wizard.jd.public_id}/edit/").url.endswith("/edit/role/")
        fields = wizard.fields("role")
        assert fields["jd_wizard-current_step"] == ["role"]
        assert fields["role-title"] == ["Software Engineer"]
        assert fields["role-seniority"] == ["mid"]
        jd = wizard.reload()
        assert jd.status == Status.DRAFT and jd.revision == 1
        assert len(jd.chosen.skills) == 9

    def test_role_step_search_finds_alternate_titles(self, start):
        wizard = start()
        html = wizard.client.get(wizard.url("role") + "?q=BI+analyst").content.decode()
        assert "Data Analyst" in html
        assert "Machine Learning Researcher" not in html

    def test_each_step_posts_to_the_next(self, start):
        wizard = start()
        for step, following in [
            ("role", "responsibilities"),
            ("responsibilities", "skills"),
            ("skills", "tools"),
            ("tools", "posting"),
        ]:
            response = wizard.submit(step)
            assert response.status_code == 302
            assert response.url == wizard.url(following)
            assert wizard.reload().current_step == following

    def test_senior_moves_levels_up_and_junior_down_within_the_scale(self, start):
        wizard = start()
        catalog = {
            rs.skill.name: rs.level.rank
            for rs in RoleSkill.objects.filter(role__slug="software-engineer").select_related(
                "skill", "level"
            )
        }
        top = ProficiencyLevel.objects.order_by("-rank").first().rank
        wizard.submit("role", {"role-seniority": "senior"})
        rows = skill_rows(wizard.fields("skills"))
        assert {name: row[0] for name, row in rows.items()} == {
            name: min(top, rank + 1) for name, rank in catalog.items()
        }
        assert rows["Algorithmic coding"][0] == top  # clipped, not 6

        wizard.submit("role", {"role-seniority": "junior"})
        rows = skill_rows(wizard.fields("skills"))
        assert {name: row[0] for name, row in rows.items()} == {
            name: max(1, rank - 1) for name, rank in catalog.items()
        }

    def test_level_descriptors_show_beside_the_choice(self, start):
        wizard = start()
        html = wizard.get("skills").content.decode()
        assert "Advanced: designs and reviews solutions without guidance" in html

    def test_changing_the_role_restarts_the_role_dependent_steps(self, start):
        wizard = start()
        analyst = Role.objects.get(slug="data-analyst")
        wizard.submit("role", {"role-role_choice": str(analyst.pk), "role-title": "Data Analyst"})
        jd = wizard.reload()
        assert jd.role == analyst
        names = set(skill_rows(wizard.fields("skills")))
        assert names == set(
            RoleSkill.objects.filter(role=analyst).values_list("skill__name", flat=True)
        )


class TestTheDoneWhenStory:
    def test_manager_builds_leaves_resumes_and_finalizes(self, start, manager_client, client):
        wizard = start()
        se = Role.objects.get(slug="software-engineer")
        wizard.submit(
            "role",
            {
                "role-role_choice": str(se.pk),
                "role-seniority": "senior",
                "role-title": "Senior Software Engineer",
            },
        )
        # Drop a task and add one of our own.
        fields = wizard.fields("responsibilities")
        dropped = Task.objects.get(
            text="Monitor services and data pipelines, and respond to incidents"
        )
        row = next(
            key.split("-")[1]
            for key, value in fields.items()
            if key.endswith("-task") and value == [str(dropped.pk)]
        )
        fields.pop(f"responsibilities-{row}-include", None)
        custom = next(
            key.split("-")[1]
            for key, value in fields.items()
            if key.endswith("-task") and value == [""]
        )
        fields[f"responsibilities-{custom}-text"] = ["Mentor two junior engineers"]
        assert wizard.submit("responsibilities", fields=fields).status_code == 302

        # Raise one skill to the top of the scale.
        top = ProficiencyLevel.objects.order_by("-rank").first()
        rows = skill_rows(wizard.fields("skills"))
        index = rows["Communication"][3]
        assert wizard.submit("skills", {f"skills-{index}-level": str(top.rank)}).status_code == 302
        assert wizard.reload().current_step == "tools"

        # The tab closes on the tools step; the draft is in "My job descriptions".
        listing = manager_client.get("/jd/").content.decode()
        assert "Senior Software Engineer" in listing and "Tools" in listing
        resume = manager_client.get(f"/jd/{wizard.jd.public_id}/edit/")
        assert resume.url == wizard.url("tools")

        wizard.submit("tools")
        wizard.submit("posting", valid_posting())
        review = wizard.shown("review")
        assert "Mentor two junior engineers" in review
        assert dropped.text not in review
        assert "150,000 to 190,000 USD a year" in review
        response = wizard.submit("review")
        assert response.status_code == 302
        assert response.url == f"/jd/{wizard.jd.public_id}/"

        jd = wizard.reload()
        assert jd.status == Status.FINAL
        revision = jd.revisions.get()
        snapshot = revision.snapshot
        assert snapshot["title"] == "Senior Software Engineer"
        texts = [item["text"] for item in snapshot["responsibilities"]]
        assert "Mentor two junior engineers" in texts and dropped.text not in texts
        communication = next(s for s in snapshot["skills"] if s["name"] == "Communication")
        assert communication["level_name"] == top.name

        page = manager_client.get(response.url).content.decode()
        assert "Final, revision 1" in page and "Mentor two junior engineers" in page
        assert "<svg" in page

    def test_a_finalized_jd_keeps_its_texts_when_the_catalog_changes(self, start, manager_client):
        wizard = start()
        walk_to_review(wizard)
        wizard.submit("review")
        task = Task.objects.get(
            text="Build and run the compute, storage and data platforms the team relies on"
        )
        task.text = "Renamed in the catalog"
        task.save()
        level = ProficiencyLevel.objects.get(rank=5)
        level.name = "Grandmaster"
        level.save()
        page = manager_client.get(f"/jd/{wizard.jd.public_id}/").content.decode()
        assert "Build and run the compute, storage and data platforms" in page
        assert "Renamed in the catalog" not in page
        assert "Grandmaster" not in page
        assert wizard.reload().role.slug == "software-engineer"


def test_page_fields_reads_checked_boxes_and_selected_options():
    html = (
        '<form class="wizard-form"><input name="a" value="1"><input type="checkbox" name="b">'
        '<input type="checkbox" name="c" checked><select name="d"><option value="x">'
        '<option value="y" selected></select><textarea name="e">\nhi</textarea></form>'
    )
    assert page_fields(html) == {"a": ["1"], "c": ["on"], "d": ["y"], "e": ["hi"]}


def test_step_pages_keep_their_query_count_as_the_role_grows(start):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import (
        RoleSkillFactory,
        RoleTaskFactory,
        SkillFactory,
        TaskFactory,
        ToolFactory,
    )

    wizard = start("data-analyst")
    steps = ["role", "responsibilities", "skills", "tools", "posting", "review"]

    def counts():
        result = {}
        for step in steps:
            with CaptureQueriesContext(connection) as queries:
                wizard.get(step)
            result[step] = len(queries)
        return result

    before = counts()
    role = wizard.jd.role
    level = ProficiencyLevel.objects.get(rank=3)
    area = role.task_areas.first()
    for n in range(8):
        RoleTaskFactory(role=role, task=TaskFactory(area=area, text=f"Extra task {n}"))
        RoleSkillFactory(role=role, skill=SkillFactory(), level=level)
        ToolFactory(area=area).roles.add(role)
    # A fresh draft picks the bigger role up in its defaults.
    wizard = start("data-analyst")
    assert len(wizard.jd.chosen.skills) == 7 + 8
    assert counts() == before


def test_tools_step_offers_the_roles_tools_and_a_short_list_of_others(start):
    from jdbuilder.catalog import OTHER_TOOLS_PER_AREA
    from roles.models import TaskArea, Tool
    from tests.factories import ToolFactory

    wizard = start("data-analyst")
    role = wizard.jd.role
    area = role.task_areas.order_by("position").first()
    outside = TaskArea.objects.exclude(roles=role).first()
    many = ToolFactory.create_batch(OTHER_TOOLS_PER_AREA + 15, area=area)
    popular = many[-1]
    popular.roles.add(*Role.objects.exclude(pk=role.pk)[:3])
    far_away = ToolFactory(area=outside, name="Far-away tool")

    offered = {int(v) for v in page_tool_ids(wizard.get("tools").content.decode())}
    own = set(role.tools.values_list("pk", flat=True))
    assert own <= offered
    others_in_area = set(
        Tool.objects.filter(area=area).exclude(roles=role).values_list("pk", flat=True)
    )
    assert len(offered & others_in_area) == OTHER_TOOLS_PER_AREA < len(others_in_area)
    assert popular.pk in offered  # the most used first
    assert far_away.pk not in offered

    # Only offered tools can be ticked ...
    tick = {"tools-tools": [str(t) for t in own] + [str(far_away.pk)]}
    assert "Choose tools from the catalog." in wizard.submit("tools", tick).content.decode()
    # ... but a tool chosen earlier (say, in the JD this one was copied from) stays offered.
    jd = wizard.reload()
    earlier = ToolChoice(tool=far_away.pk, name=far_away.name, area=outside.pk)
    save_step(
        job_description=jd,
        step="tools",
        value=(*jd.chosen.tools, earlier),
        expected_version=jd.lock_version,
        next_step="tools",
    )
    assert str(far_away.pk) in wizard.fields("tools")["tools-tools"]
    assert wizard.submit("tools", tick).status_code == 302
    assert far_away.pk in wizard.reload().chosen.tool_ids


def page_tool_ids(html):
    import re

    return re.findall(r'name="tools-tools" value="(\d+)"', html)
