"""The download views (jdbuilder/downloads.py): who may download which revision in which format,
what each response says, and how a stored format (the PDFs), rendered once per revision by the
workers, is served from storage, with a "being prepared" page until it is there."""

from __future__ import annotations

import hashlib

import pytest
import weasyprint
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jdbuilder.documents.formats import FORMATS, STORED_FORMATS, ExportFormat
from jdbuilder.jobs.models import Job, JobKind, JobStatus
from jdbuilder.models import RenderedFile
from jdbuilder.services import finalize_job_description
from tests.factories import DraftFactory, ManagerFactory
from tests.jdbuilder.documents.pdf_reading import body_text, reader_for
from tests.jdbuilder.documents.reading import download
from tests.support.jds import retitle
from tests.support.jobs import run_queued_jobs

pytestmark = pytest.mark.django_db

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "md": "text/markdown; charset=utf-8",
    "txt": "text/plain; charset=utf-8",
    "html": "text/html; charset=utf-8",
}
STEM = "senior-software-engineer-acme-analytics-r1"


class TestDownloads:
    @pytest.mark.parametrize("fmt", list(CONTENT_TYPES))
    @pytest.mark.parametrize("who", ["owner", "recruiter"])
    def test_owner_and_recruiters_download(self, client, final_jd, manager, recruiter, who, fmt):
        client.force_login(manager if who == "owner" else recruiter)
        response = download(client, final_jd, fmt)
        assert response.status_code == 200
        assert response["Content-Type"] == CONTENT_TYPES[fmt]
        assert response["Content-Disposition"] == f'attachment; filename="{STEM}.{fmt}"'
        assert int(response["Content-Length"]) == len(response.content) > 0

    @pytest.mark.parametrize("fmt", list(CONTENT_TYPES))
    def test_a_revision_is_downloadable_by_number(self, manager_client, final_jd, fmt):
        latest = download(manager_client, final_jd, fmt)
        numbered = manager_client.get(f"/jd/{final_jd.public_id}/revisions/1/download/{fmt}/")
        assert numbered.status_code == 200
        assert numbered.content == latest.content

    @pytest.mark.parametrize("fmt", ["pptx", "exe", "DOCX", "..", "docx.zip"])
    def test_an_unknown_format_is_not_found(self, manager_client, final_jd, fmt):
        assert download(manager_client, final_jd, fmt).status_code == 404

    @pytest.mark.parametrize("fmt", list(CONTENT_TYPES))
    def test_another_manager_gets_not_found(self, client, final_jd, fmt):
        client.force_login(ManagerFactory(username="someone-else"))
        assert download(client, final_jd, fmt).status_code == 404

    @pytest.mark.parametrize("fmt", list(CONTENT_TYPES))
    def test_a_draft_never_finalized_has_no_downloads(
        self, client, catalog, manager, recruiter, fmt
    ):
        draft = DraftFactory(owner=manager)
        for user in (manager, recruiter):
            client.force_login(user)
            assert download(client, draft, fmt).status_code == 404
            url = f"/jd/{draft.public_id}/revisions/1/download/{fmt}/"
            assert client.get(url).status_code == 404

    def test_anonymous_users_are_sent_to_sign_in(self, client, final_jd):
        response = client.get(f"/jd/{final_jd.public_id}/download/docx/")
        assert response.status_code == 302 and "/accounts/login/?next=" in response["Location"]


def test_the_latest_download_address_redirects_to_the_revisions_own(manager_client, final_jd):
    response = manager_client.get(f"/jd/{final_jd.public_id}/download/docx/")
    assert response.status_code == 302
    assert response.url == f"/jd/{final_jd.public_id}/revisions/1/download/docx/"


def refuse_to_render(*args, **kwargs):
    raise AssertionError("rendered again: the stored PDF should have been served")


class TestStoredPdfs:
    """The PDFs are rendered by the workers when a revision is issued, once per format; a
    download serves the stored copy and never renders one itself."""

    @pytest.fixture
    def jd(self, manager, make_final_jd):
        benefits = "\n".join(f"Benefit {n}: a line long enough to fill the page" for n in range(40))
        return make_final_jd(manager, benefits=benefits)

    @pytest.fixture
    def revision(self, jd):
        return jd.revisions.get()

    def test_finalizing_queues_one_render_of_the_stored_formats(self, jd, revision):
        job = Job.objects.get(kind=JobKind.RENDER)
        assert job.revision == revision and job.status == JobStatus.QUEUED
        assert not RenderedFile.objects.exists()  # nothing rendered in the finalizing request

        assert run_queued_jobs() == {str(job.public_id): "succeeded"}
        job.refresh_from_db()
        assert job.status == JobStatus.SUCCEEDED and job.progress_done == job.progress_total == 2
        assert set(revision.rendered_files.values_list("format", flat=True)) == set(STORED_FORMATS)

    def test_the_worker_stores_it_and_the_download_serves_those_bytes(
        self, client, manager, jd, revision, monkeypatch
    ):
        run_queued_jobs()
        stored = RenderedFile.objects.get(revision=revision, format="pdf")
        client.force_login(manager)
        monkeypatch.setattr(ExportFormat, "render", refuse_to_render)
        with CaptureQueriesContext(connection) as queries:
            first = download(client, jd)
        assert first.redirect_chain == [(f"/jd/{jd.public_id}/revisions/1/download/pdf/", 302)]
        assert first.status_code == 200
        assert first["Content-Type"] == "application/pdf"
        assert first["Content-Disposition"].startswith("attachment;")
        assert first["Content-Disposition"].endswith('-r1.pdf"')
        assert first.content.startswith(b"%PDF-1.7")
        assert bytes(stored.content) == first.content
        assert stored.sha256 == hashlib.sha256(first.content).hexdigest()
        assert not [q for q in queries if q["sql"].lstrip().upper().startswith("INSERT")]
        assert RenderedFile.objects.filter(format="pdf").count() == 1

    def test_before_the_file_is_stored_the_download_shows_it_being_prepared(
        self, client, manager, jd, revision, monkeypatch
    ):
        client.force_login(manager)
        monkeypatch.setattr(ExportFormat, "render", refuse_to_render)
        url = f"/jd/{jd.public_id}/revisions/1/download/pdf/"
        response = client.get(url)
        preparing = f"{url}preparing/"
        assert response.status_code == 302 and response["Location"] == preparing

        page = client.get(preparing)
        assert page.status_code == 200
        html = page.content.decode()
        assert "is being prepared" in html
        assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in html
        assert f'data-job-status-url="{url}status/"' in html
        assert "no-cache" in page["Cache-Control"]
        status = client.get(f"{url}status/").json()
        assert status["finished"] is False and status["status"] == "queued"
        # Still one render job, however often the page is opened.
        assert Job.objects.filter(kind=JobKind.RENDER, revision=revision).count() == 1
        assert not RenderedFile.objects.exists()

        monkeypatch.undo()
        run_queued_jobs()
        status = client.get(f"{url}status/").json()
        assert status["finished"] is True and status["percent"] == 100
        ready = client.get(preparing).content.decode()
        assert "is ready" in ready and f'href="{url}"' in ready
        assert "refresh" not in ready
        assert client.get(url)["Content-Type"] == "application/pdf"

    def test_a_revision_with_no_render_job_gets_one_when_someone_asks(
        self, client, manager, jd, revision
    ):
        Job.objects.all().delete()  # issued before renders were queued, or the job was lost
        client.force_login(manager)
        client.get(f"/jd/{jd.public_id}/revisions/1/download/pdf-letter/")
        job = Job.objects.get(kind=JobKind.RENDER)
        assert job.revision == revision and job.status == JobStatus.QUEUED

    def test_a4_and_letter_are_stored_apart(self, client, manager, jd, revision):
        client.force_login(manager)
        a4 = download(client, jd, "pdf").content
        letter = download(client, jd, "pdf-letter").content
        assert a4 != letter
        assert reader_for(letter).pages[0].mediabox.width == pytest.approx(612)
        assert set(revision.rendered_files.values_list("format", flat=True)) == {
            "pdf",
            "pdf-letter",
        }
        assert FORMATS["pdf"].stored and FORMATS["pdf-letter"].stored

    def test_a_new_revision_gets_its_own_pdf_and_the_old_one_keeps_its_own(
        self, client, manager, jd
    ):
        client.force_login(manager)
        first = download(client, jd).content
        assert "SeniorSoftwareEngineer" in body_text(reader_for(first))

        jd.reopen()
        retitle(jd, "Staff Software Engineer")
        finalize_job_description(job_description=jd, user=manager, expected_version=jd.lock_version)

        response = download(client, jd)
        assert response.redirect_chain[-1][0] == f"/jd/{jd.public_id}/revisions/2/download/pdf/"
        latest = response.content
        assert latest != first
        assert "StaffSoftwareEngineer" in body_text(reader_for(latest))
        second_revision = jd.revisions.get(number=2)
        stored = RenderedFile.objects.get(revision=second_revision, format="pdf")
        assert bytes(stored.content) == latest
        assert download(client, jd, number=2).content == latest
        assert download(client, jd, number=1).content == first
        assert RenderedFile.objects.filter(format="pdf").count() == 2

    def test_a_render_that_dies_midway_leaves_nothing_stored_and_is_tried_again(
        self, client, manager, jd, revision, monkeypatch
    ):
        """A render that fails while writing the PDF: no half file is kept, the job says what
        happened, the "being prepared" page shows it and queues the render again."""

        def killed(*args, **kwargs):
            raise RuntimeError("worker killed while writing the PDF")

        with monkeypatch.context() as patch:
            patch.setattr(weasyprint.Document, "write_pdf", killed)
            assert set(run_queued_jobs().values()) == {"failed"}
        assert not RenderedFile.objects.exists()
        failed = Job.objects.get(kind=JobKind.RENDER)
        assert failed.status == JobStatus.FAILED and "worker killed" in failed.error

        client.force_login(manager)
        page = client.get(f"/jd/{jd.public_id}/revisions/1/download/pdf/preparing/")
        assert "The last attempt did not finish" in page.content.decode()
        assert "worker killed" in page.content.decode()
        assert Job.objects.filter(kind=JobKind.RENDER, status=JobStatus.QUEUED).count() == 1

        response = download(client, jd)
        assert response.status_code == 200 and response.content.startswith(b"%PDF")
        assert RenderedFile.objects.filter(revision=revision).count() == 2

    def test_a_user_who_may_not_see_the_jd_gets_no_pdf(self, client, jd):
        client.force_login(ManagerFactory())
        assert download(client, jd).status_code == 404
        base = f"/jd/{jd.public_id}/revisions/1/download/pdf/"
        assert client.get(f"{base}preparing/").status_code == 404
        assert client.get(f"{base}status/").status_code == 404

    @pytest.mark.parametrize("fmt", ["html", "docx", "nope"])
    def test_only_stored_formats_have_a_being_prepared_page(self, manager_client, jd, fmt):
        base = f"/jd/{jd.public_id}/revisions/1/download/{fmt}/"
        assert manager_client.get(f"{base}preparing/").status_code == 404
        assert manager_client.get(f"{base}status/").status_code == 404


class TestStoredCopyFastPath:
    """A stored copy is served from its RenderedFile row in one query past the session: no
    revision or JD row loaded, no Document built; the same names, headers and 404s as before."""

    @pytest.fixture
    def stored(self, client, manager, final_jd):
        client.force_login(manager)
        first = download(client, final_jd)  # the worker's stored copy
        client.logout()
        return first

    def test_the_owner_gets_it_in_one_query_past_the_session(
        self, client, manager, final_jd, stored, monkeypatch
    ):
        client.force_login(manager)
        monkeypatch.setattr(ExportFormat, "render", refuse_to_render)
        monkeypatch.setattr("jdbuilder.downloads.build_document", refuse_to_render)
        url = f"/jd/{final_jd.public_id}/revisions/1/download/pdf/"
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200 and response.content == stored.content
        for header in ("Content-Type", "Content-Disposition", "Content-Length", "Cache-Control"):
            assert response[header] == stored[header]
        assert response["Content-Disposition"] == f'attachment; filename="{STEM}.pdf"'
        # The session, the user, the stored file joined to its revision and JD.
        assert len(queries) == 3, [q["sql"] for q in queries]
        assert "jdbuilder_renderedfile" in queries[-1]["sql"]

    def test_a_recruiter_and_staff_get_it_too(self, client, recruiter, staff, final_jd, stored):
        for user in (recruiter, staff):
            client.force_login(user)
            response = client.get(f"/jd/{final_jd.public_id}/revisions/1/download/pdf/")
            assert response.status_code == 200 and response.content == stored.content
            assert response["Content-Disposition"] == stored["Content-Disposition"]

    def test_another_manager_gets_not_found_although_it_is_stored(self, client, final_jd, stored):
        client.force_login(ManagerFactory(username="not-the-owner"))
        assert download(client, final_jd).status_code == 404
        assert client.get(f"/jd/{final_jd.public_id}/revisions/1/download/pdf/").status_code == 404

    def test_a_revision_number_or_jd_that_does_not_exist_is_not_found(
        self, client, manager, final_jd, stored
    ):
        client.force_login(manager)
        assert client.get(f"/jd/{final_jd.public_id}/revisions/2/download/pdf/").status_code == 404
        other = "00000000-0000-4000-8000-000000000000"
        assert client.get(f"/jd/{other}/revisions/1/download/pdf/").status_code == 404

    def test_a_row_stored_without_a_name_is_served_with_the_name_built_as_before(
        self, client, manager, final_jd, stored
    ):
        RenderedFile.objects.update(filename="")
        client.force_login(manager)
        response = client.get(f"/jd/{final_jd.public_id}/revisions/1/download/pdf/")
        assert response.status_code == 200 and response.content == stored.content
        assert response["Content-Disposition"] == f'attachment; filename="{STEM}.pdf"'

    def test_the_stored_row_keeps_the_name_size_and_digest(self, final_jd, stored):
        row = RenderedFile.objects.get(revision__job_description=final_jd, format="pdf")
        assert row.filename == f"{STEM}.pdf"
        assert row.size == len(stored.content) == len(bytes(row.content))
        assert row.sha256 == hashlib.sha256(stored.content).hexdigest()
