"""The O*NET import: mapping rules, what it writes, reruns, updates and malformed files.

The sample release in onet_samples/ holds four occupations in the exact O*NET text layout;
tests copy it to tmp_path and edit the copy.
"""

import re
import shutil
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
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
from roles.onet import (
    ONET_SOURCE,
    TASK_AREA_KEYWORDS,
    TOOL_AREA_KEYWORDS,
    importance_for,
    is_onet_source,
    level_rank_for,
    skill_category_for,
    task_area_for,
    tool_area_for,
)

SAMPLES = Path(__file__).parent / "onet_samples"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "onet-import.md"
MODELS = [TaskArea, ProficiencyLevel, Skill, Role, AlternateTitle, Task, RoleTask, RoleSkill, Tool]
CODES = {
    "15-1211.00": "Computer Systems Analysts",
    "15-1252.00": "Software Developers",
    "15-2051.00": "Data Scientists",
    "43-9021.00": "Data Entry Keyers",
}


def snapshot() -> dict:
    rows = {model.__name__: sorted(model.objects.values_list()) for model in MODELS}
    rows["tool links"] = sorted(Tool.roles.through.objects.values_list("tool", "role"))
    rows["area links"] = sorted(Role.task_areas.through.objects.values_list("role", "taskarea"))
    rows["history"] = [model.history.count() for model in MODELS]
    return rows


@pytest.fixture
def release(tmp_path: Path) -> Path:
    folder = tmp_path / "db_30_0_text"
    shutil.copytree(SAMPLES, folder)
    return folder


def run(folder: Path, *args: str, **options) -> str:
    out = StringIO()
    call_command("import_onet", str(folder), *args, stdout=out, **options)
    return out.getvalue()


def edit(folder: Path, name: str, old: str, new: str, count: int = 1) -> None:
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= count, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def line_of(folder: Path, name: str, fragment: str) -> int:
    lines = (folder / name).read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, start=1) if fragment in line)


def link(role: str, skill: str) -> RoleSkill | None:
    return RoleSkill.objects.filter(role__name=role, skill__name=skill).first()


# --- Mapping rules -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "steps", "rank"),
    [
        ("0", 5, 1),  # the bottom of O*NET's scale is still our first step
        ("1.40", 5, 1),  # 1.4 / 7 * 5 = 1 exactly
        ("1.41", 5, 2),
        ("4.20", 5, 3),  # exactly 3: no float rounding up to 4
        ("4.21", 5, 4),
        ("5.75", 5, 5),
        ("7", 5, 5),
        ("2.33", 3, 1),  # the same formula on a three-step scale: bands of 7 / 3
        ("2.34", 3, 2),
        ("4.67", 3, 3),
        ("6.00", 1, 1),  # a one-step scale
        ("2.00", 7, 2),  # seven steps: rank = ceil(LV)
    ],
)
def test_level_maps_onto_any_number_of_steps(level: str, steps: int, rank: int):
    assert level_rank_for(Decimal(level), steps) == rank


@pytest.mark.parametrize(
    ("value", "importance"),
    [
        ("5", "required"),
        ("3.50", "required"),
        ("3.49", "nice_to_have"),
        ("2.50", "nice_to_have"),
        ("2.49", None),
        ("1", None),
    ],
)
def test_importance_thresholds(value: str, importance: str | None):
    assert importance_for(Decimal(value)) == importance


@pytest.mark.parametrize(
    ("name", "category"),
    [
        ("Speaking", "communication"),
        ("Active Listening", "communication"),
        ("writing", "communication"),
        ("Negotiation", "business"),
        ("Management of Financial Resources", "business"),
        ("Time Management", "business"),
        ("Programming", "technical"),
        ("Critical Thinking", "technical"),
        ("A skill O*NET adds later", "technical"),
    ],
)
def test_skill_categories(name: str, category: str):
    assert skill_category_for(name) == category


@pytest.mark.parametrize(
    ("text", "area"),
    [
        ("Clean and manipulate raw data using statistical software.", "data-engineering"),
        (
            "Compile, sort, and verify the accuracy of data before it is entered.",
            "data-engineering",
        ),
        (
            "Test, validate, and reformulate models to ensure accurate prediction of outcomes.",
            "modeling",
        ),
        ("Deploy new releases to production environments.", "deployment"),
        ("Confer with clients regarding their requirements.", "business-analysis"),
        ("Maintain network security and server backups.", "ai-infrastructure"),
        ("Store completed documents in appropriate locations.", "business-analysis"),  # default
        ("Store data on the system.", "data-engineering"),  # a tie: the earlier area wins
    ],
)
def test_task_area_heuristic(text: str, area: str):
    assert task_area_for(text) == area


@pytest.mark.parametrize(
    ("commodity", "area"),
    [
        ("Data base management system software", "data-engineering"),
        ("Analytical or scientific software", "modeling"),
        ("Object or component oriented development software", "deployment"),
        ("Spreadsheet software", "business-analysis"),
        ("Business intelligence and data analysis software", "business-analysis"),
        ("Operating system software", "ai-infrastructure"),
        ("Desktop computers", "ai-infrastructure"),
        ("Photocopiers", "ai-infrastructure"),  # default
    ],
)
def test_tool_area_heuristic(commodity: str, area: str):
    assert tool_area_for(commodity) == area


def test_onet_source_of_any_release_marks_ownership():
    assert is_onet_source(ONET_SOURCE)
    assert is_onet_source(ONET_SOURCE.replace("30.0", "31.1"))
    assert not is_onet_source(ONET_SOURCE + "; edited by staff")
    assert not is_onet_source('Workera, "AI Career Pathways"')
    assert len(ONET_SOURCE) <= Role._meta.get_field("source").max_length
    assert "CC BY 4.0" in ONET_SOURCE


def test_docs_list_every_keyword():
    docs = DOCS.read_text(encoding="utf-8")
    for keywords in (TASK_AREA_KEYWORDS, TOOL_AREA_KEYWORDS):
        for area, stems in keywords.items():
            assert area in docs
            for stem in stems:
                assert f"`{stem}`" in docs, stem


# --- What an import writes -----------------------------------------------------------------------


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


def test_shows_progress_summary_and_attribution(catalog, release):
    out = run(release)
    lines = out.splitlines()
    assert lines[:4] == [
        "[1/4] 15-1211.00 Computer Systems Analysts",
        "[2/4] 15-1252.00 Software Developers",
        "[3/4] 15-2051.00 Data Scientists",
        "[4/4] 43-9021.00 Data Entry Keyers",
    ]
    assert ONET_SOURCE in out
    assert re.search(r"Imported in [\d.]+ s: 4 occupations: roles 4 created; ", lines[-1])
    assert "role skills" in lines[-1]
    quiet = run(release, "--quiet")
    assert "[1/4]" not in quiet
    assert "roles 0 created, 4 kept" in quiet
    assert run(release, verbosity=0) == ""


def test_missing_optional_files_are_noted(catalog, release):
    (release / "Technology Skills.txt").unlink()
    (release / "Tools Used.txt").unlink()
    out = run(release)
    assert "Note: Technology Skills.txt not found" in out
    assert "Note: Tools Used.txt not found" in out
    assert Role.objects.filter(onet_code__in=CODES).count() == 4
    assert not Tool.objects.filter(roles__onet_code__in=CODES).exists()


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


# --- Reruns and updates --------------------------------------------------------------------------


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


def test_imported_roles_mirror_onet_unless_staff_take_them_over(catalog, release):
    run(release)
    analysts = Role.objects.get(onet_code="15-1211.00")
    analysts.summary = "Edited by staff"
    analysts.save()
    AlternateTitle.objects.create(role=analysts, title="Platform analyst")
    keyers = Role.objects.get(onet_code="43-9021.00")
    keyers.summary = "Kept by staff"
    keyers.source = ONET_SOURCE + "; edited by staff"
    keyers.save()
    keyers.alternate_titles.filter(title="Clerk Typist").delete()

    run(release)
    analysts.refresh_from_db()
    keyers.refresh_from_db()
    assert analysts.summary.startswith("Analyze science, engineering")  # owned: reset to O*NET
    assert not analysts.alternate_titles.filter(title="Platform analyst").exists()
    assert keyers.summary == "Kept by staff"  # taken over: left alone
    assert not keyers.alternate_titles.filter(title="Clerk Typist").exists()


def test_links_a_staff_role_of_the_same_name(catalog, release):
    role = Role.objects.create(
        name="software developers", slug="devs", summary="Ours", source="Staff"
    )
    run(release)
    role.refresh_from_db()
    assert role.onet_code == "15-1252.00"
    assert (role.name, role.summary, role.source) == ("software developers", "Ours", "Staff")
    assert not role.alternate_titles.exists()
    assert Role.objects.filter(name__iexact="software developers").count() == 1


def test_new_slug_avoids_a_taken_one(catalog, release):
    Role.objects.create(name="Developers", slug="software-developers", summary="Other")
    run(release)
    assert Role.objects.get(onet_code="15-1252.00").slug == "software-developers-15-1252-00"


# --- Malformed releases --------------------------------------------------------------------------


# fmt: off
MALFORMED = [
    # (file, old text, new text, message fragment)
    ("Skills.txt", "\tN\tn/a\t08/2023\tAnalyst\n", "\tN\tn/a\t08/2023\n",
     "14 columns, expected 15"),
    ("Alternate Titles.txt", "15-2051.00\tData Scientists\tData Scientist\t",
     "15-2051\tData Scientists\tData Scientist\t", "bad O*NET-SOC code '15-2051'"),
    ("Skills.txt", "Persuasion\tIM\tImportance\t3.12", "Persuasion\tIM\tImportance\tthree",
     "Data Value 'three' is not a number"),
    ("Skills.txt", "Persuasion\tIM\tImportance\t3.12", "Persuasion\tIM\tImportance\tNaN",
     "Data Value 'NaN' is not a number"),
    ("Skills.txt", "Persuasion\tIM\tImportance", "Persuasion\tXX\tImportance",
     "Scale ID 'XX' is not IM or LV"),
    ("Skills.txt", "Persuasion\tLV\tLevel\t3.00", "Persuasion\tLV\tLevel\t7.50",
     "Data Value 7.50 is outside 0-7 for LV"),
    ("Skills.txt", "Persuasion\tLV\tLevel\t3.00", "Persuasion\tIM\tLevel\t3.00",
     "second IM rating of Persuasion"),
    ("Alternate Titles.txt", "15-2051.00\tData Scientists\tData Scientist\t",
     "15-2099.00\tData Scientists\tData Scientist\t", "unknown occupation 15-2099.00"),
    ("Task Statements.txt", "15-1252.00\tSoftware Developers\t16987",
     "15-1252.00\tSoftware Engineers\t16987", "title 'Software Engineers' of 15-1252.00 differs"),
    ("Task Statements.txt", "cost constraints.\tCore", "cost constraints.\tOptional",
     "Task Type 'Optional' is not Core or Supplemental"),
    ("Technology Skills.txt", "Microsoft Word\t43232104", "Microsoft Word\t4323210X",
     "Commodity Code '4323210X' is not 8 digits"),
    ("Technology Skills.txt", "Word processing software\tY\tY", "Word processing software\tYes\tY",
     "Hot Technology 'Yes' is not Y or N"),
    ("Tools Used.txt", "Ten key calculators\t44101807\tCalculators",
     "Ten key calculators\t44101807\t", "empty 'Commodity Title'"),
    ("Occupation Data.txt", "43-9021.00\tData Entry Keyers",
     "15-1252.00\tData Entry Keyers", "occupation 15-1252.00 listed twice"),
]
# fmt: on


@pytest.mark.parametrize(
    ("name", "old", "new", "message"), MALFORMED, ids=[case[3] for case in MALFORMED]
)
def test_malformed_line_is_named_and_nothing_loads(catalog, release, name, old, new, message):
    edit(release, name, old, new)
    number = line_of(release, name, new.strip("\n") or old)
    before = snapshot()
    with pytest.raises(CommandError) as error:
        run(release)
    assert f"{name} line {number}: {message}" in str(error.value)
    assert "nothing changed" in str(error.value)
    assert snapshot() == before
    assert not Role.objects.filter(onet_code__in=CODES).exists()


def test_header_is_checked_exactly(catalog, release):
    edit(release, "Task Statements.txt", "Task Type\t", "Type\t")
    with pytest.raises(CommandError, match=r"Task Statements.txt line 1: header is not the O\*NET"):
        run(release)
    assert not Role.objects.filter(onet_code__in=CODES).exists()


def test_lone_rating_is_refused(catalog, release):
    lines = (release / "Skills.txt").read_text(encoding="utf-8").splitlines(keepends=True)
    number = next(i for i, line in enumerate(lines, 1) if "\tWriting\tLV\t" in line)
    del lines[number - 1]
    (release / "Skills.txt").write_text("".join(lines), encoding="utf-8")
    message = rf"Skills.txt line {number - 1}: Writing of 15-1211.00 has an IM rating but no LV"
    with pytest.raises(CommandError, match=message):
        run(release)


def test_not_utf8_is_refused(catalog, release):
    path = release / "Occupation Data.txt"
    path.write_bytes(path.read_bytes().replace(b"Keyers", b"Key\xe9rs", 1))
    with pytest.raises(CommandError, match=r"Occupation Data.txt line 5: not UTF-8"):
        run(release)


def test_missing_required_file_is_named(catalog, release):
    (release / "Skills.txt").unlink()
    with pytest.raises(CommandError, match=r"Skills.txt: missing from"):
        run(release)
    with pytest.raises(CommandError, match=r"not a folder"):
        run(release / "nowhere")


def test_conflicting_role_refuses_the_whole_import(catalog, release):
    Role.objects.create(name="Data Scientists", slug="ds", summary="x", onet_code="15-9999.00")
    before = snapshot()
    with pytest.raises(CommandError, match=r"role 'Data Scientists' has O\*NET code 15-9999.00"):
        run(release)
    assert snapshot() == before


def test_needs_the_seed_catalog(db, release):
    with pytest.raises(CommandError, match="run `manage.py load_catalog` first"):
        run(release)
    assert not Role.objects.exists()


# --- Scale ---------------------------------------------------------------------------------------


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


def test_imported_roles_show_onet_attribution_and_open_in_the_wizard(catalog, release, client):
    from jdbuilder.models import JobDescription
    from tests.factories import ManagerFactory

    run(release)
    role = Role.objects.get(onet_code="15-1252.00")
    client.force_login(ManagerFactory())
    page = client.get(role.get_absolute_url()).content.decode()
    assert "Used under the CC BY 4.0 license" in page
    found = client.get("/jd/new/", {"q": "full stack"}).content.decode()
    assert role.name in found
    response = client.post("/jd/new/", {"role": role.slug})
    jd = JobDescription.objects.get()
    assert response.url == f"/jd/{jd.public_id}/edit/"
    skills = client.get(f"/jd/{jd.public_id}/edit/skills/")
    assert skills.status_code == 200
    assert jd.choices["skills"]["items"], "the imported role's skills start the wizard"
