"""The pages around the wizard (jdbuilder/views.py): who may read and change which JD, my job
descriptions, revisions, duplicating and deleting, CSRF on every POST, and the error pages."""

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from jdbuilder.models import JobDescription, JobDescriptionRevision
from jdbuilder.services import AlreadyFinal, finalize_job_description
from jdbuilder.vocabulary import Seniority, Status
from tests.factories import (
    DraftFactory,
    FinalJobDescriptionFactory,
    ManagerFactory,
    RecruiterFactory,
    StaffFactory,
    UserFactory,
)
from tests.support.jds import retitle

pytestmark = pytest.mark.django_db


def make_jd(owner, *, final=False, slug="software-engineer", title=None):
    factory = FinalJobDescriptionFactory if final else DraftFactory
    return factory(owner=owner, role=slug, title=title, posting=None)


def text_of(element) -> str:
    return " ".join(element.get_text(" ").split())


def client_for(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def people(catalog):
    owner = ManagerFactory(username="owner")
    return {
        "owner": owner,
        "other_manager": ManagerFactory(username="other"),
        "recruiter": RecruiterFactory(username="recruiter"),
        "staff": StaffFactory(username="staff"),
        "no_group": UserFactory(username="nogroup"),
        "anonymous": None,
    }


# Expected status per (kind of user, draft or final) for reading and for changing.
READ = {
    "owner": (200, 200),
    "other_manager": (404, 404),
    "recruiter": (404, 200),
    "staff": (200, 200),
    "no_group": (404, 404),
}


class TestPermissionMatrix:
    @pytest.mark.parametrize("who", list(READ))
    @pytest.mark.parametrize("final", [False, True])
    def test_reading_a_jd(self, people, who, final):
        jd = make_jd(people["owner"], final=final)
        client = client_for(people[who])
        expected = READ[who][final]
        assert client.get(f"/jd/{jd.public_id}/").status_code == expected
        if final:
            assert client.get(f"/jd/{jd.public_id}/revisions/1/").status_code == expected

    @pytest.mark.parametrize("who", ["other_manager", "recruiter", "staff", "no_group"])
    def test_only_the_owner_changes_a_jd(self, people, who):
        draft = make_jd(people["owner"])
        final = make_jd(people["owner"], final=True)
        client = client_for(people[who])
        assert client.get(f"/jd/{draft.public_id}/edit/role/").status_code == 404
        assert client.post(f"/jd/{draft.public_id}/edit/role/", {}).status_code == 404
        assert client.post(f"/jd/{final.public_id}/reopen/").status_code == 404
        assert client.get(f"/jd/{draft.public_id}/delete/").status_code == 404
        assert client.post(f"/jd/{draft.public_id}/delete/").status_code == 404
        assert JobDescription.objects.count() == 2
        final.refresh_from_db()
        assert final.status == Status.FINAL and final.revision == 1

    def test_anonymous_users_are_sent_to_sign_in(self, people):
        jd = make_jd(people["owner"], final=True)
        client = client_for(None)
        for url in [
            "/jd/",
            "/jd/new/",
            f"/jd/{jd.public_id}/",
            f"/jd/{jd.public_id}/edit/role/",
            f"/jd/{jd.public_id}/delete/",
        ]:
            response = client.get(url)
            assert response.status_code == 302 and response.url.startswith("/accounts/login/"), url

    @pytest.mark.parametrize(
        ("who", "expected"), [("recruiter", 403), ("no_group", 403), ("owner", 302)]
    )
    def test_who_may_start_a_jd(self, people, who, expected):
        response = client_for(people[who]).post("/jd/new/", {"role": "data-analyst"})
        assert response.status_code == expected

    def test_a_recruiter_may_not_duplicate_into_a_draft(self, people):
        jd = make_jd(people["owner"], final=True)
        assert (
            client_for(people["recruiter"]).post(f"/jd/{jd.public_id}/duplicate/").status_code
            == 403
        )

    def test_unknown_public_ids_are_404(self, people):
        client = client_for(people["owner"])
        assert client.get("/jd/00000000-0000-0000-0000-000000000000/").status_code == 404
        assert client.get("/jd/12345/").status_code == 404

    def test_public_ids_are_not_sequential(self, people):
        first, second = make_jd(people["owner"]), make_jd(people["owner"])
        assert first.public_id != second.public_id
        assert first.public_id.version == 4  # 122 random bits
        assert f"/jd/{first.public_id}/" == first.get_absolute_url()


class TestMyJobDescriptions:
    def test_lists_only_my_drafts_and_finals(self, people):
        make_jd(people["owner"], title="Mine, draft")
        make_jd(people["owner"], final=True, title="Mine, final")
        make_jd(people["other_manager"], title="Someone else's")
        html = client_for(people["owner"]).get("/jd/").content.decode()
        assert "Mine, draft" in html and "Mine, final" in html
        assert "Someone else" not in html
        assert "Draft" in html and "Final" in html

    def test_two_drafts_of_one_title_are_told_apart(self, people):
        owner = people["owner"]
        denver = DraftFactory(
            owner=owner, title="Data Analyst", posting={"location": "Denver, Colorado"}
        )
        berlin = DraftFactory(
            owner=owner,
            role="data-scientist",
            seniority=Seniority.SENIOR,
            title="data  analyst",  # the same title to a reader
            posting={"location": "Berlin, Germany", "workplace_type": "remote"},
        )
        response = client_for(owner).get("/jd/")
        rows = {row.jd.pk: row for row in response.context["job_descriptions"]}
        for this, other in [(denver, berlin), (berlin, denver)]:
            row = rows[this.pk]
            assert row.short_id == this.public_id.hex[:8]
            assert row.same_title == 1
            [twin] = row.twins
            assert twin.short_id == other.public_id.hex[:8]
            assert twin.differs == ("role", "seniority", "location", "workplace")
        page = BeautifulSoup(response.content, "html.parser")
        cards = {tr.find("a")["href"]: tr for tr in page.select("tbody tr")}
        first = text_of(cards[denver.get_absolute_url()])
        second = text_of(cards[berlin.get_absolute_url()])
        assert "Software Engineer · Mid-level" in first and "Data Scientist · Senior" in second
        assert "Denver, Colorado · Hybrid" in first and "Berlin, Germany · Remote" in second
        assert f"ID {denver.public_id.hex[:8]}" in first
        assert (
            f"differs from {berlin.public_id.hex[:8]} in role, seniority, location, workplace"
        ) in first
        for jd in (denver, berlin):
            jd.refresh_from_db()
            saved = cards[jd.get_absolute_url()].select_one("td[data-label='Last saved'] time")
            assert saved["datetime"] == jd.updated_at.strftime("%Y-%m-%dT%H:%M:%SZ")
        # Resume and Delete name which of the two they act on.
        resume = cards[berlin.get_absolute_url()].find("a", href=berlin.get_edit_url())
        assert text_of(resume) == f"Resume data analyst ({berlin.public_id.hex[:8]})"
        delete = cards[berlin.get_absolute_url()].find("a", href=f"/jd/{berlin.public_id}/delete/")
        assert text_of(delete) == f"Delete data analyst ({berlin.public_id.hex[:8]})"

    def test_drafts_alike_in_everything_differ_in_the_time_saved_and_the_id(self, people):
        owner = people["owner"]
        drafts = [DraftFactory(owner=owner, title="Twin") for _ in range(2)]
        DraftFactory(owner=owner, title="Someone unique")
        response = client_for(owner).get("/jd/")
        rows = {row.jd.title: row for row in response.context["job_descriptions"]}
        assert rows["Someone unique"].twins == () and rows["Someone unique"].same_title == 0
        html = text_of(BeautifulSoup(response.content, "html.parser"))
        for jd in drafts:
            assert f"differs from {jd.public_id.hex[:8]} only in the time saved" in html
        assert html.count("Same title as") == 2

    def test_a_final_and_its_copy_differ_in_status(self, people):
        final = make_jd(people["owner"], final=True, title="Copied")
        final.duplicate_for(people["owner"])
        rows = client_for(people["owner"]).get("/jd/").context["job_descriptions"]
        assert [twin.differs for row in rows for twin in row.twins] == [("status",), ("status",)]

    def test_a_long_list_of_one_title_names_a_few_and_counts_the_rest(self, people):
        for _ in range(5):
            DraftFactory(owner=people["owner"], title="Analyst")
        response = client_for(people["owner"]).get("/jd/")
        row = response.context["job_descriptions"][0]
        assert (row.same_title, len(row.twins), row.more_twins) == (4, 3, 1)
        assert "and 1 more" in response.content.decode()

    def test_a_stored_workplace_that_is_no_longer_known_shows_blank_not_an_error(self, people):
        draft = make_jd(people["owner"], title="Odd workplace")
        choices = {**draft.choices, "posting": {"workplace_type": "moon", "location": "Tycho"}}
        JobDescription.objects.filter(pk=draft.pk).update(choices=choices)
        response = client_for(people["owner"]).get("/jd/")
        assert response.status_code == 200
        [row] = response.context["job_descriptions"]
        assert (row.location, row.workplace) == ("Tycho", "")
        draft.refresh_from_db()
        assert draft.choices == choices  # reading the list changes nothing

    def test_the_page_is_valid_html_with_hostile_twin_titles(self, people, vnu):
        for _ in range(2):
            make_jd(people["owner"], title="</th><script>alert(1)</script> & {{ x }}")
        make_jd(people["owner"], final=True, title="Final one")
        html = client_for(people["owner"]).get("/jd/").content.decode()
        assert "<script>alert" not in html and "&lt;script&gt;alert(1)" in html
        assert html.count("Same title as 1 other") == 2
        errors = [str(m) for m in vnu(html) if m.is_error or m.is_warning]
        assert errors == [], "\n".join(errors)

    def test_query_count_does_not_grow_with_the_number_of_jds(self, people):
        client = client_for(people["owner"])
        make_jd(people["owner"], final=True)
        with CaptureQueriesContext(connection) as few:
            client.get("/jd/")
        for _ in range(6):
            make_jd(people["owner"], final=True)
            make_jd(people["owner"])
        with CaptureQueriesContext(connection) as many:
            assert client.get("/jd/").status_code == 200
        assert len(many) == len(few)


class TestRevisions:
    def test_editing_a_final_jd_opens_the_next_revision_and_keeps_the_first(self, people):
        owner = people["owner"]
        jd = make_jd(owner, final=True, title="Version one")
        client = client_for(owner)
        response = client.post(f"/jd/{jd.public_id}/reopen/")
        assert response.url == f"/jd/{jd.public_id}/edit/"
        jd.refresh_from_db()
        assert jd.status == Status.DRAFT and jd.revision == 2
        retitle(jd, "Version two")
        finalize_job_description(job_description=jd, user=owner, expected_version=jd.lock_version)
        numbers = list(jd.revisions.values_list("number", "snapshot__title"))
        assert sorted(numbers) == [(1, "Version one"), (2, "Version two")]
        assert "Version one" in client.get(f"/jd/{jd.public_id}/revisions/1/").content.decode()
        page = client.get(f"/jd/{jd.public_id}/").content.decode()
        assert "Version two" in page and "Revision 1" in page and "Revision 2" in page

    def test_the_wizard_of_a_final_jd_sends_you_to_the_jd(self, people):
        jd = make_jd(people["owner"], final=True)
        response = client_for(people["owner"]).get(f"/jd/{jd.public_id}/edit/role/")
        assert response.status_code == 302 and response.url == f"/jd/{jd.public_id}/"

    def test_finalizing_twice_is_refused(self, people):
        jd = make_jd(people["owner"], final=True)
        with pytest.raises(AlreadyFinal):
            finalize_job_description(
                job_description=jd, user=people["owner"], expected_version=jd.lock_version
            )
        assert JobDescriptionRevision.objects.count() == 1

    def test_a_failure_while_finalizing_leaves_the_draft_untouched(self, people, monkeypatch):
        jd = make_jd(people["owner"])

        def explode(*args, **kwargs):
            raise RuntimeError("disk full")

        monkeypatch.setattr(JobDescription, "save", explode)
        with pytest.raises(RuntimeError):
            finalize_job_description(
                job_description=jd, user=people["owner"], expected_version=jd.lock_version
            )
        jd.refresh_from_db()
        assert jd.status == Status.DRAFT
        assert not JobDescriptionRevision.objects.exists()


class TestDuplicateAndDelete:
    def test_duplicate_makes_a_new_draft_with_the_same_choices(self, people):
        jd = make_jd(people["owner"], final=True, title="Opening A")
        response = client_for(people["owner"]).post(f"/jd/{jd.public_id}/duplicate/")
        copy = JobDescription.objects.exclude(pk=jd.pk).get()
        assert response.url == f"/jd/{copy.public_id}/edit/"
        assert copy.status == Status.DRAFT and copy.revision == 1
        assert copy.title == "Opening A" and copy.choices == jd.choices
        assert copy.duplicated_from == jd and copy.owner == people["owner"]

    def test_delete_asks_first_then_deletes_with_revisions(self, people):
        jd = make_jd(people["owner"], final=True, title="To go")
        client = client_for(people["owner"])
        page = client.get(f"/jd/{jd.public_id}/delete/").content.decode()
        assert "Delete “To go”?" in page
        assert JobDescription.objects.filter(pk=jd.pk).exists()
        response = client.post(f"/jd/{jd.public_id}/delete/")
        assert response.url == "/jd/"
        assert not JobDescription.objects.exists()
        assert not JobDescriptionRevision.objects.exists()


class TestCsrf:
    @pytest.fixture
    def csrf_client(self, people):
        client = Client(enforce_csrf_checks=True)
        client.force_login(people["owner"])
        return client

    def test_every_post_route_needs_a_token(self, people, csrf_client):
        draft = make_jd(people["owner"])
        final = make_jd(people["owner"], final=True)
        for url in [
            "/jd/new/",
            f"/jd/{draft.public_id}/edit/role/",
            f"/jd/{final.public_id}/reopen/",
            f"/jd/{final.public_id}/duplicate/",
            f"/jd/{draft.public_id}/delete/",
            "/accounts/logout/",
        ]:
            assert csrf_client.post(url, {"role": "data-analyst"}).status_code == 403, url
        assert JobDescription.objects.count() == 2


def test_new_page_searches_roles_by_alternate_title(people):
    html = client_for(people["owner"]).get("/jd/new/?q=software+development").content.decode()
    assert "Software Engineer" in html and "Data Analyst" not in html


def test_error_pages_use_the_site_layout(people):
    client = client_for(people["recruiter"])
    not_found = client.get("/jd/00000000-0000-0000-0000-000000000000/")
    assert not_found.status_code == 404
    assert '<h1 class="h3">Not found</h1>' in not_found.content.decode()
    forbidden = client.post("/jd/new/", {"role": "data-analyst"})
    assert forbidden.status_code == 403
    assert "Not allowed" in forbidden.content.decode()
