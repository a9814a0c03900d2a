"""The submission page and its POSTs: who sees what (404), who may act (403), what each action
does, comments with replies and resolving, and staff deciding on behalf of a stage."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from jdbuilder.approvals import services
from jdbuilder.approvals.models import Comment, Submission, TimelineEvent
from jdbuilder.approvals.queue import connect_signals
from jdbuilder.models import JobDescription
from jdbuilder.vocabulary import Status, SubmissionState, TimelineKind
from tests.factories import (
    DraftFactory,
    ManagerFactory,
    RecruiterFactory,
    StaffFactory,
    UserFactory,
)
from tests.support.approvals import decide, make_flow, stage, submitted

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalog")]
connect_signals()


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def hr():
    return UserFactory(first_name="Hana", last_name="Reyes")


@pytest.fixture
def pay():
    return UserFactory(first_name="Paul", last_name="Ay")


@pytest.fixture
def flow(hr, pay):
    return make_flow(stage("HR review", approvers=[hr]), stage("Compensation", approvers=[pay]))


@pytest.fixture
def submission(flow):
    return submitted(DraftFactory(posting={}))


def url(name: str, submission: Submission) -> str:
    return reverse(f"approvals:{name}", kwargs={"public_id": submission.public_id})


def post_decision(client, name, submission, comment="", stage_id=None):
    current = services.current_stage(submission)
    stage_id = current.pk if stage_id is None else stage_id
    return client.post(url(name, submission), {"stage": stage_id, "comment": comment})


def jd_of(submission) -> JobDescription:
    return JobDescription.objects.get(pk=submission.job_description_id)


# --- who sees the page ---------------------------------------------------------------------------


def test_the_approver_sees_the_document_findings_stages_and_decision_forms(submission, hr):
    response = client_for(hr).get(url("submission", submission))
    assert response.status_code == 200
    html = response.content.decode()
    assert jd_of(submission).title in html
    assert "In review: stage 1 of 2, HR review" in html
    assert "Quality checks" in html
    for label in ("Approve", "Return for changes", "Reject", "Add comment"):
        assert f">{label}</button>" in html
    assert "on behalf" not in html
    assert "Withdraw" not in html
    assert "Make a share link" not in html  # share links are the owner's and staff's


def test_the_manager_sees_withdraw_and_share_links_but_no_decision(submission):
    html = client_for(jd_of(submission).owner).get(url("submission", submission)).content.decode()
    assert ">Withdraw</button>" in html
    assert "Make a share link" in html
    assert ">Approve</button>" not in html


@pytest.mark.parametrize(
    "who", [lambda s: ManagerFactory(), lambda s: RecruiterFactory(), lambda s: UserFactory()]
)
def test_a_submission_one_cannot_see_is_a_404_and_nothing_changes(submission, who):
    client = client_for(who(submission))
    assert client.get(url("submission", submission)).status_code == 404
    for name in ("approve", "return", "reject", "withdraw"):
        assert post_decision(client, name, submission, comment="No").status_code == 404
    response = client.post(url("comment", submission), {"section": "general", "text": "Hi"})
    assert response.status_code == 404
    submission.refresh_from_db()
    assert submission.state == SubmissionState.IN_REVIEW
    assert not Comment.objects.exists()


def test_an_unknown_submission_is_a_404(hr):
    import uuid

    response = client_for(hr).get(reverse("approvals:submission", args=[uuid.uuid4()]))
    assert response.status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(submission):
    response = Client().get(url("submission", submission))
    assert response.status_code == 302 and "login" in response["Location"]


# --- who may act ---------------------------------------------------------------------------------


def test_the_approver_of_a_later_stage_may_see_but_not_approve_the_first(submission, pay):
    client = client_for(pay)
    assert client.get(url("submission", submission)).status_code == 200
    assert post_decision(client, "approve", submission).status_code == 403
    assert services.current_stage(submission).name == "HR review"
    assert not TimelineEvent.objects.filter(kind=TimelineKind.STAGE_APPROVED).exists()


def test_the_manager_may_not_approve_their_own(submission):
    owner = jd_of(submission).owner
    response = post_decision(client_for(owner), "approve", submission)
    assert response.status_code == 403
    assert services.current_stage(submission).name == "HR review"


def test_the_manager_who_is_also_the_approver_may_not_approve_their_own(flow, hr):
    own = submitted(DraftFactory(owner=hr, posting={}))
    assert post_decision(client_for(hr), "approve", own).status_code == 403
    own.refresh_from_db()
    assert own.state == SubmissionState.IN_REVIEW


def test_an_approver_may_not_withdraw(submission, hr):
    assert client_for(hr).post(url("withdraw", submission)).status_code == 403
    submission.refresh_from_db()
    assert submission.state == SubmissionState.IN_REVIEW


def test_decisions_are_post_only(submission, hr):
    assert client_for(hr).get(url("approve", submission)).status_code == 405


# --- what each action does -----------------------------------------------------------------------


def test_approving_both_stages_issues_the_revision(submission, hr, pay):
    response = post_decision(client_for(hr), "approve", submission, comment="Fine by HR")
    assert response.status_code == 302 and response["Location"] == url("submission", submission)
    assert services.current_stage(submission).name == "Compensation"
    html = client_for(pay).get(url("submission", submission)).content.decode()
    assert "In review: stage 2 of 2, Compensation" in html
    assert "Fine by HR" in html
    post_decision(client_for(pay), "approve", submission)
    submission.refresh_from_db()
    assert submission.state == SubmissionState.APPROVED
    assert jd_of(submission).status == Status.FINAL


def test_returning_needs_a_comment_and_keeps_everything_without_one(submission, hr):
    client = client_for(hr)
    response = post_decision(client, "return", submission, comment="   ")
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.state == SubmissionState.IN_REVIEW
    page = client.get(response["Location"]).content.decode()
    assert "Say why, for the manager." in page


def test_returning_sends_the_draft_back_with_the_comment(submission, hr):
    post_decision(client_for(hr), "return", submission, comment="Lower the Python level")
    submission.refresh_from_db()
    assert submission.state == SubmissionState.RETURNED
    assert jd_of(submission).status == Status.DRAFT
    owner = jd_of(submission).owner
    html = client_for(owner).get(url("submission", submission)).content.decode()
    assert "Lower the Python level" in html and "Returned for changes" in html


def test_rejecting_ends_the_jd_with_the_reason(submission, hr):
    post_decision(client_for(hr), "reject", submission, comment="Not a role we hire for")
    submission.refresh_from_db()
    assert submission.state == SubmissionState.REJECTED
    assert submission.decision_comment == "Not a role we hire for"
    assert jd_of(submission).status == Status.REJECTED


def test_a_stale_stage_id_is_refused_with_a_message_and_no_decision(submission, hr):
    client = client_for(hr)
    response = post_decision(client, "approve", submission, stage_id=999999)
    assert response.status_code == 302
    assert "decided meanwhile" in client.get(response["Location"]).content.decode()
    assert services.current_stage(submission).name == "HR review"


def test_a_garbage_stage_id_is_refused_too(submission, hr):
    client = client_for(hr)
    response = client.post(url("approve", submission), {"stage": "abc"})
    assert response.status_code == 302
    assert services.current_stage(submission).name == "HR review"


def test_deciding_twice_is_refused_with_a_message(submission, hr):
    client = client_for(hr)
    post_decision(client, "reject", submission, comment="No")
    response = client.post(url("reject", submission), {"stage": "1", "comment": "No again"})
    assert response.status_code == 302
    assert "rejected already" in client.get(response["Location"]).content.decode()
    assert TimelineEvent.objects.filter(kind=TimelineKind.REJECTED).count() == 1


def test_the_manager_withdraws(submission):
    owner = jd_of(submission).owner
    response = client_for(owner).post(url("withdraw", submission))
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.state == SubmissionState.WITHDRAWN
    assert jd_of(submission).status == Status.DRAFT


def test_staff_decide_on_behalf_of_the_stage_and_it_is_recorded(submission):
    staff = StaffFactory()
    client = client_for(staff)
    html = client.get(url("submission", submission)).content.decode()
    assert "Approve on behalf of the stage" in html
    post_decision(client, "approve", submission, comment="HR is away")
    first = submission.stages.get(position=1)
    assert first.approved_by == staff and first.on_behalf
    event = TimelineEvent.objects.get(kind=TimelineKind.STAGE_APPROVED)
    assert event.on_behalf and event.actor == staff
    timeline = client.get(url("submission", submission)).content.decode()
    assert "(staff, on behalf of the stage)" in timeline


# --- comments ------------------------------------------------------------------------------------


def test_comment_reply_and_resolve(submission, hr):
    owner = jd_of(submission).owner
    approver, manager = client_for(hr), client_for(owner)
    response = approver.post(
        url("comment", submission), {"section": "skills", "text": "Is Expert needed?"}
    )
    assert response.status_code == 302
    thread = Comment.objects.get()
    assert (thread.section, thread.author, thread.text) == ("skills", hr, "Is Expert needed?")
    manager.post(url("comment", submission), {"parent": thread.pk, "text": "Lowered it."})
    reply = Comment.objects.get(parent=thread)
    assert reply.section == "skills" and reply.author == owner
    html = manager.get(url("submission", submission)).content.decode()
    assert "Skills and proficiency" in html and "Lowered it." in html
    assert ">Resolve</button>" in html
    assert ">Resolve</button>" not in approver.get(url("submission", submission)).content.decode()
    resolve = reverse("approvals:resolve", kwargs={"pk": thread.pk})
    assert approver.post(resolve).status_code == 403
    thread.refresh_from_db()
    assert not thread.is_resolved
    assert manager.post(resolve).status_code == 302
    thread.refresh_from_db()
    assert thread.resolved_by == owner
    kinds = list(TimelineEvent.objects.values_list("kind", flat=True))
    assert kinds.count(TimelineKind.COMMENTED) == 2 and TimelineKind.RESOLVED in kinds


def test_comment_text_is_escaped(submission, hr):
    client = client_for(hr)
    client.post(url("comment", submission), {"section": "general", "text": "<script>x</script>"})
    html = client.get(url("submission", submission)).content.decode()
    assert "<script>x</script>" not in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html


@pytest.mark.parametrize(
    "data, message",
    [
        ({"section": "general", "text": "  "}, "Write the comment."),
        ({"section": "nowhere", "text": "Hello"}, "Choose a section to comment on."),
        ({"section": "general", "text": "x" * 4001}, "At most 4,000 characters"),
    ],
)
def test_a_bad_comment_is_refused_with_a_message(submission, hr, data, message):
    client = client_for(hr)
    response = client.post(url("comment", submission), data)
    assert response.status_code == 302
    assert message in client.get(response["Location"]).content.decode()
    assert not Comment.objects.exists()


def test_a_reply_to_a_comment_of_another_jd_is_refused(submission, hr, flow):
    other = submitted(DraftFactory(posting={}))
    elsewhere = services.add_comment(submission=other, user=hr, text="Elsewhere")
    client = client_for(hr)
    response = client.post(url("comment", submission), {"parent": elsewhere.pk, "text": "Hm"})
    assert response.status_code == 302
    assert Comment.objects.count() == 1


def test_resolving_a_comment_one_cannot_see_is_a_404(submission, hr):
    thread = services.add_comment(submission=submission, user=hr, text="Hello")
    response = client_for(ManagerFactory()).post(
        reverse("approvals:resolve", kwargs={"pk": thread.pk})
    )
    assert response.status_code == 404
    thread.refresh_from_db()
    assert not thread.is_resolved


def test_a_returned_submission_shows_its_redline_after_resubmitting(submission, hr, pay):
    """Approved once (revision 1), revised, resubmitted: the page shows the redline section."""
    decide(services.approve, submission, hr)
    decide(services.approve, submission, pay)
    jd = jd_of(submission)
    jd.reopen()
    jd.refresh_from_db()
    second = submitted(jd)
    response = client_for(hr).get(url("submission", second))
    assert response.status_code == 200
    assert "Changes since the last issued revision" in response.content.decode()


# --- the JD's own page and "My job descriptions" ----------------------------------------------


def test_the_jd_page_shows_the_review_state_comments_and_timeline(submission, hr):
    jd = jd_of(submission)
    decide(services.approve, submission, hr, comment="Good")
    services.add_comment(submission=submission, user=hr, text="Check pay", section="compensation")
    html = client_for(jd.owner).get(jd.get_absolute_url()).content.decode()
    assert "In review: stage 2 of 2, Compensation" in html
    assert "Check pay" in html and ">Resolve</button>" in html
    assert 'id="timeline"' in html and "Submitted" in html
    assert submission.get_absolute_url() in html


def test_the_jd_page_shows_the_return_comment(submission, hr):
    jd = jd_of(submission)
    decide(services.return_for_changes, submission, hr, comment="Raise the ML level")
    html = client_for(jd.owner).get(jd.get_absolute_url()).content.decode()
    assert "Raise the ML level" in html and "Returned for changes" in html


def test_my_job_descriptions_shows_each_review_state(flow, hr):
    owner = ManagerFactory()
    in_review = submitted(DraftFactory(owner=owner, title="Alpha", posting={}))
    returned = submitted(DraftFactory(owner=owner, title="Beta", posting={}))
    rejected = submitted(DraftFactory(owner=owner, title="Gamma", posting={}))
    DraftFactory(owner=owner, title="Delta")
    decide(services.return_for_changes, returned, hr, comment="Fix")
    decide(services.reject, rejected, hr, comment="No")
    html = client_for(owner).get(reverse("jd:mine")).content.decode()
    assert ">In review</span>" in html and in_review.get_absolute_url() in html
    assert ">Returned for changes</span>" in html
    assert ">Rejected</span>" in html
    assert html.count(">Draft</span>") == 2  # the returned one is a draft again
