"""Conflicts merge instead of overwrite: what differs between theirs and yours, field by field
and row by row (jdbuilder/wizard/merge.py), and the merge view the wizard shows on a conflict
(jdbuilder/wizard/conflicts.py): a required choice per field, shown again when a choice is
missing or the draft changed again, saved on the newest draft, never silently."""

import pytest
from django.utils.datastructures import MultiValueDict

from jdbuilder.catalog import RoleCatalog
from jdbuilder.vocabulary import Status
from jdbuilder.wizard.conflicts import CHANGED_AGAIN
from jdbuilder.wizard.merge import differences, merged_data, missing_choices
from jdbuilder.wizard.views import STEPS
from roles.models import ProficiencyLevel, Skill, Task, Tool
from tests.support.merge import merge_form, post_merge
from tests.support.wizard import page_fields, valid_posting, walk_to_review

pytestmark = pytest.mark.django_db


def bind(step, data, jd):
    form_class = dict(STEPS)[step]
    catalog = RoleCatalog(jd.role, chosen_tool_ids=jd.chosen.tool_ids)
    return form_class(data=MultiValueDict(data), prefix=step, role=jd.role, catalog=catalog)


def own(fields, step):
    return {k: v for k, v in fields.items() if k.startswith(f"{step}-")}


# --- the pure functions -------------------------------------------------------------------


class TestDifferences:
    def test_posting_fields_with_their_labels_and_words(self, start):
        wizard = start()
        base = own(wizard.fields("posting"), "posting") | {
            k: [v] for k, v in valid_posting().items()
        }
        theirs = base | {"posting-workplace_type": ["remote"], "posting-location": ["Austin"]}
        yours = base | {
            "posting-location": ["Denver\r\n"],
            "posting-summary": base["posting-summary"],
        }
        found = {d.key: d for d in differences("posting", theirs, yours)}
        assert set(found) == {"posting-workplace_type", "posting-location"}
        assert found["posting-workplace_type"].label == "Workplace type"
        assert found["posting-workplace_type"].theirs == ("Remote",)
        assert found["posting-workplace_type"].yours == ("Hybrid",)
        assert (found["posting-location"].theirs, found["posting-location"].yours) == (
            ("Austin",),
            ("Denver",),
        )

    def test_nothing_differs(self, start):
        wizard = start()
        fields = own(wizard.fields("posting"), "posting")
        assert differences("posting", fields, dict(fields)) == []

    def test_skills_are_matched_by_id_not_position_and_shown_by_level_name(self, start):
        wizard = start()
        yours = own(wizard.fields("skills"), "skills")
        # Theirs lists the same rows in reverse order, one level changed, one row unticked.
        rows = sorted({k.split("-")[1] for k in yours if k.split("-")[1].isdigit()}, key=int)
        theirs = {k: v for k, v in yours.items() if not k.split("-")[1].isdigit()}
        for new, old in enumerate(reversed(rows)):
            for key, value in yours.items():
                if key.startswith(f"skills-{old}-"):
                    theirs[key.replace(f"skills-{old}-", f"skills-{new}-")] = value
        first, second = rows[0], rows[1]
        last = len(rows) - 1
        theirs[f"skills-{last}-level"] = ["1"]
        theirs.pop(f"skills-{last - 1}-include")
        found = {d.key: d for d in differences("skills", theirs, yours)}
        first_skill = Skill.objects.get(pk=yours[f"skills-{first}-skill"][0])
        second_skill = Skill.objects.get(pk=yours[f"skills-{second}-skill"][0])
        assert set(found) == {f"skill-{first_skill.pk}", f"skill-{second_skill.pk}"}
        changed = found[f"skill-{first_skill.pk}"]
        assert changed.label == f"Skill: {first_skill.name}"
        lowest = ProficiencyLevel.objects.get(rank=1).name
        assert changed.theirs[0].startswith(f"{lowest}, ")
        assert found[f"skill-{second_skill.pk}"].theirs == ("Not included",)

        merged = merged_data("skills", theirs, yours, {f"merge-skill-{first_skill.pk}": "theirs"})
        formset = bind("skills", merged, wizard.jd)
        assert formset.is_valid(), formset.errors
        levels = {item.skill: item.level for item in formset.to_choices()}
        assert levels[first_skill.pk] == 1  # theirs
        assert second_skill.pk in levels  # yours: still included

    def test_responsibilities_by_task_by_text_and_their_order(self, start):
        wizard = start()
        base = own(wizard.fields("responsibilities"), "responsibilities")
        yours = dict(base)
        theirs = dict(base)
        # Yours: a custom row; theirs: the first task dropped and the next two swapped.
        yours["responsibilities-" + custom_index(base) + "-text"] = ["Mentor two engineers"]
        theirs.pop("responsibilities-0-include")
        theirs["responsibilities-1-order"], theirs["responsibilities-2-order"] = (
            base["responsibilities-2-order"],
            base["responsibilities-1-order"],
        )
        found = {d.key: d for d in differences("responsibilities", theirs, yours)}
        first_task = Task.objects.get(pk=base["responsibilities-0-task"][0])
        assert found[f"task-{first_task.pk}"].label == f"Responsibility: {first_task.text}"
        assert found[f"task-{first_task.pk}"].theirs == ("Not included",)
        custom = [d for d in found.values() if d.key.startswith("custom-")]
        assert [(d.theirs, d.yours) for d in custom] == [(("Not included",), ("Included",))]
        assert found["order"].label == "Order of the responsibilities"
        assert len(found["order"].yours) > 1

        choices = {"merge-order": "theirs", f"merge-task-{first_task.pk}": "yours"}
        choices[custom[0].input_name] = "yours"
        formset = bind(
            "responsibilities", merged_data("responsibilities", theirs, yours, choices), wizard.jd
        )
        assert formset.is_valid(), formset.errors
        items = formset.to_choices()
        texts = [item.text for item in items]
        assert first_task.text in texts and "Mentor two engineers" in texts
        second = Task.objects.get(pk=base["responsibilities-1-task"][0]).text
        third = Task.objects.get(pk=base["responsibilities-2-task"][0]).text
        assert texts.index(third) < texts.index(second)  # their order

    def test_tools_ticked_or_not_and_other_tools(self, start):
        wizard = start()
        yours = own(wizard.fields("tools"), "tools")
        theirs = dict(yours)
        dropped = yours["tools-tools"][0]
        theirs["tools-tools"] = yours["tools-tools"][1:]
        theirs["tools-other_tools"] = ["Figma"]
        found = {d.key: d for d in differences("tools", theirs, yours)}
        tool = Tool.objects.get(pk=dropped)
        assert found[f"tool-{dropped}"].label == f"Tool: {tool.name}"
        assert (found[f"tool-{dropped}"].theirs, found[f"tool-{dropped}"].yours) == (
            ("Not ticked",),
            ("Ticked",),
        )
        assert found["tools-other_tools"].theirs == ("Figma",)
        merged = merged_data(
            "tools",
            theirs,
            yours,
            {f"merge-tool-{dropped}": "theirs", "merge-tools-other_tools": "yours"},
        )
        assert dropped not in merged["tools-tools"] and merged["tools-other_tools"] == [""]

    def test_every_difference_needs_a_choice(self, start):
        wizard = start()
        base = own(wizard.fields("role"), "role")
        theirs = base | {"role-title": ["Theirs"], "role-seniority": ["senior"]}
        found = differences("role", theirs, base)
        assert [d.label for d in found] == ["Seniority", "Job title shown in the posting"]
        assert found[0].theirs == ("Senior",)
        assert missing_choices(found, {}) == found
        assert missing_choices(found, {"merge-role-title": "bogus"}) == found
        assert missing_choices(found, {"merge-role-title": "yours"}) == [found[0]]


def custom_index(fields):
    index = 0
    while f"responsibilities-{index}-task" in fields:
        if not fields[f"responsibilities-{index}-task"][0]:
            return str(index)
        index += 1
    raise AssertionError("no blank custom row")


# --- the merge view --------------------------------------------------------------------------


@pytest.fixture
def two_tabs(start):
    """Tab one reads the posting step, tab two saves it: tab one's Save is now a conflict."""
    wizard = start()
    tab_one = wizard.fields("posting")
    theirs = valid_posting(**{"posting-company_name": "Theirs Inc", "posting-location": "Austin"})
    assert wizard.submit("posting", theirs).status_code == 302
    yours = valid_posting(**{"posting-company_name": "Yours Ltd", "posting-location": "Boston"})
    response = wizard.submit("posting", yours, fields=tab_one)
    return wizard, tab_one, yours, response


class TestMergeView:
    def test_the_conflict_shows_each_differing_field_side_by_side(self, two_tabs):
        wizard, _, _, response = two_tabs
        assert response.status_code == 409
        html = response.content.decode()
        form = merge_form(html)
        assert sorted(form.choices) == ["merge-posting-company_name", "merge-posting-location"]
        assert all(values == ["theirs", "yours"] for values in form.choices.values())
        assert "Theirs Inc" in html and "Yours Ltd" in html
        assert form.hidden["posting-company_name"] == ["Yours Ltd"]
        assert "csrfmiddlewaretoken" not in {k for k in form.hidden if k.startswith("posting")}
        assert form.hidden["merge_version"] == [str(wizard.reload().lock_version)]
        assert "Reload the page" not in html
        assert "checked" not in html.split('id="merge-heading"')[1].split("</section>")[0]

    def test_the_choices_are_saved_per_field(self, two_tabs):
        wizard, _, _, response = two_tabs
        answer = post_merge(
            wizard.client,
            wizard.url("posting"),
            response.content.decode(),
            {"merge-posting-company_name": "yours", "merge-posting-location": "theirs"},
        )
        assert answer.status_code == 302 and answer.url == wizard.url("review")
        posting = wizard.reload().chosen.posting
        assert (posting.company_name, posting.location) == ("Yours Ltd", "Austin")

    def test_a_missing_choice_shows_the_merge_again_and_saves_nothing(self, two_tabs):
        wizard, _, _, response = two_tabs
        before = wizard.reload().lock_version
        answer = post_merge(
            wizard.client,
            wizard.url("posting"),
            response.content.decode(),
            {"merge-posting-company_name": "yours"},
        )
        assert answer.status_code == 409
        html = answer.content.decode()
        assert "Still to choose: “Location”" in html
        assert sorted(merge_form(html).choices) == sorted(
            merge_form(response.content.decode()).choices
        )
        jd = wizard.reload()
        assert jd.lock_version == before and jd.chosen.posting.company_name == "Theirs Inc"

    def test_changed_again_shows_the_merge_against_the_newest(self, two_tabs):
        wizard, _, _, response = two_tabs
        newest = valid_posting(**{"posting-company_name": "Third Co", "posting-location": "Austin"})
        assert wizard.submit("posting", newest).status_code == 302
        answer = post_merge(
            wizard.client, wizard.url("posting"), response.content.decode(), "yours"
        )
        assert answer.status_code == 409
        html = answer.content.decode()
        assert CHANGED_AGAIN in html and "Third Co" in html
        assert merge_form(html).hidden["merge_version"] == [str(wizard.reload().lock_version)]
        assert wizard.reload().chosen.posting.company_name == "Third Co"
        # Choosing on the newest saves.
        final = post_merge(wizard.client, wizard.url("posting"), html, "yours")
        assert final.status_code == 302
        assert wizard.reload().chosen.posting.company_name == "Yours Ltd"

    def test_a_second_save_of_the_step_never_overwrites(self, two_tabs):
        wizard, _, yours, response = two_tabs
        # The step form under the merge shows yours, with the version it was read at.
        fields = page_fields(response.content.decode())
        form = merge_form(response.content.decode())
        for name in list(fields):
            if name in form.hidden and name.startswith("posting-") or name.startswith("merge"):
                fields[name] = fields[name][-1:]
        fields.pop("merge_version", None)
        fields.pop("merge_next", None)
        assert fields["posting-company_name"][-1] == "Yours Ltd"
        again = wizard.client.post(wizard.url("posting"), fields)
        assert again.status_code == 409
        assert "merge-posting-company_name" in merge_form(again.content.decode()).choices
        assert wizard.reload().chosen.posting.company_name == "Theirs Inc"

    def test_nothing_differs_on_this_step_saves_yours_on_the_newest(self, start):
        wizard = start()
        tools_tab = wizard.fields("tools")
        assert wizard.submit("posting", valid_posting()).status_code == 302
        response = wizard.submit("tools", {"tools-other_tools": ""}, fields=tools_tab)
        assert response.status_code == 302 and response.url == wizard.url("posting")
        jd = wizard.reload()
        assert jd.chosen.is_saved("tools") and jd.chosen.posting.company_name == "Acme Analytics"

    def test_a_merged_step_not_valid_is_shown_with_its_errors(self, start):
        wizard = start()
        tab_one = wizard.fields("posting")
        assert wizard.submit("posting", valid_posting()).status_code == 302
        typed = valid_posting(**{"posting-salary_currency": "XYZ"})
        response = wizard.submit("posting", typed, fields=tab_one)
        assert response.status_code == 409
        before = wizard.reload().lock_version
        answer = post_merge(
            wizard.client, wizard.url("posting"), response.content.decode(), "yours"
        )
        assert answer.status_code == 200
        assert "ISO 4217" in answer.content.decode()
        assert wizard.reload().lock_version == before
        # Shown with the newest version: fixing it and saving goes through.
        fields = page_fields(answer.content.decode())
        fields["posting-salary_currency"] = ["EUR"]
        assert wizard.client.post(wizard.url("posting"), fields).status_code == 302
        assert wizard.reload().chosen.posting.salary_currency == "EUR"

    def test_the_role_step_merges_its_title_and_seniority(self, start):
        wizard = start()
        tab_one = wizard.fields("role")
        assert (
            wizard.submit("role", {"role-title": "Theirs", "role-seniority": "senior"}).status_code
            == 302
        )
        response = wizard.submit("role", {"role-title": "Yours"}, fields=tab_one)
        assert response.status_code == 409
        html = response.content.decode()
        assert sorted(merge_form(html).choices) == ["merge-role-seniority", "merge-role-title"]
        answer = post_merge(
            wizard.client,
            wizard.url("role"),
            html,
            {"merge-role-title": "yours", "merge-role-seniority": "theirs"},
        )
        assert answer.status_code == 302
        jd = wizard.reload()
        assert (jd.title, jd.seniority) == ("Yours", "senior")

    def test_a_stale_finalize_shows_the_newest_review_and_finalizes_nothing(self, start):
        wizard = start()
        walk_to_review(wizard)
        review = wizard.fields("review")
        assert (
            wizard.submit(
                "posting", valid_posting(**{"posting-location": "Austin"}), goto="review"
            ).status_code
            == 302
        )
        response = wizard.submit("review", fields=review)
        assert response.status_code == 409
        assert "not finalized" in response.content.decode()
        assert wizard.reload().status == Status.DRAFT
        assert (
            wizard.client.post(
                wizard.url("review"), page_fields(response.content.decode())
            ).status_code
            == 302
        )
        assert wizard.reload().status == Status.FINAL

    def test_a_draft_finalized_meanwhile_sends_to_its_page(self, two_tabs, manager):
        wizard, _, _, response = two_tabs
        jd = wizard.reload()
        jd.status = Status.FINAL
        jd.save()
        answer = post_merge(
            wizard.client, wizard.url("posting"), response.content.decode(), "yours"
        )
        assert answer.status_code == 302 and answer.url == jd.get_absolute_url()


def test_the_merge_page_is_valid_html(two_tabs, vnu):
    _, _, _, response = two_tabs
    errors = [str(m) for m in vnu(response.content.decode()) if m.is_error]
    assert not errors, "\n".join(errors)


class TestTamperedMerge:
    def test_a_choice_that_is_neither_side_is_a_missing_choice(self, two_tabs):
        wizard, _, _, response = two_tabs
        before = wizard.reload().lock_version
        choices = {"merge-posting-company_name": "both", "merge-posting-location": "theirs"}
        answer = post_merge(
            wizard.client, wizard.url("posting"), response.content.decode(), choices
        )
        assert answer.status_code == 409
        assert "Still to choose: “Company name”" in answer.content.decode()
        assert wizard.reload().lock_version == before

    def test_an_unknown_next_step_goes_to_the_next_step(self, two_tabs):
        wizard, _, _, response = two_tabs
        html = response.content.decode()
        answer = post_merge(
            wizard.client, wizard.url("posting"), html, "yours", merge_next="nowhere"
        )
        assert answer.status_code == 302 and answer.url == wizard.url("review")

    def test_a_merge_of_another_step_is_refused(self, two_tabs):
        wizard, _, _, response = two_tabs
        html = response.content.decode()
        answer = post_merge(
            wizard.client,
            wizard.url("tools"),
            html,
            "yours",
            **{"jd_wizard-current_step": "posting"},
        )
        assert answer.status_code == 400
        assert wizard.reload().chosen.posting.company_name == "Theirs Inc"
