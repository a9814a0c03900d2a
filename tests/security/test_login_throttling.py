"""Sign-in throttling (django-axes) on the site's sign-in and the admin's.

Five wrong passwords for one username lock that account for 15 minutes, from any address: the
fifth failure and every attempt after it, the right password included, get the lockout page with
HTTP 429. Other accounts are not affected. After the cool-off, or `manage.py axes_reset`, the
person signs in again.

Tests post to the real sign-in views (`client.post`), never `client.login()`: with axes, an
authentication without a request raises AxesBackendRequestParameterRequired.
"""

import datetime
import re

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
LOCKED_MESSAGE = (
    "Too many failed sign-in attempts. Try again in 15 minutes, "
    "or ask an administrator to unlock your account."
)
SITE = reverse("login")
ADMIN = reverse("admin:login")


def sign_in(client, username, password, *, url=SITE):
    data = {"username": username, "password": password}
    if url == ADMIN:
        data["next"] = reverse("admin:index")
    return client.post(url, data)


def signed_in(client) -> bool:
    return client.get(reverse("roles:list")).status_code == 200


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def assert_locked_out(response) -> None:
    assert response.status_code == 429
    assert LOCKED_MESSAGE in text(response)
    assert "axes/lockout.html" in [t.name for t in response.templates]
    assert "base.html" in [t.name for t in response.templates]  # the site's look and navbar
    # The lockout page is a page like any other: it gets the security headers too.
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def back_date_attempts(minutes: int) -> None:
    AccessAttempt.objects.update(
        attempt_time=datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=minutes)
    )


@pytest.fixture
def morgan():
    from tests.factories import ManagerFactory

    return ManagerFactory(username="morgan")


@pytest.fixture
def casey():
    from tests.factories import StaffFactory

    return StaffFactory(username="casey")


def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(client, morgan):
    for attempt in range(1, 5):
        response = sign_in(client, "morgan", f"wrong-{attempt}")
        assert response.status_code == 200, attempt
        assert "Please enter a correct username and password" in text(response)
    assert_locked_out(sign_in(client, "morgan", "wrong-5"))

    # The sixth attempt, with the right password, is refused too, and nobody is signed in.
    assert_locked_out(sign_in(client, "morgan", PASSWORD))
    assert not signed_in(client)
    attempt = AccessAttempt.objects.get(username="morgan")
    assert attempt.failures_since_start == 5


def test_the_lock_is_on_the_account_not_the_address(morgan):
    for attempt in range(5):
        sign_in(Client(REMOTE_ADDR=f"203.0.113.{attempt}"), "morgan", "wrong")
    # Guesses spread over five addresses still lock the account, for a sixth address as well.
    assert_locked_out(sign_in(Client(REMOTE_ADDR="198.51.100.7"), "morgan", PASSWORD))


def test_another_account_is_not_locked(client, morgan):
    from tests.factories import ManagerFactory

    ManagerFactory(username="riley")
    for _ in range(5):
        sign_in(client, "morgan", "wrong")
    # Same browser, same address: another person signs in normally.
    response = sign_in(client, "riley", PASSWORD)
    assert response.status_code == 302 and response.url == reverse("roles:list")
    assert signed_in(client)


def test_after_the_cool_off_the_person_signs_in(client, morgan):
    for _ in range(5):
        sign_in(client, "morgan", "wrong")
    back_date_attempts(minutes=14)
    assert_locked_out(sign_in(client, "morgan", PASSWORD))

    back_date_attempts(minutes=16)
    response = sign_in(client, "morgan", PASSWORD)
    assert response.status_code == 302 and signed_in(client)
    assert not AccessAttempt.objects.exists()


def test_attempts_during_the_lock_do_not_extend_it(client, morgan):
    for _ in range(5):
        sign_in(client, "morgan", "wrong")
    back_date_attempts(minutes=10)
    locked_at = AccessAttempt.objects.get().attempt_time
    for _ in range(3):
        assert_locked_out(sign_in(client, "morgan", "still-wrong"))
    attempt = AccessAttempt.objects.get()
    assert attempt.attempt_time == locked_at and attempt.failures_since_start == 5


def test_a_successful_sign_in_forgets_earlier_failures(client, morgan):
    for _ in range(4):
        sign_in(client, "morgan", "wrong")
    assert sign_in(client, "morgan", PASSWORD).status_code == 302
    client.post(reverse("logout"))
    for attempt in range(4):
        assert sign_in(client, "morgan", "wrong").status_code == 200, attempt
    assert sign_in(client, "morgan", PASSWORD).status_code == 302


def test_the_admin_sign_in_is_throttled_too(client, casey):
    for attempt in range(4):
        response = sign_in(client, "casey", "wrong", url=ADMIN)
        assert response.status_code == 200, attempt
        assert "Please enter the correct username and password" in text(response)
    assert_locked_out(sign_in(client, "casey", "wrong", url=ADMIN))
    assert_locked_out(sign_in(client, "casey", PASSWORD, url=ADMIN))
    assert client.get(reverse("admin:index")).status_code == 302  # still to the admin's sign-in


def test_the_site_and_the_admin_share_one_count(client, casey):
    for _ in range(3):
        sign_in(client, "casey", "wrong")
    for _ in range(2):
        sign_in(client, "casey", "wrong", url=ADMIN)
    assert_locked_out(sign_in(client, "casey", PASSWORD))
    assert_locked_out(sign_in(client, "casey", PASSWORD, url=ADMIN))


@pytest.mark.parametrize("command", [["axes_reset"], ["axes_reset_username", "morgan"]])
def test_axes_reset_unlocks(client, morgan, command):
    for _ in range(5):
        sign_in(client, "morgan", "wrong")
    assert_locked_out(sign_in(client, "morgan", PASSWORD))
    call_command(*command, verbosity=0)
    response = sign_in(client, "morgan", PASSWORD)
    assert response.status_code == 302 and signed_in(client)


def test_the_sign_in_page_itself_stays_available_while_locked(client, morgan):
    for _ in range(5):
        sign_in(client, "morgan", "wrong")
    response = client.get(SITE)
    assert response.status_code == 200
    assert "Sign in" in text(response)
