"""The export pages (jdbuilder/exports/views.py): progress while it runs, the ready notice and
the download, for the owner only; 410 once expired; the list of one's exports; the library's
reminder of them; and query counts that do not grow with the number of exports."""

from __future__ import annotations

import datetime
import re

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.http import StreamingHttpResponse
from django.template.loader import render_to_string
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jdbuilder.jobs.files import read_chunks
from jdbuilder.jobs.models import Job, JobFile, JobStatus
from tests.jdbuilder.exports.support import LIBRARY, client_for, ids_of, output_of, post_export

pytestmark = pytest.mark.django_db


@pytest.fixture
def jds(people, make_final_jd):
    return [
        make_final_jd(people["owner"], title="Backend Engineer", company_name="Acme"),
        make_final_jd(people["owner"], title="Revenue Analyst", company_name="Globex"),
    ]


@pytest.fixture
def recruiter(people):
    return client_for(people["recruiter"])


def queued(client, capture, jds, kind="zip") -> Job:
    _, job = post_export(client, capture, run=False, ids=ids_of(*jds), export_kind=kind)
    return job


def finished(client, capture, jds, kind="zip") -> Job:
    _, job = post_export(client, capture, ids=ids_of(*jds), export_kind=kind)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    return job


def url(job: Job, suffix: str = "") -> str:
    return f"/exports/{job.public_id}/{suffix}"


class TestWhileItRuns:
    def test_a_progress_bar_that_refreshes_itself_with_and_without_javascript(
        self, recruiter, capture, jds
    ):
        job = queued(recruiter, capture, jds)
        Job.objects.filter(pk=job.pk).update(
            status=JobStatus.RUNNING,
            stage="Adding job descriptions",
            progress_total=2,
            progress_done=1,
        )
        response = recruiter.get(url(job))
        assert response.status_code == 200
        page = BeautifulSoup(response.content, "html.parser")
        box = page.select_one("[data-job-status-url]")
        assert box["data-job-status-url"] == url(job, "status/")
        assert page.select_one("progress")["value"] == "50"
        assert "1 of 2" in box.get_text()
        assert page.find("noscript").find("meta", attrs={"http-equiv": "refresh"})
        assert page.find("script", src=re.compile(r"js/job-progress\.js$"))
        assert "Your export is ready" not in response.content.decode()

        status = recruiter.get(url(job, "status/"))
        assert status["Cache-Control"] == "no-store"
        assert status.json() == {
            "status": "running",
            "status_label": "Running",
            "finished": False,
            "percent": 50,
            "done": 1,
            "total": 2,
            "stage": "Adding job descriptions",
        }

    def test_the_download_before_it_is_ready_goes_to_the_progress(self, recruiter, capture, jds):
        job = queued(recruiter, capture, jds)
        response = recruiter.get(url(job, "download/"))
        assert response.status_code == 302 and response.url == url(job)


class TestReady:
    def test_the_ready_notice_links_the_file_with_its_size_and_expiry(
        self, recruiter, capture, jds
    ):
        job = finished(recruiter, capture, jds)
        response = recruiter.get(url(job))
        html = response.content.decode()
        page = BeautifulSoup(html, "html.parser")
        notice = page.select_one("#export-ready")
        text = " ".join(notice.get_text().split())
        assert "Your export is ready" in text
        assert f"2 job descriptions in {job.result['filename']}" in text
        link = notice.find("a", href=url(job, "download/"))
        assert link is not None
        assert "Available until" in text
        assert notice.find("time")["datetime"] == job.expires_at.strftime("%Y-%m-%dT%H:%M:%S%z")
        assert re.search(r"\(\d+(\.\d)? (bytes|KB)\)", text)
        # Finished: no refresh, no polling.
        assert page.find("noscript") is None
        assert page.find("script", src=re.compile(r"job-progress")) is None

    def test_the_download_streams_the_stored_chunks(self, recruiter, capture, jds, monkeypatch):
        monkeypatch.setattr("jdbuilder.jobs.files.CHUNK_SIZE", 1000)  # several chunks
        job = finished(recruiter, capture, jds, kind="csv")
        file = JobFile.objects.get(job=job)
        assert file.chunks.count() >= 1
        response = recruiter.get(url(job, "download/"))
        assert isinstance(response, StreamingHttpResponse)
        pieces = list(response.streaming_content)
        assert len(pieces) == file.chunks.count()
        body = b"".join(pieces)
        assert body == b"".join(read_chunks(file)) == output_of(job)
        assert response["Content-Length"] == str(file.size) == str(len(body))
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"] == f'attachment; filename="{file.name}"'
        assert response["Cache-Control"] == "private, no-store"

    def test_a_big_zip_streams_in_many_chunks(self, recruiter, capture, jds, monkeypatch):
        monkeypatch.setattr("jdbuilder.jobs.files.CHUNK_SIZE", 256)
        job = finished(recruiter, capture, jds, kind="zip")
        file = JobFile.objects.get(job=job)
        assert file.chunks.count() > 3
        response = recruiter.get(url(job, "download/"))
        assert len(list(response.streaming_content)) == file.chunks.count()
        assert response["Content-Type"] == "application/zip"

    def test_skipped_jds_are_named_on_the_page(self, recruiter, capture, jds):
        with capture(execute=False) as callbacks:
            recruiter.post("/library/export/", {"ids": ids_of(*jds), "export_kind": "csv"})
        jds[0].delete()
        for callback in callbacks:
            callback()
        job = Job.objects.get(kind="export")
        page = BeautifulSoup(recruiter.get(url(job)).content, "html.parser")
        skipped = page.select_one("#export-skipped")
        assert [li.get_text() for li in skipped.select("li")] == ["Backend Engineer"]
        assert "1 of the selected job description is not in the file" in " ".join(
            skipped.get_text().split()
        )

    def test_a_failed_export_shows_its_error(self, recruiter, capture, jds):
        job = queued(recruiter, capture, jds)
        job.fail("None of the selected job descriptions can be exported any more.")
        page = BeautifulSoup(recruiter.get(url(job)).content, "html.parser")
        failed = page.select_one("#export-failed")
        assert failed["role"] == "alert"
        assert "None of the selected job descriptions can be exported any more." in (
            failed.get_text()
        )
        assert recruiter.get(url(job, "download/")).status_code == 302


class TestOwnerOnly:
    @pytest.mark.parametrize("who", ["second_recruiter", "staff", "owner"])
    @pytest.mark.parametrize("suffix", ["", "status/", "download/"])
    def test_anyone_else_gets_404(self, people, recruiter, capture, jds, who, suffix):
        job = finished(recruiter, capture, jds)
        assert client_for(people[who]).get(url(job, suffix)).status_code == 404

    @pytest.mark.parametrize("suffix", ["", "status/", "download/"])
    def test_anonymous_users_are_sent_to_sign_in(self, recruiter, capture, jds, suffix):
        job = finished(recruiter, capture, jds)
        response = Client().get(url(job, suffix))
        assert response.status_code == 302 and response.url.startswith("/accounts/login/")

    def test_an_unknown_export_is_404(self, recruiter):
        assert recruiter.get("/exports/00000000-0000-0000-0000-000000000000/").status_code == 404

    @pytest.mark.parametrize("suffix", ["", "status/", "download/"])
    def test_only_get_and_head(self, recruiter, capture, jds, suffix):
        job = finished(recruiter, capture, jds)
        assert recruiter.post(url(job, suffix)).status_code == 405


class TestExpiry:
    @pytest.mark.parametrize("suffix", ["", "download/"])
    def test_after_24_hours_the_export_is_gone(self, recruiter, capture, jds, suffix):
        job = finished(recruiter, capture, jds)
        Job.objects.filter(pk=job.pk).update(expires_at=timezone.now())
        response = recruiter.get(url(job, suffix))
        assert response.status_code == 410
        assert "This export has expired" in response.content.decode()
        assert not isinstance(response, StreamingHttpResponse)

    def test_a_file_cleaned_up_early_is_gone_too(self, recruiter, capture, jds):
        job = finished(recruiter, capture, jds)
        JobFile.objects.filter(job=job).delete()
        assert recruiter.get(url(job, "download/")).status_code == 410

    def test_the_scheduled_clean_up_deletes_the_file_once_expired(self, recruiter, capture, jds):
        from jdbuilder.jobs.services import clean_up

        job = finished(recruiter, capture, jds)
        clean_up(now=job.expires_at - datetime.timedelta(minutes=1))
        assert JobFile.objects.filter(job=job).exists()
        clean_up(now=job.expires_at + datetime.timedelta(minutes=1))
        assert not JobFile.objects.filter(job=job).exists()


class TestList:
    def test_newest_first_with_status_and_links_and_only_ones_own(
        self, people, recruiter, capture, jds
    ):
        older = finished(recruiter, capture, jds[:1], kind="csv")
        Job.objects.filter(pk=older.pk).update(
            created_at=timezone.now() - datetime.timedelta(hours=2)
        )
        running = queued(recruiter, capture, jds, kind="pdf")
        finished(client_for(people["second_recruiter"]), capture, jds)  # someone else's
        page = BeautifulSoup(recruiter.get("/exports/").content, "html.parser")
        rows = page.select("tbody tr")
        assert [row.th.get_text() for row in rows] == [
            "PDF of 2 job descriptions",
            "CSV of 1 job description",
        ]
        assert rows[0].th.a["href"] == url(running)
        assert "Queued" in rows[0].get_text()
        assert rows[1].find("a", href=url(older, "download/"))
        assert "Ready" in rows[1].get_text()

    def test_no_exports_says_how_to_make_one(self, recruiter):
        html = recruiter.get("/exports/").content.decode()
        assert "You have no exports." in html and f'href="{LIBRARY}"' in html

    def test_the_list_runs_the_same_queries_for_2_and_12_exports(
        self, people, recruiter, capture, jds, django_assert_num_queries
    ):
        for _ in range(2):
            finished(recruiter, capture, jds[:1], kind="csv")
        with CaptureQueriesContext(connection) as few:
            assert recruiter.get("/exports/").status_code == 200
        queries = len(few)  # read now: the next request empties the connection's log
        # session, user, permissions (2), count, page
        assert queries == 6
        for _ in range(10):
            finished(recruiter, capture, jds[:1], kind="csv")
        with django_assert_num_queries(queries):
            response = recruiter.get("/exports/")
        assert len(BeautifulSoup(response.content, "html.parser").select("tbody tr")) == 12


class TestLibraryReminder:
    def test_the_library_shows_exports_running_ready_or_failed_lately(
        self, people, recruiter, capture, jds
    ):
        ready = finished(recruiter, capture, jds[:1])
        running = queued(recruiter, capture, jds, kind="pdf")
        expired = finished(recruiter, capture, jds, kind="csv")
        Job.objects.filter(pk=expired.pk).update(expires_at=timezone.now())
        finished(client_for(people["second_recruiter"]), capture, jds)  # someone else's
        page = BeautifulSoup(recruiter.get(LIBRARY).content, "html.parser")
        notice = page.select_one("#current-exports")
        links = {a["href"]: " ".join(a.parent.get_text().split()) for a in notice.select("li a")}
        assert set(links) == {url(ready), url(running)}
        assert "ready, until" in links[url(ready)]
        assert "being made" in links[url(running)]
        assert notice.find("a", href="/exports/")

    def test_no_exports_no_reminder(self, recruiter, jds):
        page = BeautifulSoup(recruiter.get(LIBRARY).content, "html.parser")
        assert page.select_one("#current-exports") is None

    def test_the_nav_links_the_exports_for_recruiters_and_staff_only(self, people):
        link = 'href="/exports/"'
        assert link in client_for(people["recruiter"]).get("/roles/").content.decode()
        assert link in client_for(people["staff"]).get("/roles/").content.decode()
        assert link not in client_for(people["owner"]).get("/roles/").content.decode()


class TestMarkup:
    def test_the_export_pages_are_valid_html(self, people, recruiter, capture, jds, vnu):
        running = queued(recruiter, capture, jds)
        ready = finished(recruiter, capture, jds, kind="csv")
        failed = queued(recruiter, capture, jds[:1], kind="pdf")
        failed.fail('It broke <badly> & "loudly"')
        expired = finished(recruiter, capture, jds[:1], kind="zip")
        pages = [url(running), url(ready), url(failed), "/exports/", LIBRARY]
        htmls = [recruiter.get(path).content.decode() for path in pages]
        # What templates/jobs/_refresh.html (shared by every job page, not this part's) puts in
        # <head> is left out: its two-line {# #} comment is printed as text, which ends <head>
        # early. The rest of the page is checked.
        refresh = render_to_string("jobs/_refresh.html")
        assert refresh in htmls[0]
        htmls[0] = htmls[0].replace(refresh, "")
        Job.objects.filter(pk=expired.pk).update(expires_at=timezone.now())
        htmls.append(recruiter.get(url(expired)).content.decode())
        assert "It broke &lt;badly&gt; &amp; &quot;loudly&quot;" in htmls[2]
        for path, html in zip([*pages, url(expired)], htmls, strict=True):
            errors = [str(m) for m in vnu(html) if m.is_error or m.is_warning]
            assert errors == [], f"{path}:\n" + "\n".join(errors)
