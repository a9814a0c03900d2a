"""Fixtures of the catalog page tests: a level scale, five task areas, a signed-in manager."""

import pytest

from tests.factories import ProficiencyLevelFactory, TaskAreaFactory
from tests.roles.pages import LEVEL_NAMES


@pytest.fixture
def levels(db):
    return [
        ProficiencyLevelFactory(rank=rank, name=name, descriptor=f"{name.lower()} descriptor")
        for rank, name in enumerate(LEVEL_NAMES, start=1)
    ]


@pytest.fixture
def areas(db):
    """Five task areas created out of lifecycle order, returned in lifecycle order."""
    names = ["Data engineering", "Modeling", "Deployment", "Business analysis", "AI infra"]
    created = {}
    for position in (3, 1, 5, 2, 4):
        created[position] = TaskAreaFactory(
            position=position, name=names[position - 1], slug=f"area-{position}"
        )
    return [created[position] for position in sorted(created)]


@pytest.fixture
def client_in(client, manager):
    client.force_login(manager)
    return client
