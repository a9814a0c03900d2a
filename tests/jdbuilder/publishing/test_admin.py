"""Postings in the admin (jdbuilder/publishing/admin.py): staff list them with their state,
title, closing date, publication time and a link to the public page, filter them, and open
one read-only; nobody adds, changes or deletes a posting there."""

from __future__ import annotations

import pytest
from django.urls import reverse

# Registers the posting's admin before the URLconf is first read (jdbuilder/admin.py is to
# import it too; importing twice registers once).
from jdbuilder.publishing import admin as publishing_admin  # noqa: F401
from jdbuilder.publishing import services
from jdbuilder.publishing.models import Posting
from jdbuilder.vocabulary import PostingState
from tests.factories import RecruiterFactory
from tests.support.publishing import published_jd

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalog")]

CHANGELIST = "admin:jdbuilder_posting_changelist"


def test_staff_see_each_posting_with_its_state_dates_and_public_link(staff_client):
    posting = published_jd(title="Data Engineer <Platform>")
    response = staff_client.get(reverse(CHANGELIST))
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1
    page = response.content.decode()
    assert "Data Engineer &lt;Platform&gt;" in page and "<Platform>" not in page
    assert f'<a href="{posting.get_absolute_url()}">' in page
    assert "Open" in page
    for column in ("Title", "State", "Closes on", "Published at", "Public page"):
        assert column in page


def test_an_unpublished_posting_has_no_public_link(staff_client):
    posting = published_jd()
    services.unpublish(job_description=posting.job_description, user=RecruiterFactory())
    page = staff_client.get(reverse(CHANGELIST)).content.decode()
    assert "(unpublished)" in page
    assert f'href="{posting.get_absolute_url()}"' not in page


def test_the_list_filters_by_state(staff_client):
    open_posting = published_jd()
    closed = published_jd()
    services.close(job_description=closed.job_description, user=RecruiterFactory())
    url = reverse(CHANGELIST)
    listed = staff_client.get(url, {"state__exact": PostingState.OPEN}).context["cl"]
    assert [p.pk for p in listed.result_list] == [open_posting.pk]
    listed = staff_client.get(url, {"state__exact": PostingState.CLOSED}).context["cl"]
    assert [p.pk for p in listed.result_list] == [closed.pk]


def test_a_posting_is_read_only_for_staff(staff_client):
    posting = published_jd()
    before = Posting.objects.filter(pk=posting.pk).values().get()
    assert staff_client.get(reverse("admin:jdbuilder_posting_add")).status_code == 403
    change = reverse("admin:jdbuilder_posting_change", args=[posting.pk])
    page = staff_client.get(change)
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    content = page.content.decode()
    assert 'name="_save"' not in content
    assert posting.title in content and posting.get_absolute_url() in content
    assert staff_client.post(change, {"title": "Changed", "state": "closed"}).status_code == 403
    delete = reverse("admin:jdbuilder_posting_delete", args=[posting.pk])
    assert staff_client.post(delete, {"post": "yes"}).status_code == 403
    assert Posting.objects.filter(pk=posting.pk).values().get() == before


def test_people_who_are_not_staff_are_sent_to_the_admin_sign_in(client):
    posting = published_jd()
    client.force_login(RecruiterFactory())
    response = client.get(reverse("admin:jdbuilder_posting_change", args=[posting.pk]))
    assert response.status_code == 302 and "/login/" in response.url
