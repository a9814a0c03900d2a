"""Reminders for stages waiting too long (jdbuilder/approvals/reminders.py): the working-day
arithmetic, who is reminded and when, and that a stage is reminded once per period however
many runs there are, through a real SMTP server."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jdbuilder.approvals import reminders, services, tasks
from jdbuilder.approvals.models import NotificationSettings, SubmissionStage
from tests.factories import DraftFactory, ManagerFactory, UserFactory
from tests.support.approvals_mail import (
    decide,
    flow_with,
    running_smtp_server,
    submit,
)

SITE = "https://jd.example.com"
MONDAY = datetime.date(2031, 3, 3)  # a Monday
FRIDAY = MONDAY + datetime.timedelta(days=4)


def day(offset: int, hour: int = 10) -> datetime.datetime:
    """`offset` days after MONDAY, at `hour` UTC."""
    return datetime.datetime.combine(
        MONDAY + datetime.timedelta(days=offset), datetime.time(hour), tzinfo=datetime.UTC
    )


# --- working days (pure) -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (FRIDAY, FRIDAY + datetime.timedelta(days=3), 1),  # Friday -> Monday
        (FRIDAY, FRIDAY + datetime.timedelta(days=1), 0),  # Friday -> Saturday
        (FRIDAY, FRIDAY + datetime.timedelta(days=2), 0),  # Friday -> Sunday
        (FRIDAY, FRIDAY + datetime.timedelta(days=4), 2),  # Friday -> Tuesday
        (MONDAY, MONDAY + datetime.timedelta(days=1), 1),  # Monday -> Tuesday
        (MONDAY, MONDAY + datetime.timedelta(days=3), 3),  # Monday -> Thursday
        (MONDAY, MONDAY + datetime.timedelta(days=7), 5),  # a week
        (MONDAY, MONDAY + datetime.timedelta(days=14), 10),  # two weeks
        (MONDAY - datetime.timedelta(days=1), MONDAY, 1),  # Sunday -> Monday
        (MONDAY - datetime.timedelta(days=2), MONDAY, 1),  # Saturday -> Monday
        (MONDAY, MONDAY, 0),
        (MONDAY, MONDAY - datetime.timedelta(days=3), 0),  # backwards
    ],
)
def test_working_days_between(start, end, expected):
    assert reminders.working_days_between(start, end) == expected


@given(
    start=st.dates(datetime.date(2000, 1, 1), datetime.date(2100, 1, 1)),
    days=st.integers(0, 60),
)
def test_working_days_between_counts_the_weekdays_after_start(start, days):
    end = start + datetime.timedelta(days=days)
    weekdays = sum(
        1 for n in range(1, days + 1) if (start + datetime.timedelta(days=n)).weekday() < 5
    )
    assert reminders.working_days_between(start, end) == weekdays


def test_waited_too_long_means_more_than_the_working_days():
    assert not reminders.waited_too_long(day(0), day(2, hour=23), 2)  # Mon -> Wed: 2
    assert reminders.waited_too_long(day(0, hour=23), day(3, hour=0), 2)  # Mon -> Thu: 3
    assert not reminders.waited_too_long(day(4), day(7), 1)  # Fri -> Mon: 1
    assert reminders.waited_too_long(day(4), day(8), 1)  # Fri -> Tue: 2


# --- reminding (database, SMTP) ------------------------------------------------------------------


@pytest.fixture
def mailbox(settings):
    settings.SITE_URL = SITE
    settings.APPROVAL_REMINDER_WORKING_DAYS = 2
    with running_smtp_server(settings) as mailbox:
        yield mailbox


@pytest.fixture
def waiting(db, catalog, mailbox, django_capture_on_commit_callbacks):
    """A submission whose HR stage (approvers: hr, hr2, and the JD's own manager) started on
    MONDAY; the mailbox starts empty."""
    owner = ManagerFactory(email="owner@example.com")
    hr = UserFactory(username="hr", email="hr@example.com", first_name="Hana")
    hr2 = UserFactory(username="hr2", email="hr2@example.com")
    flow_with({"name": "HR review", "approvers": [hr, hr2, owner]})
    submission = submit(
        DraftFactory(owner=owner, title="Data Engineer"), django_capture_on_commit_callbacks
    )
    submission.stages.update(started_at=day(0))
    mailbox.clear()
    return {"submission": submission, "hr": hr, "hr2": hr2, "owner": owner}


def remind(capture, now) -> int:
    with capture(execute=True):
        return reminders.remind_waiting(now=now)


def stage_of(submission) -> SubmissionStage:
    return submission.stages.get(position=1)


def test_nothing_is_reminded_before_more_than_the_working_days(
    waiting, mailbox, django_capture_on_commit_callbacks
):
    for now in (day(0, 23), day(1), day(2, 23)):  # Monday to Wednesday: at most 2 working days
        assert remind(django_capture_on_commit_callbacks, now) == 0
    assert mailbox.parsed() == []
    assert stage_of(waiting["submission"]).reminded_at is None


def test_a_stage_waiting_too_long_reminds_each_approver_alone_once(
    waiting, mailbox, django_capture_on_commit_callbacks
):
    assert remind(django_capture_on_commit_callbacks, day(3)) == 1  # Thursday: 3 working days

    # The JD's own manager, though an approver of the stage, is not reminded.
    assert sorted(m.recipients for m in mailbox.parsed()) == [
        ["hr2@example.com"],
        ["hr@example.com"],
    ]
    [message] = mailbox.to("hr@example.com")
    assert message.message["To"] == "hr@example.com"
    assert message.subject == "Still waiting for your approval: Data Engineer (HR review)"
    link = f"{SITE}{waiting['submission'].get_absolute_url()}"
    assert link in message.text and f'<a href="{link}">' in message.html
    assert "since Monday 3 March 2031: 3 working days" in message.text
    assert stage_of(waiting["submission"]).reminded_at == day(3)

    # Again the same day, and the next: already reminded.
    assert remind(django_capture_on_commit_callbacks, day(3, 11)) == 0
    assert remind(django_capture_on_commit_callbacks, day(4)) == 0
    assert len(mailbox.parsed()) == 2


def test_a_stage_still_waiting_is_reminded_again_after_as_many_working_days(
    waiting, mailbox, django_capture_on_commit_callbacks
):
    assert remind(django_capture_on_commit_callbacks, day(3)) == 1  # Thursday
    mailbox.clear()
    assert remind(django_capture_on_commit_callbacks, day(7)) == 0  # Monday: 2 since
    assert remind(django_capture_on_commit_callbacks, day(8)) == 1  # Tuesday: 3 since
    assert len(mailbox.parsed()) == 2


def test_a_friday_submission_waits_over_the_weekend(
    waiting, mailbox, settings, django_capture_on_commit_callbacks
):
    settings.APPROVAL_REMINDER_WORKING_DAYS = 1
    waiting["submission"].stages.update(started_at=day(4, 17))  # Friday evening
    assert remind(django_capture_on_commit_callbacks, day(6, 23)) == 0  # Sunday
    assert remind(django_capture_on_commit_callbacks, day(7, 23)) == 0  # Monday: 1 working day
    assert remind(django_capture_on_commit_callbacks, day(8)) == 1  # Tuesday: 2


def test_approvers_who_turned_reminders_off_are_not_reminded(
    waiting, mailbox, django_capture_on_commit_callbacks
):
    NotificationSettings.objects.create(user=waiting["hr"], reminders=False)
    NotificationSettings.objects.create(user=waiting["hr2"], submissions_to_approve=False)
    assert remind(django_capture_on_commit_callbacks, day(3)) == 1
    assert [m.recipients for m in mailbox.parsed()] == [["hr2@example.com"]]


def test_a_stage_nobody_wants_reminders_of_counts_as_not_reminded(
    waiting, mailbox, django_capture_on_commit_callbacks
):
    for user in (waiting["hr"], waiting["hr2"]):
        NotificationSettings.objects.create(user=user, reminders=False)
    assert remind(django_capture_on_commit_callbacks, day(3)) == 0
    assert mailbox.parsed() == []


def test_decided_or_withdrawn_submissions_are_not_reminded(
    waiting, mailbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw(submission=waiting["submission"], user=waiting["owner"])
    mailbox.clear()
    assert remind(django_capture_on_commit_callbacks, day(10)) == 0
    assert mailbox.parsed() == []


def test_only_the_current_stage_is_reminded_from_when_it_started(
    db, catalog, mailbox, django_capture_on_commit_callbacks
):
    owner = ManagerFactory()
    hr, pay = UserFactory(email="hr@example.com"), UserFactory(email="pay@example.com")
    flow_with({"name": "HR", "approvers": [hr]}, {"name": "Pay", "approvers": [pay]})
    submission = submit(DraftFactory(owner=owner), django_capture_on_commit_callbacks)
    decide(services.approve, submission, hr, django_capture_on_commit_callbacks)
    submission.stages.filter(position=1).update(started_at=day(0))
    submission.stages.filter(position=2).update(started_at=day(2))  # Wednesday
    mailbox.clear()

    assert remind(django_capture_on_commit_callbacks, day(4)) == 0  # Friday: 2 working days
    assert remind(django_capture_on_commit_callbacks, day(7)) == 1  # Monday: 3
    assert [m.recipients for m in mailbox.parsed()] == [["pay@example.com"]]


def test_two_runs_that_read_the_same_stage_send_one_reminder(
    waiting, mailbox, django_capture_on_commit_callbacks
):
    """As two beats at once: both read the stage as due; the first claims it, the second's
    conditional update finds it claimed and sends nothing."""
    [seen_by_second] = reminders.due_stages(now=day(3), working_days=2)
    assert remind(django_capture_on_commit_callbacks, day(3)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert not reminders._remind(seen_by_second, now=day(3, 11), working_days=2)
    assert len(mailbox.parsed()) == 2
    assert stage_of(waiting["submission"]).reminded_at == day(3)


def test_a_claim_that_fails_to_queue_is_given_back(
    waiting, mailbox, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(*args, **kwargs):
        raise RuntimeError("the template broke")

    monkeypatch.setattr(reminders, "send_each", broken)
    with pytest.raises(RuntimeError):
        remind(django_capture_on_commit_callbacks, day(3))
    assert stage_of(waiting["submission"]).reminded_at is None  # the next run tries again


def test_the_task_reminds(waiting, mailbox, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(reminders.timezone, "now", lambda: day(3))
    with django_capture_on_commit_callbacks(execute=True):
        result = tasks.remind.delay()
    assert result.get() == "1"
    assert len(mailbox.parsed()) == 2
    assert tasks.remind.name == "approvals.remind"
