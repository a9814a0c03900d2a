"""Issue 15's "done when", end to end: a recruiter publishes an approved JD; a candidate finds
it at /jobs/, and its JSON-LD carries skills, experience and the office's address; it is in the
sitemap and both job-board feeds; the manager is reminded three days before the closing date;
on the day after it closed by itself and its markup is gone; nothing unpublished is reachable
anonymously."""

from __future__ import annotations

import datetime
import json
import re

import pytest
import time_machine
from django.core import mail
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from jdbuilder.approvals import services as approvals
from jdbuilder.publishing import tasks
from jdbuilder.publishing.models import Posting
from tests.factories import DraftFactory, ManagerFactory, OfficeFactory, RecruiterFactory
from tests.support.approvals import decide, make_flow, stage, submitted

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalog")]

START = datetime.datetime(2031, 5, 5, 9, 0, tzinfo=datetime.UTC)
CLOSES = datetime.date(2031, 6, 20)
LD_JSON = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def anonymous(path: str, **query):
    caches["default"].clear()  # what is tested is what the data says, not the cache
    response = Client().get(path, query)
    assert "Set-Cookie" not in response.headers
    return response


def test_a_published_approved_jd_lives_and_closes_as_the_issue_says(
    django_capture_on_commit_callbacks,
):
    with time_machine.travel(START, tick=False) as clock:
        office = OfficeFactory(name="Denver HQ", street_address="1700 Lincoln Street")
        manager = ManagerFactory(email="manager@example.com")
        hr = ManagerFactory(email="hr@example.com")
        recruiter = RecruiterFactory(email="recruiter@example.com")
        make_flow(stage("HR review", approvers=[hr]))
        draft = DraftFactory(
            owner=manager,
            title="Platform Engineer",
            posting={
                "office": office.pk,
                "location": "Denver, Colorado",
                "closing_date": CLOSES.isoformat(),
            },
        )
        unpublished_draft = DraftFactory(owner=manager, title="Secret Draft Engineer", posting={})
        with django_capture_on_commit_callbacks(execute=True):
            decide(approvals.approve, submitted(draft), hr)
        draft.refresh_from_db()
        assert draft.latest_revision is not None  # approved and issued

        signed_in = Client()
        signed_in.force_login(recruiter)
        with django_capture_on_commit_callbacks(execute=True):
            response = signed_in.post(reverse("jd:publish", args=[draft.public_id]), {})
        assert response.status_code == 302
        posting = Posting.objects.get(job_description=draft)
        url = posting.get_absolute_url()

        # A candidate finds it by a skill and opens it.
        skill = posting.skills[0]
        listed = anonymous(reverse("careers:list"), q=skill.split()[0]).content.decode()
        assert url in listed and "Platform Engineer" in listed
        page = anonymous(url).content.decode()
        [markup] = LD_JSON.findall(page)
        job = json.loads(markup)
        assert job["@type"] == "JobPosting" and job["title"] == "Platform Engineer"
        assert {term["name"] for term in job["skills"]} == set(posting.skills)
        assert all(term["@type"] == "DefinedTerm" for term in job["skills"])
        assert job["experienceRequirements"]["monthsOfExperience"] > 0
        address = job["jobLocation"]["address"]
        assert address["streetAddress"] == "1700 Lincoln Street"
        assert address["addressLocality"] == "Denver"
        assert job["validThrough"].startswith(CLOSES.isoformat())

        # The sitemap and both job boards list it.
        for name in ("sitemap", "careers:indeed", "careers:linkedin"):
            assert posting.short_id in anonymous(reverse(name)).content.decode(), name

        mail.outbox.clear()  # the review's own e-mails
        # Three days before: the manager (and the recruiter) are reminded.
        clock.move_to(
            datetime.datetime.combine(
                CLOSES - datetime.timedelta(days=3), datetime.time(8), tzinfo=datetime.UTC
            )
        )
        with django_capture_on_commit_callbacks(execute=True):
            tasks.close_and_remind()
        told = sorted(address for message in mail.outbox for address in message.to)
        assert "manager@example.com" in told and "recruiter@example.com" in told
        assert "hr@example.com" not in told

        # All of its closing date it is open; the day after, the beat task has closed it.
        clock.move_to(datetime.datetime.combine(CLOSES, datetime.time(23, 50), tzinfo=datetime.UTC))
        tasks.close_and_remind()
        assert Posting.objects.get(pk=posting.pk).is_open
        clock.move_to(
            datetime.datetime.combine(
                CLOSES + datetime.timedelta(days=1), datetime.time(0, 10), tzinfo=datetime.UTC
            )
        )
        with django_capture_on_commit_callbacks(execute=True):
            tasks.close_and_remind()
        assert Posting.objects.get(pk=posting.pk).is_closed
        closed_page = anonymous(url)
        assert closed_page.status_code == 200
        assert "application/ld+json" not in closed_page.content.decode()
        for name in ("sitemap", "careers:indeed", "careers:linkedin", "careers:rss"):
            assert posting.short_id not in anonymous(reverse(name)).content.decode(), name

        # Nothing unpublished is reachable anonymously: not the draft's page, not its title.
        assert "Secret Draft Engineer" not in anonymous(reverse("careers:list")).content.decode()
        detail = Client().get(unpublished_draft.get_absolute_url())
        assert detail.status_code in (302, 404)
        assert "Secret Draft Engineer" not in detail.content.decode()
