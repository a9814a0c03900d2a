"""Issue 14's path in a browser: a manager submits a Data Scientist JD whose maximum is above the
band; the HR approver finds it in "Waiting for me", comments on the skills section and returns
it; the manager resolves the comment, raises Machine learning one level and submits again; an
outside reviewer comments through a share link that stops working once revoked; HR sees the
redline "Machine learning: Accomplished → Advanced" and approves, the compensation stage (there
because the maximum is above the band) approves, and a recruiter finds the JD in the library."""

from __future__ import annotations

import dataclasses
import re

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from jdbuilder.approvals.models import ApprovalFlow, ApprovalStage, Comment, Submission
from jdbuilder.approvals.services import stages_for
from jdbuilder.documents.build import take_snapshot
from jdbuilder.models import JobDescription
from jdbuilder.services import save_step
from jdbuilder.snapshots import read_snapshot
from jdbuilder.vocabulary import (
    DocumentSection,
    StageCondition,
    Status,
    SubmissionState,
    WizardStep,
)
from roles.models import Role, Skill
from tests.browser.conftest import assert_accessible
from tests.browser.test_phone_width import assert_fits, phone_context
from tests.factories import DepartmentFactory, DraftFactory, PayBandFactory, UserFactory

TITLE = "Senior Data Scientist, Bed Forecasting"
ACCOMPLISHED, ADVANCED = 3, 4  # the seed catalog's ranks


@pytest.fixture
def reviewed(live_catalog, live_manager):
    """The manager's finalizable draft in Data Science (Machine learning at Accomplished, the
    maximum of 190,000 USD above the 120,000–160,000 band) and the two-stage default flow."""
    role = Role.objects.get(slug="data-scientist")
    DepartmentFactory(name="Data Science", members=[live_manager], roles=[role])
    PayBandFactory(role=role, minimum=120_000, maximum=160_000, currency="USD")
    hr_group = Group.objects.create(name="HR")
    hr = UserFactory(username="hr", first_name="Harper", last_name="Reviewer")
    hr.groups.add(hr_group)
    comp = UserFactory(username="comp", first_name="Cameron", last_name="Pay")
    flow = ApprovalFlow.objects.create(name="Standard review", is_default=True)
    ApprovalStage.objects.create(flow=flow, position=1, name="HR review", approver_group=hr_group)
    compensation = ApprovalStage.objects.create(
        flow=flow, position=2, name="Compensation", condition=StageCondition.ABOVE_BAND
    )
    compensation.approvers.add(comp)

    jd = DraftFactory(owner=live_manager, role=role, title=TITLE, posting={})
    machine_learning = Skill.objects.get(slug="machine-learning")
    skills = tuple(
        dataclasses.replace(choice, level=ACCOMPLISHED)
        if choice.skill == machine_learning.pk
        else choice
        for choice in jd.chosen.skills
    )
    # Every step saved (the role's defaults, Machine learning lowered), so it can be submitted.
    for step, value in (
        (WizardStep.RESPONSIBILITIES, jd.chosen.responsibilities),
        (WizardStep.SKILLS, skills),
        (WizardStep.TOOLS, jd.chosen.tools),
    ):
        save_step(
            job_description=jd,
            step=step,
            value=value,
            expected_version=jd.lock_version,
            next_step=WizardStep.REVIEW,
        )
    jd.refresh_from_db()
    assert jd.first_unsaved_step(s for s in WizardStep if s != WizardStep.REVIEW) is None
    # The setup is what the path needs: both stages apply (the second for the band).
    _, applying = stages_for(job_description=jd, document=read_snapshot(take_snapshot(jd)))
    assert [applies.stage.name for applies in applying] == ["HR review", "Compensation"]
    return {"jd": jd, "hr": hr, "comp": comp}


def waiting_for_me(page):
    """The navigation's "Waiting for me" link (its name carries the count badge)."""
    return page.get_by_role("link", name=re.compile(r"^Waiting for me"))


def open_from_queue(page, live_server, *, count: int):
    page.goto(f"{live_server.url}/")
    link = waiting_for_me(page)
    expect(link).to_contain_text(str(count))
    link.click()
    expect(page.get_by_role("link", name=TITLE)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(TITLE)


def decide(page, button: str, comment: str = "") -> None:
    """Press a decision button, writing `comment` in its own form's text box first."""
    form = page.locator("form").filter(has=page.get_by_role("button", name=button, exact=True))
    if comment:
        form.locator("textarea").fill(comment)
    form.get_by_role("button", name=button, exact=True).click()
    page.wait_for_load_state()


def share_path(page) -> str:
    """The share link's path, from the one-time message that shows it."""
    message = page.get_by_text(re.compile("Share link made"))
    expect(message).to_be_visible()
    match = re.search(r"(/shared/[^\s/]+/)", message.inner_text())
    assert match, message.inner_text()
    return match.group(1)


def test_submit_review_return_resubmit_share_and_approve_in_two_stages(
    page, browser, live_server, sign_in, fresh_session, reviewed, live_manager, live_recruiter
):
    jd: JobDescription = reviewed["jd"]

    # The manager submits from the review step.
    sign_in(live_manager, f"/jd/{jd.public_id}/edit/review/")
    expect(page.get_by_role("heading", name=re.compile("Review"))).to_be_visible()
    page.get_by_role("button", name="Submit for approval").click()
    page.wait_for_load_state()
    first = Submission.objects.get(job_description=jd)
    assert first.state == SubmissionState.IN_REVIEW
    assert [s.name for s in first.stages.order_by("position")] == ["HR review", "Compensation"]

    # HR finds it waiting, comments on the skills section and returns it.
    hr = fresh_session(reviewed["hr"])
    open_from_queue(hr, live_server, count=1)
    comment_form = hr.locator("form").filter(
        has=hr.get_by_role("button", name="Add comment", exact=True)
    )
    comment_form.get_by_label("Section").select_option(label=DocumentSection.SKILLS.label)
    comment_form.get_by_label("Comment").fill("Machine learning should be one level higher.")
    comment_form.get_by_role("button", name="Add comment", exact=True).click()
    expect(
        hr.get_by_text("Machine learning should be one level higher.", exact=True)
    ).to_be_visible()
    decide(hr, "Return for changes", "Raise Machine learning, then send it again.")
    first.refresh_from_db()
    assert first.state == SubmissionState.RETURNED
    assert first.decision_comment == "Raise Machine learning, then send it again."
    jd.refresh_from_db()
    assert jd.status == Status.DRAFT

    # The manager resolves the comment on the JD, raises the level and submits again.
    page.goto(f"{live_server.url}{jd.get_absolute_url()}")
    expect(
        page.get_by_text("Machine learning should be one level higher.", exact=True)
    ).to_be_visible()
    page.get_by_role("button", name="Resolve", exact=True).click()
    page.wait_for_load_state()
    thread = Comment.objects.get(section=DocumentSection.SKILLS, parent=None)
    assert thread.resolved_by == live_manager
    page.goto(f"{live_server.url}/jd/{jd.public_id}/edit/skills/")
    level = page.get_by_role("radiogroup", name="Level of Machine learning")
    expect(level.get_by_role("radio", name="Accomplished", exact=True)).to_be_checked()
    level.get_by_role("radio", name="Advanced", exact=True).check()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", name="Step 4 of 6: Tools")).to_be_visible()
    page.goto(f"{live_server.url}/jd/{jd.public_id}/edit/review/")
    page.get_by_role("button", name="Submit for approval").click()
    page.wait_for_load_state()
    second = Submission.objects.in_review().get(job_description=jd)
    assert second.pk != first.pk

    # An outside reviewer comments through a share link; revoked, it stops working.
    page.goto(f"{live_server.url}{second.get_absolute_url()}")
    page.get_by_role("button", name="Make a share link").click()
    path = share_path(page)
    outside = browser.new_context()
    try:
        visitor = outside.new_page()
        visitor.set_default_timeout(10_000)
        visitor.goto(f"{live_server.url}{path}")
        expect(visitor.get_by_role("heading", level=1)).to_have_text("Shared for review")
        expect(visitor.get_by_role("heading", name=TITLE)).to_be_visible()
        assert_accessible(visitor)
        visitor.get_by_label("Your name").fill("Dana Outside")
        visitor.get_by_label("Comment", exact=True).fill("Clear and fair; the skills read well.")
        visitor.get_by_role("button", name="Send comment").click()
        visitor.wait_for_load_state()
        outside_comment = Comment.objects.get(outside_name="Dana Outside")
        assert outside_comment.text == "Clear and fair; the skills read well."
        assert outside_comment.author is None

        page.reload()
        page.get_by_role("button", name="Revoke").click()
        page.wait_for_load_state()
        response = visitor.goto(f"{live_server.url}{path}")
        assert response.status == 404
        expect(visitor.get_by_text(re.compile("does not work"))).to_be_visible()
        expect(visitor.get_by_label("Comment")).to_have_count(0)
    finally:
        outside.close()

    # HR sees the redline in the skill model's terms and approves.
    open_from_queue(hr, live_server, count=1)
    expect(hr.get_by_text("Machine learning: Accomplished → Advanced")).to_be_visible()
    assert_accessible(hr)
    decide(hr, "Approve")
    second.refresh_from_db()
    assert second.state == SubmissionState.IN_REVIEW
    assert second.stages.get(position=1).approved_by == reviewed["hr"]
    expect(waiting_for_me(hr)).not_to_contain_text("1")

    # The compensation stage (the maximum is above the band) approves: the JD is issued.
    comp = fresh_session(reviewed["comp"])
    open_from_queue(comp, live_server, count=1)
    expect(comp.get_by_text(re.compile("above the pay band"))).to_be_visible()
    decide(comp, "Approve")
    second.refresh_from_db()
    jd.refresh_from_db()
    assert second.state == SubmissionState.APPROVED
    assert jd.status == Status.FINAL
    assert second.revision.snapshot == second.snapshot  # what was reviewed is what is issued

    # The recruiter finds it in the library.
    recruiter = fresh_session(live_recruiter, "/library/")
    expect(recruiter.get_by_role("link", name=TITLE)).to_be_visible()


def test_the_submission_page_fits_a_phone(
    browser, live_server, reviewed, live_manager, fresh_session
):
    from jdbuilder.approvals.services import submit_job_description

    jd = reviewed["jd"]
    submitted = submit_job_description(
        job_description=jd, user=live_manager, expected_version=jd.lock_version
    )
    phone = fresh_session(
        reviewed["hr"], submitted.submission.get_absolute_url(), **phone_context()
    )
    expect(phone.get_by_role("heading", level=1)).to_contain_text(TITLE)
    assert_fits(phone, "submission page")
    assert_accessible(phone)
