"""What the import adds for interview kits and traceability: generic questions for the skills
it brings, and the skills each task statement names."""

import re
from pathlib import Path

from django.db import connection
from django.test.utils import CaptureQueriesContext

from roles.models import InterviewQuestion, ProficiencyLevel, Role, Skill, Task
from roles.onet.mapping import TASK_SKILL_KEYWORDS, skills_named_in
from roles.questions import generic_questions
from tests.factories import InterviewQuestionFactory
from tests.roles.onet.helpers import edit, run

DELIVER = (
    "Deliver oral or written presentations of the results of mathematical modeling and data "
    "analysis to management or other end users."
)
VERIFY = "Compile, sort, and verify the accuracy of data before it is entered."


def skills_of(text: str) -> set[str]:
    return set(Task.objects.get(text=text).skills.values_list("name", flat=True))


def test_imported_skills_get_the_generic_questions_at_every_level(catalog, release):
    out = run(release)
    imported = Skill.objects.filter(roles__onet_code__startswith="15-").distinct()
    imported = imported.exclude(slug="mathematics")
    assert imported.count() > 20
    ranks = list(ProficiencyLevel.objects.values_list("rank", flat=True))
    for skill in imported:
        rows = InterviewQuestion.objects.filter(skill=skill)
        assert all(row.generic for row in rows), skill
        for rank in ranks:
            at_level = rows.filter(level__rank=rank).order_by("position")
            expected = generic_questions(skill_name=skill.name, level_rank=rank)
            assert [(row.kind, row.text, row.strong_answer) for row in at_level] == [
                (q.kind, q.text, q.strong_answer) for q in expected
            ], (skill, rank)
    total = len(Skill.objects.filter(onet_element_id__startswith="2.")) - 1  # less Mathematics
    assert f"interview questions {total * len(ranks) * 2} created" in out


def test_a_skill_that_has_questions_keeps_them_and_gets_no_generic_ones(catalog, release):
    seeded = set(
        InterviewQuestion.objects.filter(skill__slug="mathematics").values_list("pk", flat=True)
    )
    assert seeded  # the seed bank's Mathematics, which the import reuses by name
    writing = Skill.objects.create(name="Writing", slug="writing")
    own = InterviewQuestionFactory(skill=writing, level=ProficiencyLevel.objects.get(rank=2))
    run(release)
    mathematics = InterviewQuestion.objects.filter(skill__slug="mathematics")
    assert set(mathematics.values_list("pk", flat=True)) == seeded
    assert list(InterviewQuestion.objects.filter(skill=writing)) == [own]


def test_a_rerun_adds_no_questions_and_no_links(catalog, release):
    run(release)
    questions = sorted(InterviewQuestion.objects.values_list())
    links = sorted(Task.skills.through.objects.values_list("task", "skill"))
    out = run(release)
    assert sorted(InterviewQuestion.objects.values_list()) == questions
    assert sorted(Task.skills.through.objects.values_list("task", "skill")) == links
    assert "task skill links 0 created" in out
    assert re.search(r"interview questions 0 created, \d+ kept", out)


def test_generic_questions_are_written_in_bulk(catalog, release):
    with CaptureQueriesContext(connection) as captured:
        run(release)
    inserts = [q for q in captured if q["sql"].startswith('INSERT INTO "roles_interviewquestion"')]
    assert InterviewQuestion.objects.filter(generic=True).count() == 340
    assert 1 <= len(inserts) <= 5  # batches fitted to the backend's limit, not one per row


def test_a_task_is_linked_to_the_rated_skills_it_names(catalog, release):
    run(release)
    assert skills_of(DELIVER) == {"Mathematics", "Speaking", "Writing"}
    assert skills_of(
        "Supervise the work of programmers, technologists and technicians and "
        "other engineering and scientific personnel."
    ) == {
        "Management of Personnel Resources"  # not Programming: "programmers" are people
    }
    assert skills_of("Store completed documents in appropriate locations.") == set()
    # Data Entry Keyers name quality control, but rate it 1.00 of 5: no link.
    assert skills_of(VERIFY) == set()


def test_a_skill_the_occupation_stops_rating_is_not_linked(catalog, release):
    # Data Scientists' Speaking drops below 2.5: the statement still names it, but the
    # occupation does not rate it, so the task is linked to the other two only.
    edit(
        release,
        "Skills.txt",
        "15-2051.00\tData Scientists\t2.A.1.d\tSpeaking\tIM\tImportance\t3.50",
        "15-2051.00\tData Scientists\t2.A.1.d\tSpeaking\tIM\tImportance\t2.40",
    )
    run(release)
    assert skills_of(DELIVER) == {"Mathematics", "Writing"}


def test_links_staff_set_on_a_task_are_kept(catalog, release):
    run(release)
    task = Task.objects.get(text=DELIVER)
    communication = Skill.objects.get(slug="communication")
    task.skills.set([communication])
    run(release)
    assert set(task.skills.all()) == {communication}


def test_a_dropped_task_takes_its_links_with_it(catalog, release):
    run(release)
    task = Task.objects.get(text=DELIVER)
    assert task.skills.exists()
    edit(release, "Task Statements.txt", DELIVER, "Talk about the results with managers.")
    run(release)
    assert not Task.objects.filter(pk=task.pk).exists()
    assert not Task.skills.through.objects.filter(task_id=task.pk).exists()
    assert Role.objects.filter(onet_code="15-2051.00").exists()


def test_every_onet_skill_has_stems_and_none_matches_inside_a_word():
    names = {
        "Reading Comprehension",
        "Active Listening",
        "Writing",
        "Speaking",
        "Mathematics",
        "Science",
        "Critical Thinking",
        "Active Learning",
        "Learning Strategies",
        "Monitoring",
        "Social Perceptiveness",
        "Coordination",
        "Persuasion",
        "Negotiation",
        "Instructing",
        "Service Orientation",
        "Complex Problem Solving",
        "Operations Analysis",
        "Technology Design",
        "Equipment Selection",
        "Installation",
        "Programming",
        "Operations Monitoring",
        "Operation and Control",
        "Equipment Maintenance",
        "Troubleshooting",
        "Repairing",
        "Quality Control Analysis",
        "Judgment and Decision Making",
        "Systems Analysis",
        "Systems Evaluation",
        "Time Management",
        "Management of Financial Resources",
        "Management of Material Resources",
        "Management of Personnel Resources",
    }
    assert set(TASK_SKILL_KEYWORDS) == names
    assert skills_named_in("Represent the team at events.", names) == set()  # not "present"
    assert skills_named_in("Present findings.", names) == {"Speaking"}
    assert skills_named_in("Present findings.", ["Writing"]) == set()  # only rated skills
    assert skills_named_in("Write code.", ["A skill a later release adds"]) == set()


def test_docs_list_every_skill_stem():
    docs = (Path(__file__).resolve().parents[3] / "docs" / "onet-import.md").read_text("utf-8")
    for name, stems in TASK_SKILL_KEYWORDS.items():
        row = next(line for line in docs.splitlines() if line.startswith(f"| {name} |"))
        assert row == f"| {name} | " + ", ".join(f"`{stem}`" for stem in stems) + " |"
