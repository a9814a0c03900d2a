"""The kit's page and downloads (jdbuilder/kits/views.py): who sees which kit, the stored files
of issued revisions (made once, then served in one query), the draft's rendered per request, and
the same download headers as the JD's files."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jdbuilder.drafts import SkillChoice
from jdbuilder.kits import render as kit_render
from jdbuilder.kits.render import KIT_FORMATS
from jdbuilder.kits.services import stored_kit_file
from jdbuilder.models import RenderedFile
from jdbuilder.services import finalize_job_description
from roles.models import InterviewQuestion
from tests.factories import DraftFactory, ManagerFactory, RecruiterFactory, SkillFactory
from tests.jdbuilder.documents.pdf_reading import body_text, reader_for, squash
from tests.jdbuilder.kits.conftest import CHOSEN, marker, skill_choices

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalog")]

PDF_NAME = "platform-engineer-interview-kit-r1.pdf"


def kit_url(jd) -> str:
    return reverse("kits:kit", kwargs={"public_id": jd.public_id})


def revision_url(jd, number: int = 1) -> str:
    return reverse("kits:revision", kwargs={"public_id": jd.public_id, "number": number})


def file_url(jd, fmt: str, number: int = 1) -> str:
    return reverse(
        "kits:download_revision", kwargs={"public_id": jd.public_id, "number": number, "fmt": fmt}
    )


def draft_file_url(jd, fmt: str) -> str:
    return reverse("kits:download", kwargs={"public_id": jd.public_id, "fmt": fmt})


class TestPage:
    def test_the_owner_sees_the_drafts_kit(self, client, every_level_draft):
        client.force_login(every_level_draft.owner)
        response = client.get(kit_url(every_level_draft))
        assert response.status_code == 200
        html = response.content.decode()
        assert "Interview kit: Platform Engineer" in html
        assert "Download the draft's kit" in html and "not issued yet" in html
        assert draft_file_url(every_level_draft, "pdf") in html
        assert marker("Machine learning", 1) in html
        assert marker("Machine learning", 2) not in html
        assert "Scorecard" in html and "Level expected" in html

    def test_a_recruiter_sees_the_issued_kit(self, client, every_level_final):
        client.force_login(RecruiterFactory())
        response = client.get(kit_url(every_level_final))
        assert response.status_code == 200
        html = response.content.decode()
        assert "Download the kit of revision 1" in html
        assert file_url(every_level_final, "pdf") in html
        assert file_url(every_level_final, "docx") in html
        assert "designs and reviews solutions without guidance" in html  # a rubric

    def test_the_revision_page_shows_that_revisions_kit(self, client, every_level_final):
        client.force_login(every_level_final.owner)
        response = client.get(revision_url(every_level_final))
        assert response.status_code == 200
        assert "Download the kit of revision 1" in response.content.decode()
        assert client.get(revision_url(every_level_final, 2)).status_code == 404

    def test_a_recruiter_may_not_see_a_drafts_kit(self, client, every_level_draft):
        client.force_login(RecruiterFactory())
        assert client.get(kit_url(every_level_draft)).status_code == 404
        assert client.get(draft_file_url(every_level_draft, "pdf")).status_code == 404

    @pytest.mark.parametrize("page", ["kit", "revision", "pdf", "docx", "draft-pdf"])
    def test_another_manager_gets_404(self, client, every_level_final, page):
        client.force_login(ManagerFactory())
        url = {
            "kit": kit_url(every_level_final),
            "revision": revision_url(every_level_final),
            "pdf": file_url(every_level_final, "pdf"),
            "docx": file_url(every_level_final, "docx"),
            "draft-pdf": draft_file_url(every_level_final, "pdf"),
        }[page]
        assert client.get(url).status_code == 404
        assert not RenderedFile.objects.filter(format__startswith="kit-").exists()

    def test_a_stored_file_is_404_for_a_stranger_too(self, client, every_level_final):
        revision = every_level_final.latest_revision
        stored_kit_file(revision=revision, kit_format=KIT_FORMATS["pdf"])
        client.force_login(ManagerFactory())
        assert client.get(file_url(every_level_final, "pdf")).status_code == 404

    @pytest.mark.parametrize("page", ["kit", "revision", "pdf"])
    def test_anonymous_people_are_sent_to_sign_in(self, client, every_level_final, page):
        url = {
            "kit": kit_url(every_level_final),
            "revision": revision_url(every_level_final),
            "pdf": file_url(every_level_final, "pdf"),
        }[page]
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")

    def test_an_unknown_format_is_404(self, client, every_level_final):
        client.force_login(every_level_final.owner)
        assert client.get(file_url(every_level_final, "html")).status_code == 404
        assert client.get(file_url(every_level_final, "kit-pdf")).status_code == 404
        # The JD's own download URL does not serve a kit's stored file.
        stored_kit_file(revision=every_level_final.latest_revision, kit_format=KIT_FORMATS["pdf"])
        jd_url = reverse(
            "jd:download_revision",
            kwargs={"public_id": every_level_final.public_id, "number": 1, "fmt": "kit-pdf"},
        )
        assert client.get(jd_url).status_code == 404

    def test_the_pages_cost_the_same_queries_for_fewer_skills(self, client, every_level_final):
        """No query per skill: the questions come in one query however many skills."""
        fewer = DraftFactory(
            owner=every_level_final.owner, skills=skill_choices(CHOSEN[:2]), posting={}
        )
        finalize_job_description(
            job_description=fewer, user=fewer.owner, expected_version=fewer.lock_version
        )
        client.force_login(every_level_final.owner)
        for url in (kit_url, revision_url):
            with CaptureQueriesContext(connection) as five:
                assert client.get(url(every_level_final)).status_code == 200
            with CaptureQueriesContext(connection) as two:
                assert client.get(url(fewer)).status_code == 200
            assert len(five) == len(two), [q["sql"] for q in five]
            # The session and user, the JD, the revision, the logo and the questions.
            assert len(five) <= 8, [q["sql"] for q in five]


class TestStoredFiles:
    def test_the_first_download_stores_the_pdf_the_second_serves_it_in_one_query(
        self, client, every_level_final, monkeypatch
    ):
        client.force_login(every_level_final.owner)
        first = client.get(file_url(every_level_final, "pdf"))
        assert first.status_code == 200
        assert first["Content-Type"] == "application/pdf"
        assert first["Content-Disposition"] == f'attachment; filename="{PDF_NAME}"'
        assert first["Content-Length"] == str(len(first.content))
        assert first["Cache-Control"] == "private, max-age=86400"
        assert first["X-Content-Type-Options"] == "nosniff"
        stored = RenderedFile.objects.get(format="kit-pdf")
        assert bytes(stored.content) == first.content and stored.filename == PDF_NAME
        text = body_text(reader_for(first.content))
        assert "Scorecard" in text and squash(marker("Algorithmic coding", 4)) in text

        def no_render(kit):
            raise AssertionError("rendered again")

        monkeypatch.setitem(
            KIT_FORMATS,
            "pdf",
            kit_render.KitFormat("pdf", "kit-pdf", "PDF", "pdf", "pdf", no_render),
        )
        with CaptureQueriesContext(connection) as queries:
            second = client.get(file_url(every_level_final, "pdf"))
        assert second.status_code == 200 and second.content == first.content
        for header in ("Content-Type", "Content-Disposition", "Content-Length", "Cache-Control"):
            assert second[header] == first[header]
        # The session, the user, the stored file joined to its revision and JD.
        assert len(queries) == 3, [q["sql"] for q in queries]
        assert "jdbuilder_renderedfile" in queries[-1]["sql"]
        assert RenderedFile.objects.filter(format="kit-pdf").count() == 1

    def test_a_recruiter_gets_the_stored_word_file(self, client, every_level_final):
        owner = client
        owner.force_login(every_level_final.owner)
        made = owner.get(file_url(every_level_final, "docx"))
        assert made["Content-Type"] == (
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        )
        assert made["Content-Disposition"].endswith('-interview-kit-r1.docx"')
        client.force_login(RecruiterFactory())
        again = client.get(file_url(every_level_final, "docx"))
        assert again.status_code == 200 and again.content == made.content
        assert RenderedFile.objects.filter(format="kit-docx").count() == 1

    def test_the_latest_download_redirects_to_the_revisions_file(self, client, every_level_final):
        client.force_login(RecruiterFactory())
        response = client.get(draft_file_url(every_level_final, "pdf"))
        assert response.status_code == 302
        assert response["Location"] == file_url(every_level_final, "pdf")

    def test_a_drafts_kit_is_rendered_per_request_and_never_stored(self, client, every_level_draft):
        client.force_login(every_level_draft.owner)
        response = client.get(draft_file_url(every_level_draft, "pdf"))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == (
            'attachment; filename="platform-engineer-interview-kit-draft.pdf"'
        )
        # Not cached: the draft changes (never_cache), unlike a revision's file.
        assert "no-store" in response["Cache-Control"]
        assert "max-age=0" in response["Cache-Control"]
        assert "Scorecard" in body_text(reader_for(response.content))
        word = client.get(draft_file_url(every_level_draft, "docx"))
        assert word.status_code == 200 and word.content.startswith(b"PK")
        assert not RenderedFile.objects.exists()

    def test_an_issued_jd_reopened_shows_its_owner_the_new_drafts_kit(
        self, client, every_level_final
    ):
        every_level_final.reopen()
        client.force_login(every_level_final.owner)
        assert "not issued yet" in client.get(kit_url(every_level_final)).content.decode()
        recruiter = RecruiterFactory()
        client.force_login(recruiter)
        assert "revision 1" in client.get(kit_url(every_level_final)).content.decode()

    def test_a_race_to_store_serves_the_first_copy(self, every_level_final, monkeypatch):
        """Two requests render at once: the second INSERT breaks the unique constraint, and
        the second request serves the first's bytes instead of failing."""
        revision = every_level_final.latest_revision
        real = KIT_FORMATS["docx"]

        def render_while_another_stores(kit):
            RenderedFile.objects.create(
                revision=revision,
                format="kit-docx",
                content=b"the other request's copy",
                sha256="0" * 64,
                filename="theirs.docx",
                size=24,
            )
            return real.renderer(kit)

        racing = kit_render.KitFormat(
            "docx", "kit-docx", "Word", "docx", "docx", render_while_another_stores
        )
        kept = stored_kit_file(revision=revision, kit_format=racing)
        assert kept.content == b"the other request's copy" and kept.filename == "theirs.docx"
        assert RenderedFile.objects.filter(revision=revision, format="kit-docx").count() == 1

    def test_the_unique_constraint_holds(self, every_level_final):
        revision = every_level_final.latest_revision
        stored_kit_file(revision=revision, kit_format=KIT_FORMATS["pdf"])
        with pytest.raises(IntegrityError):
            RenderedFile.objects.create(
                revision=revision, format="kit-pdf", content=b"x", sha256="0" * 64
            )

    def test_a_kept_file_keeps_its_questions_when_the_bank_changes(self, every_level_final):
        revision = every_level_final.latest_revision
        before = stored_kit_file(revision=revision, kit_format=KIT_FORMATS["pdf"])
        InterviewQuestion.objects.filter(text=marker("Machine learning", 1)).update(
            text="An edited question"
        )
        after = stored_kit_file(revision=revision, kit_format=KIT_FORMATS["pdf"])
        assert after == before


def test_a_custom_skill_kit_page_marks_generic_questions(client, manager):
    skill = SkillFactory(name="Quantum annealing")
    jd = DraftFactory(
        owner=manager,
        skills=(SkillChoice(skill=skill.pk, level=2, importance="required"),),
        posting={},
    )
    client.force_login(manager)
    html = client.get(kit_url(jd)).content.decode()
    assert "No questions for this skill at this level in the question bank yet" in html
    assert "(generic)" in html and "Quantum annealing" in html


def test_the_kit_pages_are_valid_html(client, every_level_final, vnu):
    client.force_login(every_level_final.owner)
    for url in (kit_url(every_level_final), revision_url(every_level_final)):
        html = client.get(url).content.decode()
        errors = [str(m) for m in vnu(html) if m.is_error]
        assert not errors, errors


def test_the_kit_link_partial_points_at_the_jd_or_the_revision_kit(every_level_final):
    from django.template.loader import render_to_string

    jd = every_level_final
    latest = render_to_string("kits/_kit_link.html", {"job_description": jd, "revision": None})
    assert f'href="{kit_url(jd)}"' in latest and ">Interview kit</a>" in latest
    revision = render_to_string(
        "kits/_kit_link.html", {"job_description": jd, "revision": jd.latest_revision}
    )
    assert f'href="{revision_url(jd)}"' in revision
