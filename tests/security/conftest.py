"""Fixtures the security tests share: the objects the CSRF tests post about."""

import pytest

from roles.models import Role
from tests.factories import DraftFactory
from tests.security.csrf_sweep import World


@pytest.fixture
def world(catalog, manager, staff, make_final_jd):
    """A draft and a final JD of the manager's, a staff member, and a role of the catalog."""
    final = make_final_jd(manager)
    draft = DraftFactory(owner=manager, role="data-analyst")
    return World(manager=manager, staff=staff, draft=draft, final=final, role=Role.objects.first())
