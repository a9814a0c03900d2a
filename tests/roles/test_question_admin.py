"""The admin of the interview question bank and of the skills a task exercises."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from roles.models import InterviewQuestion, QuestionKind, Task
from tests.factories import (
    InterviewQuestionFactory,
    ProficiencyLevelFactory,
    SkillFactory,
    TaskFactory,
)
from tests.roles.admin_pages import changeform_post_data, changelist_url, inline_form_prefix

pytestmark = pytest.mark.django_db


def test_non_staff_cannot_reach_the_question_bank(manager_client: Client) -> None:
    response = manager_client.get(changelist_url(InterviewQuestion))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_changelist_lists_filters_and_searches_questions(staff_client: Client) -> None:
    skill = SkillFactory(name="Deep learning")
    level = ProficiencyLevelFactory(rank=3, name="Accomplished")
    question = InterviewQuestionFactory(skill=skill, level=level, text="Why batch norm?")
    exercise = InterviewQuestionFactory(
        skill=skill, level=level, kind=QuestionKind.EXERCISE, text="Debug this NaN loss."
    )
    generic = InterviewQuestionFactory(generic=True, text="Tell me about Writing.")

    page = staff_client.get(changelist_url(InterviewQuestion))
    assert page.status_code == 200
    content = page.content.decode()
    assert "Why batch norm?" in content and "Deep learning" in content
    assert "Accomplished" in content

    def listed(**params: str) -> set[int]:
        response = staff_client.get(changelist_url(InterviewQuestion), params)
        assert response.status_code == 200
        return {row.pk for row in response.context["cl"].result_list}

    assert listed(kind__exact="exercise") == {exercise.pk}
    assert listed(generic__exact="1") == {generic.pk}
    assert listed(skill__id__exact=str(skill.pk)) == {question.pk, exercise.pk}
    assert listed(q="nan loss") == {exercise.pk}
    assert listed(q="deep learning") == {question.pk, exercise.pk}  # by the skill's name


def test_a_long_question_is_cut_in_the_list(staff_client: Client) -> None:
    text = "Word " * 60
    InterviewQuestionFactory(text=text)
    content = staff_client.get(changelist_url(InterviewQuestion)).content.decode()
    assert text[:89] + "…" in content
    assert text not in content


def test_change_form_edits_a_question_with_history(staff_client: Client, staff: Any) -> None:
    row = InterviewQuestionFactory(text="Old text?")
    url = reverse("admin:roles_interviewquestion_change", args=[row.pk])
    form_page = staff_client.get(url)
    assert form_page.status_code == 200
    data = changeform_post_data(form_page)
    data["text"] = "New text?"
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    row.refresh_from_db()
    assert row.text == "New text?"
    latest = row.history.first()
    assert (latest.history_type, latest.history_user) == ("~", staff)
    history = staff_client.get(reverse("admin:roles_interviewquestion_history", args=[row.pk]))
    assert history.status_code == 200


def test_a_leftover_placeholder_is_refused_and_nothing_changes(staff_client: Client) -> None:
    row = InterviewQuestionFactory(text="Fine as it is?")
    url = reverse("admin:roles_interviewquestion_change", args=[row.pk])
    data = changeform_post_data(staff_client.get(url))
    data["text"] = "Tell me about {skill}."
    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert "Write the skill" in response.content.decode()
    row.refresh_from_db()
    assert row.text == "Fine as it is?"


def test_skill_page_edits_its_questions_inline(staff_client: Client, staff: Any) -> None:
    skill = SkillFactory(name="Communication")
    high, low = ProficiencyLevelFactory(rank=4), ProficiencyLevelFactory(rank=1)
    later = InterviewQuestionFactory(skill=skill, level=high, text="Lead a meeting?")
    first = InterviewQuestionFactory(skill=skill, level=low, text="Explain a thing?")
    url = reverse("admin:roles_skill_change", args=[skill.pk])

    page = staff_client.get(url)

    assert page.status_code == 200
    [formset] = [
        f.formset
        for f in page.context["inline_admin_formsets"]
        if f.formset.model is InterviewQuestion
    ]
    assert [form.instance.pk for form in formset.forms if form.instance.pk] == [first.pk, later.pk]
    content = page.content.decode()
    assert "Lead a meeting?" in content and "Interview questions (per level, in order)" in content

    data = changeform_post_data(page)
    prefix = inline_form_prefix(page, InterviewQuestion, first.pk)
    data[f"{prefix}-strong_answer"] = "Plain words and an example."
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    first.refresh_from_db()
    assert first.strong_answer == "Plain words and an example."
    assert first.history.first().history_user == staff
    later.refresh_from_db()
    assert later.text == "Lead a meeting?"  # the round trip changed nothing else


def test_skill_list_counts_questions(staff_client: Client) -> None:
    skill = SkillFactory(name="Mathematics")
    InterviewQuestionFactory.create_batch(3, skill=skill)
    SkillFactory(name="Juggling")
    response = staff_client.get(changelist_url(type(skill)))
    counts = {row.name: row.question_count for row in response.context["cl"].result_list}
    assert counts["Mathematics"] == 3
    assert counts["Juggling"] == 0


def test_task_page_shows_and_edits_the_skills_it_exercises(
    staff_client: Client, staff: Any
) -> None:
    math, coding = SkillFactory(name="Mathematics"), SkillFactory(name="Algorithmic coding")
    task = TaskFactory(text="Derive the gradient of the loss")
    task.skills.add(math)
    url = reverse("admin:roles_task_change", args=[task.pk])

    page = staff_client.get(url)

    assert page.status_code == 200
    assert 'class="selectfilter"' in page.content.decode()  # filter_horizontal
    data = changeform_post_data(page)
    assert data["skills"] == [str(math.pk)]
    data["skills"] = [str(math.pk), str(coding.pk)]
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    assert set(task.skills.all()) == {math, coding}
    latest = task.history.first()
    assert latest.history_user == staff
    assert {link.skill_id for link in latest.skills.all()} == {math.pk, coding.pk}

    listing = staff_client.get(changelist_url(Task), {"skills__id__exact": str(coding.pk)})
    assert [row.pk for row in listing.context["cl"].result_list] == [task.pk]
    assert "Algorithmic coding, Mathematics" in listing.content.decode()
