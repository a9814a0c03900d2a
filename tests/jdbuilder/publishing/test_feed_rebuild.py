"""The stored feeds are built again once a posting change commits (services._postings_changed),
so a crawler's request finds them stored."""

from __future__ import annotations

import pytest
from django.core.cache import caches

from jdbuilder.publishing import services, tasks
from jdbuilder.publishing.feed_files import STORED
from jdbuilder.publishing.models import FeedFile
from jdbuilder.publishing.stamp import current_stamp
from tests.support.publishing import published_jd

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalog")]


@pytest.fixture(autouse=True)
def empty_cache():
    caches["default"].clear()
    yield
    caches["default"].clear()


def stored() -> dict[str, tuple[str, bytes]]:
    return {f.name: (f.stamp, bytes(f.content)) for f in FeedFile.objects.all()}


def test_publishing_stores_every_big_feed_under_the_new_stamp(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        posting = published_jd(title="Feed Rebuild Engineer")
    files = stored()
    assert set(files) == set(STORED)
    stamp = current_stamp().value
    assert {kept_stamp for kept_stamp, _ in files.values()} == {stamp}
    assert all(posting.short_id.encode() in body for _, body in files.values())


def test_closing_rebuilds_them_without_the_closed_posting(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        posting = published_jd(title="Feed Rebuild Engineer")
    with django_capture_on_commit_callbacks(execute=True):
        services.close(job_description=posting.job_description, user=posting.published_by)
    files = stored()
    assert all(posting.short_id.encode() not in body for _, body in files.values())
    assert {kept_stamp for kept_stamp, _ in files.values()} == {current_stamp().value}


def test_the_task_builds_only_what_is_out_of_date():
    published_jd()
    assert tasks.rebuild_feeds() == f"built {len(STORED)}"
    assert tasks.rebuild_feeds() == "built 0"
