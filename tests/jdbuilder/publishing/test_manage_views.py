"""Publishing from the JD page (jdbuilder/publishing/manage_views.py, the panel of
templatetags/publishing.py): what the panel says and offers to whom; publish with a closing
date, the pay override's reason, close now, unpublish, reopen; every refusal shown with
nothing changed; 403 for those who may not publish, 404 for a JD one cannot see, the sign-in
page for anonymous visitors; CSRF on every POST; a fixed number of queries."""

from __future__ import annotations

import dataclasses
import datetime

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jdbuilder.approvals.models import TimelineEvent
from jdbuilder.models import JobDescription
from jdbuilder.publishing import manage_forms, manage_views, services
from jdbuilder.publishing.models import Posting
from jdbuilder.vocabulary import PostingState, TimelineKind
from tests.factories import (
    DraftFactory,
    ManagerFactory,
    RecruiterFactory,
    UserFactory,
)
from tests.support.jds import make_final_jd
from tests.support.publishing import published_jd, reissue

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalog")]

NO_PAY = {"salary_min": "", "salary_max": ""}  # in Denver, Colorado: a pay-transparency error
REASON = "Reason for publishing without a compliant pay range"
UNDERSTAND = "I understand this posting may break pay-transparency law"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(name: str, jd: JobDescription) -> str:
    return f"/jd/{jd.public_id}/posting/{name}/"


def page_of(client: Client, jd: JobDescription) -> str:
    response = client.get(jd.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def in_days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def long_date(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


def state_of(jd: JobDescription) -> tuple:
    """Everything a refused POST must leave as it was."""
    posting = Posting.objects.filter(job_description=jd).values().first()
    events = list(TimelineEvent.objects.filter(job_description=jd).values_list("pk", flat=True))
    return posting, events


def reader():
    """Reads issued JDs (as recruiters do) but may not publish."""
    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="view_final_jobdescription"))
    return user


# --- the panel ------------------------------------------------------------------------------------


class TestPanel:
    def test_a_recruiter_sees_not_published_and_the_publish_form_with_the_revision_s_date(self):
        jd = make_final_jd(ManagerFactory())
        page = page_of(client_for(RecruiterFactory()), jd)
        assert "Careers page" in page and "Not published" in page
        assert f'action="{url("publish", jd)}"' in page
        assert f'value="{in_days(30).isoformat()}"' in page  # the revision's closing date
        assert ">Publish</button>" in page
        assert REASON not in page  # a compliant revision: no override asked
        assert "Close now" not in page and "Unpublish" not in page

    def test_an_open_posting_shows_its_date_link_revision_and_actions(self):
        posting = published_jd(closes_on=in_days(12))
        jd = posting.job_description
        page = page_of(client_for(RecruiterFactory()), jd)
        assert f"Open until {long_date(in_days(12))}" in page
        assert f'href="{posting.get_absolute_url()}"' in page
        assert "The careers page shows revision 1." in page
        assert f'action="{url("close", jd)}"' in page and "Close now" in page
        assert f'action="{url("unpublish", jd)}"' in page
        # Nothing newer to publish: the form only moves the closing date.
        assert f'action="{url("publish", jd)}"' in page and "Change the closing date" in page

    def test_a_closed_posting_shows_closed_on_its_link_reopen_and_unpublish(self):
        posting = published_jd()
        jd, recruiter = posting.job_description, RecruiterFactory()
        services.close(job_description=jd, user=recruiter)
        page = page_of(client_for(recruiter), jd)
        assert f"Closed on {long_date(timezone.localdate())}" in page
        assert f'href="{posting.get_absolute_url()}"' in page
        assert ">Reopen</button>" in page and "Unpublish" in page and "Close now" not in page

    def test_an_unpublished_posting_shows_no_link(self):
        posting = published_jd()
        jd, recruiter = posting.job_description, RecruiterFactory()
        services.unpublish(job_description=jd, user=recruiter)
        page = page_of(client_for(recruiter), jd)
        assert "Unpublished" in page and ">Reopen</button>" in page
        assert f'href="{posting.get_absolute_url()}"' not in page  # (the timeline names it)
        assert f'action="{url("unpublish", jd)}"' not in page

    def test_a_revision_kept_back_by_the_pay_gate_is_named_with_its_button(self):
        posting = published_jd()
        jd = posting.job_description
        reissue(jd, **NO_PAY)
        page = page_of(client_for(RecruiterFactory()), jd)
        assert "Revision 2 has a pay-transparency error, so it was kept back" in page
        assert "still shows revision 1" in page
        assert ">Publish revision 2</button>" in page
        assert REASON in page and UNDERSTAND in page and "Colorado requires" in page

    def test_the_pay_override_is_asked_only_when_the_revision_needs_one(self):
        jd = make_final_jd(ManagerFactory(), **NO_PAY)
        page = page_of(client_for(RecruiterFactory()), jd)
        assert "has a pay-transparency error" in page and "Colorado requires" in page
        assert 'name="override_reason"' in page and 'maxlength="1000"' in page
        assert 'name="override_understood"' in page

    def test_an_expired_closing_date_makes_the_date_required(self):
        past = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
        jd = make_final_jd(ManagerFactory(), closing_date=past)
        page = page_of(client_for(RecruiterFactory()), jd)
        assert manage_forms.EXPIRED.replace("'", "&#x27;") in page
        assert f'value="{past}"' not in page

    def test_someone_who_may_read_but_not_publish_sees_the_state_only(self):
        posting = published_jd(closes_on=in_days(12))
        page = page_of(client_for(reader()), posting.job_description)
        assert f"Open until {long_date(in_days(12))}" in page
        assert f'href="{posting.get_absolute_url()}"' in page
        assert "/posting/" not in page  # no action's form

    def test_a_jd_never_issued_has_no_panel(self):
        owner = ManagerFactory()
        draft = DraftFactory(owner=owner, posting={})
        page = page_of(client_for(owner), draft)
        assert "Careers page" not in page

    def test_the_owner_manager_gets_the_actions(self):
        owner = ManagerFactory()
        jd = make_final_jd(owner)
        assert f'action="{url("publish", jd)}"' in page_of(client_for(owner), jd)

    def test_the_panel_is_valid_html(self, vnu):
        jd = make_final_jd(ManagerFactory(), **NO_PAY)
        client = client_for(RecruiterFactory())
        page = client.post(url("publish", jd), {"closes_on": ""}).content.decode()
        assert "Give the reason" in page  # the form again, with its errors
        errors = [str(m) for m in vnu(page) if m.is_error]
        assert errors == [], "\n".join(errors)

    def test_the_query_count_does_not_grow_with_the_timeline(self):
        posting = published_jd()
        jd, recruiter = posting.job_description, RecruiterFactory()
        client = client_for(recruiter)
        client.get(jd.get_absolute_url())  # warm what is read once per process
        with CaptureQueriesContext(connection) as few:
            assert client.get(jd.get_absolute_url()).status_code == 200
        for _ in range(5):
            services.close(job_description=jd, user=recruiter)
            services.publish(job_description=jd, user=recruiter)
        assert TimelineEvent.objects.filter(job_description=jd).count() == 11
        with CaptureQueriesContext(connection) as many:
            assert client.get(jd.get_absolute_url()).status_code == 200
        assert len(many) == len(few), "\n".join(q["sql"] for q in many.captured_queries)


# --- publish --------------------------------------------------------------------------------------


class TestPublish:
    def test_a_recruiter_publishes_with_a_closing_date(self):
        recruiter = RecruiterFactory()
        jd = make_final_jd(ManagerFactory())
        client = client_for(recruiter)
        response = client.post(url("publish", jd), {"closes_on": in_days(40).isoformat()})
        assert response.status_code == 302 and response.url == jd.get_absolute_url()
        posting = Posting.objects.get(job_description=jd)
        assert posting.is_open and posting.closes_on == in_days(40)
        assert posting.published_by == recruiter
        page = page_of(client, jd)
        assert f"open until {long_date(in_days(40))}" in page  # the message
        assert f"Open until {long_date(in_days(40))}" in page  # the panel

    def test_the_pre_filled_date_is_kept_and_an_empty_one_keeps_the_revision_s(self):
        for value in (in_days(30).isoformat(), ""):
            jd = make_final_jd(ManagerFactory())
            client_for(RecruiterFactory()).post(url("publish", jd), {"closes_on": value})
            assert Posting.objects.get(job_description=jd).closes_on == in_days(30)

    @pytest.mark.parametrize(
        ("value", "message"),
        [
            ("not-a-date", "Enter a valid date."),
            ("2020-01-01", "The closing date must be in the future."),
            ("today", "The closing date must be in the future."),
            ("far", "at most 12 months ahead"),
        ],
    )
    def test_a_bad_closing_date_shows_the_form_again_and_changes_nothing(self, value, message):
        jd = make_final_jd(ManagerFactory())
        dates = {
            "today": timezone.localdate().isoformat(),
            "far": in_days(400).isoformat(),
        }
        response = client_for(RecruiterFactory()).post(
            url("publish", jd), {"closes_on": dates.get(value, value)}
        )
        assert response.status_code == 200
        assert message in response.content.decode()
        assert not Posting.objects.filter(job_description=jd).exists()
        assert not TimelineEvent.objects.filter(job_description=jd).exists()

    def test_publishing_what_is_already_published_shows_the_refusal_and_changes_nothing(self):
        posting = published_jd()
        jd = posting.job_description
        before = state_of(jd)
        client = client_for(RecruiterFactory())
        response = client.post(url("publish", jd), {"closes_on": ""}, follow=True)
        assert "This revision is already published." in response.content.decode()
        assert state_of(jd) == before

    def test_an_open_posting_gets_a_later_closing_date_from_the_panel(self):
        posting = published_jd(closes_on=in_days(12))
        jd = posting.job_description
        client = client_for(RecruiterFactory())
        response = client.post(url("publish", jd), {"closes_on": in_days(40).isoformat()})
        assert response.status_code == 302
        posting.refresh_from_db()
        assert posting.is_open and posting.closes_on == in_days(40)
        assert f"Open until {long_date(in_days(40))}" in page_of(client, jd)

    def test_a_jd_never_issued_is_refused_clearly(self):
        owner = ManagerFactory()
        draft = DraftFactory(owner=owner, posting={})
        response = client_for(owner).post(url("publish", draft), follow=True)
        assert manage_views.NOT_ISSUED in response.content.decode()
        assert not Posting.objects.exists()

    def test_the_owner_manager_publishes_their_own(self):
        owner = ManagerFactory()
        jd = make_final_jd(owner)
        assert client_for(owner).post(url("publish", jd)).status_code == 302
        assert Posting.objects.get(job_description=jd).published_by == owner


class TestPayOverride:
    def test_without_a_reason_or_the_tick_nothing_is_published(self):
        jd = make_final_jd(ManagerFactory(), **NO_PAY)
        client = client_for(RecruiterFactory())
        for data, missing in (
            ({}, manage_forms.NO_REASON),
            ({"override_reason": "   "}, manage_forms.NO_REASON),
            ({"override_reason": "Agreed with legal."}, manage_forms.NOT_UNDERSTOOD),
            ({"override_understood": "on"}, manage_forms.NO_REASON),
        ):
            response = client.post(url("publish", jd), data)
            assert response.status_code == 200
            assert missing in response.content.decode()
            assert not Posting.objects.exists()
            assert not TimelineEvent.objects.filter(job_description=jd).exists()

    def test_a_reason_over_1000_characters_is_refused(self):
        jd = make_final_jd(ManagerFactory(), **NO_PAY)
        response = client_for(RecruiterFactory()).post(
            url("publish", jd), {"override_reason": "x" * 1001, "override_understood": "on"}
        )
        assert response.status_code == 200
        assert "at most 1000 characters" in response.content.decode()
        assert not Posting.objects.exists()

    def test_with_the_reason_and_the_tick_it_is_published_and_recorded(self):
        recruiter = RecruiterFactory()
        jd = make_final_jd(ManagerFactory(), **NO_PAY)
        client = client_for(recruiter)
        response = client.post(
            url("publish", jd),
            {"override_reason": "Range agreed with legal.", "override_understood": "on"},
        )
        assert response.status_code == 302
        posting = Posting.objects.get(job_description=jd)
        assert posting.is_open and posting.pay_override_reason == "Range agreed with legal."
        assert posting.pay_override_by == recruiter
        assert posting.pay_override_revision_id == jd.latest_revision_id
        page = page_of(client, jd)
        assert "reason: Range agreed with legal." in page  # in the timeline
        assert REASON not in page  # recorded for this revision: not asked again

    def test_the_service_s_pay_refusal_shows_the_form_again(self, monkeypatch):
        """The page was read before the revision needed the override (it did not ask): the
        service's PayOverrideNeeded shows the form again, now asking, and nothing changes."""
        jd = make_final_jd(ManagerFactory(), **NO_PAY)
        real = manage_views.publish_facts
        calls = []

        def stale_first(job_description):
            facts = real(job_description)
            calls.append(facts)
            return dataclasses.replace(facts, pay_errors=[]) if len(calls) == 1 else facts

        monkeypatch.setattr(manage_views, "publish_facts", stale_first)
        response = client_for(RecruiterFactory()).post(url("publish", jd), {"closes_on": ""})
        assert response.status_code == 200
        page = response.content.decode()
        assert "publish it only with a reason" in page and 'name="override_reason"' in page
        assert not Posting.objects.exists()
        assert not TimelineEvent.objects.filter(job_description=jd).exists()

    def test_a_kept_back_revision_is_published_with_a_reason(self):
        posting = published_jd()
        jd = posting.job_description
        reissue(jd, **NO_PAY)
        response = client_for(RecruiterFactory()).post(
            url("publish", jd),
            {"closes_on": "", "override_reason": "Legal ok.", "override_understood": "on"},
        )
        assert response.status_code == 302
        posting.refresh_from_db()
        assert posting.revision.number == 2 and posting.pay_override_reason == "Legal ok."


# --- close, unpublish, reopen ---------------------------------------------------------------------


class TestCloseUnpublishReopen:
    def test_close_now_closes_the_open_posting(self):
        posting = published_jd()
        jd = posting.job_description
        client = client_for(RecruiterFactory())
        response = client.post(url("close", jd), follow=True)
        assert "Closed: its page says so" in response.content.decode()
        posting.refresh_from_db()
        assert posting.state == PostingState.CLOSED
        assert TimelineEvent.objects.filter(job_description=jd).latest("pk").kind == (
            TimelineKind.CLOSED
        )

    def test_closing_a_closed_posting_is_refused_and_changes_nothing(self):
        posting = published_jd()
        jd, recruiter = posting.job_description, RecruiterFactory()
        services.close(job_description=jd, user=recruiter)
        before = state_of(jd)
        response = client_for(recruiter).post(url("close", jd), follow=True)
        assert "Only an open posting can be closed." in response.content.decode()
        assert state_of(jd) == before

    def test_unpublish_takes_it_down_and_again_is_refused(self):
        posting = published_jd()
        jd = posting.job_description
        client = client_for(RecruiterFactory())
        response = client.post(url("unpublish", jd), follow=True)
        assert "Taken off the careers page" in response.content.decode()
        assert Posting.objects.get(pk=posting.pk).state == PostingState.UNPUBLISHED
        before = state_of(jd)
        response = client.post(url("unpublish", jd), follow=True)
        assert "This job description is not published." in response.content.decode()
        assert state_of(jd) == before

    @pytest.mark.parametrize(
        ("name", "message"),
        [
            ("close", "Only an open posting can be closed."),
            ("unpublish", "This job description is not published."),
        ],
    )
    def test_close_or_unpublish_of_a_jd_never_published_is_refused(self, name, message):
        jd = make_final_jd(ManagerFactory())
        response = client_for(RecruiterFactory()).post(url(name, jd), follow=True)
        assert response.status_code == 200 and message in response.content.decode()
        assert not Posting.objects.exists()
        assert not TimelineEvent.objects.filter(job_description=jd).exists()

    def test_close_or_unpublish_of_a_draft_never_issued_is_refused(self):
        owner = ManagerFactory()
        draft = DraftFactory(owner=owner, posting={})
        for name in ("close", "unpublish"):
            response = client_for(owner).post(url(name, draft), follow=True)
            assert manage_views.NOT_PUBLISHED in response.content.decode()
        assert not Posting.objects.exists()

    def test_reopening_an_expired_posting_needs_a_new_date(self):
        posting = published_jd()
        jd, recruiter = posting.job_description, RecruiterFactory()
        services.close(job_description=jd, user=recruiter)
        yesterday = timezone.localdate() - datetime.timedelta(days=1)
        Posting.objects.filter(pk=posting.pk).update(closes_on=yesterday)
        client = client_for(recruiter)
        before = state_of(jd)
        response = client.post(url("publish", jd), {"closes_on": ""})
        assert response.status_code == 200
        assert manage_forms.EXPIRED.replace("'", "&#x27;") in response.content.decode()
        assert state_of(jd) == before
        response = client.post(url("publish", jd), {"closes_on": in_days(14).isoformat()})
        assert response.status_code == 302
        posting.refresh_from_db()
        assert posting.is_open and posting.closes_on == in_days(14)
        assert TimelineEvent.objects.filter(job_description=jd).latest("pk").kind == (
            TimelineKind.REOPENED
        )


# --- who may -------------------------------------------------------------------------------------


class TestPermissions:
    @pytest.mark.parametrize("name", ["publish", "unpublish", "close"])
    def test_anonymous_visitors_are_sent_to_sign_in(self, name):
        jd = published_jd().job_description
        before = state_of(jd)
        response = Client().post(url(name, jd))
        assert response.status_code == 302 and response.url.startswith("/accounts/login/")
        assert state_of(jd) == before

    @pytest.mark.parametrize("name", ["publish", "unpublish", "close"])
    def test_a_reader_without_the_permission_gets_403(self, name):
        jd = published_jd().job_description
        before = state_of(jd)
        assert client_for(reader()).post(url(name, jd)).status_code == 403
        assert state_of(jd) == before

    def test_an_owner_without_the_permission_gets_403(self):
        owner = UserFactory()  # in no group
        jd = make_final_jd(owner)
        assert client_for(owner).post(url("publish", jd)).status_code == 403
        assert not Posting.objects.exists()

    @pytest.mark.parametrize("name", ["publish", "unpublish", "close"])
    def test_another_manager_cannot_see_the_jd_404(self, name):
        jd = published_jd().job_description
        before = state_of(jd)
        assert client_for(ManagerFactory()).post(url(name, jd)).status_code == 404
        assert state_of(jd) == before

    def test_the_service_s_refusal_is_a_403(self, monkeypatch):
        jd = make_final_jd(ManagerFactory())
        monkeypatch.setattr(services, "can_publish", lambda user, jd: False)
        assert client_for(RecruiterFactory()).post(url("publish", jd)).status_code == 403

    @pytest.mark.parametrize("name", ["publish", "unpublish", "close"])
    def test_get_is_not_allowed(self, name):
        jd = published_jd().job_description
        assert client_for(RecruiterFactory()).get(url(name, jd)).status_code == 405

    @pytest.mark.parametrize("name", ["publish", "unpublish", "close"])
    def test_a_post_without_the_csrf_token_is_refused(self, name):
        jd = published_jd().job_description
        before = state_of(jd)
        client = Client(enforce_csrf_checks=True)
        client.force_login(RecruiterFactory())
        assert client.post(url(name, jd)).status_code == 403
        assert state_of(jd) == before

    def test_every_form_of_the_panel_carries_the_csrf_token(self):
        posting = published_jd()
        client = Client(enforce_csrf_checks=True)
        client.force_login(RecruiterFactory())
        page = client.get(posting.job_description.get_absolute_url()).content.decode()
        forms = page.count('action="/jd/')
        panel = page[page.index('id="publishing"') :]
        panel = panel[: panel.index("</section>")]
        assert panel.count("<form") == panel.count('name="csrfmiddlewaretoken"') == 3
        assert forms >= 2
