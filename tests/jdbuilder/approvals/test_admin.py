"""Approval flows in the admin (jdbuilder/approvals/admin.py): staff make a flow with its stages
inline, with history; a stage nobody can approve, a salary condition without its figure, two
stages at one position and a second default flow are refused in words, and nothing is saved;
what services write (submissions, comments, timeline, share links) is read-only here."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

# Registers the approvals' admin before the URLconf is first read (jdbuilder/admin.py imports
# it too once the line is there; importing twice registers once).
from jdbuilder.approvals import admin as approvals_admin
from jdbuilder.approvals.models import (
    ApprovalFlow,
    ApprovalStage,
    Comment,
    NotificationSettings,
    Submission,
)
from jdbuilder.vocabulary import DocumentSection, StageCondition
from tests.factories import DepartmentFactory, ManagerFactory, UserFactory

pytestmark = pytest.mark.django_db

ADD = reverse("admin:jdbuilder_approvalflow_add")


def management(total: int, initial: int = 0) -> dict:
    return {
        "stages-TOTAL_FORMS": str(total),
        "stages-INITIAL_FORMS": str(initial),
        "stages-MIN_NUM_FORMS": "0",
        "stages-MAX_NUM_FORMS": "1000",
    }


def stage(index: int, **values) -> dict:
    data = {
        "position": "",
        "name": "",
        "approver_group": "",
        "approvers": [],
        "condition": StageCondition.ALWAYS,
        "condition_amount": "",
        "condition_currency": "",
        **values,
    }
    return {f"stages-{index}-{key}": value for key, value in data.items()}


def flow_data(*stages: dict, name: str = "Standard review", **fields) -> dict:
    data = {"name": name, "is_default": "on", "department": "", **management(len(stages))}
    data.update(fields)
    for one in stages:
        data.update(one)
    return data


@pytest.fixture
def hr_group():
    group = Group.objects.create(name="HR")
    group.user_set.add(UserFactory(username="hr"))
    return group


@pytest.fixture
def comp():
    return UserFactory(username="comp")


def two_stages(hr_group, comp) -> tuple[dict, dict]:
    return (
        stage(0, position="1", name="HR review", approver_group=str(hr_group.pk)),
        stage(
            1,
            position="2",
            name="Compensation",
            approvers=[str(comp.pk)],
            condition=StageCondition.ABOVE_BAND,
        ),
    )


def inline_errors(response) -> list[str]:
    """Every error of the stages' inline: the formset's own and each form's."""
    formset = response.context["inline_admin_formsets"][0].formset
    errors = list(formset.non_form_errors())
    for form_errors in formset.errors:
        for messages in form_errors.values():
            errors.extend(messages)
    return errors


def test_staff_create_a_two_stage_flow_with_history(staff_client, staff, hr_group, comp):
    response = staff_client.post(ADD, flow_data(*two_stages(hr_group, comp)))
    assert response.status_code == 302, response.context and inline_errors(response)
    flow = ApprovalFlow.objects.get()
    assert (flow.name, flow.is_default, flow.department) == ("Standard review", True, None)
    first, second = flow.stages.order_by("position")
    assert (first.position, first.name, first.approver_group) == (1, "HR review", hr_group)
    assert not first.approvers.exists() and first.condition == StageCondition.ALWAYS
    assert (second.position, second.name, second.approver_group) == (2, "Compensation", None)
    assert list(second.approvers.all()) == [comp]
    assert second.condition == StageCondition.ABOVE_BAND
    # The flow is the default for a JD of any department.
    assert ApprovalFlow.objects.for_department(DepartmentFactory().pk) == flow
    # History: who made the flow and each stage, and the stage's named approvers.
    created = flow.history.get()
    assert (created.history_type, created.history_user) == ("+", staff)
    latest = second.history.latest()
    assert latest.history_user == staff
    assert list(latest.approvers.values_list("user", flat=True)) == [comp.pk]
    # A change is a second record, shown on the history page.
    change = reverse("admin:jdbuilder_approvalflow_change", args=[flow.pk])
    data = flow_data(
        stage(0, id=str(first.pk), flow=str(flow.pk), position="1", name="People review",
              approver_group=str(hr_group.pk)),
        stage(1, id=str(second.pk), flow=str(flow.pk), position="2", name="Compensation",
              approvers=[str(comp.pk)], condition=StageCondition.ABOVE_BAND),
    )  # fmt: skip
    data.update(management(2, initial=2))
    response = staff_client.post(change, data)
    assert response.status_code == 302, response.context and inline_errors(response)
    first.refresh_from_db()
    assert first.name == "People review"
    names = [h.name for h in first.history.order_by("history_date")]
    assert names[0] == "HR review" and names[-1] == "People review"
    history = staff_client.get(reverse("admin:jdbuilder_approvalflow_history", args=[flow.pk]))
    assert history.status_code == 200 and staff.username in history.content.decode()


def test_a_stage_without_an_approver_is_refused_and_nothing_is_saved(staff_client, hr_group):
    response = staff_client.post(
        ADD,
        flow_data(
            stage(0, position="1", name="HR review", approver_group=str(hr_group.pk)),
            stage(1, position="2", name="Nobody"),
        ),
    )
    assert response.status_code == 200
    assert inline_errors(response) == [approvals_admin.NO_APPROVER]
    assert approvals_admin.NO_APPROVER in response.content.decode()
    assert not ApprovalFlow.objects.exists() and not ApprovalStage.objects.exists()


def test_named_approvers_alone_are_enough(staff_client, comp):
    response = staff_client.post(
        ADD, flow_data(stage(0, position="1", name="Sign-off", approvers=[str(comp.pk)]))
    )
    assert response.status_code == 302
    assert list(ApprovalStage.objects.get().approvers.all()) == [comp]


def test_a_salary_condition_needs_its_figure_and_currency(staff_client, comp):
    response = staff_client.post(
        ADD,
        flow_data(
            stage(
                0,
                position="1",
                name="Big salaries",
                approvers=[str(comp.pk)],
                condition=StageCondition.SALARY_MAX_ABOVE,
            )
        ),
    )
    assert response.status_code == 200
    assert sorted(inline_errors(response)) == sorted(
        [approvals_admin.NO_FIGURE, approvals_admin.NO_CURRENCY]
    )
    assert not ApprovalFlow.objects.exists()
    # With them (currency in lower case: normalised), it is kept.
    response = staff_client.post(
        ADD,
        flow_data(
            stage(
                0,
                position="1",
                name="Big salaries",
                approvers=[str(comp.pk)],
                condition=StageCondition.SALARY_MAX_ABOVE,
                condition_amount="180000",
                condition_currency="usd",
            )
        ),
    )
    assert response.status_code == 302
    saved = ApprovalStage.objects.get()
    assert (saved.condition_amount, saved.condition_currency) == (Decimal("180000"), "USD")


def test_a_currency_that_is_not_three_letters_is_refused(staff_client, comp):
    response = staff_client.post(
        ADD,
        flow_data(
            stage(
                0,
                position="1",
                name="Big salaries",
                approvers=[str(comp.pk)],
                condition=StageCondition.SALARY_MAX_ABOVE,
                condition_amount="180000",
                condition_currency="US$",
            )
        ),
    )
    assert response.status_code == 200
    assert inline_errors(response) == [approvals_admin.BAD_CURRENCY]
    assert not ApprovalFlow.objects.exists()


def test_two_stages_at_one_position_are_refused(staff_client, hr_group, comp):
    first, second = two_stages(hr_group, comp)
    second["stages-1-position"] = "1"
    response = staff_client.post(ADD, flow_data(first, second))
    assert response.status_code == 200
    assert inline_errors(response) == [approvals_admin.SAME_POSITION.format(position=1)]
    assert not ApprovalFlow.objects.exists() and not ApprovalStage.objects.exists()


def test_one_default_flow_and_the_default_has_no_department(staff_client, hr_group, comp):
    ApprovalFlow.objects.create(name="Existing", is_default=True)
    response = staff_client.post(ADD, flow_data(*two_stages(hr_group, comp), name="Second"))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["is_default"] == [approvals_admin.ONE_DEFAULT.format(name="Existing")]
    response = staff_client.post(
        ADD,
        flow_data(
            *two_stages(hr_group, comp), name="Second", department=str(DepartmentFactory().pk)
        ),
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert approvals_admin.DEFAULT_WITH_DEPARTMENT in errors["department"]
    assert ApprovalFlow.objects.count() == 1 and not ApprovalStage.objects.exists()


def test_a_department_flow_and_a_flow_without_stages_no_approval(staff_client):
    engineering = DepartmentFactory(name="Engineering")
    response = staff_client.post(
        ADD, flow_data(name="Small team", is_default="", department=str(engineering.pk))
    )
    assert response.status_code == 302
    flow = ApprovalFlow.objects.get()
    assert flow.department == engineering and not flow.stages.exists()
    assert ApprovalFlow.objects.for_department(engineering.pk) == flow


def test_the_flow_list_counts_stages(staff_client, hr_group, comp):
    staff_client.post(ADD, flow_data(*two_stages(hr_group, comp)))
    response = staff_client.get(reverse("admin:jdbuilder_approvalflow_changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_list[0].stages_total == 2


def test_people_who_are_not_staff_cannot_open_the_flows(client):
    client.force_login(ManagerFactory())
    response = client.get(ADD)
    assert response.status_code == 302 and "/admin/login/" in response.url


@pytest.fixture
def submission(catalog, hr_group):
    """A submission in review with a comment and a timeline event, written directly (the rows
    the services write; the admin only shows them)."""
    from jdbuilder.approvals.models import TimelineEvent
    from jdbuilder.documents.build import take_snapshot
    from jdbuilder.vocabulary import TimelineKind
    from tests.factories import DraftFactory

    jd = DraftFactory(posting={})
    made = Submission.objects.create(
        job_description=jd, number=jd.revision, snapshot=take_snapshot(jd), submitted_by=jd.owner
    )
    Comment.objects.create(
        job_description=jd,
        submission=made,
        section=DocumentSection.SKILLS,
        author=hr_group.user_set.get(),
        text="Is Python really expert level?",
    )
    TimelineEvent.objects.create(
        job_description=jd, submission=made, kind=TimelineKind.SUBMITTED, actor=jd.owner
    )
    return made


@pytest.mark.parametrize("model", ["submission", "comment", "timelineevent"])
def test_what_services_write_is_read_only_for_staff(staff_client, submission, model):
    listing = staff_client.get(reverse(f"admin:jdbuilder_{model}_changelist"))
    assert listing.status_code == 200
    assert listing.context["cl"].result_count >= 1
    assert staff_client.get(reverse(f"admin:jdbuilder_{model}_add")).status_code == 403
    row = listing.context["cl"].result_list[0]
    change = reverse(f"admin:jdbuilder_{model}_change", args=[row.pk])
    page = staff_client.get(change)
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    assert 'name="_save"' not in page.content.decode()
    # A POST changes nothing, deleting is refused.
    before = type(row).objects.count()
    assert staff_client.post(change, {}).status_code == 403
    delete = reverse(f"admin:jdbuilder_{model}_delete", args=[row.pk])
    assert staff_client.post(delete, {"post": "yes"}).status_code == 403
    assert type(row).objects.count() == before


def test_submissions_list_filters_by_state(staff_client, submission):
    url = reverse("admin:jdbuilder_submission_changelist")
    assert staff_client.get(url, {"state__exact": "in_review"}).context["cl"].result_count == 1
    assert staff_client.get(url, {"state__exact": "approved"}).context["cl"].result_count == 0
    assert Submission.objects.count() == 1 and Comment.objects.count() == 1


def test_share_links_are_listed_without_their_secret(staff_client, submission):
    from jdbuilder.approvals.models import ShareLink

    link = ShareLink.objects.create(
        job_description=submission.job_description,
        submission=submission,
        secret_sha256="a" * 64,
        created_by=submission.submitted_by,
        expires_at=submission.submitted_at + timedelta(days=7),
    )
    assert staff_client.get(reverse("admin:jdbuilder_sharelink_add")).status_code == 403
    page = staff_client.get(reverse("admin:jdbuilder_sharelink_change", args=[link.pk]))
    assert page.status_code == 200 and "a" * 64 not in page.content.decode()


def test_staff_edit_someones_notification_settings(staff_client):
    person = ManagerFactory()
    response = staff_client.post(
        reverse("admin:jdbuilder_notificationsettings_add"),
        {
            "user": str(person.pk),
            "submissions_to_approve": "on",
            "decisions_on_mine": "on",
            "comments_on_mine": "",
            "reminders": "",
        },
    )
    assert response.status_code == 302
    saved = NotificationSettings.objects.get(user=person)
    assert saved.submissions_to_approve and saved.decisions_on_mine
    assert not saved.comments_on_mine and not saved.reminders


def test_the_demo_flow_comes_after_the_demo_jd_is_issued(settings, catalog):
    """`create_demo_accounts` keeps its demo JD issued (no review) and then sets up the default
    flow "Standard review": HR review by the HR group (hr), Compensation by the named
    compensation approver above the band; once, however often it runs."""
    from io import StringIO

    from django.core.management import call_command

    from jdbuilder.models import JobDescription
    from jdbuilder.vocabulary import Status

    settings.DEBUG = True
    for _ in range(2):
        call_command("create_demo_accounts", stdout=StringIO())
    jd = JobDescription.objects.get()
    assert jd.status == Status.FINAL and jd.revisions.count() == 1
    assert not Submission.objects.exists()
    flow = ApprovalFlow.objects.get()
    assert (flow.name, flow.is_default, flow.department) == ("Standard review", True, None)
    hr_stage, comp_stage = flow.stages.order_by("position")
    assert (hr_stage.name, hr_stage.approver_group.name) == ("HR review", "HR")
    assert list(hr_stage.approver_group.user_set.values_list("username", flat=True)) == ["hr"]
    assert hr_stage.condition == StageCondition.ALWAYS
    assert comp_stage.name == "Compensation" and comp_stage.approver_group is None
    assert comp_stage.condition == StageCondition.ABOVE_BAND
    assert list(comp_stage.approvers.values_list("username", flat=True)) == ["compensation"]
    assert flow.history.get().history_user.username == "staff"
