import pytest
from django.utils import timezone

from jdbuilder.drafts import ToolChoice
from jdbuilder.models import JobDescription
from jdbuilder.services import save_step
from jdbuilder.vocabulary import Status
from roles.models import ProficiencyLevel, Role, RoleSkill, Task
from tests.support.wizard import (
    WizardDriver,
    page_fields,
    skill_rows,
    valid_posting,
    walk_to_review,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def start(manager_client, catalog):
    def start(slug="software-engineer", client=None):
        client = client or manager_client
        response = client.post("/jd/new/", {"role": slug})
        assert response.status_code == 302
        jd = JobDescription.objects.latest("pk")
        assert response.url == f"/jd/{jd.public_id}/edit/"
        return WizardDriver(client, jd)

    return start


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
        assert len(jd.choices["skills"]["items"]) == 9

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
        review = wizard.get("review").content.decode()
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


class TestDraftsAreNeverLost:
    def test_going_back_keeps_what_was_typed_even_if_not_yet_valid(self, start):
        wizard = start()
        for step in ("role", "responsibilities", "skills", "tools"):
            wizard.submit(step)
        response = wizard.submit(
            "posting",
            valid_posting(
                **{
                    "posting-company_name": "Half-typed Inc",
                    "posting-salary_min": "900",
                    "posting-salary_max": "100",
                }
            ),
            goto="tools",
        )
        assert response.status_code == 302 and response.url == wizard.url("tools")
        fields = wizard.fields("posting")
        assert fields["posting-company_name"] == ["Half-typed Inc"]
        assert fields["posting-salary_min"] == ["900"]

    def test_step_links_keep_the_current_step_too(self, start):
        wizard = start()
        wizard.submit("role", {"role-title": "Platform Engineer"}, goto="skills")
        assert wizard.reload().title == "Platform Engineer"
        assert wizard.fields("role")["role-title"] == ["Platform Engineer"]

    def test_an_invalid_next_changes_nothing_saved(self, start):
        wizard = start()
        walk_to_review(wizard)
        before = wizard.reload()
        saved = (before.choices, before.pending_input, before.lock_version)
        response = wizard.submit("posting", valid_posting(**{"posting-salary_currency": "XYZ"}))
        assert response.status_code == 200
        after = wizard.reload()
        assert (after.choices, after.pending_input, after.lock_version) == saved

    def test_two_tabs_on_two_drafts_never_mix(self, start):
        first, second = start(), start("data-analyst")
        # Interleave: tab one opens the role step, tab two saves its own, tab one saves.
        fields_one = first.fields("role")
        second.submit("role", {"role-title": "Analyst, tab two"})
        first.submit("role", {"role-title": "Engineer, tab one"}, fields=fields_one)
        assert first.reload().title == "Engineer, tab one"
        assert second.reload().title == "Analyst, tab two"
        assert first.jd.role.slug == "software-engineer"
        assert second.jd.role.slug == "data-analyst"
        assert first.fields("role")["role-title"] == ["Engineer, tab one"]
        assert second.fields("role")["role-title"] == ["Analyst, tab two"]

    def test_two_tabs_on_one_draft_never_silently_overwrite(self, start):
        wizard = start()
        tab_one = wizard.fields("role")
        tab_two = wizard.fields("role")
        assert (
            wizard.submit("role", {"role-title": "From tab two"}, fields=tab_two).status_code == 302
        )
        response = wizard.submit("role", {"role-title": "From tab one"}, fields=tab_one)
        assert response.status_code == 409
        assert "changed in another tab" in response.content.decode()
        assert wizard.reload().title == "From tab two"

    def test_a_race_between_two_servers_is_settled_by_the_version(self, start):
        wizard = start()
        jd_a = JobDescription.objects.get(pk=wizard.jd.pk)
        jd_b = JobDescription.objects.get(pk=wizard.jd.pk)
        jd_a.title, jd_b.title = "A", "B"
        assert jd_a.save_draft(expected_version=jd_a.lock_version)
        assert not jd_b.save_draft(expected_version=jd_b.lock_version)
        assert wizard.reload().title == "A"


class TestTampering:
    def test_unknown_step_names(self, start):
        wizard = start()
        assert wizard.client.get(wizard.url("nope")).status_code == 404
        assert wizard.client.get(wizard.url("finished")).status_code == 404
        fields = wizard.fields("role")
        assert wizard.client.post(wizard.url("nope"), fields).status_code == 400
        assert wizard.submit("role", goto="nope").status_code == 400

    def test_missing_or_mismatched_management_form(self, start):
        wizard = start()
        assert wizard.submit("role", drop=["jd_wizard-current_step"]).status_code == 400
        assert wizard.submit("role", {"jd_wizard-current_step": "skills"}).status_code == 400
        assert wizard.submit("role", {"jd_wizard-current_step": "bogus"}).status_code == 400

    def test_missing_formset_management_form_is_a_form_error(self, start):
        wizard = start()
        response = wizard.submit("skills", drop=["skills-TOTAL_FORMS"])
        assert response.status_code == 200
        assert "ManagementForm data is missing" in response.content.decode()

    def test_huge_total_forms_is_refused(self, start):
        wizard = start()
        response = wizard.submit("responsibilities", {"responsibilities-TOTAL_FORMS": "100000"})
        assert response.status_code == 200
        assert wizard.reload().current_step == "role"

    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            ({"role-role_choice": "999999"}, "Choose a role from the catalog."),
            ({"role-role_choice": "not-a-number"}, "Choose a role from the catalog."),
            ({"role-seniority": "emperor"}, "Select a valid choice"),
            ({"role-title": "x" * 151}, "at most 150 characters"),
        ],
    )
    def test_role_step(self, start, changes, message):
        wizard = start()
        response = wizard.submit("role", changes)
        assert response.status_code == 200
        assert message in response.content.decode()

    def test_a_task_of_another_role_is_refused(self, start):
        wizard = start()
        foreign = Task.objects.exclude(roles__slug="software-engineer").first()
        response = wizard.submit("responsibilities", {"responsibilities-0-task": str(foreign.pk)})
        assert response.status_code == 200
        assert "not one of this role&#x27;s tasks" in response.content.decode()

    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            ({"skills-0-skill": "999999"}, "Choose a skill from the catalog."),
            ({"skills-0-level": "9"}, "Choose a level on the proficiency scale."),
            ({"skills-0-level": "0"}, "Choose a level on the proficiency scale."),
            ({"skills-0-importance": "mandatory"}, "Select a valid choice"),
        ],
    )
    def test_skills_step(self, start, changes, message):
        wizard = start()
        response = wizard.submit("skills", changes)
        assert response.status_code == 200
        assert message in response.content.decode()

    def test_the_same_skill_twice_is_refused(self, start):
        wizard = start()
        fields = wizard.fields("skills")
        response = wizard.submit(
            "skills", {"skills-1-skill": fields["skills-0-skill"][0]}, fields=fields
        )
        assert "Each skill can appear only once." in response.content.decode()

    def test_an_unknown_tool_is_refused(self, start):
        wizard = start()
        response = wizard.submit("tools", {"tools-tools": ["999999"]})
        assert response.status_code == 200
        assert "Choose tools from the catalog." in response.content.decode()


class TestValidation:
    def posting(self, start, **overrides):
        wizard = start()
        return wizard.submit("posting", valid_posting(**overrides)).content.decode()

    def test_salary_minimum_not_above_maximum(self, start):
        html = self.posting(
            start, **{"posting-salary_min": "200000", "posting-salary_max": "100000"}
        )
        assert "The maximum must not be below the minimum." in html

    def test_both_ends_of_the_range_or_neither(self, start):
        html = self.posting(start, **{"posting-salary_max": ""})
        assert "Give both ends of the salary range, or neither." in html

    def test_currency_must_be_iso_4217(self, start):
        assert "ISO 4217" in self.posting(start, **{"posting-salary_currency": "DOLLARS"})
        assert "ISO 4217" in self.posting(start, **{"posting-salary_currency": "XYZ"})

    def test_currency_is_normalised(self, start):
        wizard = start()
        assert wizard.submit("posting", valid_posting()).status_code == 302
        assert wizard.reload().choices["posting"]["salary_currency"] == "USD"

    def test_closing_date_in_the_future(self, start):
        html = self.posting(start, **{"posting-closing_date": timezone.localdate().isoformat()})
        assert "The closing date must be in the future." in html

    def test_lengths_are_capped(self, start):
        html = self.posting(start, **{"posting-about_company": "x" * 2001})
        assert "at most 2000 characters" in html

    def test_benefits_are_capped_at_twenty_lines(self, start):
        html = self.posting(start, **{"posting-benefits": "\n".join("x" * 21)})
        assert "Use at most 20 benefits, one per line." in html
        html = self.posting(start, **{"posting-about_company": "\n".join("z" * 31)})
        assert "Use at most 30 lines." in html
        wizard = start()
        ok = wizard.submit("posting", valid_posting(**{"posting-benefits": "\n".join("y" * 20)}))
        assert ok.status_code == 302

    def test_remote_needs_applicant_location(self, start):
        html = self.posting(start, **{"posting-workplace_type": "remote"})
        assert "Say where remote applicants may live." in html

    def test_at_least_one_responsibility(self, start):
        wizard = start()
        fields = {
            k: v for k, v in wizard.fields("responsibilities").items() if not k.endswith("-include")
        }
        response = wizard.submit("responsibilities", fields=fields)
        assert "Keep at least one responsibility." in response.content.decode()

    def test_added_responsibilities_are_capped(self, start):
        wizard = start()
        fields = wizard.fields("responsibilities")
        total = int(fields["responsibilities-TOTAL_FORMS"][0])
        area = fields["responsibilities-0-area"][0]
        for index in range(total, total + 11):
            fields[f"responsibilities-{index}-task"] = [""]
            fields[f"responsibilities-{index}-text"] = [f"Own duty {index}"]
            fields[f"responsibilities-{index}-area"] = [area]
        fields["responsibilities-TOTAL_FORMS"] = [str(total + 11)]
        response = wizard.submit("responsibilities", fields=fields)
        assert "Add at most 10 responsibilities of your own." in response.content.decode()

    def test_added_tools_are_capped(self, start):
        wizard = start()
        names = "\n".join(f"Tool {n}" for n in range(11))
        response = wizard.submit("tools", {"tools-other_tools": names})
        assert "List at most 10 other tools." in response.content.decode()

    def test_finalizing_with_an_unfinished_step_sends_you_there(self, start):
        wizard = start()
        wizard.submit("role")
        wizard.client.get(wizard.url("review"))
        response = wizard.submit("review")
        assert response.status_code == 302
        assert response.url == wizard.url("responsibilities")
        assert wizard.reload().status == Status.DRAFT


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
    assert len(wizard.jd.choices["skills"]["items"]) == 7 + 8
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


def test_drafts_keep_no_csrf_token_or_version_in_their_step_data(start):
    wizard = start()
    # Left before it was valid: what was typed is kept, but only the step's own fields.
    wizard.submit("role", {"role-title": ""}, goto="skills")
    wizard.submit("skills", {"skills-0-level": "0"}, goto="tools")
    pending = wizard.reload().pending_input
    for step in ("role", "skills"):
        assert "csrfmiddlewaretoken" not in pending[step]
        assert "jd_version" not in pending[step]
        assert "wizard_goto_step" not in pending[step]
        assert all(key.startswith(f"{step}-") for key in pending[step])


def test_a_valid_save_keeps_one_copy_of_the_step(start):
    """The choices hold a saved step; nothing else keeps a second copy of it."""
    wizard = start()
    wizard.submit("skills", {"skills-0-level": "0"}, goto="tools")
    assert "skills" in wizard.reload().pending_input
    wizard.submit("skills")
    jd = wizard.reload()
    assert jd.pending_input == {}
    assert jd.chosen.is_saved("skills") and jd.current_step == "tools"
