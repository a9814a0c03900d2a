"""The library page (jdbuilder/library/views.py): who sees what, what a row shows, and valid
markup with hostile text, errors and page links."""

from __future__ import annotations

import dataclasses
import re

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse

from jdbuilder.documents.formats import FORMATS
from jdbuilder.services import (
    RoleChoice,
    export_revision,
    finalize_job_description,
    save_step,
)
from tests.jdbuilder.library.support import (
    EXPORT,
    LIBRARY,
    SharedRows,
    client_for,
    draft,
    latest,
    rows,
)
from tests.support.jds import clone_issued

pytestmark = pytest.mark.django_db


class TestWhoSeesWhat(SharedRows):
    @staticmethod
    def make_jds(people, make_final_jd):
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
        response = Client().post(EXPORT, {"ids": [str(jds["owner_a"].public_id)]})
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

    def test_each_row_has_one_download_menu_with_every_format_and_working_links(
        self, people, make_final_jd
    ):
        first = make_final_jd(people["owner"], title="Platform Engineer")
        second = make_final_jd(people["owner"], title="Revenue Analyst", slug="data-analyst")
        for jd in (first, second):  # what the workers store at finalize
            for export_format in FORMATS.values():
                if export_format.stored:
                    export_revision(revision=jd.latest_revision, export_format=export_format)
        client = client_for(people["recruiter"])
        page = BeautifulSoup(client.get(LIBRARY).content, "html.parser")
        for jd in (first, second):
            [row] = [
                tr for tr in page.select("tbody tr") if tr.find("input", value=str(jd.public_id))
            ]
            # One compact control per row, not a button per format.
            [menu] = row.select("details.download-menu")
            assert row.select("a[href*='/download/']") == menu.select("a")
            # Named with the JD's title, for a screen reader's list of buttons.
            assert " ".join(menu.summary.get_text().split()) == f"Download {jd.title}"
            links = menu.select("ul a")
            assert [link.get("href") for link in links] == [
                reverse("jd:download_revision", args=[jd.public_id, 1, key]) for key in FORMATS
            ]
            assert [" ".join(link.get_text().split()) for link in links] == [
                f"{f.label} of {jd.title}" for f in FORMATS.values()
            ]
            for link in links:
                response = client.get(link["href"])
                assert response.status_code == 200, link["href"]
                assert "attachment" in response["Content-Disposition"]

    def test_select_all_is_there_for_javascript_and_hidden_without_it(self, people, make_final_jd):
        make_final_jd(people["owner"])
        page = BeautifulSoup(client_for(people["recruiter"]).get(LIBRARY).content, "html.parser")
        box = page.select_one(".library-select-all")
        assert box.has_attr("hidden")  # library.js shows it; without it a row's box still works
        assert box.find("label", attrs={"for": "select-all"}).get_text() == (
            "Select all on this page"
        )
        assert page.select_one("#selection-count")["aria-live"] == "polite"
        assert page.find("script", src=re.compile(r"js/library\.js$"))
        # Only this page's rows carry the class the script ticks.
        assert len(page.select("input.library-row-select[name=ids]")) == len(
            page.select("tbody tr")
        )

    def test_no_rows_no_select_all_and_no_menus(self, people):
        page = BeautifulSoup(client_for(people["recruiter"]).get(LIBRARY).content, "html.parser")
        assert page.select(".library-select-all, details.download-menu") == []

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


HOSTILE = "</script><script>alert(1)</script><img src=x onerror=alert(2)> \" ' & &amp; {{ x }}"


class TestMarkup:
    def test_the_page_is_valid_html_with_hostile_text_errors_and_pages(
        self, people, make_final_jd, vnu
    ):
        """The Nu checker (Java and node_modules/vnu-jar, as CI installs them) finds no error."""
        source = make_final_jd(
            people["owner"], title=HOSTILE[:150], company_name=HOSTILE, location=HOSTILE
        )
        clone_issued(source, 21)
        # An export refused on a page whose query string also has an invalid filter: every
        # message, and the export form as it was posted.
        response = client_for(people["recruiter"]).post(
            f"{EXPORT}?finalized_from=notadate&q=%3Cscript&page=1",
            {"ids": [], "export_kind": "csv"},
        )
        assert response.status_code == 400
        html = response.content.decode()
        assert "<script>alert(1)" not in html and 'value="<script"' not in html
        assert 'id="filter-errors"' in html and 'id="selection-errors"' in html
        assert 'aria-label="Library pages"' in html
        errors = [str(m) for m in vnu(html) if m.is_error or m.is_warning]
        assert errors == [], "\n".join(errors)
