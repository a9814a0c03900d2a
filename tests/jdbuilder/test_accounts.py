"""Accounts (jdbuilder/accounts.py): the groups and their catalog permissions, the demo accounts
command (never in production; its credentials work), and signing in and out."""

import re
from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.test import RequestFactory
from django.urls import reverse

from jdbuilder.accounts import HIRING_MANAGERS, RECRUITERS

pytestmark = pytest.mark.django_db


def test_groups_exist_after_migrate_with_read_access_to_the_catalog():
    for name in (HIRING_MANAGERS, RECRUITERS):
        perms = set(Group.objects.get(name=name).permissions.values_list("codename", flat=True))
        assert "view_role" in perms
        assert not any(p.startswith(("change_", "delete_", "add_")) and "role" in p for p in perms)


def test_demo_accounts_refuse_to_exist_in_production(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("create_demo_accounts")
    assert not get_user_model().objects.exists()


def test_demo_accounts_print_credentials_that_work(settings):
    settings.DEBUG = True
    out = StringIO()
    call_command("create_demo_accounts", stdout=out)
    creds = dict(re.findall(r"user: (\S+)\s+password: (\S+)", out.getvalue()))
    assert set(creds) == {"manager", "manager2", "recruiter", "staff", "hr", "compensation"}
    for username, password in creds.items():
        request = RequestFactory().post("/accounts/login/")
        assert authenticate(request, username=username, password=password) is not None
    users = get_user_model().objects
    assert users.get(username="manager").groups.get().name == HIRING_MANAGERS
    assert users.get(username="recruiter").groups.get().name == RECRUITERS
    assert users.get(username="staff").is_staff
    assert not users.get(username="manager").is_staff
    # Running again resets, never duplicates.
    call_command("create_demo_accounts", stdout=StringIO())
    assert users.count() == 6
    assert users.get(username="hr").groups.get().name == "HR"


def test_sign_in_and_out(client):
    from tests.factories import ManagerFactory

    ManagerFactory(username="morgan")
    response = client.post(
        reverse("login"), {"username": "morgan", "password": "correct-horse-battery"}
    )
    assert response.status_code == 302
    assert response.url == reverse("roles:list")
    assert client.get(reverse("roles:list")).status_code == 200
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("roles:list")).status_code == 302


def test_wrong_password_shows_a_clear_error(client):
    from tests.factories import ManagerFactory

    ManagerFactory(username="morgan")
    response = client.post(reverse("login"), {"username": "morgan", "password": "nope"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_login_page_requires_csrf():
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(
        reverse("login"), {"username": "a", "password": "b"}
    )
    assert response.status_code == 403
