"""The "updated since you started" page and banner: a block, template or catalog change reaches
an open draft as a proposal to take or keep; issued revisions never change."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from jdbuilder.documents.build import build_document
from jdbuilder.drafts import Posting
from jdbuilder.models import JobDescription
from jdbuilder.organization.services import (
    pending_for,
    save_as_template,
    settle_changes,
    start_from_template,
)
from jdbuilder.services import DraftChanged, RoleChoice, save_step, start_draft
from jdbuilder.vocabulary import BlockKind, Seniority, WizardStep
from roles.models import ProficiencyLevel, Role, RoleSkill
from tests.factories import (
    ContentBlockFactory,
    DepartmentFactory,
    FinalJobDescriptionFactory,
    ManagerFactory,
    OfficeFactory,
    OrganizationFactory,
    StaffFactory,
)

pytestmark = pytest.mark.usefixtures("catalog")

BANNER = "Updated since you started"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def org():
    OrganizationFactory()
    alice = ManagerFactory()
    platform = DepartmentFactory(name="Platform", members=[alice])
    benefits = ContentBlockFactory(
        kind=BlockKind.BENEFITS, name="Company benefits", text="Health plan."
    )
    apply = ContentBlockFactory(
        kind=BlockKind.HOW_TO_APPLY, name="Apply online", text="Use the form."
    )
    return {"alice": alice, "platform": platform, "benefits": benefits, "apply": apply}


@pytest.fixture
def draft(org):
    return start_draft(owner=org["alice"], role=Role.objects.get(slug="software-engineer"))


def edit_block(block, text: str) -> None:
    block.text = text
    block.save()


def updates_url(jd) -> str:
    return f"/company/drafts/{jd.public_id}/updates/"


def reload(jd) -> JobDescription:
    return JobDescription.objects.get(pk=jd.pk)


def post(client, jd, **decisions):
    """POST the updates page as shown now, with `decisions` {change id: take|keep} or all=..."""
    jd = reload(jd)
    shown = [change.id for change in pending_for(jd)]
    data = {"jd_version": jd.lock_version, "shown": " ".join(shown)}
    every = decisions.pop("all", None)
    if every:
        data["all"] = every
    data.update({f"decision:{key}": value for key, value in decisions.items()})
    return client.post(updates_url(jd), data, follow=True)


class TestThePage:
    def test_it_lists_a_block_change_with_the_new_text_and_the_drafts(self, org, draft):
        edit_block(org["benefits"], "Health and dental plan.")
        html = client_for(org["alice"]).get(updates_url(draft)).content.decode()
        assert "Benefits (Company benefits block) changed" in html
        assert "Health and dental plan." in html and "Health plan." in html
        assert 'name="decision:block:benefits" id="take-1" value="take" checked' in html

    def test_take_sets_the_text_and_the_banner_goes(self, org, draft):
        edit_block(org["benefits"], "Health and dental plan.")
        client = client_for(org["alice"])
        assert BANNER in client.get(draft.get_absolute_url()).content.decode()
        response = post(client, draft, **{"block:benefits": "take"})
        assert "Took 1 change" in response.content.decode()
        jd = reload(draft)
        assert jd.chosen.posting.benefits == "Health and dental plan."
        assert pending_for(jd) == []
        assert BANNER not in client.get(jd.get_absolute_url()).content.decode()
        assert BANNER not in client.get(f"{jd.get_edit_url()}posting/").content.decode()

    def test_keep_leaves_the_text_and_is_not_offered_again(self, org, draft):
        edit_block(org["benefits"], "Health and dental plan.")
        post(client_for(org["alice"]), draft, **{"block:benefits": "keep"})
        jd = reload(draft)
        assert jd.chosen.posting.benefits == "Health plan."
        assert jd.chosen.origins.blocks["benefits"].version == org["benefits"].version
        assert pending_for(jd) == []

    def test_mixed_take_one_and_keep_the_other(self, org, draft):
        edit_block(org["benefits"], "Health and dental plan.")
        edit_block(org["apply"], "Use the new form.")
        post(
            client_for(org["alice"]),
            draft,
            **{"block:benefits": "take", "block:how_to_apply": "keep"},
        )
        posting = reload(draft).chosen.posting
        assert (posting.benefits, posting.how_to_apply) == (
            "Health and dental plan.",
            "Use the form.",
        )

    @pytest.mark.parametrize("every, benefits", [("take", "New."), ("keep", "Health plan.")])
    def test_take_all_and_keep_all(self, org, draft, every, benefits):
        edit_block(org["benefits"], "New.")
        edit_block(org["apply"], "Newer.")
        post(client_for(org["alice"]), draft, all=every)
        jd = reload(draft)
        assert jd.chosen.posting.benefits == benefits
        assert pending_for(jd) == []

    def test_a_stale_page_changes_nothing_and_says_so(self, org, draft):
        edit_block(org["benefits"], "Health and dental plan.")
        client = client_for(org["alice"])
        stale = reload(draft).lock_version
        save_step(  # another tab saves the draft meanwhile
            job_description=reload(draft),
            step=WizardStep.ROLE,
            value=None,
            expected_version=stale,
            next_step=WizardStep.POSTING,
            unsaved_input={"x": ["y"]},
        )
        before = reload(draft).choices
        data = {"jd_version": stale, "shown": "block:benefits", "decision:block:benefits": "take"}
        response = client.post(updates_url(draft), data, follow=True)
        assert "changed after you opened this page" in response.content.decode()
        assert reload(draft).choices == before
        with pytest.raises(DraftChanged):
            settle_changes(
                job_description=reload(draft),
                decisions={"block:benefits": "take"},
                expected_version=stale,
            )

    def test_a_bad_decision_changes_nothing(self, org, draft):
        edit_block(org["benefits"], "Health and dental plan.")
        before = reload(draft).choices
        response = post(client_for(org["alice"]), draft, **{"block:benefits": "maybe"})
        assert "Choose “Take” or “Keep”" in response.content.decode()
        assert reload(draft).choices == before
        with pytest.raises(ValueError):
            settle_changes(
                job_description=reload(draft),
                decisions={"block:benefits": "maybe"},
                expected_version=reload(draft).lock_version,
            )

    def test_a_change_that_appeared_after_the_page_was_read_stays_offered(self, org, draft):
        edit_block(org["benefits"], "New.")
        jd = reload(draft)
        data = {"jd_version": jd.lock_version, "shown": "block:benefits", "all": "take"}
        edit_block(org["apply"], "Newer.")  # between the page and the POST
        client_for(org["alice"]).post(updates_url(jd), data)
        [left] = pending_for(reload(jd))
        assert left.id == "block:how_to_apply"

    def test_another_users_draft_is_a_404(self, org, draft):
        edit_block(org["benefits"], "New.")
        other = client_for(ManagerFactory())
        assert other.get(updates_url(draft)).status_code == 404
        assert other.post(updates_url(draft), {"all": "take"}).status_code == 404
        assert client_for(StaffFactory()).get(updates_url(draft)).status_code == 404
        assert reload(draft).chosen.posting.benefits == "Health plan."

    def test_nothing_to_review(self, org, draft):
        html = client_for(org["alice"]).get(updates_url(draft)).content.decode()
        assert "Nothing changed since you started" in html


class TestIssuedRevisions:
    def test_a_block_edit_leaves_an_issued_revision_as_it_was(self, org):
        final = FinalJobDescriptionFactory(owner=org["alice"], posting={"benefits": "Health plan."})
        revision = final.latest_revision
        snapshot = dict(revision.snapshot)
        document = build_document(revision)
        edit_block(org["benefits"], "Health and dental plan.")
        revision.refresh_from_db()
        assert revision.snapshot == snapshot
        assert build_document(revision).benefits == document.benefits
        assert pending_for(reload(final)) == []
        client = client_for(org["alice"])
        assert BANNER not in client.get(final.get_absolute_url()).content.decode()
        assert client.get(updates_url(final)).status_code == 302


class TestTemplateAndCatalogChanges:
    def test_a_template_edit_reaches_a_draft_started_from_it(self, org):
        alice, platform = org["alice"], org["platform"]
        source = start_draft(owner=alice, role=Role.objects.get(slug="software-engineer"))
        template = save_as_template(
            job_description=source, user=alice, name="Platform", department=platform
        )
        jd = start_from_template(template=template, owner=alice)
        assert pending_for(jd) == []
        # Staff update the template from another JD: one skill fewer, and a new summary.
        other = start_draft(owner=alice, role=source.role)
        chosen = other.chosen
        dropped = chosen.skills[0]
        posting = Posting(**{**chosen.posting.to_json(), "summary": "Run the platform."})
        for step, value in ((WizardStep.SKILLS, chosen.skills[1:]), (WizardStep.POSTING, posting)):
            save_step(
                job_description=other,
                step=step,
                value=value,
                expected_version=other.lock_version,
                next_step=WizardStep.REVIEW,
            )
        save_as_template(
            job_description=other, user=alice, name="Platform", department=platform, replace=True
        )
        changes = {change.id: change for change in pending_for(reload(jd))}
        assert set(changes) == {f"template:skill:{dropped.skill}", "template:summary"}
        assert changes[f"template:skill:{dropped.skill}"].summary.endswith(" removed")
        html = client_for(alice).get(updates_url(jd)).content.decode()
        assert "Summary changed" in html and "Run the platform." in html
        post(
            client_for(alice),
            jd,
            **{f"template:skill:{dropped.skill}": "take", "template:summary": "keep"},
        )
        jd = reload(jd)
        assert dropped.skill not in {skill.skill for skill in jd.chosen.skills}
        assert jd.chosen.posting.summary == source.chosen.posting.summary
        assert pending_for(jd) == []

    def test_a_catalog_level_change_reaches_the_draft_in_the_skill_models_terms(self, org, draft):
        role_skill = (
            RoleSkill.objects.filter(role=draft.role).select_related("skill", "level").first()
        )
        chosen_level = next(s.level for s in draft.chosen.skills if s.skill == role_skill.skill_id)
        # Another level for a mid-level hire, one the draft does not have.
        role_skill.level = (
            ProficiencyLevel.objects.exclude(rank__in=[role_skill.level.rank, chosen_level])
            .order_by("rank")
            .first()
        )
        role_skill.save()
        [change] = [c for c in pending_for(reload(draft)) if c.source == "role"]
        levels = {level.rank: level.name for level in ProficiencyLevel.objects.all()}
        assert change.summary.startswith(f"{role_skill.skill.name}: {levels[chosen_level]} → ")
        post(client_for(org["alice"]), draft, **{change.id: "take"})
        level = next(s.level for s in reload(draft).chosen.skills if s.skill == role_skill.skill_id)
        assert level == change.after["level"] != chosen_level


class TestBannerAndQueries:
    def test_the_banner_shows_on_the_wizard_and_the_jd_page(self, org, draft):
        client = client_for(org["alice"])
        step_url = f"{draft.get_edit_url()}responsibilities/"
        assert BANNER not in client.get(step_url).content.decode()
        edit_block(org["benefits"], "New.")
        html = client.get(step_url).content.decode()
        assert BANNER in html and "1 change " in html and updates_url(draft) in html
        assert BANNER in client.get(draft.get_absolute_url()).content.decode()

    def test_step_pages_need_no_more_queries_with_more_templates_and_blocks(self, org, draft):
        client = client_for(org["alice"])
        url = f"{draft.get_edit_url()}posting/"

        def count() -> int:
            client.get(url)  # warm the kept rows and the preview cache
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            return len(queries)

        few = count()
        staff = StaffFactory()
        for n in range(6):
            department = DepartmentFactory(name=f"Dept {n}")
            ContentBlockFactory(kind=BlockKind.ABOUT_TEAM, department=department)
            ContentBlockFactory(kind=BlockKind.BENEFITS, office=OfficeFactory(name=f"Office {n}"))
            save_as_template(
                job_description=draft, user=staff, name=f"Template {n}", department=department
            )
        assert count() == few


def test_the_pages_are_valid_html_and_escape_hostile_text(org, draft, vnu):
    edit_block(org["benefits"], "<script>alert(1)</script> & more")
    client = client_for(org["alice"])
    pages = [
        client.get(updates_url(draft)).content.decode(),
        client.get(draft.get_absolute_url()).content.decode(),
        client.get("/jd/new/?q=engineer").content.decode(),
    ]
    assert "&lt;script&gt;alert(1)" in pages[0] and "<script>alert" not in pages[0]
    for html in pages:
        errors = [str(m) for m in vnu(html) if m.is_error or m.is_warning]
        assert errors == [], "\n".join(errors)


def test_a_new_seniority_moves_the_catalog_baseline_so_later_edits_are_still_offered(org, draft):
    """The skills restart at the new seniority's levels; a later catalog edit is compared with
    those, not with the levels the draft started with."""
    save_step(
        job_description=draft,
        step=WizardStep.ROLE,
        value=RoleChoice(role=draft.role, seniority=Seniority.SENIOR, title=draft.title),
        expected_version=draft.lock_version,
        next_step=WizardStep.RESPONSIBILITIES,
    )
    draft = reload(draft)
    assert draft.chosen.origins.role_items["@seniority"] == Seniority.SENIOR
    assert pending_for(draft) == []  # the restart itself is not a change to offer
    role_skill = RoleSkill.objects.filter(role=draft.role).select_related("skill").first()
    role_skill.importance = "nice_to_have" if role_skill.importance == "required" else "required"
    role_skill.save()
    [change] = [c for c in pending_for(draft) if c.source == "role"]
    assert change.key == f"skill:{role_skill.skill_id}"
