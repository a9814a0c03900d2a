import copy
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from roles.models import (
    AlternateTitle,
    InterviewQuestion,
    ProficiencyLevel,
    Role,
    RoleSkill,
    RoleTask,
    Skill,
    Task,
    TaskArea,
    Tool,
)
from roles.questions import SEED_QUESTIONS
from roles.seed import SEED_CATALOG, read_catalog_file

pytestmark = pytest.mark.django_db

MODELS = [
    TaskArea,
    ProficiencyLevel,
    Skill,
    Role,
    AlternateTitle,
    Task,
    RoleTask,
    RoleSkill,
    Tool,
    InterviewQuestion,
]


def snapshot():
    return {model.__name__: sorted(model.objects.values_list()) for model in MODELS}


def load(*args):
    out = StringIO()
    call_command("load_catalog", *args, stdout=out)
    return out.getvalue()


def test_seeds_the_facts_of_the_series():
    load()
    assert list(TaskArea.objects.values_list("name", flat=True)) == [
        "Data engineering",
        "Modeling",
        "Deployment",
        "Business analysis",
        "AI infrastructure",
    ]
    areas = {
        role.name: {a.slug for a in role.task_areas.all()}
        for role in Role.objects.prefetch_related("task_areas")
    }
    assert areas["Data Scientist"] == {"data-engineering", "modeling", "business-analysis"}
    assert areas["Data Analyst"] == {"data-engineering", "business-analysis"}
    assert areas["Machine Learning Engineer"] == {"data-engineering", "modeling", "deployment"}
    assert areas["Machine Learning Researcher"] == {"data-engineering", "modeling"}
    assert areas["Software Engineer – Machine Learning"] == {
        "data-engineering",
        "modeling",
        "deployment",
        "ai-infrastructure",
    }
    assert areas["Software Engineer"] == {
        "ai-infrastructure",
        "data-engineering",
        "modeling",
        "business-analysis",
    }
    engineer = Role.objects.get(slug="software-engineer")
    assert "AI infrastructure as its core task area" in engineer.notes
    assert engineer.source == 'Workera, "AI Career Pathways"'
    assert set(engineer.alternate_titles.values_list("title", flat=True)) >= {
        "data engineer",
        "software engineer",
        "software development engineer",
        "software engineer-AI infrastructure",
        "software engineer-data",
    }
    top = RoleSkill.objects.filter(role=engineer, level__rank=5)
    assert set(top.values_list("skill__name", flat=True)) == {
        "Algorithmic coding",
        "Software engineering",
    }


def test_every_role_has_every_part_of_a_role_page():
    load()
    for role in Role.objects.all():
        assert role.alternate_titles.exists(), role
        assert role.role_tasks.exists(), role
        assert role.role_skills.filter(importance="required").exists(), role
        assert role.role_skills.filter(importance="nice_to_have").exists(), role
        assert role.role_skills.filter(importance="required").count() <= 6, role
        assert role.tools.exists(), role
        assert role.works_with.exists(), role
        # Tasks only in the areas the role carries out.
        areas = set(role.task_areas.values_list("pk", flat=True))
        assert set(role.role_tasks.values_list("task__area", flat=True)) <= areas, role


def test_running_twice_leaves_the_same_rows():
    load()
    first = snapshot()
    out = load()
    assert snapshot() == first
    assert "roles: 0 created, 0 updated, 6 kept as they were" in out


def test_never_overwrites_staff_edits_unless_asked():
    load()
    role = Role.objects.get(slug="software-engineer")
    role.summary = "Edited by staff"
    role.save()
    link = role.role_skills.get(skill__slug="communication")
    link.level = ProficiencyLevel.objects.get(rank=1)
    link.save()
    AlternateTitle.objects.create(role=role, title="platform engineer")
    level = ProficiencyLevel.objects.get(rank=4)
    level.descriptor = "edited descriptor"
    level.save()

    load()
    role.refresh_from_db()
    link.refresh_from_db()
    level.refresh_from_db()
    assert role.summary == "Edited by staff"
    assert link.level.rank == 1
    assert role.alternate_titles.filter(title="platform engineer").exists()
    assert level.descriptor == "edited descriptor"

    out = load("--overwrite")
    role.refresh_from_db()
    level.refresh_from_db()
    assert role.summary.startswith("Builds the tools and infrastructure")
    assert role.role_skills.get(skill__slug="communication").level.rank == 3
    assert not role.alternate_titles.filter(title="platform engineer").exists()
    assert level.descriptor == "designs and reviews solutions without guidance"
    assert "roles: 0 created, 1 updated, 5 kept as they were" in out


def test_a_deleted_role_comes_back_whole():
    load()
    before = snapshot()
    Role.objects.get(slug="data-analyst").delete()
    load()
    after = snapshot()
    assert Role.objects.filter(slug="data-analyst").exists()
    assert len(after["RoleSkill"]) == len(before["RoleSkill"])
    assert len(after["RoleTask"]) == len(before["RoleTask"])


def write(tmp_path, text):
    path = tmp_path / "catalog.toml"
    path.write_text(text)
    return path


def broken_catalog(tmp_path, mutate):
    import tomllib

    data = copy.deepcopy(tomllib.loads(SEED_CATALOG.read_text()))
    mutate(data)
    lines = []
    # Round-trip through a minimal TOML writer is overkill; JSON-ish inline TOML is valid TOML.
    import json

    for key, value in data.items():
        lines.append(f"{key} = {json.dumps(value)}")
    return write(tmp_path, "\n".join(lines).replace(": ", " = ").replace('{"', '{ "'))


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (
            lambda d: d["roles"][0]["skills"].append({"skill": "juggling", "level": 2}),
            "unknown skill 'juggling'",
        ),
        (
            lambda d: d["roles"][0]["skills"].append({"skill": "mathematics", "level": 9}),
            "level 9 is not on the scale",
        ),
        (lambda d: d["tasks"][0].update(area="nowhere"), "tasks[0]: unknown task area 'nowhere'"),
        (
            lambda d: d["tools"][0]["roles"].append("astronaut"),
            "tools[0]: unknown role 'astronaut'",
        ),
        (lambda d: d["roles"][1].pop("summary"), "roles[1]: missing 'summary'"),
        (
            lambda d: d["skills"][0].update(onet_element_id="javascript:x"),
            "skills[0]: onet_element_id 'javascript:x' is not an O*NET Content Model element ID",
        ),
        (
            lambda d: d["skills"][0].update(onet_element_id="2.A.1.e.1.2.3.4"),
            "skills[0]: onet_element_id '2.A.1.e.1.2.3.4' is not",
        ),
        (lambda d: d.pop("levels"), "missing list 'levels'"),
    ],
)
def test_a_malformed_file_is_rejected_with_its_place_and_loads_nothing(tmp_path, mutate, message):
    path = broken_catalog(tmp_path, mutate)
    with pytest.raises(CommandError, match="nothing changed") as excinfo:
        load("--file", str(path))
    assert message in str(excinfo.value)
    assert not Role.objects.exists() and not TaskArea.objects.exists()


def test_invalid_toml_and_missing_file_are_clear_errors(tmp_path):
    with pytest.raises(CommandError, match="not valid TOML"):
        load("--file", str(write(tmp_path, "roles = [")))
    with pytest.raises(CommandError, match="no such file"):
        load("--file", str(tmp_path / "absent.toml"))


def test_seed_file_is_valid_and_names_its_source():
    data = read_catalog_file(SEED_CATALOG)
    assert data["source"] == 'Workera, "AI Career Pathways"'
    assert len(data["roles"]) == 6


def test_only_skills_with_a_true_onet_counterpart_have_an_element_id():
    load()
    ids = dict(Skill.objects.values_list("slug", "onet_element_id"))
    # Mathematics is the Content Model's Mathematics (2.A.1.e); no other seed skill means the
    # same as an O*NET skill, so they have none.
    assert ids.pop("mathematics") == "2.A.1.e"
    assert set(ids.values()) == {""}


def test_overwrite_resets_an_element_id_staff_changed():
    load()
    Skill.objects.filter(slug="mathematics").update(onet_element_id="")
    load()
    assert Skill.objects.get(slug="mathematics").onet_element_id == ""  # kept as staff have it
    load("--overwrite")
    assert Skill.objects.get(slug="mathematics").onet_element_id == "2.A.1.e"


# --- The interview question bank, loaded with the catalog ----------------------------------------


def test_loads_the_question_bank_for_every_seed_skill_and_level():
    out = load()
    pairs = set(InterviewQuestion.objects.values_list("skill__slug", "level__rank"))
    assert pairs == {
        (slug, rank)
        for slug in Skill.objects.values_list("slug", flat=True)
        for rank in range(1, 6)
    }
    count = InterviewQuestion.objects.count()
    assert f"interview questions: {count} created, 0 updated, 0 kept as they were" in out
    assert "interview questions: 0 created, 0 updated, " + f"{count} kept" in load()


def test_overwrite_resets_the_questions_with_the_catalog():
    load()
    row = InterviewQuestion.objects.filter(skill__slug="machine-learning", level__rank=4).first()
    original = row.text
    row.text = "Edited by staff"
    row.save()
    load()
    assert InterviewQuestion.objects.filter(pk=row.pk, text="Edited by staff").exists()
    assert not InterviewQuestion.objects.filter(text=original).exists()
    out = load("--overwrite")
    assert not InterviewQuestion.objects.filter(text="Edited by staff").exists()
    assert InterviewQuestion.objects.filter(text=original).exists()
    assert "interview questions: 1 created, 0 updated, 1 deleted, " in out


def test_a_malformed_question_file_loads_nothing_of_the_catalog_either(tmp_path):
    text = SEED_QUESTIONS.read_text(encoding="utf-8").replace(
        'skill = "deep-learning"', 'skill = "deep-learnin"', 1
    )
    path = write(tmp_path, text)
    with pytest.raises(CommandError, match="nothing changed") as excinfo:
        load("--questions", str(path))
    assert "unknown skill 'deep-learnin' (not in the catalog)" in str(excinfo.value)
    assert not Role.objects.exists() and not InterviewQuestion.objects.exists()
    path = write(tmp_path, "version = 1\n[[generic]]\nlevel = 1\ntext = 'Use {tool}'\n")
    with pytest.raises(CommandError, match=r"catalog.toml: generic\[0\]: missing 'strong_answer'"):
        load("--questions", str(path))
