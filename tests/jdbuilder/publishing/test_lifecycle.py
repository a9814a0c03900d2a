"""A posting's whole life with a frozen clock, through the services and the public address
(`/jobs/<slug>-<short id>/`): published; replaced at the same address by a newer revision, or
kept when the newer one has a pay-transparency error; the reminder three days before the
closing date, once; open all of its closing date and closed by itself the day after (its
markup gone); its closed page for the grace period, then 410; reopened only with a new date;
unpublished, 404. The beat task runs through; two publishes at once make one posting (on
PostgreSQL)."""

from __future__ import annotations

import datetime
import time

import pytest
import time_machine
from django.core import mail
from django.core.cache import caches
from django.db import connection
from django.test import Client

from jdbuilder.approvals.models import TimelineEvent
from jdbuilder.drafts import Posting as PostingStep
from jdbuilder.jobs.models import Job, JobKind
from jdbuilder.models import JobDescription
from jdbuilder.publishing import services, tasks
from jdbuilder.publishing.models import Posting
from jdbuilder.services import save_step
from jdbuilder.vocabulary import PostingState, TimelineKind, WizardStep
from tests.factories import ManagerFactory, RecruiterFactory, full_posting
from tests.support.jds import make_final_jd
from tests.support.publishing import published_jd, reissue
from tests.support.races import race

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalog")]

START = datetime.datetime(2031, 3, 3, 9, 0, tzinfo=datetime.UTC)  # a Monday
CLOSES = datetime.date(2031, 3, 20)
NO_PAY = {"salary_min": "", "salary_max": ""}  # in Denver, Colorado: a pay-transparency error


def on(day: datetime.date, hour: int = 9, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=datetime.UTC)


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


@pytest.fixture
def clock():
    """The clock frozen at START; `clock.move_to(...)` moves it."""
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def visit(path: str):
    """An anonymous visitor's GET. The public cache is emptied first: each visit in these
    stories comes after something changed in the same frozen instant, and what is tested here
    is the posting's state, not the cache (tests/jdbuilder/publishing/test_cache.py)."""
    caches["default"].clear()
    return Client().get(path)


def kinds(jd: JobDescription) -> list[str]:
    return list(
        TimelineEvent.objects.filter(job_description=jd)
        .order_by("pk")
        .values_list("kind", flat=True)
    )


@pytest.fixture
def story(clock):
    """An issued JD of its manager, closing on CLOSES, published by a recruiter at START."""
    owner = ManagerFactory(email="owner@example.com")
    recruiter = RecruiterFactory(email="recruiter@example.com")
    posting = published_jd(owner=owner, publisher=recruiter, closing_date=CLOSES.isoformat())
    assert posting.closes_on == CLOSES
    return {
        "owner": owner,
        "recruiter": recruiter,
        "posting": posting,
        "jd": posting.job_description,
    }


def test_published_it_is_open_at_its_address(story):
    posting = story["posting"]
    assert posting.state == PostingState.OPEN
    response = visit(posting.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert "Senior Software Engineer" in page and "application/ld+json" in page
    assert "2031-03-20" in page  # validThrough
    assert "Senior Software Engineer" in visit("/jobs/").content.decode()
    assert kinds(story["jd"]) == [TimelineKind.PUBLISHED]


def test_a_newer_issued_revision_replaces_it_at_the_same_address(story, clock):
    address = story["posting"].get_absolute_url()
    clock.move_to(START + days(2))
    reissue(story["jd"], summary="Forecast bed demand for forty hospitals.")
    posting = Posting.objects.get(pk=story["posting"].pk)
    assert posting.revision.number == 2 and posting.get_absolute_url() == address
    assert posting.published_at == START + days(2)
    assert posting.first_published_at == START
    response = visit(address)
    assert response.status_code == 200
    assert "Forecast bed demand for forty hospitals." in response.content.decode()
    assert kinds(story["jd"])[-1] == TimelineKind.REPUBLISHED


def test_a_newer_revision_with_a_pay_error_is_kept_back(story, clock):
    clock.move_to(START + days(2))
    reissue(story["jd"], summary="No pay range this time.", **NO_PAY)
    posting = Posting.objects.get(pk=story["posting"].pk)
    assert posting.revision.number == 1
    page = visit(posting.get_absolute_url()).content.decode()
    assert "No pay range this time." not in page and "150,000" in page
    event = TimelineEvent.objects.filter(job_description=story["jd"]).latest("pk")
    assert (event.kind, event.actor) == (TimelineKind.KEPT_PUBLISHED, None)
    assert "still shows revision 1" in event.text


def test_the_reminder_goes_three_days_before_to_the_manager_and_every_recruiter_once(
    story, clock, django_capture_on_commit_callbacks
):
    other_recruiter = RecruiterFactory(email="other@example.com")
    ManagerFactory(email="another-manager@example.com")  # not this JD's: not told

    def run(moment) -> int:
        clock.move_to(moment)
        with django_capture_on_commit_callbacks(execute=True):
            return services.remind_closing()

    assert run(on(CLOSES - days(4), 23, 59)) == 0  # four days before: not yet
    assert Job.objects.filter(kind=JobKind.EMAIL).count() == 0
    assert run(on(CLOSES - days(3), 0, 5)) == 1
    expected = sorted(["owner@example.com", "recruiter@example.com", "other@example.com"])
    queued = Job.objects.filter(kind=JobKind.EMAIL)
    assert sorted(job.params["to"][0] for job in queued) == expected
    assert sorted(address for message in mail.outbox for address in message.to) == expected
    [to_owner] = [m for m in mail.outbox if m.to == ["owner@example.com"]]
    assert "Senior Software Engineer" in to_owner.subject
    assert story["posting"].get_absolute_url() in to_owner.body
    assert other_recruiter.email in [m.to[0] for m in mail.outbox]
    # Again that day, and on the days left: nobody is told twice.
    assert run(on(CLOSES - days(3), 18)) == 0
    assert run(on(CLOSES - days(1))) == 0
    assert run(on(CLOSES)) == 0
    assert queued.count() == 3 and len(mail.outbox) == 3
    assert kinds(story["jd"]).count(TimelineKind.CLOSING_REMINDED) == 1


def test_open_all_of_its_closing_date_and_closed_by_itself_the_day_after(story, clock):
    posting = story["posting"]
    address = posting.get_absolute_url()
    clock.move_to(on(CLOSES, 23, 59))
    assert services.close_due() == 0
    assert Posting.objects.get(pk=posting.pk).is_open
    assert "application/ld+json" in visit(address).content.decode()

    clock.move_to(on(CLOSES + days(1), 0, 1))
    assert services.close_due() == 1
    closed = Posting.objects.get(pk=posting.pk)
    assert closed.state == PostingState.CLOSED
    assert closed.closed_at == on(CLOSES + days(1), 0, 1)
    assert closed.jobposting == {}
    event = TimelineEvent.objects.filter(job_description=story["jd"]).latest("pk")
    assert (event.kind, event.actor) == (TimelineKind.CLOSED, None)
    assert "20 March 2031" in event.text
    response = visit(address)
    assert response.status_code == 200
    page = response.content.decode()
    assert "This posting is closed" in page and "application/ld+json" not in page
    assert "Senior Software Engineer" not in visit("/jobs/").content.decode()
    assert address not in visit("/sitemap.xml").content.decode()
    assert services.close_due() == 0  # nothing left to close


def test_a_closed_page_answers_for_the_grace_period_then_410(story, clock):
    posting = story["posting"]
    address = posting.get_absolute_url()
    clock.move_to(on(CLOSES + days(1), 0, 1))
    services.close_due()
    closed_at = Posting.objects.get(pk=posting.pk).closed_at

    clock.move_to(closed_at + days(29))
    assert visit(address).status_code == 200
    clock.move_to(closed_at + days(30) - datetime.timedelta(seconds=1))
    assert visit(address).status_code == 200
    clock.move_to(closed_at + days(30))
    assert visit(address).status_code == 410


def test_reopening_an_expired_posting_needs_a_new_closing_date(story, clock):
    jd, recruiter = story["jd"], story["recruiter"]
    clock.move_to(on(CLOSES + days(2)))
    services.close_due()
    events_before = kinds(jd)
    with pytest.raises(services.PublishRefused, match="has passed"):
        services.publish(job_description=jd, user=recruiter)
    assert Posting.objects.get(pk=story["posting"].pk).state == PostingState.CLOSED
    assert kinds(jd) == events_before

    new_date = CLOSES + days(30)
    reopened = services.publish(job_description=jd, user=recruiter, closes_on=new_date)
    assert reopened.is_open and reopened.closes_on == new_date and reopened.reminded_for is None
    assert reopened.get_absolute_url() == story["posting"].get_absolute_url()
    assert kinds(jd)[-1] == TimelineKind.REOPENED
    response = visit(reopened.get_absolute_url())
    assert response.status_code == 200 and "application/ld+json" in response.content.decode()


def test_an_expired_posting_whose_date_was_given_at_publishing_asks_for_a_new_one(clock):
    # The revision says 2 April; the recruiter published it to close on 20 March.
    posting = published_jd(closing_date="2031-04-02", closes_on=CLOSES)
    jd = posting.job_description
    clock.move_to(on(CLOSES + days(2)))
    assert services.close_due() == 1
    with pytest.raises(services.PublishRefused, match="has passed"):
        services.publish(job_description=jd, user=RecruiterFactory())


@pytest.mark.parametrize("close_first", [False, True])
def test_an_unpublished_posting_is_404(story, clock, close_first):
    jd, recruiter = story["jd"], story["recruiter"]
    address = story["posting"].get_absolute_url()
    if close_first:
        services.close(job_description=jd, user=recruiter)
    clock.move_to(START + days(1))
    services.unpublish(job_description=jd, user=recruiter)
    assert visit(address).status_code == 404
    assert "Senior Software Engineer" not in visit("/jobs/").content.decode()
    clock.move_to(START + days(60))  # not a 410 later either: it was never closed for the public
    assert visit(address).status_code == 404


def test_the_beat_task_closes_and_reminds(clock):
    due = published_jd(closes_on=START.date() + days(2))
    soon = published_jd(closes_on=START.date() + days(6))
    clock.move_to(on(START.date() + days(3)))
    assert tasks.close_and_remind.apply().get() == "closed 1, reminded 1"
    assert Posting.objects.get(pk=due.pk).state == PostingState.CLOSED
    assert Posting.objects.get(pk=soon.pk).reminded_for == soon.closes_on
    assert tasks.close_and_remind.apply().get() == "closed 0, reminded 0"


def test_a_closed_posting_s_old_address_never_shows_a_newer_draft(story, clock):
    jd, recruiter = story["jd"], story["recruiter"]
    services.close(job_description=jd, user=recruiter)
    jd.reopen()  # the next revision, a draft nobody issued
    save_step(
        job_description=jd,
        step=WizardStep.POSTING,
        value=PostingStep.from_json(full_posting(summary="Secret reorganisation plans.")),
        expected_version=jd.lock_version,
        next_step=WizardStep.REVIEW,
    )
    page = visit(story["posting"].get_absolute_url()).content.decode()
    assert "Secret reorganisation plans." not in page


# --- two publishes at once (PostgreSQL) -----------------------------------------------------------


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: two threads holding two connections and row locks at once "
    "(run with DATABASE_URL=postgres://…)",
)
@pytest.mark.django_db(transaction=True)
def test_two_publishes_of_one_jd_at_once_make_one_posting(monkeypatch):
    jd = make_final_jd(ManagerFactory())
    first, second = RecruiterFactory(), RecruiterFactory()
    real = services._show

    def slowly(*args, **kwargs):
        time.sleep(0.5)  # hold the row locks while the other publish arrives
        return real(*args, **kwargs)

    monkeypatch.setattr(services, "_show", slowly)
    outcomes = race(
        [
            lambda: services.publish(job_description=jd, user=first),
            lambda: services.publish(job_description=jd, user=second),
        ]
    )
    published = [o for o in outcomes if isinstance(o, Posting)]
    refused = [o for o in outcomes if isinstance(o, services.PublishRefused)]
    assert len(published) == 1 and len(refused) == 1, outcomes
    assert "already published" in str(refused[0])
    assert Posting.objects.filter(job_description=jd).count() == 1
    assert kinds(jd) == [TimelineKind.PUBLISHED]
