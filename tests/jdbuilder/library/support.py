"""What the library tests share: a stand-in PDF renderer, the people, how to read a page's rows,
and `SharedRows`, the base of a test class whose tests share the JDs it makes once."""

from __future__ import annotations

import contextlib

import pytest
from django.db import transaction
from django.test import Client

from jdbuilder.models import JobDescription, JobDescriptionRevision
from tests.factories import DraftFactory, ManagerFactory, RecruiterFactory, StaffFactory
from tests.support.catalog import catalog_is_loaded, load_seed_catalog
from tests.support.jds import make_final_jd

LIBRARY = "/library/"
EXPORT = "/library/export/"
RENDERED: list[str] = []


def fake_pdf(document) -> bytes:
    """Stands in for WeasyPrint: unique bytes per revision, and a count of renders."""
    RENDERED.append(document.public_id)
    return f"%PDF-1.7\n% {document.title} r{document.revision} {document.public_id}\n".encode()


def make_people() -> dict:
    return {
        "owner": ManagerFactory(username="owner"),
        "other": ManagerFactory(username="other"),
        "recruiter": RecruiterFactory(username="recruiter"),
        "staff": StaffFactory(username="staff"),
    }


def client_for(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def rows(response) -> list[str]:
    """The titles listed, in order (from the view's context, not by scraping HTML)."""
    assert response.status_code == 200, response.status_code
    return [row.title for row in response.context["rows"]]


def draft(owner, title: str) -> JobDescription:
    return DraftFactory(owner=owner, role="data-analyst", title=title)


def latest(jd: JobDescription) -> JobDescriptionRevision:
    return jd.revisions.latest_first().first()


@contextlib.contextmanager
def open_transaction(django_db_blocker):
    """A transaction kept open while a class's tests run, and rolled back after the last one.

    pytest-django runs each test in a transaction of its own, nested in this one (a savepoint):
    what a test changes is undone after it, and the next test sees the rows as they were made.
    Database access stays blocked outside the tests as usual: it is let through only to begin,
    and to roll back.
    """
    atomic = transaction.atomic()
    with django_db_blocker.unblock():
        atomic.__enter__()
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


class SharedRows:
    """Base of a test class whose tests all see the same people and JDs, made once for the class.

    `make_jds(people, make_final_jd)` makes the class's JDs (`make_final_jd` is the helper the
    fixture of that name gives); every test of the class sees them (and the seed
    catalog), whether it asks for `jds` or not, so a test that needs other rows, or none, belongs
    in another class. Tests read the shared objects and may change rows (rolled back after each
    test), but must not change the objects themselves.
    """

    @staticmethod
    def make_jds(people: dict, make_final_jd):
        raise NotImplementedError

    @pytest.fixture(scope="class")
    @classmethod
    def shared(cls, django_db_setup, django_db_blocker):
        with open_transaction(django_db_blocker):
            with django_db_blocker.unblock():
                if not catalog_is_loaded():  # a transactional test emptied the database
                    load_seed_catalog()
                people = make_people()
                jds = cls.make_jds(people, make_final_jd)
            yield people, jds

    @pytest.fixture(autouse=True)
    def _every_test_sees_the_shared_rows(self, shared, catalog):
        pass

    @pytest.fixture
    def people(self, shared):
        return shared[0]

    @pytest.fixture
    def jds(self, shared):
        return shared[1]
