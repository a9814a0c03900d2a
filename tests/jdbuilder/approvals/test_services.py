"""Submitting and deciding through each kind of flow: none, one stage, two stages, conditional;
and every transition refused from the wrong state or by the wrong person, losing nothing."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from jdbuilder.approvals import services
from jdbuilder.approvals.models import TimelineEvent
from jdbuilder.models import JobDescription
from jdbuilder.services import AlreadyFinal, DraftChanged
from jdbuilder.vocabulary import (
    StageCondition,
    Status,
    SubmissionState,
    TimelineKind,
)
from tests.factories import (
    DepartmentFactory,
    DraftFactory,
    ManagerFactory,
    PayBandFactory,
    RecruiterFactory,
    StaffFactory,
    UserFactory,
)
from tests.support.approvals import flow_with, submit_as_owner

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalog")]


def draft(**posting):
    return DraftFactory(posting=posting)


submit = submit_as_owner


def decide(action, submission, user, **kwargs):
    stage = services.current_stage(submission)
    return action(submission=submission, user=user, stage_id=stage.pk, **kwargs)


def kinds(jd) -> list[str]:
    return list(TimelineEvent.objects.filter(job_description=jd).values_list("kind", flat=True))


def test_without_a_flow_submitting_issues_at_once():
    jd = draft()
    submitted = submit(jd)
    assert submitted.submission is None
    jd.refresh_from_db()
    assert jd.status == Status.FINAL
    assert jd.latest_revision == submitted.revision
    assert kinds(jd) == [TimelineKind.ISSUED]


def test_a_flow_without_stages_means_no_approval():
    flow_with()
    submitted = submit(draft())
    assert submitted.revision is not None and submitted.submission is None


def test_one_stage_flow_freezes_the_snapshot_and_issues_it_byte_for_byte():
    hr = UserFactory()
    flow_with({"name": "HR review", "approvers": [hr]})
    jd = draft()
    submission = submit(jd).submission
    jd.refresh_from_db()
    assert jd.status == Status.IN_REVIEW
    assert jd.latest_revision is None
    frozen = submission.snapshot
    # A catalog or organization change after submission does not reach what is issued.
    jd.role.summary = "Changed after submission."
    jd.role.save()
    decide(services.approve, submission, hr, comment="Looks right.")
    submission.refresh_from_db()
    jd.refresh_from_db()
    assert submission.state == SubmissionState.APPROVED
    assert jd.status == Status.FINAL
    assert jd.latest_revision.snapshot == frozen
    assert jd.latest_revision.number == submission.number == 1
    assert jd.latest_revision.finalized_by == jd.owner
    assert kinds(jd) == [
        TimelineKind.SUBMITTED,
        TimelineKind.STAGE_APPROVED,
        TimelineKind.APPROVED,
    ]


def test_two_stages_in_order_each_by_any_one_of_its_approvers():
    group = Group.objects.create(name="HR")
    hr1, hr2, comp = UserFactory(), UserFactory(), UserFactory()
    group.user_set.add(hr1, hr2)
    flow_with(
        {"name": "HR", "approver_group": group}, {"name": "Compensation", "approvers": [comp]}
    )
    jd = draft()
    submission = submit(jd).submission
    with pytest.raises(services.NotAllowed):
        decide(services.approve, submission, comp)  # not their stage yet
    decide(services.approve, submission, hr2)
    jd.refresh_from_db()
    assert jd.status == Status.IN_REVIEW
    with pytest.raises(services.NotAllowed):
        decide(services.approve, submission, hr1)  # HR is done; the stage now is compensation
    decide(services.approve, submission, comp)
    jd.refresh_from_db()
    assert jd.status == Status.FINAL
    stages = list(submission.stages.order_by("position"))
    assert [stage.approved_by for stage in stages] == [hr2, comp]


@pytest.mark.parametrize(
    ("salary_max", "applies"),
    [("200000", True), ("160000", False)],
)
def test_a_conditional_stage_applies_when_the_maximum_is_above_the_band(salary_max, applies):
    PayBandFactory(minimum=120000, maximum=160000)
    hr, comp = UserFactory(), UserFactory()
    flow_with(
        {"name": "HR", "approvers": [hr]},
        {"name": "Compensation", "approvers": [comp], "condition": StageCondition.ABOVE_BAND},
    )
    submission = submit(draft(salary_min="130000", salary_max=salary_max)).submission
    names = list(submission.stages.values_list("name", flat=True))
    assert names == (["HR", "Compensation"] if applies else ["HR"])
    if applies:
        reason = submission.stages.get(name="Compensation").reason
        assert "200,000 USD a year" in reason and "above the pay band" in reason
        # The band's own figures are not in a reason the manager and e-mails show.
        assert "160,000" not in reason and "120,000" not in reason


def test_a_stage_above_a_figure_in_another_currency_applies_and_says_why():
    comp = UserFactory()
    flow_with(
        {
            "name": "Compensation",
            "approvers": [comp],
            "condition": StageCondition.SALARY_MAX_ABOVE,
            "condition_amount": 250000,
            "condition_currency": "EUR",
        }
    )
    submission = submit(draft()).submission
    assert "USD, not EUR" in submission.stages.get().reason


def test_a_department_flow_wins_over_the_default():
    hr, head = UserFactory(), UserFactory()
    flow_with({"name": "HR", "approvers": [hr]})
    department = DepartmentFactory(name="Data")
    flow_with({"name": "Head of data", "approvers": [head]}, name="Data", department=department)
    jd = draft(department=department.pk)
    submission = submit(jd).submission
    assert submission.flow_name == "Data"
    assert list(submission.stages.values_list("name", flat=True)) == ["Head of data"]


def test_returned_goes_back_to_the_draft_and_resubmitting_starts_again():
    hr, comp = UserFactory(), UserFactory()
    flow_with({"name": "HR", "approvers": [hr]}, {"name": "Comp", "approvers": [comp]})
    jd = draft()
    first = submit(jd).submission
    decide(services.approve, first, hr)
    decide(services.return_for_changes, first, comp, comment="Narrow the range.")
    jd.refresh_from_db()
    assert jd.status == Status.DRAFT
    first.refresh_from_db()
    assert first.state == SubmissionState.RETURNED
    assert first.decision_comment == "Narrow the range."
    second = submit(jd).submission
    assert services.current_stage(second).name == "HR"
    assert second.number == first.number


def test_rejected_ends_the_jd_with_its_reason():
    hr = UserFactory()
    flow_with({"name": "HR", "approvers": [hr]})
    jd = draft()
    submission = submit(jd).submission
    decide(services.reject, submission, hr, comment="We are not hiring for this.")
    jd.refresh_from_db()
    assert jd.status == Status.REJECTED
    with pytest.raises(AlreadyFinal):
        submit(jd)


@pytest.mark.parametrize("action", [services.return_for_changes, services.reject])
def test_returning_or_rejecting_needs_a_comment_and_changes_nothing_without_one(action):
    hr = UserFactory()
    flow_with({"name": "HR", "approvers": [hr]})
    jd = draft()
    submission = submit(jd).submission
    with pytest.raises(services.ReviewRefused, match="Say why"):
        decide(action, submission, hr, comment="   ")
    submission.refresh_from_db()
    assert submission.state == SubmissionState.IN_REVIEW
    assert JobDescription.objects.get(pk=jd.pk).status == Status.IN_REVIEW


def test_the_manager_withdraws_and_may_edit_again():
    hr = UserFactory()
    flow_with({"name": "HR", "approvers": [hr]})
    jd = draft()
    submission = submit(jd).submission
    with pytest.raises(services.NotAllowed):
        services.withdraw(submission=submission, user=hr)
    services.withdraw(submission=submission, user=jd.owner)
    jd.refresh_from_db()
    assert jd.is_editable
    with pytest.raises(services.AlreadyDecided):
        decide(services.approve, submission, hr)


def test_nobody_decides_their_own_jd_and_others_are_refused():
    manager = ManagerFactory()
    flow_with({"name": "HR", "approvers": [manager]})
    jd = DraftFactory(owner=manager, posting={})
    submission = submit(jd).submission
    for user in (manager, RecruiterFactory(), ManagerFactory()):
        with pytest.raises(services.NotAllowed):
            decide(services.approve, submission, user)
    assert services.current_stage(submission).approved_at is None


def test_staff_approve_on_behalf_of_a_stage_and_it_is_recorded():
    hr, staff = UserFactory(), StaffFactory()
    flow_with({"name": "HR", "approvers": [hr]})
    jd = draft()
    submission = submit(jd).submission
    decide(services.approve, submission, staff)
    stage = submission.stages.get()
    assert stage.on_behalf and stage.approved_by == staff
    event = TimelineEvent.objects.get(job_description=jd, kind=TimelineKind.STAGE_APPROVED)
    assert event.on_behalf and event.stage_name == "HR"


def test_a_decision_on_a_stage_decided_meanwhile_is_refused():
    hr1, hr2 = UserFactory(), UserFactory()
    flow_with({"name": "HR", "approvers": [hr1, hr2]}, {"name": "Comp", "approvers": [hr2]})
    submission = submit(draft()).submission
    shown = services.current_stage(submission).pk  # both pages showed the HR stage
    services.approve(submission=submission, user=hr1, stage_id=shown)
    with pytest.raises(services.AlreadyDecided):
        services.return_for_changes(
            submission=submission, user=hr2, stage_id=shown, comment="Too late."
        )
    assert services.current_stage(submission).name == "Comp"


def test_a_stale_or_second_submission_is_refused():
    hr = UserFactory()
    flow_with({"name": "HR", "approvers": [hr]})
    jd = draft()
    with pytest.raises(DraftChanged):
        services.submit_job_description(
            job_description=jd, user=jd.owner, expected_version=jd.lock_version - 1
        )
    submit(jd)
    with pytest.raises(AlreadyFinal):
        submit(jd)


def test_comments_thread_and_only_the_manager_resolves():
    hr = UserFactory()
    flow_with({"name": "HR", "approvers": [hr]})
    jd = draft()
    submission = submit(jd).submission
    comment = services.add_comment(
        submission=submission, user=hr, section="skills", text="Is Expert needed?"
    )
    reply = services.add_comment(
        submission=submission, user=jd.owner, text="Advanced is enough.", parent=comment
    )
    assert reply.section == "skills" and reply.parent == comment
    with pytest.raises(services.ReviewRefused):
        services.add_comment(submission=submission, user=hr, text="x", parent=reply)
    with pytest.raises(services.ReviewRefused):
        services.add_comment(submission=submission, user=hr, text="x", section="nowhere")
    with pytest.raises(services.ReviewRefused):
        services.add_comment(submission=submission, user=hr, text="x" * 4001)
    with pytest.raises(services.NotAllowed):
        services.resolve_comment(comment=comment, user=hr)
    services.resolve_comment(comment=comment, user=jd.owner)
    comment.refresh_from_db()
    assert comment.is_resolved and comment.resolved_by == jd.owner
    assert kinds(jd)[-3:] == [TimelineKind.COMMENTED, TimelineKind.COMMENTED, TimelineKind.RESOLVED]
