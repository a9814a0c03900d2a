""" "Waiting for me": its contents, the navigation's count, and their query counts (flat in the
queue's length; no query at all for people with no queue)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from jdbuilder.approvals import queue, services
from jdbuilder.approvals.queue import connect_signals
from tests.factories import DraftFactory, ManagerFactory, StaffFactory, UserFactory
from tests.support.approvals import decide, make_flow, stage, submitted

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalog")]
connect_signals()
QUEUE = "/reviews/"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def hr():
    return UserFactory()


@pytest.fixture
def pay_group():
    return Group.objects.create(name="Compensation reviewers")


@pytest.fixture
def pay(pay_group):
    user = UserFactory()
    user.groups.add(pay_group)
    return user


@pytest.fixture
def flow(hr, pay_group):
    return make_flow(stage("HR review", approvers=[hr]), stage("Compensation", group=pay_group))


def test_the_queue_lists_what_waits_at_my_stage(flow, hr, pay):
    first = submitted(DraftFactory(title="Data Engineer", posting={}))
    second = submitted(DraftFactory(title="Platform Engineer", posting={}))
    decide(services.approve, second, hr)
    html = client_for(hr).get(QUEUE).content.decode()
    assert "Data Engineer" in html and "Platform Engineer" not in html
    assert first.get_absolute_url() in html
    assert "1. HR review" in html
    assert "Score " in html  # the quality score
    assert "Everything in review" not in html
    group_html = client_for(pay).get(QUEUE).content.decode()  # approver through a group
    assert "Platform Engineer" in group_html and "Data Engineer" not in group_html
    assert "2. Compensation" in group_html


def test_my_own_submission_is_not_in_my_queue(flow, hr):
    submitted(DraftFactory(owner=hr, title="My own opening", posting={}))
    html = client_for(hr).get(QUEUE).content.decode()
    assert "My own opening" not in html and "Nothing is waiting for you." in html


def test_staff_also_see_everything_in_review(flow, hr):
    submitted(DraftFactory(title="Data Engineer", posting={}))
    html = client_for(StaffFactory()).get(QUEUE).content.decode()
    assert "Everything in review" in html
    everything = html.split("Everything in review", 1)[1]
    assert "Data Engineer" in everything


def test_the_navigation_counts_what_waits_for_me(flow, hr):
    submitted(DraftFactory(posting={}))
    submitted(DraftFactory(posting={}))
    html = client_for(hr).get(reverse("roles:list")).content.decode()
    assert "Waiting for me" in html
    assert 'id="waiting-count">2<' in html


def test_no_link_for_people_with_no_queue(flow):
    manager = ManagerFactory()
    html = client_for(manager).get(reverse("roles:list")).content.decode()
    assert "Waiting for me" not in html


def test_people_with_no_queue_pay_no_query_for_the_count(flow, rf):
    manager = ManagerFactory()
    queue.approver_ids()  # warm, as after the first request of a process
    request = rf.get("/")
    request.user = manager
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert queue.waiting_count(request) is None
    assert len(queries) == 0


def test_becoming_an_approver_shows_the_link_at_once(flow):
    newcomer = UserFactory()
    assert not queue.may_have_a_queue(newcomer)
    flow.stages.get(position=1).approvers.add(newcomer)
    assert queue.may_have_a_queue(newcomer)
    flow.stages.get(position=1).approvers.remove(newcomer)
    assert not queue.may_have_a_queue(newcomer)
    group = Group.objects.get(name="Compensation reviewers")
    newcomer.groups.add(group)
    assert queue.may_have_a_queue(newcomer)
    newcomer.groups.remove(group)
    assert not queue.may_have_a_queue(newcomer)


def test_a_deleted_stage_takes_its_approvers_out(flow, hr):
    assert queue.may_have_a_queue(hr)
    flow.stages.get(position=1).delete()
    assert not queue.may_have_a_queue(hr)


def _count(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("who", ["approver", "staff"])
def test_the_queue_costs_the_same_for_one_or_many(flow, hr, who, django_assert_num_queries):
    user = hr if who == "approver" else StaffFactory()
    client = client_for(user)
    submitted(DraftFactory(posting={}))
    client.get(QUEUE)  # warm the process's caches (catalog, approvers)
    small = _count(client, QUEUE)
    for _ in range(6):
        submitted(DraftFactory(posting={}))
    queue.approver_ids()
    with django_assert_num_queries(small):
        response = client.get(QUEUE)
    assert response.content.decode().count("revision 1") >= 7


def test_the_nav_count_costs_one_query_for_an_approver(flow, hr):
    client = client_for(hr)
    page = reverse("roles:list")
    client.get(page)
    with_queue = _count(client, page)
    flow.stages.get(position=1).approvers.remove(hr)
    without = _count(client, page)
    assert with_queue == without + 1
