"""The posting's services (jdbuilder/publishing/services.py), one action at a time: who may
publish, what a publish copies and records, what each action refuses (and that a refusal
changes nothing), the pay gate, a newer revision replacing or kept off the page, and who is
reminded. The whole life with a frozen clock is in test_lifecycle.py."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser, Permission
from django.utils import timezone

from jdbuilder.approvals.models import NotificationSettings, TimelineEvent
from jdbuilder.documents.build import build_document
from jdbuilder.jobs.models import Job, JobKind
from jdbuilder.models import JobDescription
from jdbuilder.publishing import services
from jdbuilder.publishing.models import Posting
from jdbuilder.services import finalize_job_description
from jdbuilder.vocabulary import PostingState, TimelineKind
from tests.factories import (
    DraftFactory,
    ManagerFactory,
    RecruiterFactory,
    UserFactory,
)
from tests.support.jds import make_final_jd, retitle
from tests.support.publishing import published_jd, reissue

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalog")]

NO_PAY = {"salary_min": "", "salary_max": ""}  # in Denver, Colorado: a pay-transparency error


def events(jd: JobDescription) -> list[tuple[str, int | None]]:
    return list(
        TimelineEvent.objects.filter(job_description=jd)
        .order_by("pk")
        .values_list("kind", "actor_id")
    )


def snapshot_of(jd: JobDescription) -> tuple:
    """Everything a refused action must leave as it was."""
    posting = Posting.objects.filter(job_description=jd).values().first()
    return posting, events(jd)


def reader_only():
    """A user who may read issued JDs (as recruiters do) but not publish."""
    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="view_final_jobdescription"))
    return user


# --- who may publish ----------------------------------------------------------------------------


class TestCanPublish:
    def test_a_recruiter_may_publish_any_issued_jd(self):
        jd = make_final_jd(ManagerFactory())
        assert services.can_publish(RecruiterFactory(), jd)

    def test_a_manager_may_publish_their_own_issued_jd_only(self):
        owner, other = ManagerFactory(), ManagerFactory()
        jd = make_final_jd(owner)
        assert services.can_publish(owner, jd)
        assert not services.can_publish(other, jd)

    def test_nobody_publishes_a_jd_never_issued(self):
        owner = ManagerFactory()
        draft = DraftFactory(owner=owner, posting={})
        assert not services.can_publish(owner, draft)
        assert not services.can_publish(RecruiterFactory(), draft)

    def test_without_the_permission_nobody_publishes(self):
        owner = UserFactory()  # owns it, but is in neither group
        jd = make_final_jd(owner)
        assert not services.can_publish(owner, jd)
        assert not services.can_publish(reader_only(), jd)

    def test_anonymous_never_publishes(self):
        assert not services.can_publish(AnonymousUser(), make_final_jd(ManagerFactory()))

    @pytest.mark.parametrize("action", ["publish", "unpublish", "close"])
    def test_every_action_refuses_a_user_who_may_not_publish(self, action):
        posting = published_jd()
        jd = posting.job_description
        before = snapshot_of(jd)
        for user in (ManagerFactory(), reader_only()):
            with pytest.raises(services.NotAllowed):
                getattr(services, action)(job_description=jd, user=user)
        assert snapshot_of(jd) == before


# --- publish --------------------------------------------------------------------------------------


class TestPublish:
    def test_publishing_copies_the_revision_onto_an_open_posting(self):
        recruiter = RecruiterFactory()
        closes = timezone.localdate() + datetime.timedelta(days=20)
        posting = published_jd(publisher=recruiter, closes_on=closes)
        jd = posting.job_description
        assert posting.state == PostingState.OPEN and posting.is_open
        assert posting.revision_id == jd.latest_revision_id
        assert posting.closes_on == closes
        assert posting.published_by == recruiter
        assert posting.first_published_at == posting.published_at
        assert posting.closed_at is None and posting.reminded_for is None
        assert posting.title == "Senior Software Engineer"
        assert posting.slug == "senior-software-engineer"
        assert len(posting.short_id) == 8
        assert posting.get_absolute_url() == f"/jobs/senior-software-engineer-{posting.short_id}/"
        assert posting.location == "Denver, Colorado"
        assert posting.workplace_type == "hybrid" and posting.employment_type == "FULL_TIME"
        assert "150,000" in posting.salary_text
        assert "senior software engineer" in posting.search_text
        assert posting.jobposting["@type"] == "JobPosting"
        assert posting.jobposting["validThrough"].startswith(closes.isoformat())
        assert posting.description_html
        assert events(jd) == [(TimelineKind.PUBLISHED, recruiter.pk)]
        event = TimelineEvent.objects.get(job_description=jd)
        assert posting.get_absolute_url() in event.text and "Revision 1" in event.text

    def test_without_a_date_the_revision_s_closing_date_is_used(self):
        posting = published_jd()
        expected = timezone.localdate() + datetime.timedelta(days=30)  # full_posting's
        assert posting.closes_on == expected

    def test_a_revision_without_a_closing_date_stays_open_until_closed(self):
        posting = published_jd(closing_date=None)
        assert posting.closes_on is None and posting.is_open
        assert "validThrough" not in posting.jobposting

    def test_publishing_the_published_revision_again_is_refused_and_changes_nothing(self):
        posting = published_jd()
        jd = posting.job_description
        before = snapshot_of(jd)
        with pytest.raises(services.PublishRefused, match="already published"):
            services.publish(job_description=jd, user=RecruiterFactory())
        assert snapshot_of(jd) == before

    def test_a_new_closing_date_moves_an_open_postings_date_in_place(self):
        posting = published_jd()
        jd = posting.job_description
        later = posting.closes_on + datetime.timedelta(days=10)
        Posting.objects.filter(pk=posting.pk).update(reminded_for=posting.closes_on)
        moved = services.publish(job_description=jd, user=RecruiterFactory(), closes_on=later)
        moved.refresh_from_db()
        assert moved.pk == posting.pk and moved.is_open
        assert moved.closes_on == later and moved.reminded_for is None
        assert moved.jobposting["validThrough"] == f"{later.isoformat()}T23:59:59"
        event = TimelineEvent.objects.filter(job_description=jd).last()
        assert event.kind == TimelineKind.CLOSING_CHANGED
        assert f"to the end of {later.day} {later:%B %Y}" in event.text

    def test_moving_an_open_postings_date_into_the_past_is_refused(self):
        posting = published_jd()
        jd = posting.job_description
        before = snapshot_of(jd)
        yesterday = timezone.localdate() - datetime.timedelta(days=1)
        with pytest.raises(services.PublishRefused, match="has passed"):
            services.publish(job_description=jd, user=RecruiterFactory(), closes_on=yesterday)
        assert snapshot_of(jd) == before

    def test_a_closing_date_in_the_past_is_refused_and_nothing_is_written(self):
        jd = make_final_jd(ManagerFactory())
        yesterday = timezone.localdate() - datetime.timedelta(days=1)
        with pytest.raises(services.PublishRefused, match="has passed"):
            services.publish(job_description=jd, user=RecruiterFactory(), closes_on=yesterday)
        assert not Posting.objects.exists()
        assert events(jd) == []

    def test_a_revision_whose_own_closing_date_passed_needs_a_new_one(self):
        past = (timezone.localdate() - datetime.timedelta(days=2)).isoformat()
        jd = make_final_jd(ManagerFactory(), closing_date=past)
        with pytest.raises(services.PublishRefused, match="give a new closing date"):
            services.publish(job_description=jd, user=RecruiterFactory())
        assert not Posting.objects.exists()
        new = timezone.localdate() + datetime.timedelta(days=5)
        posting = services.publish(job_description=jd, user=RecruiterFactory(), closes_on=new)
        assert posting.closes_on == new

    def test_today_is_still_a_closing_date_publishing_accepts(self):
        today = timezone.localdate()
        posting = published_jd(closes_on=today)
        assert posting.is_open and posting.closes_on == today


# --- the pay gate ---------------------------------------------------------------------------------


class TestPayGate:
    def test_an_error_level_pay_finding_without_a_reason_is_refused_and_writes_nothing(self):
        jd = make_final_jd(ManagerFactory(), **NO_PAY)
        with pytest.raises(services.PayOverrideNeeded) as refused:
            services.publish(job_description=jd, user=RecruiterFactory())
        assert isinstance(refused.value, services.PublishRefused)
        assert refused.value.findings and "Colorado" in refused.value.findings[0].message
        assert "with a reason" in str(refused.value)
        assert not Posting.objects.exists()
        assert events(jd) == []

    def test_a_blank_reason_counts_as_none(self):
        jd = make_final_jd(ManagerFactory(), **NO_PAY)
        with pytest.raises(services.PayOverrideNeeded):
            services.publish(job_description=jd, user=RecruiterFactory(), override_reason=" \n ")
        assert not Posting.objects.exists()

    def test_with_a_reason_it_is_published_and_the_reason_recorded(self):
        recruiter = RecruiterFactory()
        jd = make_final_jd(ManagerFactory(), **NO_PAY)
        posting = services.publish(
            job_description=jd,
            user=recruiter,
            override_reason="  Range agreed with legal;\n posted on the intranet.  ",
        )
        assert posting.is_open
        assert posting.pay_override_reason == "Range agreed with legal; posted on the intranet."
        assert posting.pay_override_revision_id == jd.latest_revision_id
        assert posting.pay_override_by == recruiter
        assert posting.pay_override_at == posting.published_at
        event = TimelineEvent.objects.get(job_description=jd, kind=TimelineKind.PUBLISHED)
        assert event.actor == recruiter
        assert "reason: Range agreed with legal; posted on the intranet." in event.text

    def test_a_long_reason_is_kept_to_1000_characters(self):
        jd = make_final_jd(ManagerFactory(), **NO_PAY)
        posting = services.publish(
            job_description=jd, user=RecruiterFactory(), override_reason="x" * 1500
        )
        assert len(posting.pay_override_reason) == 1000

    def test_a_compliant_revision_needs_no_reason_and_records_none(self):
        posting = published_jd(override_reason="not needed")
        assert posting.pay_override_reason == "" and posting.pay_override_revision is None

    def test_reopening_the_overridden_revision_asks_no_reason_again(self):
        recruiter = RecruiterFactory()
        jd = make_final_jd(ManagerFactory(), **NO_PAY)
        services.publish(job_description=jd, user=recruiter, override_reason="Agreed.")
        services.close(job_description=jd, user=recruiter)
        posting = services.publish(job_description=jd, user=recruiter)
        assert posting.is_open and posting.pay_override_reason == "Agreed."

    def test_pay_errors_lists_error_level_findings_only(self):
        compliant = make_final_jd(ManagerFactory())
        assert services.pay_errors(build_document(compliant.latest_revision)) == []
        broken = make_final_jd(ManagerFactory(), **NO_PAY)
        [finding] = services.pay_errors(build_document(broken.latest_revision))
        assert finding.kind == "pay"


# --- unpublish, close, reopen -------------------------------------------------------------------


class TestUnpublishCloseReopen:
    def test_close_closes_an_open_posting_and_empties_its_markup(self):
        posting = published_jd()
        jd, recruiter = posting.job_description, RecruiterFactory()
        closed = services.close(job_description=jd, user=recruiter)
        closed.refresh_from_db()
        assert closed.state == PostingState.CLOSED and closed.closed_at is not None
        assert closed.jobposting == {}
        assert events(jd)[-1] == (TimelineKind.CLOSED, recruiter.pk)

    def test_only_an_open_posting_can_be_closed(self):
        posting = published_jd()
        jd, recruiter = posting.job_description, RecruiterFactory()
        services.close(job_description=jd, user=recruiter)
        before = snapshot_of(jd)
        with pytest.raises(services.PublishRefused, match="Only an open posting"):
            services.close(job_description=jd, user=recruiter)
        assert snapshot_of(jd) == before
        unpublished = make_final_jd(ManagerFactory())
        with pytest.raises(services.PublishRefused):
            services.close(job_description=unpublished, user=recruiter)

    def test_unpublish_takes_an_open_or_a_closed_posting_down(self):
        recruiter = RecruiterFactory()
        for close_first in (False, True):
            jd = published_jd().job_description
            if close_first:
                services.close(job_description=jd, user=recruiter)
            posting = services.unpublish(job_description=jd, user=recruiter)
            posting.refresh_from_db()
            assert posting.state == PostingState.UNPUBLISHED and posting.closed_at is not None
            assert events(jd)[-1] == (TimelineKind.UNPUBLISHED, recruiter.pk)

    def test_unpublishing_what_is_not_published_is_refused(self):
        recruiter = RecruiterFactory()
        never = make_final_jd(ManagerFactory())
        with pytest.raises(services.PublishRefused, match="not published"):
            services.unpublish(job_description=never, user=recruiter)
        jd = published_jd().job_description
        services.unpublish(job_description=jd, user=recruiter)
        before = snapshot_of(jd)
        with pytest.raises(services.PublishRefused, match="not published"):
            services.unpublish(job_description=jd, user=recruiter)
        assert snapshot_of(jd) == before

    def test_reopening_keeps_the_address_and_says_reopened(self):
        posting = published_jd()
        jd, recruiter = posting.job_description, RecruiterFactory()
        address = posting.get_absolute_url()
        services.unpublish(job_description=jd, user=recruiter)
        reopened = services.publish(job_description=jd, user=recruiter)
        assert reopened.pk == posting.pk and reopened.get_absolute_url() == address
        assert reopened.is_open and reopened.closed_at is None
        assert reopened.first_published_at == posting.first_published_at
        assert events(jd)[-1] == (TimelineKind.REOPENED, recruiter.pk)
        assert Posting.objects.filter(job_description=jd).count() == 1

    def test_reopening_publishes_the_latest_revision(self):
        posting = published_jd()
        jd, recruiter = posting.job_description, RecruiterFactory()
        services.close(job_description=jd, user=recruiter)
        revision = reissue(jd, summary="Now with more forecasting.")
        posting.refresh_from_db()
        assert posting.revision.number == 1  # a closed posting keeps what it showed
        reopened = services.publish(job_description=jd, user=recruiter)
        assert reopened.revision == revision and reopened.summary == "Now with more forecasting."

    def test_a_new_closing_date_resets_the_reminder(self):
        posting = published_jd()
        jd, recruiter = posting.job_description, RecruiterFactory()
        Posting.objects.filter(pk=posting.pk).update(reminded_for=posting.closes_on)
        services.close(job_description=jd, user=recruiter)
        later = posting.closes_on + datetime.timedelta(days=10)
        reopened = services.publish(job_description=jd, user=recruiter, closes_on=later)
        assert reopened.closes_on == later and reopened.reminded_for is None


# --- a newer revision -----------------------------------------------------------------------------


class TestNewRevision:
    def test_a_newer_issued_revision_replaces_the_published_one_at_the_same_address(self):
        posting = published_jd()
        jd = posting.job_description
        address, short_id = posting.get_absolute_url(), posting.short_id
        revision = reissue(jd, summary="A new summary.")
        posting.refresh_from_db()
        assert posting.revision == revision and posting.summary == "A new summary."
        assert posting.short_id == short_id and posting.get_absolute_url() == address
        assert posting.is_open
        kind, actor = events(jd)[-1]
        assert (kind, actor) == (TimelineKind.REPUBLISHED, None)
        assert "Revision 2 replaced revision 1" in TimelineEvent.objects.latest("pk").text

    def test_a_new_title_moves_the_slug_but_keeps_the_short_id(self):
        posting = published_jd()
        jd = posting.job_description
        jd.reopen()
        retitle(jd, "Staff Software Engineer")
        finalize_job_description(
            job_description=jd, user=jd.owner, expected_version=jd.lock_version
        )
        fresh = Posting.objects.get(pk=posting.pk)
        assert fresh.slug == "staff-software-engineer" and fresh.short_id == posting.short_id

    def test_a_newer_revision_with_a_pay_error_is_kept_back(self):
        posting = published_jd()
        jd = posting.job_description
        reissue(jd, **NO_PAY)
        posting.refresh_from_db()
        assert posting.revision.number == 1 and "150,000" in posting.salary_text
        assert events(jd)[-1] == (TimelineKind.KEPT_PUBLISHED, None)
        # Publishing it needs the reason; with one, it replaces revision 1.
        recruiter = RecruiterFactory()
        with pytest.raises(services.PayOverrideNeeded):
            services.publish(job_description=jd, user=recruiter)
        replaced = services.publish(job_description=jd, user=recruiter, override_reason="Legal ok.")
        assert replaced.revision.number == 2 and replaced.pay_override_reason == "Legal ok."

    def test_a_newer_revision_s_later_closing_date_is_followed(self):
        posting = published_jd()
        jd = posting.job_description
        later = posting.closes_on + datetime.timedelta(days=15)
        Posting.objects.filter(pk=posting.pk).update(reminded_for=posting.closes_on)
        reissue(jd, closing_date=later.isoformat())
        posting.refresh_from_db()
        assert posting.closes_on == later and posting.reminded_for is None

    def test_a_closed_or_unpublished_posting_does_not_follow(self):
        recruiter = RecruiterFactory()
        for action in (services.close, services.unpublish):
            posting = published_jd()
            jd = posting.job_description
            action(job_description=jd, user=recruiter)
            before_state = Posting.objects.get(pk=posting.pk).state
            reissue(jd, summary="Changed.")
            posting.refresh_from_db()
            assert posting.revision.number == 1 and posting.state == before_state


# --- closing at the date, reminding ---------------------------------------------------------------


class TestScheduled:
    def test_close_due_closes_only_postings_past_their_closing_date(self):
        today = timezone.localdate()
        due = published_jd(closes_on=today)
        not_yet = published_jd(closes_on=today + datetime.timedelta(days=1))
        no_date = published_jd(closing_date=None)
        assert services.close_due(today=today) == 0
        assert services.close_due(today=today + datetime.timedelta(days=1)) == 1
        states = dict(Posting.objects.values_list("pk", "state"))
        assert states[due.pk] == PostingState.CLOSED
        assert states[not_yet.pk] == states[no_date.pk] == PostingState.OPEN
        event = TimelineEvent.objects.filter(job_description=due.job_description).latest("pk")
        assert (event.kind, event.actor) == (TimelineKind.CLOSED, None)
        assert "Closed by itself" in event.text

    def test_reminder_recipients_are_the_manager_and_every_active_recruiter(self):
        owner = ManagerFactory()
        recruiters = [RecruiterFactory(), RecruiterFactory()]
        gone = RecruiterFactory(is_active=False)
        ManagerFactory()  # another manager: not told
        direct = reader_only()  # may read issued JDs through a permission of their own
        jd = make_final_jd(owner)
        people = services.reminder_recipients(jd)
        assert {p.pk for p in people} == {owner.pk, direct.pk, *(r.pk for r in recruiters)}
        assert gone not in people
        assert [p.pk for p in people] == sorted(p.pk for p in people)

    def test_remind_closing_mails_each_recipient_once_and_records_it(self):
        owner = ManagerFactory(email="owner@example.com")
        recruiter = RecruiterFactory(email="rec@example.com")
        quiet = RecruiterFactory(email="quiet@example.com")
        NotificationSettings.objects.create(user=quiet, reminders=False)
        today = timezone.localdate()
        posting = published_jd(
            owner=owner, publisher=recruiter, closes_on=today + datetime.timedelta(days=3)
        )
        assert services.remind_closing(today=today) == 1
        mails = Job.objects.filter(kind=JobKind.EMAIL)
        assert sorted(m.params["to"][0] for m in mails) == ["owner@example.com", "rec@example.com"]
        assert all(posting.title in m.params["subject"] for m in mails)
        posting.refresh_from_db()
        assert posting.reminded_for == posting.closes_on
        event = TimelineEvent.objects.filter(job_description=posting.job_description).latest("pk")
        assert event.kind == TimelineKind.CLOSING_REMINDED and event.actor is None
        assert services.remind_closing(today=today) == 0
        assert services.remind_closing(today=today + datetime.timedelta(days=1)) == 0
        assert mails.count() == 2
