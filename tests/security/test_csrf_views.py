"""The control for the CSRF sweep: the same kind of POSTs, view by view, with a valid token are
accepted (sign-in, the library's ZIP, a wizard step, a new draft, an admin change form, sign-out).

So the 403s of test_csrf_routes.py come from the missing token, not from a body or session that
could never have worked.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from jdbuilder.models import JobDescription
from tests.security.csrf_sweep import (
    PASSWORD,
    csrf_client,
    form_on_page,
    realistic_body,
    valid_token,
)

pytestmark = pytest.mark.django_db


def test_the_same_posts_with_a_valid_token_are_accepted(world):
    anonymous = csrf_client()
    token = valid_token(anonymous)
    login = {"username": world.manager.username, "password": PASSWORD, "next": "/library/"}
    response = anonymous.post("/accounts/login/", {**login, "csrfmiddlewaretoken": token})
    assert response.status_code == 302 and response.url == "/library/"

    manager = csrf_client(world.manager)
    token = manager_token = valid_token(manager, "/jd/new/")
    export = {"ids": [str(world.final.public_id)], "export_kind": "zip"}
    response = manager.post("/library/export/", {**export, "csrfmiddlewaretoken": token})
    assert response.status_code == 302 and response.url.startswith("/exports/")

    wizard = reverse("jd:wizard_step", kwargs={"public_id": world.draft.public_id, "step": "role"})
    fields = form_on_page(manager, wizard)
    response = manager.post(wizard, {**fields, "csrfmiddlewaretoken": token})
    assert response.status_code == 302, response.content.decode()[:500]
    world.draft.refresh_from_db()
    assert world.draft.lock_version == 1

    jobs = JobDescription.objects.count()
    response = manager.post("/jd/new/", {"role": world.role.slug, "csrfmiddlewaretoken": token})
    assert response.status_code == 302 and JobDescription.objects.count() == jobs + 1

    staff = csrf_client(world.staff)
    change = reverse("admin:roles_role_change", kwargs={"object_id": world.role.pk})
    token = valid_token(staff, change)
    body = realistic_body(change, "staff", world, form_on_page(staff, change))
    response = staff.post(change, {**body, "csrfmiddlewaretoken": token})
    assert response.status_code == 302, response.content.decode()[:3000]
    world.role.refresh_from_db()
    assert world.role.name == "Changed by a forged request"

    response = manager.post("/accounts/logout/", {"csrfmiddlewaretoken": manager_token})
    assert response.status_code == 302
    assert manager.get("/jd/").status_code == 302  # signed out
