"""jdbuilder/services.py: starting a draft, saving its steps, finalizing and exporting it."""

import dataclasses

import pytest

from jdbuilder.documents.formats import FORMATS
from jdbuilder.drafts import Posting
from jdbuilder.models import JobDescription, RenderedFile
from jdbuilder.services import (
    DraftChanged,
    RoleChoice,
    export_revision,
    finalize_job_description,
    save_step,
    score,
    start_draft,
)
from roles.models import Role, Skill
from tests.factories import full_posting

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(catalog, manager):
    return start_draft(owner=manager, role=Role.objects.get(slug="software-engineer"))


def stored(jd: JobDescription) -> JobDescription:
    return JobDescription.objects.get(pk=jd.pk)


def save(jd, step, **kwargs):
    return save_step(
        job_description=jd,
        step=step,
        expected_version=kwargs.pop("expected_version", jd.lock_version),
        next_step=kwargs.pop("next_step", "review"),
        **kwargs,
    )


def test_a_new_draft_holds_the_catalogs_defaults_and_its_score(draft):
    row = stored(draft)
    assert row.title == "Software Engineer" and row.current_step == "role"
    assert len(row.chosen.skills) == 9 and row.chosen.saved_steps == frozenset()
    assert row.quality == score(row) and "score" in row.quality


def test_a_valid_step_keeps_one_copy_rescored_and_moves_the_pointer(draft):
    save(draft, "posting", unsaved_input={"posting-company_name": ["Half"]}, next_step="tools")
    assert stored(draft).pending_input == {"posting": {"posting-company_name": ["Half"]}}
    before = stored(draft).quality

    coded = "A dominant, aggressive rockstar ninja who crushes every competitor."
    save(draft, "posting", value=Posting.from_json(full_posting(summary=coded)))
    row = stored(draft)
    assert row.chosen.posting.company_name == "Acme Analytics"
    assert row.chosen.is_saved("posting") and row.pending_input == {}
    assert row.current_step == "review" and row.lock_version == 2  # one UPDATE per save
    assert row.quality == score(row)
    assert row.quality["score"] < before["score"]  # the coded summary was found at once


def test_unsaved_input_changes_nothing_else(draft):
    before = stored(draft)
    save(draft, "skills", unsaved_input={"skills-0-level": ["9"]}, next_step="tools")
    row = stored(draft)
    assert (row.choices, row.quality, row.title) == (before.choices, before.quality, before.title)
    assert row.pending_input == {"skills": {"skills-0-level": ["9"]}}
    assert row.current_step == "tools"


def test_a_stale_version_saves_nothing(draft):
    other_tab = stored(draft)
    save(draft, "role", value=RoleChoice(draft.role, "mid", "First tab"))
    with pytest.raises(DraftChanged):
        save(other_tab, "role", value=RoleChoice(draft.role, "mid", "Second tab"))
    assert stored(draft).title == "First tab"
    with pytest.raises(DraftChanged):
        finalize_job_description(
            job_description=other_tab, user=draft.owner, expected_version=other_tab.lock_version
        )
    assert stored(draft).status == "draft"


def test_a_new_role_restarts_its_steps_and_a_new_seniority_the_skills(draft):
    analyst = Role.objects.get(slug="data-analyst")
    save(draft, "tools", value=draft.chosen.tools[:1])
    save(draft, "skills", unsaved_input={"skills-0-level": ["9"]})
    saved = save(draft, "role", value=RoleChoice(analyst, "mid", "Analyst"))
    assert saved.role_changed and set(saved.restarted) == {"responsibilities", "skills", "tools"}
    row = stored(draft)
    assert row.role == analyst and row.pending_input == {}
    assert row.chosen.saved_steps == frozenset({"role"})
    assert {s.skill for s in row.chosen.skills} == set(
        analyst.role_skills.values_list("skill_id", flat=True)
    )

    levels = [s.level for s in row.chosen.skills]
    saved = save(row, "role", value=RoleChoice(analyst, "senior", "Analyst"))
    assert not saved.role_changed and saved.restarted == ("skills",)
    raised = [s.level for s in stored(draft).chosen.skills]
    assert raised != levels and all(new >= old for new, old in zip(raised, levels, strict=True))


class TestTheRevisionsScore:
    """Finalizing keeps the draft's score when the checks would read the same texts, and
    scores again when they would not (a catalog text changed since the last save)."""

    @pytest.fixture
    def checks_run(self, monkeypatch):
        import jdbuilder.services as services

        runs = []
        real = services.run_checks

        def counted(document):
            runs.append(document.title)
            return real(document)

        monkeypatch.setattr(services, "run_checks", counted)
        return runs

    def test_the_drafts_score_is_kept_when_nothing_changed(self, draft, checks_run):
        save(draft, "posting", value=dataclasses.replace(draft.chosen.posting, company_name="Acme"))
        checks_run.clear()
        revision = finalize_job_description(
            job_description=draft, user=draft.owner, expected_version=draft.lock_version
        )
        assert checks_run == []  # nothing to check again
        assert revision.quality == stored(draft).quality == score(revision)

    def test_a_reopened_jd_keeps_it_too(self, draft, checks_run):
        finalize_job_description(
            job_description=draft, user=draft.owner, expected_version=draft.lock_version
        )
        draft.reopen()
        checks_run.clear()
        second = finalize_job_description(
            job_description=draft, user=draft.owner, expected_version=draft.lock_version
        )
        assert second.number == 2 and checks_run == []
        assert second.quality == score(second)

    def test_a_catalog_text_changed_since_the_last_save_is_scored_again(self, draft, checks_run):
        skill = Skill.objects.get(pk=draft.chosen.skills[0].skill)  # named in the snapshot
        skill.name = "Rockstar ninja coding"
        skill.save()
        checks_run.clear()
        revision = finalize_job_description(
            job_description=draft, user=draft.owner, expected_version=draft.lock_version
        )
        assert len(checks_run) == 1
        assert "Rockstar ninja coding" in {line["name"] for line in revision.snapshot["skills"]}
        assert revision.quality == score(revision)


def test_finalizing_points_the_jd_at_its_revision_and_exports_are_stored_once(draft):
    save(draft, "posting", value=dataclasses.replace(draft.chosen.posting, company_name="Acme"))
    revision = finalize_job_description(
        job_description=draft, user=draft.owner, expected_version=draft.lock_version
    )
    row = stored(draft)
    assert row.status == "final" and row.latest_revision == revision
    assert revision.snapshot["posting"]["company_name"] == "Acme"
    assert revision.quality == score(row)  # the same text, so the same findings

    pdf = FORMATS["pdf"]
    first = export_revision(revision=revision, export_format=pdf)
    assert export_revision(revision=revision, export_format=pdf) == first
    assert RenderedFile.objects.filter(revision=revision, format="pdf").count() == 1
    assert export_revision(revision=revision, export_format=FORMATS["md"]).startswith(b"# ")
    assert not RenderedFile.objects.filter(format="md").exists()
