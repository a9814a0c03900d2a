"""The recruiters' library: who sees what, search, filters, sorting, pages, and the ZIP of PDFs."""

from __future__ import annotations

import dataclasses
import datetime
import io
import uuid
import zipfile

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from jdbuilder.documents.build import build_document
from jdbuilder.documents.formats import FORMATS
from jdbuilder.library.forms import MAX_ZIP_ITEMS
from jdbuilder.library.zip import Entry, stream_zip, unique_names
from jdbuilder.models import JobDescription, JobDescriptionRevision, RenderedFile
from jdbuilder.services import RoleChoice, export_revision, finalize_job_description, save_step
from tests.factories import DraftFactory, ManagerFactory, RecruiterFactory, StaffFactory
from tests.support.jds import clone_issued

pytestmark = pytest.mark.django_db

LIBRARY = "/library/"
ZIP = "/library/zip/"
RENDERED: list[str] = []


def fake_pdf(document) -> bytes:
    """Stands in for WeasyPrint: unique bytes per revision, and a count of renders."""
    RENDERED.append(document.public_id)
    return f"%PDF-1.7\n% {document.title} r{document.revision} {document.public_id}\n".encode()


@pytest.fixture(autouse=True)
def pdf_renderer(monkeypatch):
    """The A4 PDF format with `fake_pdf` as renderer; the library is tested, not the renderer."""
    RENDERED.clear()
    fake = dataclasses.replace(FORMATS["pdf"], renderer_path=f"{__name__}.fake_pdf")
    monkeypatch.setitem(FORMATS, "pdf", fake)
    return RENDERED


@pytest.fixture
def people(catalog):
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


class TestWhoSeesWhat:
    @pytest.fixture
    def jds(self, people, make_final_jd):
        return {
            "owner_a": make_final_jd(people["owner"], title="Owner final A"),
            "owner_b": make_final_jd(people["owner"], title="Owner final B"),
            "other": make_final_jd(people["other"], title="Other final"),
            "owner_draft": draft(people["owner"], "Owner draft"),
            "other_draft": draft(people["other"], "Other draft"),
        }

    def test_recruiters_see_every_issued_jd_and_no_draft(self, people, jds):
        titles = rows(client_for(people["recruiter"]).get(LIBRARY))
        assert sorted(titles) == ["Other final", "Owner final A", "Owner final B"]

    def test_staff_see_every_issued_jd_and_no_draft(self, people, jds):
        titles = rows(client_for(people["staff"]).get(LIBRARY))
        assert sorted(titles) == ["Other final", "Owner final A", "Owner final B"]

    def test_a_manager_sees_only_their_own_issued_jds(self, people, jds):
        titles = rows(client_for(people["owner"]).get(LIBRARY))
        assert sorted(titles) == ["Owner final A", "Owner final B"]

    def test_anonymous_users_are_sent_to_sign_in(self, jds):
        response = Client().get(LIBRARY)
        assert response.status_code == 302 and response.url.startswith("/accounts/login/")
        response = Client().post(ZIP, {"ids": [str(jds["owner_a"].public_id)]})
        assert response.status_code == 302 and response.url.startswith("/accounts/login/")

    def test_the_nav_links_the_library_for_recruiters_and_staff_only(self, people, jds):
        link = f'href="{LIBRARY}"'
        assert link in client_for(people["recruiter"]).get("/roles/").content.decode()
        assert link in client_for(people["staff"]).get("/roles/").content.decode()
        assert link not in client_for(people["owner"]).get("/roles/").content.decode()


class TestRows:
    def test_a_row_shows_the_latest_revision_from_its_snapshot(self, people, make_final_jd):
        jd = make_final_jd(
            people["owner"],
            title="Platform Engineer",
            company_name="Acme Analytics",
            location="Denver, Colorado",
            workplace_type="remote",
            employment_type="CONTRACTOR",
        )
        response = client_for(people["recruiter"]).get(LIBRARY)
        [row] = response.context["rows"]
        revision = latest(jd)
        assert row.title == "Platform Engineer"
        assert row.role_name == "Software Engineer"
        assert row.company_name == "Acme Analytics"
        assert row.location == "Denver, Colorado"
        assert row.workplace_type == "Remote"
        assert row.employment_type == "Contractor"
        assert row.finalized_at == revision.finalized_at
        assert row.revision == 1
        html = response.content.decode()
        for text in ["Platform Engineer", "Acme Analytics", "Denver, Colorado", "Contractor"]:
            assert text in html
        assert f'href="{jd.get_absolute_url()}"' in html

    def test_every_format_has_a_download_link(self, people, make_final_jd):
        jd = make_final_jd(people["owner"])
        html = client_for(people["recruiter"]).get(LIBRARY).content.decode()
        for key in FORMATS:
            url = reverse("jd:download_revision", args=[jd.public_id, 1, key])
            assert f'href="{url}"' in html
        assert f'name="ids" value="{jd.public_id}"' in html

    def test_a_reopened_jd_shows_its_issued_revision_not_the_new_draft(self, people, make_final_jd):
        owner = people["owner"]
        jd = make_final_jd(owner, title="Issued title", company_name="First Co")
        jd.reopen()
        role_step = RoleChoice(role=jd.role, seniority=jd.seniority, title="Unissued draft title")
        posting = dataclasses.replace(jd.chosen.posting, company_name="Next")
        for step, value in [("role", role_step), ("posting", posting)]:
            save_step(
                job_description=jd,
                step=step,
                value=value,
                expected_version=jd.lock_version,
                next_step="review",
            )
        client = client_for(people["recruiter"])
        [row] = client.get(LIBRARY).context["rows"]
        assert (row.title, row.company_name, row.revision) == ("Issued title", "First Co", 1)
        # The draft's words are not searchable before they are issued.
        assert rows(client.get(LIBRARY, {"q": "unissued"})) == []
        finalize_job_description(job_description=jd, user=owner, expected_version=jd.lock_version)
        [row] = client.get(LIBRARY).context["rows"]
        assert (row.title, row.company_name, row.revision) == ("Unissued draft title", "Next", 2)


class TestSearchAndFilters:
    @pytest.fixture
    def jds(self, people, make_final_jd):
        owner = people["owner"]
        return {
            "engineer": make_final_jd(
                owner,
                title="Backend Engineer",
                company_name="Acme Analytics",
                location="Denver, Colorado",
                workplace_type="hybrid",
                employment_type="FULL_TIME",
            ),
            "analyst": make_final_jd(
                owner,
                title="Revenue Analyst",
                slug="data-analyst",
                company_name="Globex",
                location="Berlin",
                workplace_type="remote",
                employment_type="PART_TIME",
            ),
            "scientist": make_final_jd(
                owner,
                title="Forecasting Lead",
                slug="data-scientist",
                company_name="Initech",
                location="Austin, Texas",
                workplace_type="onsite",
                employment_type="CONTRACTOR",
            ),
        }

    @pytest.fixture
    def get(self, people, jds):
        client = client_for(people["recruiter"])
        return lambda **params: client.get(LIBRARY, params)

    @pytest.mark.parametrize(
        ("q", "expected"),
        [
            ("backend", ["Backend Engineer"]),  # title
            ("REVENUE analyst", ["Revenue Analyst"]),  # title, every word, any case
            ("data scientist", ["Forecasting Lead"]),  # role name, in the snapshot
            ("software engineer", ["Backend Engineer"]),
            ("globex", ["Revenue Analyst"]),  # company
            ("austin", ["Forecasting Lead"]),  # location
            ("colorado acme", ["Backend Engineer"]),  # words from two fields
            ("nowhere", []),
        ],
    )
    def test_search(self, get, q, expected):
        assert rows(get(q=q)) == expected

    def test_filter_by_role(self, get):
        assert rows(get(role="data-analyst")) == ["Revenue Analyst"]

    def test_role_choices_are_the_roles_in_the_library(self, get):
        choices = {slug for slug, _ in get().context["form"].fields["role"].choices if slug}
        assert {str(c) for c in choices} == {"software-engineer", "data-analyst", "data-scientist"}

    @pytest.mark.parametrize(
        ("field", "value", "expected"),
        [
            ("workplace_type", "remote", ["Revenue Analyst"]),
            ("workplace_type", "onsite", ["Forecasting Lead"]),
            ("employment_type", "FULL_TIME", ["Backend Engineer"]),
            ("employment_type", "CONTRACTOR", ["Forecasting Lead"]),
        ],
    )
    def test_filter_by_workplace_and_employment(self, get, field, value, expected):
        assert rows(get(**{field: value})) == expected

    def test_filter_by_finalized_date(self, get, jds):
        now = timezone.now()
        for key, days in [("engineer", 40), ("analyst", 20), ("scientist", 1)]:
            JobDescriptionRevision.objects.filter(job_description=jds[key]).update(
                finalized_at=now - datetime.timedelta(days=days)
            )
        day = timezone.localdate()
        iso = lambda days: (day - datetime.timedelta(days=days)).isoformat()  # noqa: E731
        assert rows(get(finalized_from=iso(30))) == ["Forecasting Lead", "Revenue Analyst"]
        assert rows(get(finalized_to=iso(30))) == ["Backend Engineer"]
        assert rows(get(finalized_from=iso(20), finalized_to=iso(20))) == ["Revenue Analyst"]

    def test_filters_combine(self, get):
        assert rows(get(q="a", workplace_type="remote", role="data-analyst")) == ["Revenue Analyst"]
        assert rows(get(q="globex", workplace_type="hybrid")) == []

    @pytest.mark.parametrize(
        ("sort", "expected"),
        [
            ("newest", ["Forecasting Lead", "Revenue Analyst", "Backend Engineer"]),
            ("", ["Forecasting Lead", "Revenue Analyst", "Backend Engineer"]),
            ("oldest", ["Backend Engineer", "Revenue Analyst", "Forecasting Lead"]),
            ("title", ["Backend Engineer", "Forecasting Lead", "Revenue Analyst"]),
            ("company", ["Backend Engineer", "Revenue Analyst", "Forecasting Lead"]),
        ],
    )
    def test_sorting(self, get, jds, sort, expected):
        # Finalized in fixture order; spread them so "newest" does not hang on clock ticks.
        now = timezone.now()
        for days, key in enumerate(["scientist", "analyst", "engineer"]):
            JobDescriptionRevision.objects.filter(job_description=jds[key]).update(
                finalized_at=now - datetime.timedelta(days=days)
            )
        assert rows(get(sort=sort)) == expected

    def test_title_sort_ignores_case(self, people, make_final_jd):
        for title in ["beta", "Alpha", "Gamma"]:
            make_final_jd(people["owner"], title=title)
        response = client_for(people["recruiter"]).get(LIBRARY, {"sort": "title"})
        assert rows(response) == ["Alpha", "beta", "Gamma"]

    @pytest.mark.parametrize(
        ("params", "field"),
        [
            ({"finalized_from": "notadate"}, "finalized_from"),
            ({"finalized_to": "2026-13-45"}, "finalized_to"),
            ({"role": "999"}, "role"),
            ({"sort": "evil"}, "sort"),
            ({"workplace_type": "moon"}, "workplace_type"),
            ({"employment_type": "FOREVER"}, "employment_type"),
            ({"q": "x" * 101}, "q"),
            ({"finalized_from": "2026-02-01", "finalized_to": "2026-01-01"}, "finalized_to"),
        ],
    )
    def test_invalid_filters_are_form_errors_not_server_errors(self, get, params, field):
        response = get(**params)
        assert response.status_code == 200
        assert field in response.context["form"].errors
        html = response.content.decode()
        assert 'id="filter-errors"' in html and "is-invalid" in html
        # The invalid filter is left out; the page still lists the library.
        assert len(rows(response)) == 3

    def test_an_invalid_filter_does_not_drop_the_valid_ones(self, get):
        assert rows(get(q="globex", sort="evil")) == ["Revenue Analyst"]

    @pytest.mark.parametrize("page", ["abc", "-1", "999", "1.5"])
    def test_odd_page_numbers_still_show_a_page(self, get, page):
        assert len(rows(get(page=page))) == 3


class TestPagination:
    def test_twenty_a_page_and_page_links_keep_the_filters(self, people, make_final_jd):
        source = make_final_jd(people["owner"], title="Clone source", workplace_type="remote")
        clone_issued(source, 24)
        client = client_for(people["recruiter"])
        params = {"q": "clone", "workplace_type": "remote", "sort": "title"}
        first = client.get(LIBRARY, params)
        assert len(rows(first)) == 20
        assert first.context["page_obj"].paginator.count == 25
        html = first.content.decode()
        assert 'href="?q=clone&amp;workplace_type=remote&amp;sort=title&amp;page=2"' in html
        second = client.get(LIBRARY, {**params, "page": 2})
        assert len(rows(second)) == 5
        assert set(rows(first)).isdisjoint(rows(second))
        assert rows(first)[0] == "Clone 00" and rows(second)[-1] == "Clone source"
        # The ZIP form posts back to the same filtered page, so its errors show that page.
        assert (
            'action="/library/zip/?q=clone&amp;workplace_type=remote&amp;sort=title&amp;page=2"'
            in (second.content.decode())
        )


class TestQueryCount:
    def test_a_page_runs_the_same_queries_for_3_and_30_jds(
        self, people, make_final_jd, django_assert_num_queries
    ):
        source = make_final_jd(people["owner"])
        clone_issued(source, 2)
        client = client_for(people["recruiter"])
        filtered = {"q": "e", "sort": "company", "role": source.role.slug}
        with CaptureQueriesContext(connection) as plain:
            assert len(rows(client.get(LIBRARY))) == 3
        with CaptureQueriesContext(connection) as with_filters:
            assert len(rows(client.get(LIBRARY, filtered))) == 3
        # session, user, permissions (2), roles for the filter, count, page; +1 to check a role
        assert (len(plain), len(with_filters)) == (7, 8)
        clone_issued(source, 27, prefix="More")
        with django_assert_num_queries(len(plain)):
            assert len(rows(client.get(LIBRARY))) == 20
        with django_assert_num_queries(len(with_filters)):
            assert len(rows(client.get(LIBRARY, filtered))) == 20


def read_zip(response) -> dict[str, bytes]:
    assert response.status_code == 200, response.content
    body = b"".join(response.streaming_content)
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        assert archive.testzip() is None
        return {info.filename: archive.read(info) for info in archive.infolist()}


class TestZip:
    @pytest.fixture
    def jds(self, people, make_final_jd):
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

    def test_clashing_names_are_made_unique(self, people, make_final_jd):
        same = [make_final_jd(people["owner"], title="Data Engineer") for _ in range(3)]
        files = read_zip(
            client_for(people["recruiter"]).post(ZIP, {"ids": [str(jd.public_id) for jd in same]})
        )
        stem = "data-engineer-acme-analytics-r1"
        assert list(files) == [f"{stem}.pdf", f"{stem}-2.pdf", f"{stem}-3.pdf"]
        assert len(set(files.values())) == 3

    def test_a_repeated_id_counts_once(self, people, jds):
        jd = jds[0]
        files = read_zip(
            client_for(people["recruiter"]).post(ZIP, {"ids": [str(jd.public_id)] * 2})
        )
        assert len(files) == 1

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


HOSTILE = "</script><script>alert(1)</script><img src=x onerror=alert(2)> \" ' & &amp; {{ x }}"


class TestMarkup:
    def test_the_page_is_valid_html_with_hostile_text_errors_and_pages(
        self, people, make_final_jd, tmp_path
    ):
        """The Nu checker (Java and node_modules/vnu-jar, as CI installs them) finds no error."""
        from tests.support import vnu as nu

        try:
            nu.java_command(), nu.jar_path()
        except nu.CheckerUnavailable as error:
            pytest.fail(f"The Nu HTML Checker cannot run: {error}", pytrace=False)
        source = make_final_jd(
            people["owner"], title=HOSTILE[:150], company_name=HOSTILE, location=HOSTILE
        )
        clone_issued(source, 21)
        # A ZIP refused on a page whose query string also has an invalid filter: every message.
        response = client_for(people["recruiter"]).post(
            f"{ZIP}?finalized_from=notadate&q=%3Cscript&page=1", {"ids": []}
        )
        assert response.status_code == 400
        html = response.content.decode()
        assert "<script>alert(1)" not in html and 'value="<script"' not in html
        assert 'id="filter-errors"' in html and 'id="selection-errors"' in html
        assert 'aria-label="Library pages"' in html
        errors = [str(m) for m in nu.check_html(html, tmp_path) if m.is_error or m.is_warning]
        assert errors == [], "\n".join(errors)
