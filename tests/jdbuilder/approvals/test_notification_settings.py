"""Each person's choice of review e-mails: the page (jdbuilder/approvals/settings_views.py) and
what saving it changes."""

from __future__ import annotations

import pytest
from django.urls import reverse

from jdbuilder.approvals.models import NotificationSettings
from jdbuilder.approvals.notify import PREFERENCES
from tests.factories import ManagerFactory

pytestmark = pytest.mark.django_db

ALL_ON = dict.fromkeys(PREFERENCES, True)


@pytest.fixture
def url():
    return reverse("approvals:notification_settings")


def saved(user) -> dict:
    row = NotificationSettings.objects.get(user=user)
    return {name: getattr(row, name) for name in PREFERENCES}


def test_the_page_is_for_signed_in_people(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert client.post(url, {}).status_code == 302
    assert not NotificationSettings.objects.exists()


def test_without_settings_every_email_is_on_and_looking_saves_nothing(manager_client, url):
    response = manager_client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1" in html and "Review e-mails" in html
    for name in PREFERENCES:
        label = NotificationSettings._meta.get_field(name).help_text
        assert f'<label class="form-check-label" for="id_{name}">{label}</label>' in html
        assert f'name="{name}"' in html
    assert html.count("checked") == len(PREFERENCES)
    assert not NotificationSettings.objects.exists()


def test_saving_keeps_the_choices_for_this_person_only(manager_client, manager, url):
    other = ManagerFactory()
    NotificationSettings.objects.create(user=other, comments_on_mine=False)

    response = manager_client.post(url, {"submissions_to_approve": "on", "reminders": "on"})
    assert response.status_code == 302 and response["Location"] == url
    assert saved(manager) == {
        "submissions_to_approve": True,
        "decisions_on_mine": False,
        "comments_on_mine": False,
        "reminders": True,
    }
    assert saved(other) == {**ALL_ON, "comments_on_mine": False}

    page = manager_client.get(url)
    assert "Your e-mail choices are saved." in page.content.decode()
    assert page.content.decode().count("checked") == 2


def test_saving_again_changes_the_same_row(manager_client, manager, url):
    manager_client.post(url, {})
    assert saved(manager) == dict.fromkeys(PREFERENCES, False)
    manager_client.post(url, dict.fromkeys(PREFERENCES, "on"))
    assert saved(manager) == ALL_ON
    assert NotificationSettings.objects.filter(user=manager).count() == 1


def test_a_posted_user_cannot_change_someone_elses_settings(manager_client, manager, url):
    other = ManagerFactory()
    manager_client.post(url, {"user": other.pk, "reminders": "on"})
    assert not NotificationSettings.objects.filter(user=other).exists()
    assert saved(manager) == {**dict.fromkeys(PREFERENCES, False), "reminders": True}


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_other_methods_are_refused_and_change_nothing(manager_client, manager, url, method):
    NotificationSettings.objects.create(user=manager, reminders=False)
    response = getattr(manager_client, method)(url)
    assert response.status_code == 405
    assert saved(manager) == {**ALL_ON, "reminders": False}


def test_a_post_without_the_csrf_token_is_refused(client, manager, url):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(manager)
    response = csrf_client.post(url, {})
    assert response.status_code == 403
    assert not NotificationSettings.objects.exists()


def test_the_page_is_valid_html(manager_client, url, vnu):
    html = manager_client.get(url).content.decode()
    errors = [str(m) for m in vnu(html) if m.is_error or m.is_warning]
    assert errors == []
