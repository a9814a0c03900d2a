import pytest
from django.core.management import call_command


@pytest.fixture
def catalog(db):
    """The seed catalog, loaded the way `make run` loads it."""
    call_command("load_catalog", verbosity=0)


@pytest.fixture
def make_final_jd(catalog):
    """make_final_jd(owner, title=..., slug=..., **posting) -> a finalized JobDescription."""
    from tests.support.jds import make_final_jd

    return make_final_jd


@pytest.fixture
def manager(db):
    from tests.factories import ManagerFactory

    return ManagerFactory()


@pytest.fixture
def recruiter(db):
    from tests.factories import RecruiterFactory

    return RecruiterFactory()


@pytest.fixture
def staff(db):
    from tests.factories import StaffFactory

    return StaffFactory()


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client
