"""Review e-mails (jdbuilder/approvals/notify.py) as a real SMTP server receives them: who is
told of a submission, of each decision, of a comment and of a reply; what each message says and
links to; each preference turning its message off; and no user value reaching a header."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from jdbuilder.approvals import notify, services
from jdbuilder.approvals.models import NotificationSettings
from jdbuilder.jobs.models import Job, JobKind, JobStatus
from jdbuilder.models import JobDescription
from jdbuilder.vocabulary import DocumentSection, TimelineKind
from tests.factories import DraftFactory, ManagerFactory, StaffFactory, UserFactory
from tests.support.approvals_mail import (
    decide,
    flow_with,
    running_smtp_server,
    submit,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalog")]

SITE = "https://jd.example.com"


@pytest.fixture
def mailbox(settings):
    settings.SITE_URL = SITE
    settings.DEFAULT_FROM_EMAIL = "noreply@jd.example.com"
    with running_smtp_server(settings) as mailbox:
        yield mailbox


@pytest.fixture
def people(db):
    """The JD's manager, two named HR approvers and a compensation group of one."""
    compensation = Group.objects.create(name="Compensation")
    pay = UserFactory(username="pay", email="pay@example.com", first_name="Pat", last_name="Pay")
    pay.groups.add(compensation)
    return {
        "owner": ManagerFactory(username="owner", email="owner@example.com", first_name="Mo"),
        "hr": UserFactory(username="hr", email="hr@example.com", first_name="Hana"),
        "hr2": UserFactory(username="hr2", email="hr2@example.com"),
        "pay": pay,
        "compensation": compensation,
    }


@pytest.fixture
def two_stages(people):
    return flow_with(
        {"name": "HR review", "approvers": [people["hr"], people["hr2"]]},
        {"name": "Compensation", "approver_group": people["compensation"]},
    )


@pytest.fixture
def submitted(people, two_stages, mailbox, django_capture_on_commit_callbacks):
    """The owner's draft, submitted: in review at the HR stage. The mailbox starts empty."""
    jd = DraftFactory(owner=people["owner"], title="Platform Engineer")
    submission = submit(jd, django_capture_on_commit_callbacks)
    mailbox.clear()
    return submission


def addresses(mailbox) -> list[list[str]]:
    return sorted(message.recipients for message in mailbox.parsed())


def only(mailbox, address):
    [message] = mailbox.to(address)
    return message


def assert_addressed_to_one(message, address):
    assert message.recipients == [address]
    assert message.message["To"] == address
    assert message.message["Cc"] is None and message.message["Bcc"] is None


# --- a submission -------------------------------------------------------------------------------


def test_submitting_tells_each_approver_of_the_first_stage_alone(
    people, two_stages, mailbox, django_capture_on_commit_callbacks
):
    jd = DraftFactory(owner=people["owner"], title="Platform Engineer")
    submission = submit(jd, django_capture_on_commit_callbacks)

    # The compensation stage has not started: its approver hears nothing yet.
    assert addresses(mailbox) == [["hr2@example.com"], ["hr@example.com"]]
    message = only(mailbox, "hr@example.com")
    assert_addressed_to_one(message, "hr@example.com")
    assert message.subject == "Waiting for your approval: Platform Engineer (HR review)"
    link = f"{SITE}{submission.get_absolute_url()}"
    assert link.startswith(f"{SITE}/reviews/")
    for body in (message.text, message.html):
        assert "Platform Engineer" in body and "HR review" in body
        assert "Hello Hana" in body and "Mo submitted" in body
        assert link in body
        assert f"{SITE}/reviews/settings/" in body
    assert f'<a href="{link}">' in message.html
    # Every e-mail job succeeded, owned by its recipient.
    jobs = Job.objects.filter(kind=JobKind.EMAIL)
    assert {job.status for job in jobs} == {JobStatus.SUCCEEDED}
    assert {job.owner for job in jobs} == {people["hr"], people["hr2"]}


def test_the_managers_own_approval_stage_and_addressless_or_inactive_approvers_are_left_out(
    people, mailbox, django_capture_on_commit_callbacks
):
    nobody = UserFactory(email="")
    gone = UserFactory(email="gone@example.com", is_active=False)
    flow_with({"name": "HR review", "approvers": [people["owner"], people["hr"], nobody, gone]})
    submit(DraftFactory(owner=people["owner"]), django_capture_on_commit_callbacks)

    assert addresses(mailbox) == [["hr@example.com"]]


def test_a_stage_that_applies_because_of_a_condition_says_why(
    people, mailbox, django_capture_on_commit_callbacks
):
    flow_with(
        {
            "name": "Compensation",
            "approvers": [people["pay"]],
            "condition": "salary_max_above",
            "condition_amount": 100000,
            "condition_currency": "USD",
        }
    )
    submit(
        DraftFactory(owner=people["owner"], posting={"salary_max": "190000"}),
        django_capture_on_commit_callbacks,
    )
    message = only(mailbox, "pay@example.com")
    assert "This stage applies because: The maximum" in message.text
    assert "is above" in message.text


# --- decisions -----------------------------------------------------------------------------------


def test_approving_a_stage_tells_the_manager_with_the_comment_and_the_next_approvers(
    people, submitted, mailbox, django_capture_on_commit_callbacks
):
    decide(
        services.approve,
        submitted,
        people["hr"],
        django_capture_on_commit_callbacks,
        comment="Fine by HR.\nSecond line.",
    )

    assert addresses(mailbox) == [["owner@example.com"], ["pay@example.com"]]
    told = only(mailbox, "owner@example.com")
    assert_addressed_to_one(told, "owner@example.com")
    assert told.subject == "Stage approved: Platform Engineer (HR review)"
    assert "Hana approved the stage “HR review”" in told.text
    assert "Fine by HR.\nSecond line." in told.text
    assert "Fine by HR.<br>Second line." in told.html
    assert f"{SITE}{submitted.get_absolute_url()}" in told.text
    waiting = only(mailbox, "pay@example.com")
    assert waiting.subject == "Waiting for your approval: Platform Engineer (Compensation)"
    assert "Hello Pat Pay" in waiting.text


def test_the_last_approval_tells_the_manager_it_is_issued(
    people, submitted, mailbox, django_capture_on_commit_callbacks
):
    decide(services.approve, submitted, people["hr"], django_capture_on_commit_callbacks)
    mailbox.clear()
    decide(
        services.approve,
        submitted,
        people["pay"],
        django_capture_on_commit_callbacks,
        comment="Within budget.",
    )

    [message] = mailbox.parsed()
    assert_addressed_to_one(message, "owner@example.com")
    assert message.subject == "Approved and issued: Platform Engineer"
    submitted.refresh_from_db()
    assert f"It is issued as revision {submitted.revision.number}." in message.text
    assert "Within budget." in message.text and "Within budget." in message.html


def test_staff_approving_on_behalf_is_said_so(
    people, submitted, mailbox, django_capture_on_commit_callbacks
):
    decide(services.approve, submitted, StaffFactory(), django_capture_on_commit_callbacks)
    told = only(mailbox, "owner@example.com")
    assert "on behalf of its approvers" in told.text


def test_returning_tells_the_manager_what_to_change_with_a_link_to_edit(
    people, submitted, mailbox, django_capture_on_commit_callbacks
):
    decide(
        services.return_for_changes,
        submitted,
        people["hr2"],
        django_capture_on_commit_callbacks,
        comment="Raise the ML level & <fix> the summary.",
    )

    [message] = mailbox.parsed()
    assert_addressed_to_one(message, "owner@example.com")
    assert message.subject == "Returned for changes: Platform Engineer"
    assert "What to change:\nRaise the ML level & <fix> the summary." in message.text
    assert "Raise the ML level &amp; &lt;fix&gt; the summary." in message.html
    assert "<fix>" not in message.html
    jd_link = f"{SITE}{submitted.job_description.get_absolute_url()}"
    assert jd_link in message.text and f'<a href="{jd_link}">' in message.html


def test_rejecting_tells_the_manager_the_reason(
    people, submitted, mailbox, django_capture_on_commit_callbacks
):
    decide(
        services.reject,
        submitted,
        people["hr"],
        django_capture_on_commit_callbacks,
        comment="We are not hiring for this.",
    )
    [message] = mailbox.parsed()
    assert_addressed_to_one(message, "owner@example.com")
    assert message.subject == "Rejected: Platform Engineer"
    assert "The reason:\nWe are not hiring for this." in message.text


def test_a_decision_that_is_not_one_is_an_error(submitted):
    stage = services.current_stage(submitted)
    with pytest.raises(ValueError, match="Not a decision"):
        notify.decided(submitted, stage=stage, kind=TimelineKind.COMMENTED)


# --- comments and replies -------------------------------------------------------------------------


def comment(submission, user, capture, text="Please say more.", **kwargs):
    with capture(execute=True):
        return services.add_comment(submission=submission, user=user, text=text, **kwargs)


def test_a_comment_tells_the_manager_with_its_section_and_text(
    people, submitted, mailbox, django_capture_on_commit_callbacks
):
    comment(
        submitted,
        people["hr"],
        django_capture_on_commit_callbacks,
        text="Is “Expert” <really> needed?",
        section=DocumentSection.SKILLS,
    )
    [message] = mailbox.parsed()
    assert_addressed_to_one(message, "owner@example.com")
    assert message.subject == "A new comment on Platform Engineer"
    section = DocumentSection.SKILLS.label
    assert f"Hana commented on the section “{section}”" in message.text
    assert "Is “Expert” <really> needed?" in message.text
    assert "Is “Expert” &lt;really&gt; needed?" in message.html
    assert f"{SITE}{submitted.get_absolute_url()}" in message.text


def test_the_managers_own_comment_tells_nobody(
    people, submitted, mailbox, django_capture_on_commit_callbacks
):
    comment(submitted, people["owner"], django_capture_on_commit_callbacks)
    assert mailbox.parsed() == []


def test_the_managers_reply_tells_the_threads_author_only(
    people, submitted, mailbox, django_capture_on_commit_callbacks
):
    thread = comment(submitted, people["hr"], django_capture_on_commit_callbacks, text="Why?")
    mailbox.clear()
    comment(
        submitted,
        people["owner"],
        django_capture_on_commit_callbacks,
        text="Because.",
        parent=thread,
    )
    [message] = mailbox.parsed()
    assert_addressed_to_one(message, "hr@example.com")
    assert message.subject == "A reply on Platform Engineer"
    assert "Mo replied to Hana's comment" in message.text
    assert "The comment:\nWhy?" in message.text and "The reply:\nBecause." in message.text


def test_a_third_persons_reply_tells_the_manager_and_the_threads_author_each_alone(
    people, submitted, mailbox, django_capture_on_commit_callbacks
):
    thread = comment(submitted, people["hr"], django_capture_on_commit_callbacks)
    mailbox.clear()
    comment(submitted, people["hr2"], django_capture_on_commit_callbacks, parent=thread)
    assert addresses(mailbox) == [["hr@example.com"], ["owner@example.com"]]
    for message in mailbox.parsed():
        assert message.message["To"] == message.recipients[0]


def test_replying_to_ones_own_thread_tells_only_the_manager(
    people, submitted, mailbox, django_capture_on_commit_callbacks
):
    thread = comment(submitted, people["hr"], django_capture_on_commit_callbacks)
    mailbox.clear()
    comment(submitted, people["hr"], django_capture_on_commit_callbacks, parent=thread)
    assert addresses(mailbox) == [["owner@example.com"]]


# --- preferences ---------------------------------------------------------------------------------


def turn_off(user, preference):
    NotificationSettings.objects.update_or_create(user=user, defaults={preference: False})


def test_approvers_who_turned_off_submissions_are_not_told(
    people, two_stages, mailbox, django_capture_on_commit_callbacks
):
    turn_off(people["hr"], "submissions_to_approve")
    turn_off(people["hr2"], "decisions_on_mine")  # another kind: still told of submissions
    submit(DraftFactory(owner=people["owner"]), django_capture_on_commit_callbacks)
    assert addresses(mailbox) == [["hr2@example.com"]]


@pytest.mark.parametrize(
    ("action", "comment_text"),
    [
        (services.approve, ""),
        (services.return_for_changes, "Change it."),
        (services.reject, "No."),
    ],
)
def test_a_manager_who_turned_off_decisions_is_not_told_of_any(
    action, comment_text, people, submitted, mailbox, django_capture_on_commit_callbacks
):
    turn_off(people["owner"], "decisions_on_mine")
    decide(
        action, submitted, people["hr"], django_capture_on_commit_callbacks, comment=comment_text
    )
    assert ["owner@example.com"] not in addresses(mailbox)


def test_people_who_turned_off_comments_are_not_told_of_comments_or_replies(
    people, submitted, mailbox, django_capture_on_commit_callbacks
):
    turn_off(people["owner"], "comments_on_mine")
    thread = comment(submitted, people["hr"], django_capture_on_commit_callbacks)
    assert mailbox.parsed() == []
    turn_off(people["hr"], "comments_on_mine")
    comment(submitted, people["hr2"], django_capture_on_commit_callbacks, parent=thread)
    assert mailbox.parsed() == []


def test_turning_one_kind_off_leaves_the_others_on(
    people, submitted, mailbox, django_capture_on_commit_callbacks
):
    turn_off(people["owner"], "comments_on_mine")
    decide(
        services.return_for_changes,
        submitted,
        people["hr"],
        django_capture_on_commit_callbacks,
        comment="Change it.",
    )
    assert addresses(mailbox) == [["owner@example.com"]]


# --- headers ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "title",
    [
        "Engineer\r\nBcc: evil@example.com",
        "Engineer\nBcc: evil@example.com",
        "Engineer\rBcc: evil@example.com",
        "Engineer\u2028Bcc: evil@example.com",
        "Engineer\x0bBcc:\x0cevil@example.com",
    ],
    ids=repr,
)
def test_a_title_with_line_breaks_never_reaches_a_header(
    title, people, two_stages, mailbox, django_capture_on_commit_callbacks
):
    jd = DraftFactory(owner=people["owner"])
    JobDescription.objects.filter(pk=jd.pk).update(title=title)
    jd.refresh_from_db()
    submission = submit(jd, django_capture_on_commit_callbacks)
    comment(submission, people["hr"], django_capture_on_commit_callbacks)
    decide(
        services.reject,
        submission,
        people["hr"],
        django_capture_on_commit_callbacks,
        comment="No.",
    )

    messages = mailbox.parsed()
    assert len(messages) == 4  # two approvers, then the manager twice
    for message in messages:
        assert "evil@example.com" not in message.recipients
        assert message.message["Bcc"] is None
        assert "\n" not in message.subject and "\r" not in message.subject
        assert "Engineer Bcc: evil@example.com" in message.subject
        header_block = message.raw.split(b"\r\n\r\n", 1)[0]
        assert not any(line.lower().startswith(b"bcc") for line in header_block.split(b"\r\n"))
    assert {m.subject for m in messages} == {
        "Waiting for your approval: Engineer Bcc: evil@example.com (HR review)",
        "A new comment on Engineer Bcc: evil@example.com",
        "Rejected: Engineer Bcc: evil@example.com",
    }


def test_a_stage_name_with_a_line_break_never_reaches_a_header(
    people, mailbox, django_capture_on_commit_callbacks
):
    flow_with({"name": "HR\r\nBcc: evil@example.com", "approvers": [people["hr"]]})
    submit(DraftFactory(owner=people["owner"]), django_capture_on_commit_callbacks)
    [message] = mailbox.parsed()
    assert message.recipients == ["hr@example.com"]
    assert message.subject.endswith("(HR Bcc: evil@example.com)")


def test_one_line_collapses_every_kind_of_line_break_and_cuts_long_text():
    assert notify.one_line("  A\r\n\tB\u2029C\x1cD\x85E  ") == "A B C D E"
    long = notify.one_line("x" * 300)
    assert len(long) == notify.SUBJECT_TITLE_LENGTH and long.endswith("…")


# --- a withdrawal ----------------------------------------------------------------------------


def test_withdrawing_tells_the_approvers_of_the_waiting_stage_only(
    people, submitted, mailbox, django_capture_on_commit_callbacks
):
    NotificationSettings.objects.create(user=people["hr2"], submissions_to_approve=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw(submission=submitted, user=people["owner"])

    message = only(mailbox, "hr@example.com")
    assert addresses(mailbox) == [["hr@example.com"]]  # hr2 turned it off; pay's stage waits
    assert message.subject == "No longer waiting for you: Platform Engineer"
    for body in (message.text, message.html):
        assert "withdrew" in body and "HR review" in body
        assert f"{SITE}{submitted.job_description.get_absolute_url()}" in body
