"""What an import writes: roles, titles, tasks, skills and tools; batches, reruns and updates."""

import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from roles.models import (
    AlternateTitle,
    ProficiencyLevel,
    Role,
    RoleSkill,
    RoleTask,
    Skill,
    Task,
    TaskArea,
    Tool,
)
from roles.onet.attribution import ONET_SOURCE
from tests.roles.onet.helpers import CODES, MODELS, edit, link, run, snapshot


def test_creates_roles_with_code_summary_and_attribution(catalog, release):
    run(release)
    roles = Role.objects.filter(onet_code__in=CODES)
    assert {role.onet_code: role.name for role in roles} == CODES
    developers = Role.objects.get(onet_code="15-1252.00")
    assert developers.slug == "software-developers"
    assert developers.source == ONET_SOURCE
    assert developers.summary.startswith("Research, design, and develop computer and network")
    assert developers.get_absolute_url() == "/roles/software-developers/"


def test_alternate_titles_deduplicated_with_short_titles(catalog, release):
    run(release)
    titles = list(
        AlternateTitle.objects.filter(role__onet_code="15-1252.00").values_list("title", flat=True)
    )
    assert titles.count("Software Engineer") == 1
    assert "Software engineer" not in titles  # same title, other case: the first spelling wins
    assert {"SDE", "Software Development Engineer (SDE)", "Full Stack Developer"} <= set(titles)
    assert len(titles) == 10  # 10 rows, one duplicate, one short title


def test_tasks_land_in_areas_and_core_is_included_by_default(catalog, release):
    run(release)
    links = {
        link.task.text: link
        for link in RoleTask.objects.filter(role__onet_code="15-2051.00").select_related("task")
    }
    assert len(links) == 8
    clean = links["Clean and manipulate raw data using statistical software."]
    assert clean.task.area.slug == "data-engineering"
    assert clean.included_by_default is True  # Core
    reformulate = links[
        "Test, validate, and reformulate models to ensure accurate prediction of outcomes of "
        "interest."
    ]
    assert reformulate.task.area.slug == "modeling"
    articles = next(link for text, link in links.items() if text.startswith("Read scientific"))
    assert articles.included_by_default is False  # Supplemental
    recommend = links["Recommend data-driven solutions to key stakeholders."]
    assert recommend.included_by_default is False  # Task Type n/a
    deploy = RoleTask.objects.get(task__text__startswith="Deploy new releases")
    assert deploy.task.area.slug == "deployment"
    # The role carries out exactly the areas of its tasks.
    role = Role.objects.get(onet_code="15-2051.00")
    assert set(role.task_areas.values_list("slug", flat=True)) == set(
        role.role_tasks.values_list("task__area__slug", flat=True)
    )


def test_skills_with_mapped_levels_and_importance(catalog, release):
    run(release)
    onet_skills = Skill.objects.filter(roles__onet_code__in=CODES).distinct()
    assert Skill.objects.filter(name="Programming", category="technical").exists()
    assert Skill.objects.get(name="Speaking").category == "communication"
    assert Skill.objects.get(name="Negotiation").category == "business"
    # The seed's "Mathematics" is reused, not duplicated.
    assert Skill.objects.filter(name__iexact="mathematics").count() == 1
    assert onet_skills.count() <= 35
    assert Skill.objects.count() == 10 + 35 - 1  # seed skills + O*NET skills - Mathematics

    expected = {
        # role, skill: (rank, importance), from IM and LV in Skills.txt
        ("Software Developers", "Programming"): (5, "required"),  # IM 4.50, LV 5.75
        ("Software Developers", "Complex Problem Solving"): (3, "required"),  # 4.00, 4.20
        ("Software Developers", "Negotiation"): (3, "nice_to_have"),  # 2.50, 2.88
        ("Data Scientists", "Mathematics"): (4, "required"),  # 4.25, 4.88
        ("Data Scientists", "Speaking"): (3, "required"),  # 3.50, 3.88
        ("Data Scientists", "Persuasion"): (3, "nice_to_have"),  # 3.12, 3.00
        ("Data Entry Keyers", "Reading Comprehension"): (3, "required"),  # 3.75, 3.25
        ("Data Entry Keyers", "Writing"): (2, "nice_to_have"),  # 3.00, 2.12
    }
    for (role, skill), (rank, importance) in expected.items():
        found = link(role, skill)
        assert (found.level.rank, found.importance) == (rank, importance), (role, skill)
    assert link("Software Developers", "Repairing") is None  # Not Relevant = Y
    assert link("Software Developers", "Equipment Selection") is None  # Recommend Suppress = Y
    assert link("Data Entry Keyers", "Programming") is None  # IM 1.25
    assert link("Data Entry Keyers", "Mathematics") is None  # IM 2.49


def test_imported_skills_keep_their_onet_element_id(catalog, release):
    run(release)
    ids = dict(Skill.objects.values_list("name", "onet_element_id"))
    assert ids["Programming"] == "2.B.3.e"
    assert ids["Speaking"] == "2.A.1.d"
    assert ids["Complex Problem Solving"] == "2.B.2.i"
    assert ids["Mathematics"] == "2.A.1.e"  # the seed's, reused
    assert ids["Communication"] == ""  # a seed skill O*NET has no element for
    # Every O*NET skill has its id; only the nine other seed skills have none.
    assert sum(1 for element in ids.values() if not element) == 9


def test_a_reused_skill_gets_an_empty_element_id_filled_in_and_keeps_its_own(catalog, release):
    staff_programming = Skill.objects.create(name="programming", slug="programming-staff")
    staff_speaking = Skill.objects.create(
        name="Speaking", slug="speaking-staff", onet_element_id="2.A.1.x"
    )
    run(release)
    staff_programming.refresh_from_db()
    staff_speaking.refresh_from_db()
    assert staff_programming.onet_element_id == "2.B.3.e"
    assert staff_programming.history.first().history_change_reason == "O*NET import"
    assert staff_speaking.onet_element_id == "2.A.1.x"  # staff's choice stands
    # Reused, not duplicated; and a second run changes nothing.
    assert Skill.objects.filter(name__iexact="programming").count() == 1
    before = snapshot()
    run(release)
    assert snapshot() == before


def test_tools_are_linked_and_reuse_catalog_tools(catalog, release):
    run(release)
    excel = Tool.objects.get(name="Microsoft Excel")
    assert excel.area.slug == "business-analysis"
    assert excel.description == "Spreadsheet software"
    assert excel.roles.count() == 4
    # Tools the seed already has are linked, whatever their case or area.
    assert Tool.objects.filter(name__iexact="python").count() == 1
    assert Tool.objects.filter(name__iexact="scikit-learn").count() == 1
    assert Tool.objects.get(name="scikit-learn").roles.filter(name="Data Scientists").exists()
    assert Tool.objects.get(name="TensorFlow").area.slug == "modeling"  # the seed's area kept
    area = dict(Tool.objects.values_list("name", "area__slug"))
    assert area["Microsoft Access"] == "data-engineering"
    assert area["SAS"] == "modeling"
    assert area["Selenium"] == "deployment"
    assert area["Intuit QuickBooks"] == "business-analysis"
    assert area["Desktop computers"] == "ai-infrastructure"  # from Tools Used
    assert area["Photocopying equipment"] == "ai-infrastructure"  # the default
    keyers = Role.objects.get(name="Data Entry Keyers")
    assert keyers.tools.count() == 5 + 5


def test_found_by_alternate_title_in_search(catalog, release):
    run(release)
    assert list(Role.objects.search("full stack").values_list("name", flat=True)) == [
        "Software Developers"
    ]
    assert "Software Developers" in Role.objects.search("SDE").values_list("name", flat=True)
    assert "Data Entry Keyers" in Role.objects.search("keypunch").values_list("name", flat=True)


def test_batches_write_the_same_rows(catalog, release):
    with transaction.atomic():
        run(release, "--batch-size", "1")
        small = snapshot()
        transaction.set_rollback(True)
    run(release, "--batch-size", "500")
    big = snapshot()
    # Primary keys differ between the two runs; compare what the rows say instead.
    assert {k: len(v) if isinstance(v, list) else v for k, v in small.items()} == {
        k: len(v) if isinstance(v, list) else v for k, v in big.items()
    }
    assert set(RoleSkill.objects.values_list("role__name", "skill__name", "level__rank")) >= {
        ("Software Developers", "Programming", 5)
    }


# --- Reruns and updates ----------------------------------------------------------------------


def test_running_twice_leaves_the_same_rows(catalog, release):
    run(release)
    first = snapshot()
    out = run(release)
    assert snapshot() == first  # rows, values, links and history alike
    assert "roles 0 created, 4 kept; alternate titles 0 created; tasks 0 created" in out


def test_updated_file_updates_rows_without_duplicates(catalog, release):
    run(release)
    developers = Role.objects.get(onet_code="15-1252.00")
    counts = {model.__name__: model.objects.count() for model in MODELS}
    edit(release, "Occupation Data.txt", "Research, design, and develop", "Design and build")
    # Programming for Software Developers: LV 5.75 (rank 5) becomes 3.00 (rank 3).
    edit(release, "Skills.txt", "Programming\tLV\tLevel\t5.75", "Programming\tLV\tLevel\t3.00")
    rollout = "production environments and monitor their rollout."
    edit(release, "Task Statements.txt", f"{rollout}\tCore", f"{rollout}\tSupplemental")

    out = run(release)
    assert {model.__name__: model.objects.count() for model in MODELS} == counts
    developers.refresh_from_db()
    assert developers.summary.startswith("Design and build computer and network")
    assert developers.slug == "software-developers"
    assert link("Software Developers", "Programming").level.rank == 3
    deploy = RoleTask.objects.get(task__text__startswith="Deploy new releases")
    assert deploy.included_by_default is False
    assert "roles 0 created, 1 updated, 3 kept" in out
    assert developers.history.first().history_change_reason == "O*NET import"


def test_dropped_rows_are_removed_from_imported_roles(catalog, release):
    run(release)
    edit(
        release,
        "Alternate Titles.txt",
        "15-2051.00\tData Scientists\tQuantitative Analyst\tn/a\t10\n",
        "",
    )
    statement = "Recommend data-driven solutions to key stakeholders."
    edit(release, "Task Statements.txt", f"\t{statement}", f"\tX{statement}")  # a new statement
    # Persuasion for Data Scientists drops below the nice-to-have threshold.
    edit(
        release,
        "Skills.txt",
        "Persuasion\tIM\tImportance\t3.12",
        "Persuasion\tIM\tImportance\t2.12",
    )
    run(release)
    scientists = Role.objects.get(onet_code="15-2051.00")
    assert not scientists.alternate_titles.filter(title="Quantitative Analyst").exists()
    assert not Task.objects.filter(text=statement).exists()  # its only role let it go
    assert scientists.role_tasks.filter(task__text="X" + statement).exists()
    assert link("Data Scientists", "Persuasion") is None


def test_dropped_rows_are_deleted_in_bulk_with_their_history(catalog, release):
    """A release that drops rows deletes them with a constant number of queries however many
    they are (not two per row, as deleting through the ORM's signals did), and each deletion
    still gets its "-" history record."""
    run(release)
    scientists = Role.objects.get(onet_code="15-2051.00")
    area = TaskArea.objects.get(slug="modeling")
    level = ProficiencyLevel.objects.order_by("rank").first()

    def add_rows_the_release_lacks(count: int, tag: str) -> None:
        AlternateTitle.objects.bulk_create(
            AlternateTitle(role=scientists, title=f"{tag} title {n}") for n in range(count)
        )
        tasks = Task.objects.bulk_create(
            Task(area=area, text=f"{tag} task {n}") for n in range(count)
        )
        RoleTask.objects.bulk_create(RoleTask(role=scientists, task=task) for task in tasks)
        skills = Skill.objects.bulk_create(
            Skill(name=f"{tag} skill {n}", slug=f"{tag}-skill-{n}", category="technical")
            for n in range(count)
        )
        RoleSkill.objects.bulk_create(
            RoleSkill(role=scientists, skill=skill, level=level) for skill in skills
        )
        tools = Tool.objects.bulk_create(
            Tool(name=f"{tag} tool {n}", area=area) for n in range(count)
        )
        Tool.roles.through.objects.bulk_create(
            Tool.roles.through(tool=tool, role=scientists) for tool in tools
        )

    def queries_of_rerun() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as captured:
            out = run(release)
        return len(captured), out

    add_rows_the_release_lacks(5, "few")
    few, few_out = queries_of_rerun()
    assert "alternate titles 0 created, 5 deleted" in few_out
    add_rows_the_release_lacks(50, "many")
    many, many_out = queries_of_rerun()
    assert "alternate titles 0 created, 50 deleted" in many_out
    assert "role tasks 0 created, 50 deleted" in many_out
    assert "role skills 0 created, 50 deleted" in many_out
    assert "tool links 0 created, 50 deleted" in many_out
    assert "tasks 0 created, 50 deleted" in many_out
    assert many == few, (few, many)

    assert not scientists.alternate_titles.filter(title__startswith="many").exists()
    assert not Task.objects.filter(text__startswith="many").exists()
    assert not scientists.role_skills.filter(skill__name__startswith="many").exists()
    assert not scientists.tools.filter(name__startswith="many").exists()
    for model, field in [(AlternateTitle, "title"), (Task, "text")]:
        gone = model.history.filter(history_type="-", **{f"{field}__startswith": "many"})
        assert gone.count() == 50, model
        assert set(gone.values_list("history_change_reason", flat=True)) == {"O*NET import"}
    dropped_links = RoleTask.history.filter(history_type="-", role_id=scientists.pk)
    assert dropped_links.count() == 55
    assert RoleSkill.history.filter(history_type="-", role_id=scientists.pk).count() == 55
    # The role's search text no longer finds a deleted title.
    assert "Data Scientists" not in Role.objects.search("many title").values_list("name", flat=True)


# --- Reference rows and scale ----------------------------------------------------------------


def test_needs_the_seed_catalog(db, release):
    with pytest.raises(CommandError, match="run `manage.py load_catalog` first"):
        run(release)
    assert not Role.objects.exists()


def test_query_count_does_not_grow_with_occupations(catalog, release, tmp_path):
    three = tmp_path / "three"
    shutil.copytree(release, three)
    for path in three.iterdir():
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        kept = [line for line in lines if not line.startswith("43-9021.00")]
        path.write_text("".join(kept), encoding="utf-8")

    def queries(folder: Path) -> int:
        with transaction.atomic(), CaptureQueriesContext(connection) as captured:
            run(folder, verbosity=0)
            transaction.set_rollback(True)
        return len(captured)

    fewer, more = queries(three), queries(release)
    assert more - fewer <= 2, (fewer, more)
    assert more < 80
