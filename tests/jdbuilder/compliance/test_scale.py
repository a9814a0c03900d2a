"""The compliance page at scale: the plain page evaluates only the postings it shows; "failing
only" and the CSV keep each revision's outcomes in the default cache, per day and rules
version, and evaluate only what the cache does not hold."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
import time_machine
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jdbuilder.checks import pay, pay_rules
from jdbuilder.compliance import evaluate, views
from jdbuilder.compliance.evaluate import BUCKET, RESULT_SECONDS, cached_outcomes
from tests.factories import OrganizationFactory, RecruiterFactory
from tests.jdbuilder.compliance.support import open_clones
from tests.support.publishing import published_jd, reissue

pytestmark = pytest.mark.usefixtures("catalog")

URL = "/compliance/"
CSV_URL = "/compliance/postings.csv"
FAILING = {"failing": "1"}
TORONTO = {
    "location": "Toronto, ON",
    "salary_min": "100000",
    "salary_max": "160000",  # CAD 60,000 wide: fails Ontario's CAD 50,000 cap
    "salary_currency": "CAD",
}


@pytest.fixture
def recruiter():
    OrganizationFactory(employee_count=250)
    return RecruiterFactory()


@pytest.fixture
def evaluated(monkeypatch) -> list[str]:
    """The titles of the Documents evaluated, one per `evaluate_rules` call."""
    calls: list[str] = []
    real = evaluate.evaluate_rules

    def counting(document, *, on):
        calls.append(document.title)
        return real(document, on=on)

    monkeypatch.setattr(evaluate, "evaluate_rules", counting)
    return calls


def toronto(publisher, **kw):
    return published_jd(
        title="Data Scientist, Toronto",
        publisher=publisher,
        override_reason="Legal ok.",
        **{**TORONTO, **kw},
    )


def csv_verdicts(response) -> dict[tuple[str, str], str]:
    """(posting title, jurisdiction) -> verdict, from a CSV response."""
    text = response.content.decode("utf-8")
    assert response.status_code == 200 and text.startswith("\ufeff")
    return {
        (r["Posting"], r["Jurisdiction"]): r["Verdict"]
        for r in csv.DictReader(io.StringIO(text[1:]))
    }


def failing_titles(client) -> list[str]:
    response = client.get(URL, FAILING)
    assert response.status_code == 200
    return [row.posting.title for row in response.context["rows"]]


# The plain page


def test_the_plain_page_evaluates_only_the_postings_it_shows(
    client, recruiter, evaluated, monkeypatch
):
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    posting = published_jd(title="Engineer", publisher=recruiter)
    assert open_clones(posting, 4) == 5
    client.force_login(recruiter)
    evaluated.clear()
    first = client.get(URL)
    assert [r.posting.title for r in first.context["rows"]] == evaluated
    assert len(evaluated) == 2
    assert "5 postings" in first.content.decode()
    evaluated.clear()
    last = client.get(URL, {"page": "3"})
    assert len(evaluated) == 1 == len(last.context["rows"])
    assert last.context["rows"][0].posting.title == "Engineer"  # the oldest: newest first


def test_the_plain_page_reads_no_cache_and_one_snapshot_query(
    client, recruiter, django_assert_num_queries
):
    posting = published_jd(title="Engineer", publisher=recruiter)
    open_clones(posting, 24)
    client.force_login(recruiter)
    # session, user, permissions (2: user and groups), COUNT, the page, its 20 snapshots
    with django_assert_num_queries(7) as queries:
        assert client.get(URL).status_code == 200
    assert not any("django_cache" in q["sql"] for q in queries.captured_queries)
    assert caches["default"].get_many(_all_keys(posting)) == {}


# "Failing only" and the CSV: the cache


def test_the_csv_and_the_filter_evaluate_each_revision_once_a_day(client, recruiter, evaluated):
    toronto(recruiter)
    posting = published_jd(title="Engineer", publisher=recruiter)
    open_clones(posting, 3)
    client.force_login(recruiter)
    evaluated.clear()
    first = csv_verdicts(client.get(CSV_URL))
    assert len(evaluated) == 5
    assert first[("Data Scientist, Toronto", "Ontario")] == "fail"
    evaluated.clear()
    assert csv_verdicts(client.get(CSV_URL)) == first
    assert failing_titles(client) == ["Data Scientist, Toronto"]
    assert csv_verdicts(client.get(CSV_URL, FAILING)) == {
        k: v for k, v in first.items() if k[0] == "Data Scientist, Toronto"
    }
    assert evaluated == []  # all from the cache


def test_the_cache_holds_plain_data_that_expires_within_two_days(client, recruiter):
    posting = toronto(recruiter)
    client.force_login(recruiter)
    client.get(CSV_URL)
    today = datetime.date.today()
    [key] = _all_keys(posting, on=today)
    bucket = caches["default"].get(key)
    assert set(bucket) == {posting.revision_id}
    [ontario] = [o for o in bucket[posting.revision_id] if o[0] == "ca-on"]
    assert (ontario[1], ontario[4], ontario[5], ontario[6], ontario[7]) == (
        "Ontario",
        "from 2026-01-01",
        True,  # applies
        False,  # passed
        "fail",
    )
    assert all(type(v) in (str, bool) for o in bucket[posting.revision_id] for v in o)
    assert 24 * 3600 <= RESULT_SECONDS <= 48 * 3600
    later = datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=RESULT_SECONDS + 1)
    with time_machine.travel(later):
        assert caches["default"].get(key) is None


def test_a_new_revision_is_evaluated_under_its_own_key(client, recruiter, evaluated):
    posting = toronto(recruiter)
    published_jd(title="Engineer", publisher=recruiter)
    client.force_login(recruiter)
    assert failing_titles(client) == ["Data Scientist, Toronto"]
    old = posting.revision_id

    revision = reissue(posting.job_description, **{**TORONTO, "salary_max": "140000"})
    posting.refresh_from_db()
    assert posting.revision_id == revision.pk != old  # the careers page follows it
    evaluated.clear()
    assert failing_titles(client) == []
    assert evaluated == ["Data Scientist, Toronto"]  # the new revision only
    verdicts = csv_verdicts(client.get(CSV_URL))
    assert verdicts[("Data Scientist, Toronto", "Ontario")] == "pass"
    assert len(evaluated) == 1


def test_a_new_day_evaluates_again_with_that_day_s_rules(client, recruiter, evaluated):
    toronto(recruiter)
    # Ontario's rule is in force from 2026-01-01: on New Year's Eve no rule reaches Toronto.
    with time_machine.travel(datetime.datetime(2025, 12, 31, 23, 30, tzinfo=datetime.UTC)):
        client.force_login(recruiter)
        assert failing_titles(client) == []
        verdicts = csv_verdicts(client.get(CSV_URL))
        assert verdicts == {("Data Scientist, Toronto", ""): "no rule applies"}
    evaluated.clear()
    with time_machine.travel(datetime.datetime(2026, 1, 1, 0, 30, tzinfo=datetime.UTC)):
        client.force_login(recruiter)
        assert failing_titles(client) == ["Data Scientist, Toronto"]
        assert evaluated == ["Data Scientist, Toronto"]
        verdicts = csv_verdicts(client.get(CSV_URL))
        assert verdicts[("Data Scientist, Toronto", "Ontario")] == "fail"
        assert len(evaluated) == 1


def test_a_new_rules_version_evaluates_again(client, recruiter, evaluated, monkeypatch):
    toronto(recruiter)
    client.force_login(recruiter)
    assert failing_titles(client) == ["Data Scientist, Toronto"]

    # Version 3 of the file: Ontario's cap is now CAD 70,000, so the posting passes.
    text = pay_rules.DATA.read_text(encoding="utf-8")
    assert text.count("amount = 50000") == 1
    widened = pay_rules.load(
        text.replace("version = 2", "version = 3", 1).replace("amount = 50000", "amount = 70000")
    )
    assert widened.version == 3
    monkeypatch.setattr(pay_rules, "pay_rules", lambda: widened)
    monkeypatch.setattr(pay, "pay_rules", lambda: widened)
    evaluated.clear()
    assert failing_titles(client) == []
    assert evaluated == ["Data Scientist, Toronto"]
    assert csv_verdicts(client.get(CSV_URL))[("Data Scientist, Toronto", "Ontario")] == "pass"

    # Back to version 2: its entries are still there, nothing is evaluated.
    monkeypatch.undo()
    monkeypatch.setattr(evaluate, "evaluate_rules", lambda *a, **k: pytest.fail("evaluated"))
    assert failing_titles(client) == ["Data Scientist, Toronto"]


def test_entries_the_cache_lost_are_evaluated_again(client, recruiter, evaluated, monkeypatch):
    monkeypatch.setattr(evaluate, "BUCKET", 1)  # one entry per revision, to lose one
    lost = toronto(recruiter)
    kept = published_jd(title="Engineer", publisher=recruiter)
    client.force_login(recruiter)
    first = csv_verdicts(client.get(CSV_URL))
    store = caches["default"]
    store.delete(_key(lost.revision_id, bucket=1))
    assert store.get(_key(kept.revision_id, bucket=1)) is not None
    evaluated.clear()
    assert csv_verdicts(client.get(CSV_URL)) == first
    assert evaluated == ["Data Scientist, Toronto"]

    store.clear()  # a flushed cache
    evaluated.clear()
    assert failing_titles(client) == ["Data Scientist, Toronto"]
    assert sorted(evaluated) == ["Data Scientist, Toronto", "Engineer"]


@pytest.mark.parametrize(
    "kept",
    [
        "not a bucket",
        {},
        {0: "not outcomes"},
        {0: (("ca-on", "Ontario"),)},  # an older, shorter shape
        {0: (("ca-on", "Ontario", "law", "cite", "from", "yes", True, "fail", "why"),)},
    ],
)
def test_an_entry_of_another_shape_is_evaluated_again(client, recruiter, evaluated, kept):
    posting = toronto(recruiter)
    if isinstance(kept, dict) and 0 in kept:
        kept = {posting.revision_id: kept[0]}
    caches["default"].set(_key(posting.revision_id), kept, 60)
    client.force_login(recruiter)
    evaluated.clear()
    verdicts = csv_verdicts(client.get(CSV_URL))
    assert verdicts[("Data Scientist, Toronto", "Ontario")] == "fail"
    assert evaluated == ["Data Scientist, Toronto"]
    assert isinstance(caches["default"].get(_key(posting.revision_id))[posting.revision_id], tuple)


def test_thousands_of_misses_are_read_in_chunks(recruiter, monkeypatch, evaluated):
    monkeypatch.setattr(evaluate, "CHUNK", 2)
    posting = published_jd(title="Engineer", publisher=recruiter)
    open_clones(posting, 4)
    ids = list(evaluate.open_postings().values_list("revision_id", flat=True))
    with CaptureQueriesContext(connection) as queries:
        outcomes = cached_outcomes(ids, on=datetime.date(2026, 12, 2))
    sql = [q["sql"] for q in queries.captured_queries]
    snapshot_reads = [q for q in sql if "jdbuilder_jobdescriptionrevision" in q]
    assert len(snapshot_reads) == 3  # 5 revisions, 2 a query
    assert set(outcomes) == set(ids) and len(evaluated) == 5
    assert all(o and o[0].jurisdiction == "Colorado" for o in outcomes.values())


def test_no_postings_touch_no_cache(recruiter, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert cached_outcomes([], on=datetime.date(2026, 12, 2)) == {}


@pytest.mark.parametrize("url", [CSV_URL, f"{URL}?failing=1"])
def test_warm_queries_are_the_postings_and_one_cache_read(client, recruiter, url):
    posting = published_jd(title="Engineer", publisher=recruiter)
    open_clones(posting, 29)
    client.force_login(recruiter)
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    cache_queries = [q["sql"] for q in queries.captured_queries if "django_cache" in q["sql"]]
    assert len(cache_queries) == 1 and cache_queries[0].startswith("SELECT")
    assert not any("jdbuilder_jobdescriptionrevision" in q["sql"] for q in queries.captured_queries)


def _key(revision_id: int, *, bucket: int = BUCKET, on: datetime.date | None = None) -> str:
    on = on or datetime.date.today()
    return f"{evaluate._key_prefix(on)}{revision_id // bucket}"


def _all_keys(posting, *, on: datetime.date | None = None) -> list[str]:
    from jdbuilder.publishing.models import Posting

    ids = Posting.objects.open().values_list("revision_id", flat=True)
    return sorted({_key(i, on=on) for i in ids} | {_key(posting.revision_id, on=on)})


def test_the_key_names_the_rules_version_and_the_day():
    version = pay_rules.pay_rules().version
    key = _key(7, on=datetime.date(2026, 12, 2))
    assert key.startswith("compliance:") and key.endswith(":2026-12-02:0")
    assert f":{version}:" in key
    assert key != _key(7, on=datetime.date(2026, 12, 3))
    day = datetime.date(2026, 12, 2)
    assert key == _key(BUCKET - 1, on=day) != _key(BUCKET, on=day)  # buckets of BUCKET ids
