"""jdbuilder/snapshots.py: the snapshot written from choices and catalog rows, and read back.

Catalog rows are unsaved model instances: writing and reading a snapshot touch no database.
"""

from functools import reduce

from jdbuilder.drafts import DraftChoices, Posting, Responsibility, SkillChoice, ToolChoice
from jdbuilder.snapshots import (
    NO_AREA_POSITION,
    SNAPSHOT_SCHEMA,
    SnapshotPath,
    read_snapshot,
    summarize,
    write_snapshot,
)
from roles.models import ProficiencyLevel, Role, Skill, TaskArea, Tool

BUILD = TaskArea(pk=1, name="Build", slug="build", position=1)
RUN = TaskArea(pk=2, name="Run", slug="run", position=2)
LEVELS = [
    ProficiencyLevel(pk=n, rank=n, name=name, descriptor=f"{name.lower()} work")
    for n, name in enumerate(["Beginning", "Developing", "Advanced"], start=1)
]
PYTHON = Skill(pk=7, name="Python", slug="python", category="technical")
DOCKER = Tool(pk=11, name="Docker", area=RUN)
ROLE = Role(name="Software Engineer", slug="software-engineer", onet_code="15-1252.00")


def snapshot(**changes) -> dict:
    chosen = DraftChoices(
        responsibilities=(
            Responsibility(task=None, text="Keep the lights on", area=2),
            Responsibility(task=4, text="Design services", area=1),
            Responsibility(task=None, text="Mentor", area=None),
        ),
        skills=(
            SkillChoice(skill=7, level=3, importance="required"),
            SkillChoice(skill=99, level=3, importance="required"),  # removed from the catalog
        ),
        tools=(ToolChoice(tool=11, name="Old name", area=2), ToolChoice(None, "Bazel", None)),
        posting=Posting(
            company_name="Acme",
            location="Denver",
            workplace_type="remote",
            employment_type="CONTRACTOR",
            salary_min="100000",
            salary_max="120000",
            benefits="- Health\n\nLeave",
            closing_date="2030-02-01",
        ),
    )
    arguments = {
        "public_id": "0b7f0c38-8d39-4c55-9a55-1b2a3c4d5e6f",
        "revision": 2,
        "title": "Platform Engineer",
        "seniority": "senior",
        "role": ROLE,
        "works_with": ["Data Analyst"],
        "chosen": chosen,
        "task_skills": {4: (7, 99)},
        "areas": {1: BUILD, 2: RUN},
        "levels": LEVELS,
        "skills": {7: PYTHON},
        "tools": {11: DOCKER},
    }
    return write_snapshot(**{**arguments, **changes})


def test_the_snapshot_copies_every_text_from_the_catalog():
    written = snapshot()
    assert written["schema"] == SNAPSHOT_SCHEMA and written["seniority_label"] == "Senior"
    assert written["role"] == {
        "name": "Software Engineer",
        "slug": "software-engineer",
        "onet_code": "15-1252.00",
        "works_with": ["Data Analyst"],
    }
    assert written["scale"] == ["Beginning", "Developing", "Advanced"]
    assert written["responsibilities"][2] == {
        "area": "Other",
        "area_position": NO_AREA_POSITION,
        "text": "Mentor",
        "custom": True,
        "skills": [],
    }
    # A catalog task keeps the names of the skills it exercises that are still in the catalog.
    assert written["responsibilities"][1]["skills"] == ["Python"]
    # A skill gone from the catalog is left out; a tool keeps the catalog's current name.
    assert [s["name"] for s in written["skills"]] == ["Python"]
    assert written["skills"][0]["level_descriptor"] == "advanced work"
    assert [t["name"] for t in written["tools"]] == ["Docker", "Bazel"]


def test_reading_traces_each_responsibility_in_document_order():
    document = read_snapshot(snapshot())
    assert [(t.text, t.skills, t.custom) for t in document.traces] == [
        ("Design services", ("Python",), False),
        ("Keep the lights on", (), True),
        ("Mentor", (), True),
    ]
    # A snapshot from before traceability was recorded has none, so nothing is judged on it.
    old = {**snapshot(), "traced": False}
    assert read_snapshot(old).traces is None


def test_reading_groups_by_area_in_lifecycle_order_and_labels_the_codes():
    document = read_snapshot(snapshot())
    assert [(g.heading, g.items) for g in document.responsibilities] == [
        ("Build", ("Design services",)),
        ("Run", ("Keep the lights on",)),
        ("Other", ("Mentor",)),
    ]
    assert [(g.heading, g.items) for g in document.tools] == [
        ("Run", ("Docker",)),
        ("Other tools", ("Bazel",)),
    ]
    assert document.workplace_type_label == "Remote"
    assert document.employment_type_label == "Contractor"
    assert document.compensation.text == "100,000 to 120,000 USD a year"
    assert document.benefits == ("Health", "Leave")
    assert str(document.closing_date) == "2030-02-01"


def test_every_query_path_names_a_key_the_writer_writes():
    written = snapshot()
    paths = [value for name, value in vars(SnapshotPath).items() if name.isupper()]
    for path in paths:
        for one in path if isinstance(path, tuple) else (path,):
            value = reduce(lambda data, key: data[key], one.split("__"), written)
            assert isinstance(value, str), one


def test_a_list_row_reads_its_values_from_the_snapshot():
    row = summarize(snapshot())
    assert (row.title, row.role_name, row.company_name, row.location) == (
        "Platform Engineer",
        "Software Engineer",
        "Acme",
        "Denver",
    )
    assert (row.workplace_type, row.employment_type) == ("Remote", "Contractor")
    assert summarize(None).title == ""


def test_the_optional_requirements_and_onet_element_ids_are_kept():
    python = Skill(pk=7, name="Python", slug="python", category="technical", onet_element_id="")
    programming = Skill(pk=8, name="Programming", slug="programming", onet_element_id="2.B.3.e")
    chosen = DraftChoices(
        skills=(
            SkillChoice(skill=7, level=3, importance="required"),
            SkillChoice(skill=8, level=2, importance="nice_to_have"),
        ),
        posting=Posting(
            company_name="Acme", education_requirement="bachelor degree", experience_years=6
        ),
    )
    written = snapshot(chosen=chosen, skills={7: python, 8: programming})
    assert written["posting"]["education_requirement"] == "bachelor degree"
    assert written["posting"]["experience_years"] == 6
    assert [s["onet_element_id"] for s in written["skills"]] == ["", "2.B.3.e"]
    document = read_snapshot(written)
    assert (document.education_requirement, document.months_of_experience) == (
        "bachelor degree",
        72,
    )
    assert document.nice_to_have_skills[0].onet_element_id == "2.B.3.e"


def test_unknown_requirement_values_are_written_as_not_stated():
    posting = Posting(education_requirement="doctorate", experience_years=99)
    written = snapshot(chosen=DraftChoices(posting=posting))
    assert written["posting"]["education_requirement"] == ""
    assert written["posting"]["experience_years"] is None


def test_a_snapshot_from_before_the_requirements_reads_as_not_stated():
    written = snapshot()
    for key in ("education_requirement", "experience_years"):
        del written["posting"][key]
    for line in written["skills"]:
        del line["onet_element_id"]
    document = read_snapshot(written)
    assert (document.education_requirement, document.months_of_experience) == ("", None)
    assert document.required_skills[0].onet_element_id == ""
