"""What each export's file holds (jdbuilder/exports/services.py `run_export`): the ZIP's
entries are the stored PDFs byte for byte, the combined PDF is its table of contents and then
every JD's pages, with a bookmark for each, and the CSV is the library's rows; what the job
reports while it runs and at its end; JDs deleted meanwhile; and failures that keep nothing."""

from __future__ import annotations

import csv
import dataclasses
import io
import zipfile

import pytest
from django.utils import timezone
from pypdf import PdfReader

from jdbuilder.documents.build import build_document
from jdbuilder.documents.formats import FORMATS
from jdbuilder.exports.spreadsheet import safe_cell
from jdbuilder.jobs.models import Job, JobFile, JobFileChunk, JobStatus
from jdbuilder.models import JobDescriptionRevision, RenderedFile
from jdbuilder.services import export_revision
from tests.jdbuilder.exports.support import (
    client_for,
    ids_of,
    output_of,
    pages_of,
    post_export,
)
from tests.support.jds import clone_issued

pytestmark = pytest.mark.django_db


@pytest.fixture
def jds(people, make_final_jd):
    owner = people["owner"]
    return [
        make_final_jd(owner, title="Backend Engineer", company_name="Acme Analytics"),
        make_final_jd(owner, title="Revenue Analyst", slug="data-analyst", company_name="Globex"),
        make_final_jd(owner, title="Forecast Lead", slug="data-scientist", company_name=""),
    ]


def export(people, capture, jds, kind: str, who: str = "recruiter"):
    response, job = post_export(
        client_for(people[who]), capture, ids=ids_of(*jds), export_kind=kind
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    job.refresh_from_db()
    return job


def stored_pdf(jd) -> bytes:
    return bytes(RenderedFile.objects.get(revision=jd.latest_revision, format="pdf").content)


class TestZip:
    def test_the_entries_are_the_stored_pdfs_byte_for_byte_named_as_single_downloads(
        self, people, capture, jds, pdf_renderer
    ):
        export_revision(revision=jds[1].latest_revision, export_format=FORMATS["pdf"])
        pdf_renderer.clear()
        job = export(people, capture, jds, "zip")
        with zipfile.ZipFile(io.BytesIO(output_of(job))) as archive:
            assert archive.testzip() is None
            names = archive.namelist()
            assert names == [
                "backend-engineer-acme-analytics-r1.pdf",
                "revenue-analyst-globex-r1.pdf",
                "forecast-lead-r1.pdf",
            ]
            for jd, name in zip(jds, names, strict=True):
                assert name == FORMATS["pdf"].filename(build_document(jd.latest_revision))
                assert archive.read(name) == stored_pdf(jd)
        # The one already stored was read; the worker rendered and stored the other two.
        assert sorted(pdf_renderer) == sorted(str(jds[n].public_id) for n in (0, 2))
        assert RenderedFile.objects.filter(format="pdf").count() == 3
        today = timezone.localdate().isoformat()
        assert job.result == {
            "count": 3,
            "skipped": [],
            "filename": f"job-descriptions-{today}.zip",
            "size": JobFile.objects.get(job=job).size,
        }

    def test_a_second_export_renders_nothing_again(self, people, capture, jds, pdf_renderer):
        first = output_of(export(people, capture, jds, "zip"))
        assert len(pdf_renderer) == 3
        second = output_of(export(people, capture, jds, "zip", who="second_recruiter"))
        assert len(pdf_renderer) == 3
        with zipfile.ZipFile(io.BytesIO(first)) as a, zipfile.ZipFile(io.BytesIO(second)) as b:
            assert [a.read(n) for n in a.namelist()] == [b.read(n) for n in b.namelist()]

    def test_clashing_names_are_made_unique(self, people, capture, make_final_jd):
        same = [make_final_jd(people["owner"], title="Data Engineer") for _ in range(3)]
        job = export(people, capture, same, "zip")
        with zipfile.ZipFile(io.BytesIO(output_of(job))) as archive:
            stem = "data-engineer-acme-analytics-r1"
            assert archive.namelist() == [f"{stem}.pdf", f"{stem}-2.pdf", f"{stem}-3.pdf"]
            assert len({archive.read(name) for name in archive.namelist()}) == 3

    def test_the_job_reports_one_step_per_jd_and_ends_done(self, people, capture, jds):
        job = export(people, capture, jds, "zip")
        assert job.status == JobStatus.SUCCEEDED
        assert (job.progress_done, job.progress_total, job.stage) == (3, 3, "Done")
        assert job.percent == 100
        assert job.expires_at is not None
        assert abs((job.expires_at - job.finished_at).total_seconds() - 24 * 3600) < 5


class TestCombinedPdf:
    def test_contents_first_then_every_jd_and_a_bookmark_for_each(self, people, capture, jds):
        job = export(people, capture, jds, "pdf")
        reader = PdfReader(io.BytesIO(output_of(job)))
        jd_pages = [pages_of(jd.title) for jd in jds]
        assert jd_pages == [2, 1, 2]  # the stand-in renderer's pages, from the titles
        assert len(reader.pages) == 1 + sum(jd_pages)  # one page of contents
        assert job.result["pages"] == len(reader.pages)
        assert job.result["filename"].endswith(".pdf") and job.result["count"] == 3

        outline = reader.outline
        assert [item.title for item in outline] == [
            "Contents",
            "Backend Engineer – Acme Analytics",
            "Revenue Analyst – Globex",
            "Forecast Lead",
        ]
        assert [reader.get_destination_page_number(item) for item in outline] == [0, 1, 3, 4]

        contents = " ".join(reader.pages[0].extract_text().split())
        assert "3 job descriptions" in contents
        for line in ["Backend Engineer Acme Analytics 2", "Revenue Analyst Globex 4", "Lead 5"]:
            assert line in contents
        # Each JD's pages are its stored PDF's pages.
        first = PdfReader(io.BytesIO(stored_pdf(jds[1])))
        assert reader.pages[3].mediabox == first.pages[0].mediabox
        assert reader.metadata.title == "Job descriptions (3)"

    def test_a_long_contents_counts_its_own_pages(self, people, capture, make_final_jd):
        source = make_final_jd(people["owner"], title="Clone source")
        clones = clone_issued(source, 59)
        jds = [source, *clones]
        job = export(people, capture, jds, "pdf")
        reader = PdfReader(io.BytesIO(output_of(job)))
        jd_pages = sum(pages_of(jd.title) for jd in jds)
        contents_pages = len(reader.pages) - jd_pages
        assert contents_pages >= 2  # sixty lines do not fit on one A4 page
        starts = [reader.get_destination_page_number(item) for item in reader.outline[1:]]
        assert starts[0] == contents_pages
        assert len(starts) == 60
        # The last JD's number on the contents is its page in the file, counting from 1.
        last_page = starts[-1] + 1
        tail = " ".join(reader.pages[contents_pages - 1].extract_text().split())
        assert tail.endswith(f"Clone 58 Acme Analytics {last_page}")
        # And every JD starts where the one before it ends.
        lengths = [pages_of(jd.title) for jd in jds]
        assert [b - a for a, b in zip(starts, starts[1:], strict=False)] == lengths[:-1]

    def test_real_pdfs_keep_their_own_headings_under_their_bookmark(
        self, people, capture, make_final_jd, monkeypatch
    ):
        real = dataclasses.replace(
            FORMATS["pdf"], renderer_path="jdbuilder.documents.pdf.render_pdf"
        )
        monkeypatch.setitem(FORMATS, "pdf", real)
        jds = [
            make_final_jd(people["owner"], title="Platform Engineer", company_name="Hooli"),
            make_final_jd(people["owner"], title="Data Analyst", slug="data-analyst"),
        ]
        job = export(people, capture, jds, "pdf")
        reader = PdfReader(io.BytesIO(output_of(job)))
        singles = [PdfReader(io.BytesIO(stored_pdf(jd))) for jd in jds]
        assert len(reader.pages) == 1 + sum(len(single.pages) for single in singles)
        top = [item for item in reader.outline if not isinstance(item, list)]
        assert [item.title for item in top] == [
            "Contents",
            "Platform Engineer – Hooli",
            "Data Analyst – Acme Analytics",
        ]
        nested = [item for item in reader.outline if isinstance(item, list)]
        assert len(nested) == 2  # each JD's own headings, under its bookmark
        assert nested[0][0].title == singles[0].outline[0].title
        text = reader.pages[1].extract_text()
        assert "Platform Engineer" in text


class TestCsv:
    def test_one_row_per_jd_with_the_library_columns(self, people, capture, jds, make_final_jd):
        contractor = make_final_jd(
            people["owner"],
            title="Platform Engineer",
            company_name="Hooli",
            location="Denver, Colorado",
            workplace_type="remote",
            employment_type="CONTRACTOR",
        )
        job = export(people, capture, [contractor, *jds], "csv")
        body = output_of(job)
        assert body.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, for Excel
        rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
        assert rows[0] == [
            "Title",
            "Role",
            "Company",
            "Location",
            "Workplace",
            "Employment",
            "Finalized",
            "Revision",
            "Quality score",
            "Errors",
            "Warnings",
            "Reference",
        ]
        revision = contractor.latest_revision
        quality = revision.quality
        assert rows[1] == [
            "Platform Engineer",
            "Software Engineer",
            "Hooli",
            "Denver, Colorado",
            "Remote",
            "Contractor",
            timezone.localdate(revision.finalized_at).isoformat(),
            "1",
            str(quality["score"]),
            str(quality["errors"]),
            str(quality["warnings"]),
            str(contractor.public_id),
        ]
        assert [row[0] for row in rows[1:]] == [
            "Platform Engineer",
            "Backend Engineer",
            "Revenue Analyst",
            "Forecast Lead",
        ]
        assert rows[3][1:3] == ["Data Analyst", "Globex"]
        assert job.result["filename"].endswith(".csv") and job.result["count"] == 4
        assert body.count(b"\r\n") == 5  # a header and four rows, with Excel's line ends

    def test_cells_that_a_spreadsheet_would_run_as_formulas_are_made_text(
        self, people, capture, make_final_jd
    ):
        jd = make_final_jd(people["owner"], title="Plain title")
        revision = jd.latest_revision
        snapshot = revision.snapshot
        snapshot["title"] = '=HYPERLINK("https://evil.example","Click")'
        snapshot["posting"].update(company_name="+1 Acme", location="-2+3", workplace_type="remote")
        snapshot["role"]["name"] = "@SUM(A1:A9)"
        JobDescriptionRevision.objects.filter(pk=revision.pk).update(snapshot=snapshot)
        body = output_of(export(people, capture, [jd], "csv")).decode("utf-8-sig")
        [row] = list(csv.reader(io.StringIO(body)))[1:]
        assert row[:4] == [
            '\'=HYPERLINK("https://evil.example","Click")',
            "'@SUM(A1:A9)",
            "'+1 Acme",
            "'-2+3",
        ]

    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("=1+1", "'=1+1"),
            ("+1", "'+1"),
            ("-1", "'-1"),
            ("@A1", "'@A1"),
            ("\tcmd", "'\tcmd"),
            ("\rcmd", "'\rcmd"),
            ("a=1", "a=1"),
            ("Zürich – 東京", "Zürich – 東京"),
            ("", ""),
            (7, "7"),
            (None, ""),
        ],
    )
    def test_safe_cell(self, value, expected):
        assert safe_cell(value) == expected

    def test_non_latin_text_survives(self, people, capture, make_final_jd):
        jd = make_final_jd(people["owner"], title="Ingénieure logicielle", location="Zürich")
        body = output_of(export(people, capture, [jd], "csv")).decode("utf-8-sig")
        assert "Ingénieure logicielle" in body and "Zürich" in body


class TestMeanwhile:
    def test_a_jd_deleted_before_the_worker_runs_is_left_out_and_named(self, people, capture, jds):
        client = client_for(people["recruiter"])
        with capture(execute=False) as callbacks:
            response = client.post("/library/export/", {"ids": ids_of(*jds), "export_kind": "zip"})
        assert response.status_code == 302
        jds[1].delete()
        for callback in callbacks:
            callback()
        job = Job.objects.get(kind="export")
        with zipfile.ZipFile(io.BytesIO(output_of(job))) as archive:
            assert archive.namelist() == [
                "backend-engineer-acme-analytics-r1.pdf",
                "forecast-lead-r1.pdf",
            ]
        assert job.result["count"] == 2
        assert job.result["skipped"] == ["Revenue Analyst"]

    def test_an_export_whose_every_jd_was_deleted_fails_clearly_and_keeps_no_file(
        self, people, capture, jds
    ):
        client = client_for(people["recruiter"])
        with capture(execute=False) as callbacks:
            client.post("/library/export/", {"ids": ids_of(*jds), "export_kind": "pdf"})
        for jd in jds:
            jd.delete()
        for callback in callbacks:
            callback()
        job = Job.objects.get(kind="export")
        assert job.status == JobStatus.FAILED
        assert "None of the selected job descriptions can be exported any more" in job.error
        assert not JobFile.objects.filter(job=job).exists()

    def test_a_recruiter_who_lost_the_library_before_the_worker_ran_gets_nothing(
        self, people, capture, jds
    ):
        recruiter = people["recruiter"]
        client = client_for(recruiter)
        with capture(execute=False) as callbacks:
            client.post("/library/export/", {"ids": ids_of(*jds), "export_kind": "csv"})
        recruiter.groups.clear()
        for callback in callbacks:
            callback()
        job = Job.objects.get(kind="export")
        assert job.status == JobStatus.FAILED
        assert "you may no longer read them" in job.error
        assert not JobFile.objects.filter(job=job).exists()

    def test_a_failure_half_way_keeps_no_partial_file(self, people, capture, jds, monkeypatch):
        from jdbuilder.exports import services

        real = services.export_revision
        calls = []

        def fails_on_the_second(**kwargs):
            calls.append(JobFileChunk.objects.count())  # what was written before this entry
            if len(calls) == 2:
                raise RuntimeError("the renderer broke")
            return real(**kwargs)

        monkeypatch.setattr(services, "export_revision", fails_on_the_second)
        monkeypatch.setattr("jdbuilder.jobs.files.CHUNK_SIZE", 64)  # the first entry is written
        response, job = post_export(
            client_for(people["recruiter"]), capture, ids=ids_of(*jds), export_kind="zip"
        )
        job.refresh_from_db()
        assert job.status == JobStatus.FAILED and "the renderer broke" in job.error
        assert calls[1] > 0  # the first PDF had gone out in chunks
        assert not JobFile.objects.filter(job=job).exists()
        assert JobFileChunk.objects.count() == 0
