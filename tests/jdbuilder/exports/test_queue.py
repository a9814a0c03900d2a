"""Asking for an export (jdbuilder/library/views.py `export`, forms.ExportForm and
jdbuilder/exports/services.py `queue_export`): what is frozen in the job, what is refused and
why, and that nothing outside the user's library is ever queued, whatever is posted."""

from __future__ import annotations

import uuid

import pytest
from django.contrib.auth.models import Group

from jdbuilder.accounts import RECRUITERS
from jdbuilder.exports.services import (
    MAX_ACTIVE_EXPORTS,
    MAX_EXPORT_ITEMS,
    ExportRefused,
    queue_export,
)
from jdbuilder.jobs.models import Job, JobKind, JobStatus
from tests.factories import DraftFactory
from tests.jdbuilder.exports.support import EXPORT, LIBRARY, client_for, ids_of, post_export
from tests.support.jds import clone_issued

pytestmark = pytest.mark.django_db


def exports() -> list[Job]:
    return list(Job.objects.filter(kind=JobKind.EXPORT))


@pytest.fixture
def jds(people, make_final_jd):
    owner = people["owner"]
    return {
        "backend": make_final_jd(owner, title="Backend Engineer", company_name="Acme"),
        "analyst": make_final_jd(
            owner, title="Revenue Analyst", slug="data-analyst", company_name="Globex"
        ),
        "forecast": make_final_jd(
            owner, title="Forecasting Lead", slug="data-scientist", company_name="Globex"
        ),
        "theirs": make_final_jd(people["other"], title="Their Globex role", company_name="Globex"),
    }


class TestSelectedRows:
    def test_the_ticked_rows_become_one_queued_job_and_nothing_renders_in_the_request(
        self, people, jds, capture, pdf_renderer
    ):
        chosen = [jds["forecast"], jds["backend"], jds["analyst"]]
        response, job = post_export(
            client_for(people["recruiter"]),
            capture,
            run=False,
            ids=ids_of(*chosen),
            export_kind="zip",
        )
        assert response.status_code == 302
        assert response.url == f"/exports/{job.public_id}/"
        assert job.status == JobStatus.QUEUED and job.owner == people["recruiter"]
        assert job.title == "ZIP of 3 job descriptions"
        # The latest revision of each, frozen in the order the rows were ticked.
        assert job.params == {
            "export_kind": "zip",
            "revision_ids": [jd.latest_revision_id for jd in chosen],
            "titles": ["Forecasting Lead", "Backend Engineer", "Revenue Analyst"],
        }
        assert pdf_renderer == []  # the worker renders, never the request

    @pytest.mark.parametrize(
        ("kind", "title"),
        [("pdf", "PDF of 1 job description"), ("csv", "CSV of 1 job description")],
    )
    def test_each_format_is_named_in_the_title(self, people, jds, capture, kind, title):
        _, job = post_export(
            client_for(people["recruiter"]),
            capture,
            run=False,
            ids=ids_of(jds["backend"]),
            export_kind=kind,
        )
        assert job.title == title and job.params["export_kind"] == kind

    def test_a_row_posted_twice_is_exported_once(self, people, jds, capture):
        backend = str(jds["backend"].public_id)
        _, job = post_export(
            client_for(people["recruiter"]),
            capture,
            run=False,
            ids=[backend, backend],
            export_kind="csv",
        )
        assert job.params["revision_ids"] == [jds["backend"].latest_revision_id]

    def test_a_reopened_jd_is_exported_as_its_issued_revision(self, people, jds, capture):
        jd = jds["backend"]
        issued = jd.latest_revision_id
        jd.reopen()
        _, job = post_export(
            client_for(people["recruiter"]), capture, run=False, ids=ids_of(jd), export_kind="zip"
        )
        assert job.params["revision_ids"] == [issued]


class TestEverythingMatching:
    def test_the_search_is_applied_again_on_the_server_and_posted_ids_are_ignored(
        self, people, jds, capture
    ):
        response, job = post_export(
            client_for(people["recruiter"]),
            capture,
            url=f"{EXPORT}?q=globex&sort=title",
            run=False,
            everything="on",
            ids=ids_of(jds["backend"]),  # not matching the search: ignored
            export_kind="csv",
        )
        assert response.status_code == 302
        # Every Globex JD the recruiter may read, in the search's order (by title).
        assert job.params["revision_ids"] == [
            jds[name].latest_revision_id for name in ("forecast", "analyst", "theirs")
        ]
        assert job.title == "CSV of 3 job descriptions"

    def test_filters_as_well_as_words_are_applied(self, people, jds, capture):
        _, job = post_export(
            client_for(people["recruiter"]),
            capture,
            url=f"{EXPORT}?role=data-analyst",
            run=False,
            everything="on",
            export_kind="zip",
        )
        assert job.params["revision_ids"] == [jds["analyst"].latest_revision_id]

    def test_what_the_user_may_not_read_is_never_included(self, people, jds, capture):
        # The manager's library is their own issued JDs: "Their Globex role" matches the
        # search but is someone else's.
        _, job = post_export(
            client_for(people["owner"]),
            capture,
            url=f"{EXPORT}?q=globex",
            run=False,
            everything="on",
            export_kind="zip",
        )
        assert sorted(job.params["titles"]) == ["Forecasting Lead", "Revenue Analyst"]
        assert jds["theirs"].latest_revision_id not in job.params["revision_ids"]

    def test_drafts_are_never_included(self, people, jds, capture):
        DraftFactory(owner=people["owner"], title="Globex draft")
        _, job = post_export(
            client_for(people["staff"]),
            capture,
            url=f"{EXPORT}?q=globex",
            run=False,
            everything="on",
            export_kind="zip",
        )
        assert len(job.params["revision_ids"]) == 3
        assert "Globex draft" not in job.params["titles"]

    def test_a_search_matching_nothing_is_refused(self, people, jds, capture):
        response, job = post_export(
            client_for(people["recruiter"]),
            capture,
            url=f"{EXPORT}?q=nothing-like-this",
            everything="on",
            export_kind="zip",
        )
        assert response.status_code == 400 and job is None
        assert "No job description matches this search: nothing to export." in (
            response.content.decode()
        )


# 1,000 ticked rows are 1,002 fields with the token and the format: past Django's default
# DATA_UPLOAD_MAX_NUMBER_FIELDS (1,000), where the CSRF check's read of the form answers a bare
# 400 before the view can explain. The project's settings must allow a full export's fields.
FIELDS_FOR_A_FULL_EXPORT = MAX_EXPORT_ITEMS + 100


def test_the_settings_let_a_full_export_be_posted():
    from django.conf import settings

    assert settings.DATA_UPLOAD_MAX_NUMBER_FIELDS >= FIELDS_FOR_A_FULL_EXPORT


class TestTheCap:
    def test_1001_posted_ids_are_refused_with_a_clear_message_and_nothing_is_queued(
        self, people, jds, capture, settings
    ):
        settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = FIELDS_FOR_A_FULL_EXPORT
        ids = [str(uuid.uuid4()) for _ in range(MAX_EXPORT_ITEMS + 1)]
        client = client_for(people["recruiter"], enforce_csrf_checks=True)
        token = client.get(LIBRARY).context["csrf_token"]
        response, job = post_export(
            client, capture, ids=ids, export_kind="zip", csrfmiddlewaretoken=str(token)
        )
        assert response.status_code == 400 and job is None and exports() == []
        assert "You selected 1,001 job descriptions; one export holds at most 1,000." in (
            response.content.decode()
        )

    def test_a_search_matching_more_than_1000_is_refused_and_1000_is_accepted(
        self, people, make_final_jd, capture
    ):
        source = make_final_jd(people["owner"], title="Clone source")
        clone_issued(source, MAX_EXPORT_ITEMS)  # 1,001 in all
        client = client_for(people["recruiter"])
        response, job = post_export(
            client, capture, url=f"{EXPORT}?q=clone", everything="on", export_kind="csv"
        )
        assert response.status_code == 400 and job is None
        html = response.content.decode()
        assert "This search matches 1,001 job descriptions; one export holds at most 1,000." in html
        assert 'id="selection-errors"' in html
        # One fewer matches: accepted.
        source.delete()
        response, job = post_export(
            client,
            capture,
            url=f"{EXPORT}?q=clone",
            run=False,
            everything="on",
            export_kind="csv",
        )
        assert response.status_code == 302
        assert len(job.params["revision_ids"]) == MAX_EXPORT_ITEMS
        assert job.title == "CSV of 1,000 job descriptions"


class TestRefused:
    @pytest.mark.parametrize("intruder", ["other_final", "other_draft", "own_draft", "unknown"])
    def test_a_jd_outside_the_library_refuses_the_whole_export(
        self, people, make_final_jd, capture, pdf_renderer, intruder
    ):
        owner = people["owner"]
        mine = make_final_jd(owner, title="Mine")
        outside = {
            "other_final": lambda: make_final_jd(people["other"], title="Theirs").public_id,
            "other_draft": lambda: DraftFactory(owner=people["other"]).public_id,
            "own_draft": lambda: DraftFactory(owner=owner).public_id,
            "unknown": uuid.uuid4,
        }[intruder]()
        response, job = post_export(
            client_for(owner), capture, ids=[str(mine.public_id), str(outside)], export_kind="zip"
        )
        assert response.status_code == 400 and job is None and exports() == []
        html = response.content.decode()
        assert (
            "1 of the selected job descriptions is not in your library; nothing was exported."
            in (html)
        )
        assert pdf_renderer == []
        # The library is shown again, the selection kept, without the outsider's row.
        assert [row.title for row in response.context["rows"]] == ["Mine"]
        assert response.context["selected"] == {str(mine.public_id), str(outside)}
        assert f'value="{mine.public_id}"\n                 id="select-{mine.public_id}"' in html
        assert " checked>" in html

    def test_nothing_selected_is_refused(self, people, jds, capture):
        response, job = post_export(client_for(people["recruiter"]), capture, export_kind="zip")
        assert response.status_code == 400 and job is None
        assert "Select at least one job description to export, or tick" in (
            response.content.decode()
        )

    @pytest.mark.parametrize("kind", ["docx", "", "ZIP", "zip "])
    def test_an_unknown_format_is_refused(self, people, jds, capture, kind):
        response, job = post_export(
            client_for(people["recruiter"]), capture, ids=ids_of(jds["backend"]), export_kind=kind
        )
        assert response.status_code == 400 and job is None
        assert response.context["selection_errors"] in (
            ["Choose one of the formats offered: ZIP of PDFs, one PDF or CSV."],
            ["Choose a format for the export."],
        )

    @pytest.mark.parametrize("ids", [["not-a-uuid"], [""], ["1' OR '1'='1"]])
    def test_an_unreadable_selection_is_refused(self, people, jds, capture, ids):
        response, job = post_export(
            client_for(people["recruiter"]), capture, ids=ids, export_kind="zip"
        )
        assert response.status_code == 400 and job is None
        assert response.context["selection_errors"] == [
            "The selection could not be read; select the job descriptions again."
        ]

    def test_an_error_keeps_the_page_the_format_and_the_everything_box(self, people, jds, capture):
        client = client_for(people["recruiter"])
        url = f"{EXPORT}?q=globex&sort=title&page=1"
        response, _ = post_export(client, capture, url=url, export_kind="csv")
        html = response.content.decode()
        assert response.status_code == 400
        assert 'action="/library/export/?q=globex&amp;sort=title&amp;page=1"' in html
        assert '<option value="csv" selected>' in html
        assert 'id="id_everything" checked' not in html
        assert [row.title for row in response.context["rows"]] == [
            "Forecasting Lead",
            "Revenue Analyst",
            "Their Globex role",
        ]
        response, _ = post_export(client, capture, url=url, export_kind="odt", everything="on")
        assert response.status_code == 400
        assert 'id="id_everything" checked' in response.content.decode()

    def test_get_is_not_allowed_and_csrf_is_required(self, people, jds):
        assert client_for(people["recruiter"]).get(EXPORT).status_code == 405
        strict = client_for(people["recruiter"], enforce_csrf_checks=True)
        response = strict.post(EXPORT, {"ids": ids_of(jds["backend"]), "export_kind": "zip"})
        assert response.status_code == 403 and exports() == []

    def test_the_library_form_carries_a_csrf_token_that_works(self, people, jds, capture):
        strict = client_for(people["recruiter"], enforce_csrf_checks=True)
        token = strict.get(LIBRARY).context["csrf_token"]
        response, job = post_export(
            strict,
            capture,
            run=False,
            ids=ids_of(jds["backend"]),
            export_kind="zip",
            csrfmiddlewaretoken=str(token),
        )
        assert response.status_code == 302 and job is not None

    def test_anonymous_users_are_sent_to_sign_in(self, jds, client):
        response = client.post(EXPORT, {"ids": ids_of(jds["backend"]), "export_kind": "zip"})
        assert response.status_code == 302 and response.url.startswith("/accounts/login/")
        assert exports() == []


class TestQueueExportService:
    """The service checks again what the form checked: any caller gets the same guarantees."""

    def test_revisions_the_owner_may_not_read_are_refused(self, people, jds):
        theirs = jds["theirs"].latest_revision_id
        with pytest.raises(ExportRefused, match="1 of the selected job descriptions is not"):
            queue_export(
                owner=people["owner"],
                revision_ids=[jds["backend"].latest_revision_id, theirs],
                export_kind="zip",
            )
        with pytest.raises(ExportRefused, match="is not in your library"):
            queue_export(owner=people["owner"], revision_ids=[987654], export_kind="zip")
        assert exports() == []

    def test_a_recruiter_who_lost_the_permission_can_export_nothing(self, people, jds):
        recruiter = people["recruiter"]
        recruiter.groups.remove(Group.objects.get(name=RECRUITERS))
        recruiter = type(recruiter).objects.get(pk=recruiter.pk)  # permissions read afresh
        with pytest.raises(ExportRefused, match="not in your library"):
            queue_export(
                owner=recruiter,
                revision_ids=[jds["backend"].latest_revision_id],
                export_kind="csv",
            )

    @pytest.mark.parametrize(
        ("revision_ids", "kind", "message"),
        [
            ([], "zip", "Select at least one job description to export."),
            ([1], "docx", "Choose one of the formats offered"),
            (list(range(1, MAX_EXPORT_ITEMS + 2)), "zip", "You asked for 1,001 job descriptions"),
        ],
    )
    def test_bad_requests_are_refused(self, people, revision_ids, kind, message):
        with pytest.raises(ExportRefused, match=message):
            queue_export(owner=people["recruiter"], revision_ids=revision_ids, export_kind=kind)
        assert exports() == []

    def test_one_person_runs_a_few_exports_at_a_time(self, people, jds, capture):
        revision = [jds["backend"].latest_revision_id]
        recruiter = people["recruiter"]
        with capture(execute=False):
            for _ in range(MAX_ACTIVE_EXPORTS):
                queue_export(owner=recruiter, revision_ids=revision, export_kind="zip")
            with pytest.raises(ExportRefused, match="You already have 3 exports being made"):
                queue_export(owner=recruiter, revision_ids=revision, export_kind="zip")
            # Someone else is not held up, and a finished export frees a place.
            queue_export(owner=people["second_recruiter"], revision_ids=revision, export_kind="zip")
            Job.objects.filter(owner=recruiter).first().fail("Stopped")
            queue_export(owner=recruiter, revision_ids=revision, export_kind="zip")
        assert Job.objects.filter(owner=recruiter).count() == MAX_ACTIVE_EXPORTS + 1

    def test_the_job_is_sent_to_the_workers_only_when_the_transaction_commits(
        self, people, jds, capture
    ):
        with capture(execute=False) as callbacks:
            job = queue_export(
                owner=people["recruiter"],
                revision_ids=[jds["backend"].latest_revision_id],
                export_kind="zip",
            )
            assert job.status == JobStatus.QUEUED
        assert len(callbacks) == 1
