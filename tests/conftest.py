"""Fixtures every test folder shares, and how the test database is set up.

The seed catalog is loaded once per session, into the test database as it is created
(`django_db_setup`). A test sees it only if it asks for `catalog`: every other test gets the
catalog tables emptied inside its own transaction (rolled back when it ends), so it starts from
the empty catalog it builds on. Transactional tests run last (pytest-django orders them so) and
empty the database after each; `catalog` loads it again for them.
"""

import os

import pytest
from django.core.management import call_command
from django.db.backends.signals import connection_created
from hypothesis import settings as hypothesis_settings

from tests.support.catalog import catalog_is_loaded, empty_catalog_tables, load_seed_catalog

# Hypothesis: CI (`.ci/run`) runs the same examples every time; elsewhere each run draws anew.
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
hypothesis_settings.register_profile("dev")
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


def _sqlite_reads_without_table_locks(sender, connection, **kwargs) -> None:
    """SQLite's in-memory test database is one shared cache for every thread, where a reader
    holds a table lock that makes a concurrent writer fail at once ("database table is locked";
    no busy timeout applies). The live server answers a browser's requests in parallel (a step's
    preview load beside an autosave): let readers read without those locks, as readers of a
    file database in WAL mode do. Writers still exclude each other."""
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA read_uncommitted = 1")


connection_created.connect(_sqlite_reads_without_table_locks, dispatch_uid="tests-sqlite-reads")


@pytest.fixture(scope="session")
def django_db_setup(request, django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        if request.config.getoption("reuse_db") and not request.config.getoption("create_db"):
            # A kept database skips the migrations, but may hold what an interrupted run left.
            call_command("flush", interactive=False, verbosity=0)
        load_seed_catalog()


@pytest.fixture
def catalog(request, db):
    """The seed catalog, loaded the way `make run` loads it."""
    if not catalog_is_loaded():  # a transactional test ran before and emptied the database
        load_seed_catalog()


@pytest.fixture(autouse=True)
def _seed_catalog_only_when_asked(request):
    if "catalog" in request.fixturenames or "live_catalog" in request.fixturenames:
        return
    names = set(request.fixturenames)
    if {"transactional_db", "live_server"} & names:
        request.getfixturevalue("transactional_db")
    elif "db" in names:
        request.getfixturevalue("db")
    elif request.node.get_closest_marker("django_db") is None:
        return  # no database: nothing to empty
    # (A `django_db` mark opens the database in pytest-django's own autouse fixture, first.)
    if catalog_is_loaded():
        empty_catalog_tables()


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
