"""The ZIP of selected PDFs (jdbuilder/library/views.py and zip.py): exactly the selected PDFs,
named as single downloads, rendered once and streamed entry by entry; what is refused, and why."""

from __future__ import annotations

import io
import uuid
import zipfile

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone

from jdbuilder.documents.build import build_document
from jdbuilder.documents.formats import FORMATS
from jdbuilder.library.forms import MAX_ZIP_ITEMS
from jdbuilder.library.zip import Entry, stream_zip, unique_names
from jdbuilder.models import RenderedFile
from jdbuilder.services import export_revision
from tests.jdbuilder.library.support import (
    LIBRARY,
    ZIP,
    SharedRows,
    client_for,
    draft,
    latest,
)
from tests.support.jds import clone_issued

pytestmark = pytest.mark.django_db


def read_zip(response) -> dict[str, bytes]:
    assert response.status_code == 200, response.content
    body = b"".join(response.streaming_content)
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        assert archive.testzip() is None
        return {info.filename: archive.read(info) for info in archive.infolist()}


class TestZip(SharedRows):
    @staticmethod
    def make_jds(people, make_final_jd):
        return [
            make_final_jd(people["owner"], title=f"Engineer {n}", company_name=f"Company {n}")
            for n in range(4)
        ]

    def test_holds_exactly_the_selected_pdfs_named_like_single_downloads(self, people, jds):
        client = client_for(people["recruiter"])
        chosen = jds[:3]
        response = client.post(ZIP, {"ids": [str(jd.public_id) for jd in chosen]})
        assert isinstance(response, StreamingHttpResponse)
        assert response["Content-Type"] == "application/zip"
        today = timezone.localdate().isoformat()
        assert response["Content-Disposition"] == (
            f'attachment; filename="job-descriptions-{today}.zip"'
        )
        files = read_zip(response)
        pdf = FORMATS["pdf"]
        expected_names = [pdf.filename(build_document(latest(jd))) for jd in chosen]
        assert list(files) == expected_names  # in the order selected
        assert expected_names[0] == "engineer-0-company-0-r1.pdf"
        for jd, name in zip(chosen, expected_names, strict=True):
            single = client.get(reverse("jd:download", args=[jd.public_id, "pdf"]), follow=True)
            assert single["Content-Disposition"] == f'attachment; filename="{name}"'
            stored = export_revision(revision=latest(jd), export_format=pdf)
            assert files[name] == single.content == stored
            assert files[name].startswith(b"%PDF")

    def test_stored_pdfs_are_reused(self, people, jds, pdf_renderer):
        client = client_for(people["recruiter"])
        ids = [str(jd.public_id) for jd in jds[:2]]
        first = read_zip(client.post(ZIP, {"ids": ids}))
        assert len(pdf_renderer) == 2
        assert RenderedFile.objects.filter(format="pdf").count() == 2
        second = read_zip(client.post(ZIP, {"ids": ids}))
        assert len(pdf_renderer) == 2  # nothing rendered again
        assert first == second

    def test_the_zip_is_streamed_one_entry_at_a_time(self, people, jds, pdf_renderer):
        response = client_for(people["recruiter"]).post(
            ZIP, {"ids": [str(jd.public_id) for jd in jds[:3]]}
        )
        chunks = iter(response.streaming_content)
        assert not pdf_renderer  # nothing rendered before the body is read
        next(chunks)
        assert len(pdf_renderer) == 1  # the first entry is sent before the second is rendered
        rest = list(chunks)
        assert len(rest) == 3 and len(pdf_renderer) == 3  # two more entries, then the directory

    def test_a_repeated_id_counts_once(self, people, jds):
        jd = jds[0]
        files = read_zip(
            client_for(people["recruiter"]).post(ZIP, {"ids": [str(jd.public_id)] * 2})
        )
        assert len(files) == 1

    @pytest.mark.parametrize("ids", [[], ["not-a-uuid"], [""]])
    def test_an_empty_or_unreadable_selection_is_a_form_error(self, people, jds, ids):
        response = client_for(people["recruiter"]).post(ZIP, {"ids": ids})
        assert response.status_code == 400
        assert response.context["selection_errors"]
        assert 'id="selection-errors"' in response.content.decode()

    def test_csrf_is_required(self, people, jds):
        client = client_for(people["recruiter"], enforce_csrf_checks=True)
        response = client.post(ZIP, {"ids": [str(jds[0].public_id)]})
        assert response.status_code == 403

    def test_the_library_form_carries_a_csrf_token(self, people, jds):
        client = client_for(people["recruiter"], enforce_csrf_checks=True)
        page = client.get(LIBRARY)
        token = page.context["csrf_token"]
        assert 'name="csrfmiddlewaretoken"' in page.content.decode()
        response = client.post(
            ZIP, {"ids": [str(jds[0].public_id)], "csrfmiddlewaretoken": str(token)}
        )
        assert len(read_zip(response)) == 1

    def test_get_is_not_allowed(self, people, jds):
        assert client_for(people["recruiter"]).get(ZIP).status_code == 405


class TestZipNames:
    def test_clashing_names_are_made_unique(self, people, make_final_jd):
        same = [make_final_jd(people["owner"], title="Data Engineer") for _ in range(3)]
        files = read_zip(
            client_for(people["recruiter"]).post(ZIP, {"ids": [str(jd.public_id) for jd in same]})
        )
        stem = "data-engineer-acme-analytics-r1"
        assert list(files) == [f"{stem}.pdf", f"{stem}-2.pdf", f"{stem}-3.pdf"]
        assert len(set(files.values())) == 3


class TestZipRefused:
    def test_more_than_fifty_are_refused_with_a_clear_message(
        self, people, make_final_jd, pdf_renderer
    ):
        source = make_final_jd(people["owner"])
        jds = [source, *clone_issued(source, MAX_ZIP_ITEMS)]
        client = client_for(people["recruiter"])
        response = client.post(ZIP, {"ids": [str(jd.public_id) for jd in jds]})
        assert response.status_code == 400
        assert not isinstance(response, StreamingHttpResponse)
        html = response.content.decode()
        assert "You selected 51 job descriptions; one ZIP holds at most 50." in html
        assert 'id="selection-errors"' in html
        assert not pdf_renderer
        # Fifty is fine.
        assert len(read_zip(client.post(ZIP, {"ids": [str(j.public_id) for j in jds[:50]]}))) == 50

    @pytest.mark.parametrize(
        "intruder",
        ["other_final", "other_draft", "own_draft", "unknown"],
    )
    def test_a_jd_outside_the_library_is_refused_and_never_included(
        self, people, make_final_jd, pdf_renderer, intruder
    ):
        owner = people["owner"]
        mine = make_final_jd(owner, title="Mine")
        outside = {
            "other_final": lambda: make_final_jd(people["other"], title="Theirs").public_id,
            "other_draft": lambda: draft(people["other"], "Their draft").public_id,
            "own_draft": lambda: draft(owner, "My draft").public_id,
            "unknown": uuid.uuid4,
        }[intruder]()
        response = client_for(owner).post(ZIP, {"ids": [str(mine.public_id), str(outside)]})
        assert response.status_code == 400
        assert not isinstance(response, StreamingHttpResponse)
        assert "1 of the selected job descriptions is not in your library" in (
            response.content.decode()
        )
        assert not pdf_renderer
        # The page shows the library again with the selection kept, not the outsider.
        assert response.context["selected"] == {str(mine.public_id), str(outside)}
        assert [row.title for row in response.context["rows"]] == ["Mine"]
        assert " checked>" in response.content.decode()

    def test_a_recruiter_cannot_zip_a_managers_draft(self, people, make_final_jd, pdf_renderer):
        final = make_final_jd(people["owner"])
        hidden = draft(people["owner"], "Draft")
        response = client_for(people["recruiter"]).post(
            ZIP, {"ids": [str(final.public_id), str(hidden.public_id)]}
        )
        assert response.status_code == 400 and not pdf_renderer


class TestZipStream:
    def test_unique_names(self):
        assert unique_names(["a.pdf", "b.pdf", "A.pdf", "a.pdf", "a-2.pdf"]) == [
            "a.pdf",
            "b.pdf",
            "A-2.pdf",
            "a-3.pdf",
            "a-2-2.pdf",
        ]

    def test_a_stream_is_a_valid_zip_with_one_chunk_per_entry(self):
        moment = timezone.now()
        entries = [Entry(f"f{n}.txt", moment, lambda n=n: b"x" * n * 1000) for n in range(3)]
        chunks = list(stream_zip(entries))
        assert len(chunks) == 4
        with zipfile.ZipFile(io.BytesIO(b"".join(chunks))) as archive:
            assert archive.testzip() is None
            assert [archive.read(f"f{n}.txt") for n in range(3)] == [b"", b"x" * 1000, b"x" * 2000]
            local = timezone.localtime(moment)
            assert archive.getinfo("f1.txt").date_time[:3] == (local.year, local.month, local.day)
