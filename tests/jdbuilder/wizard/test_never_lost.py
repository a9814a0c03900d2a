"""Drafts are never lost and never mixed: going back keeps what was typed, an invalid save
changes nothing, two tabs on two drafts stay apart, two tabs (or two servers) on one draft get a
conflict instead of a silent overwrite, and a step's data is kept once, without form noise."""

import pytest

from jdbuilder.models import JobDescription
from tests.support.wizard import valid_posting, walk_to_review

pytestmark = pytest.mark.django_db


class TestDraftsAreNeverLost:
    def test_going_back_keeps_what_was_typed_even_if_not_yet_valid(self, start):
        wizard = start()
        for step in ("role", "responsibilities", "skills", "tools"):
            wizard.submit(step)
        response = wizard.submit(
            "posting",
            valid_posting(
                **{
                    "posting-company_name": "Half-typed Inc",
                    "posting-salary_min": "900",
                    "posting-salary_max": "100",
                }
            ),
            goto="tools",
        )
        assert response.status_code == 302 and response.url == wizard.url("tools")
        fields = wizard.fields("posting")
        assert fields["posting-company_name"] == ["Half-typed Inc"]
        assert fields["posting-salary_min"] == ["900"]

    def test_step_links_keep_the_current_step_too(self, start):
        wizard = start()
        wizard.submit("role", {"role-title": "Platform Engineer"}, goto="skills")
        assert wizard.reload().title == "Platform Engineer"
        assert wizard.fields("role")["role-title"] == ["Platform Engineer"]

    def test_an_invalid_next_changes_nothing_saved(self, start):
        wizard = start()
        walk_to_review(wizard)
        before = wizard.reload()
        saved = (before.choices, before.pending_input, before.lock_version)
        response = wizard.submit("posting", valid_posting(**{"posting-salary_currency": "XYZ"}))
        assert response.status_code == 200
        after = wizard.reload()
        assert (after.choices, after.pending_input, after.lock_version) == saved

    def test_two_tabs_on_two_drafts_never_mix(self, start):
        first, second = start(), start("data-analyst")
        # Interleave: tab one opens the role step, tab two saves its own, tab one saves.
        fields_one = first.fields("role")
        second.submit("role", {"role-title": "Analyst, tab two"})
        first.submit("role", {"role-title": "Engineer, tab one"}, fields=fields_one)
        assert first.reload().title == "Engineer, tab one"
        assert second.reload().title == "Analyst, tab two"
        assert first.jd.role.slug == "software-engineer"
        assert second.jd.role.slug == "data-analyst"
        assert first.fields("role")["role-title"] == ["Engineer, tab one"]
        assert second.fields("role")["role-title"] == ["Analyst, tab two"]

    def test_two_tabs_on_one_draft_never_silently_overwrite(self, start):
        wizard = start()
        tab_one = wizard.fields("role")
        tab_two = wizard.fields("role")
        assert (
            wizard.submit("role", {"role-title": "From tab two"}, fields=tab_two).status_code == 302
        )
        response = wizard.submit("role", {"role-title": "From tab one"}, fields=tab_one)
        assert response.status_code == 409
        assert "changed in another tab" in response.content.decode()
        assert wizard.reload().title == "From tab two"

    def test_a_race_between_two_servers_is_settled_by_the_version(self, start):
        wizard = start()
        jd_a = JobDescription.objects.get(pk=wizard.jd.pk)
        jd_b = JobDescription.objects.get(pk=wizard.jd.pk)
        jd_a.title, jd_b.title = "A", "B"
        assert jd_a.save_draft(expected_version=jd_a.lock_version)
        assert not jd_b.save_draft(expected_version=jd_b.lock_version)
        assert wizard.reload().title == "A"


def test_drafts_keep_no_csrf_token_or_version_in_their_step_data(start):
    wizard = start()
    # Left before it was valid: what was typed is kept, but only the step's own fields.
    wizard.submit("role", {"role-title": ""}, goto="skills")
    wizard.submit("skills", {"skills-0-level": "0"}, goto="tools")
    pending = wizard.reload().pending_input
    for step in ("role", "skills"):
        assert "csrfmiddlewaretoken" not in pending[step]
        assert "jd_version" not in pending[step]
        assert "wizard_goto_step" not in pending[step]
        assert all(key.startswith(f"{step}-") for key in pending[step])


def test_a_valid_save_keeps_one_copy_of_the_step(start):
    """The choices hold a saved step; nothing else keeps a second copy of it."""
    wizard = start()
    wizard.submit("skills", {"skills-0-level": "0"}, goto="tools")
    assert "skills" in wizard.reload().pending_input
    # Level 0 matches no radio, so the page shows none checked: the manager picks one.
    wizard.submit("skills", {"skills-0-level": "3"})
    jd = wizard.reload()
    assert jd.pending_input == {}
    assert jd.chosen.is_saved("skills") and jd.current_step == "tools"
