"""The compare page and its change note downloads: who may see them, and what they show."""

from __future__ import annotations

import copy

import pytest
from django.test import Client

from jdbuilder.models import JobDescription, JobDescriptionRevision
from jdbuilder.services import finalize_job_description
from tests.factories import ManagerFactory
from tests.jdbuilder.documents.pdf_reading import body_text, reader_for, squash
from tests.support.jds import make_final_jd, retitle

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalog")]


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def two_revisions(owner, *, title="Version two") -> JobDescription:
    """A JD issued twice: revision 2 retitled `title`."""
    jd = make_final_jd(owner, title="Version one")
    jd.reopen()
    retitle(jd, title)
    finalize_job_description(job_description=jd, user=owner, expected_version=jd.lock_version)
    return jd


def edit_snapshot(jd: JobDescription, number: int, change) -> None:
    """Change an issued revision's frozen snapshot in place (for tests only)."""
    revision = jd.revisions.get(number=number)
    snapshot = copy.deepcopy(revision.snapshot)
    change(snapshot)
    JobDescriptionRevision.objects.filter(pk=revision.pk).update(snapshot=snapshot)


def url(jd: JobDescription, old: int = 1, new: int = 2, suffix: str = "") -> str:
    return f"/jd/{jd.public_id}/revisions/{old}/compare/{new}/{suffix}"


def test_the_owner_sees_the_redline_of_two_revisions(manager):
    jd = two_revisions(manager)
    response = client_for(manager).get(url(jd))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Title: Version one → Version two" in page
    assert "<h3" in page and "Title and summary" in page
    assert url(jd, suffix="note.md") in page and url(jd, suffix="note.pdf") in page


def test_a_level_moved_is_shown_in_the_skill_model_s_terms(manager):
    jd = two_revisions(manager)
    first = jd.revisions.get(number=1).snapshot["skills"][0]

    def raise_level(snapshot):
        skill = snapshot["skills"][0]
        skill["level_name"], skill["level_rank"] = "Expert", skill["level_rank"] + 1

    edit_snapshot(jd, 2, raise_level)
    page = client_for(manager).get(url(jd)).content.decode()
    assert f"{first['name']}: {first['level_name']} → Expert" in page


def test_the_same_revision_twice_shows_no_changes(manager):
    jd = two_revisions(manager)
    page = client_for(manager).get(url(jd, 2, 2)).content.decode()
    assert "No changes." in page


def test_a_recruiter_may_compare_issued_revisions(manager, recruiter):
    jd = two_revisions(manager)
    assert client_for(recruiter).get(url(jd)).status_code == 200


@pytest.mark.parametrize("suffix", ["", "note.md", "note.pdf"])
def test_someone_who_cannot_see_the_jd_gets_404(manager, suffix):
    jd = two_revisions(manager)
    assert client_for(ManagerFactory()).get(url(jd, suffix=suffix)).status_code == 404


@pytest.mark.parametrize("suffix", ["", "note.md", "note.pdf"])
def test_a_revision_that_does_not_exist_gets_404(manager, suffix):
    jd = two_revisions(manager)
    client = client_for(manager)
    assert client.get(url(jd, 1, 3, suffix)).status_code == 404
    assert client.get(url(jd, 0, 2, suffix)).status_code == 404


def test_someone_signed_out_is_sent_to_sign_in(manager):
    jd = two_revisions(manager)
    response = Client().get(url(jd))
    assert response.status_code == 302 and "login" in response.url


def test_a_post_is_refused(manager):
    jd = two_revisions(manager)
    assert client_for(manager).post(url(jd)).status_code == 405


def test_the_markdown_note_is_a_download(manager):
    jd = two_revisions(manager)
    response = client_for(manager).get(url(jd, suffix="note.md"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "version-two-r1-to-r2-changes.md" in disposition
    note = response.content.decode()
    assert note.startswith("# Changes to Version two\n\nRevision 1 → Revision 2\n")
    assert "- Title: Version one → Version two" in note


def test_the_pdf_note_is_a_download_with_the_summary(manager):
    jd = two_revisions(manager)
    response = client_for(manager).get(url(jd, suffix="note.pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    text = body_text(reader_for(response.content))
    assert squash("Title: Version one → Version two") in text


def test_a_script_in_a_text_is_escaped_on_the_page_and_in_the_notes(manager):
    jd = two_revisions(manager)

    def script(snapshot):
        snapshot["posting"]["summary"] = "<script>alert('x')</script> Build it."

    edit_snapshot(jd, 2, script)
    client = client_for(manager)
    page = client.get(url(jd)).content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    note = client.get(url(jd, suffix="note.md")).content.decode()
    assert "<script>" not in note and "\\<script\\>" in note
    pdf = client.get(url(jd, suffix="note.pdf")).content
    assert squash("<script>alert('x')</script>") in body_text(reader_for(pdf))


def test_the_compare_page_is_valid_html(manager, vnu):
    jd = two_revisions(manager)
    html = client_for(manager).get(url(jd)).content.decode()
    assert [str(m) for m in vnu(html) if m.is_error or m.is_warning] == []


def test_the_compare_links_point_each_other_revision_the_right_way_round(manager):
    from django.template.loader import render_to_string

    jd = two_revisions(manager)
    jd.reopen()
    retitle(jd, "Version three")
    finalize_job_description(job_description=jd, user=manager, expected_version=jd.lock_version)
    revisions = jd.revisions.order_by("number")
    html = render_to_string(
        "jdbuilder/_partials/compare_links.html",
        {"job_description": jd, "revision": revisions.get(number=2), "revisions": revisions},
    )
    assert f'href="{url(jd, 1, 2)}">Compare with revision 1<' in html
    assert f'href="{url(jd, 2, 3)}">Compare with revision 3<' in html
    assert "Compare with revision 2" not in html
    alone = render_to_string(
        "jdbuilder/_partials/compare_links.html",
        {"job_description": jd, "revision": revisions[0], "revisions": revisions[:1]},
    )
    assert "Compare" not in alone


def test_the_redline_partial_says_when_nothing_was_issued_before():
    from django.template.loader import render_to_string

    from jdbuilder.documents.diff import redline
    from tests.support.redline import base_document

    html = render_to_string(
        "jdbuilder/_partials/redline.html", {"redline": redline(None, base_document())}
    )
    assert "Nothing issued before: this is the first revision." in html
