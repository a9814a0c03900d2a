"""The proposal model, pure: what changed in a template, a block or the catalog role since a
draft took it, and taking or keeping each change."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

import pytest

from jdbuilder.drafts import (
    BlockOrigin,
    DraftChoices,
    Origins,
    Posting,
    Responsibility,
    SkillChoice,
    ToolChoice,
)
from jdbuilder.organization import proposals
from jdbuilder.organization.proposals import (
    ADDED,
    BLOCK,
    CHANGED,
    KEEP,
    REMOVED,
    ROLE,
    TAKE,
    TEMPLATE,
    pending_changes,
    role_items,
    settle,
    take,
    template_items_of,
)

LEVELS = {1: "Basic", 2: "Intermediate", 3: "Advanced", 4: "Expert"}
SKILLS = {10: "Python", 11: "SQL", 12: "Kubernetes"}


@dataclass
class Template:
    pk: int = 7
    version: int = 1
    title: str = "Platform Engineer"
    seniority: str = "mid"
    choices: dict[str, Any] = field(default_factory=dict)


@dataclass
class Block:
    pk: int
    version: int
    name: str
    text: str


def base_choices(**changes) -> DraftChoices:
    chosen = DraftChoices(
        responsibilities=(
            Responsibility(task=1, text="Design services", area=5),
            Responsibility(task=None, text="Mentor the juniors", area=None),
        ),
        skills=(
            SkillChoice(skill=10, level=3, importance="required"),
            SkillChoice(skill=11, level=2, importance="nice_to_have"),
        ),
        tools=(
            ToolChoice(tool=20, name="Docker", area=5),
            ToolChoice(tool=None, name="Our deploy bot", area=None),
        ),
        posting=Posting(summary="Build the platform.", benefits="Health insurance"),
    )
    return dataclasses.replace(chosen, **changes)


def started_from(template: Template) -> DraftChoices:
    """A draft that took `template` as it is, nothing edited since."""
    chosen = DraftChoices.from_json(template.choices)
    origins = Origins(
        template=template.pk,
        template_version=template.version,
        template_items=template_items_of(template),
    )
    return dataclasses.replace(chosen, origins=origins)


def edited(template: Template, **changes) -> Template:
    new = base_choices(**changes)
    return dataclasses.replace(template, version=template.version + 1, choices=new.to_json())


def changes_of(chosen, **sources):
    return pending_changes(chosen, levels=LEVELS, skill_names=SKILLS, **sources)


@pytest.fixture
def template():
    return Template(choices=base_choices().to_json())


# --- a template --------------------------------------------------------------------------


def test_nothing_is_offered_while_the_template_is_unchanged(template):
    draft = started_from(template)
    assert changes_of(draft, template_now=template, title=template.title) == []
    # Saved again without a change (the version moved): still nothing to offer.
    assert changes_of(draft, template_now=dataclasses.replace(template, version=2)) == []


def test_a_skill_level_raised_in_the_template(template):
    draft = started_from(template)
    now = edited(
        template,
        skills=(
            SkillChoice(skill=10, level=4, importance="required"),
            SkillChoice(skill=11, level=2, importance="nice_to_have"),
        ),
    )
    [change] = changes_of(draft, template_now=now)
    assert (change.source, change.key, change.kind) == (TEMPLATE, "skill:10", CHANGED)
    assert change.summary == "Python: Advanced → Expert"
    taken = take(draft, change)
    assert {s.skill: s.level for s in taken.skills} == {10: 4, 11: 2}
    assert changes_of(taken, template_now=now) == []
    kept = proposals.keep(draft, change)
    assert {s.skill: s.level for s in kept.skills} == {10: 3, 11: 2}
    assert changes_of(kept, template_now=now) == []


def test_a_skill_added_and_one_removed_in_the_template(template):
    draft = started_from(template)
    now = edited(
        template,
        skills=(
            SkillChoice(skill=10, level=3, importance="required"),
            SkillChoice(skill=12, level=2, importance="nice_to_have"),
        ),
    )
    changes = {c.key: c for c in changes_of(draft, template_now=now)}
    assert changes["skill:12"].kind == ADDED
    assert changes["skill:12"].summary == "Kubernetes added, nice to have (Intermediate)"
    assert changes["skill:11"].kind == REMOVED
    assert changes["skill:11"].summary == "SQL removed"
    both = take(take(draft, changes["skill:12"]), changes["skill:11"])
    assert [(s.skill, s.level, s.importance) for s in both.skills] == [
        (10, 3, "required"),
        (12, 2, "nice_to_have"),
    ]


def test_tasks_added_removed_and_reworded_in_the_template(template):
    draft = started_from(template)
    now = edited(
        template,
        responsibilities=(
            Responsibility(task=1, text="Design and run services", area=5),
            Responsibility(task=2, text="Review designs", area=5),
        ),
    )
    changes = {c.key: c for c in changes_of(draft, template_now=now)}
    assert changes["task:1"].kind == CHANGED
    assert changes["task:1"].summary == (
        "Responsibility reworded: “Design services” → “Design and run services”"
    )
    assert changes["task:2"].kind == ADDED
    [custom] = [c for c in changes.values() if c.key.startswith("text:")]
    assert custom.kind == REMOVED and "Mentor the juniors" in custom.summary
    chosen = draft
    for change in changes.values():
        chosen = take(chosen, change)
    assert [(r.task, r.text) for r in chosen.responsibilities] == [
        (1, "Design and run services"),
        (2, "Review designs"),
    ]


def test_tools_added_and_removed_in_the_template(template):
    draft = started_from(template)
    now = edited(
        template,
        tools=(
            ToolChoice(tool=21, name="Terraform", area=5),
            ToolChoice(None, "Our deploy bot", None),
        ),
    )
    changes = {c.key: c for c in changes_of(draft, template_now=now)}
    assert changes["tool:21"].summary == "Terraform added"
    assert changes["tool:20"].summary == "Docker removed"
    chosen = take(take(draft, changes["tool:21"]), changes["tool:20"])
    assert [t.name for t in chosen.tools] == ["Our deploy bot", "Terraform"]


def test_a_new_title_in_the_template_is_offered_against_the_drafts(template):
    draft = started_from(template)
    now = dataclasses.replace(template, version=2, title="Senior Platform Engineer")
    [change] = changes_of(draft, template_now=now, title="Platform Engineer")
    assert change.summary == "Title: Platform Engineer → Senior Platform Engineer"
    # A draft already retitled so is not offered it.
    assert changes_of(draft, template_now=now, title="Senior Platform Engineer") == []


def test_another_template_or_none_offers_nothing(template):
    draft = started_from(template)
    other = dataclasses.replace(edited(template, skills=()), pk=99)
    assert changes_of(draft, template_now=other) == []
    assert changes_of(draft, template_now=None) == []


# --- a change the draft already has ------------------------------------------------------


def test_a_change_the_draft_already_made_is_not_offered_and_settle_moves_its_baseline(template):
    draft = started_from(template)
    new_skills = (
        SkillChoice(skill=10, level=4, importance="required"),
        SkillChoice(skill=11, level=2, importance="nice_to_have"),
    )
    draft = dataclasses.replace(draft, skills=new_skills)  # the manager raised Python already
    now = edited(template, skills=new_skills)
    assert changes_of(draft, template_now=now) == []
    settled = settle(draft, [], {}, template_now=now)
    assert settled.origins.template_version == now.version
    assert settled.origins.template_items["skill:10"] == {"level": 4, "importance": "required"}
    assert settled.skills == draft.skills


def test_a_removed_item_the_draft_dropped_already_is_not_offered(template):
    draft = started_from(template)
    draft = dataclasses.replace(draft, tools=draft.tools[1:])  # Docker dropped
    now = edited(template, tools=draft.tools)
    assert changes_of(draft, template_now=now) == []


# --- take, keep, mixed -------------------------------------------------------------------


def test_mixed_decisions_take_one_keep_one_and_leave_one_offered(template):
    draft = started_from(template)
    now = edited(
        template,
        skills=(
            SkillChoice(skill=10, level=4, importance="required"),
            SkillChoice(skill=12, level=1, importance="nice_to_have"),
        ),
        posting=Posting(summary="Build and run the platform."),
    )
    changes = {c.key: c for c in changes_of(draft, template_now=now)}
    assert set(changes) == {"skill:10", "skill:11", "skill:12", "summary"}
    decisions = {
        changes["skill:10"].id: TAKE,
        changes["skill:11"].id: KEEP,
        changes["summary"].id: TAKE,
    }
    settled = settle(draft, list(changes.values()), decisions, template_now=now)
    assert {s.skill: s.level for s in settled.skills} == {10: 4, 11: 2}
    assert settled.posting.summary == "Build and run the platform."
    # The undecided one is still offered; the version waits until it is settled.
    [left] = changes_of(settled, template_now=now)
    assert left.key == "skill:12"
    assert settled.origins.template_version == template.version
    final = settle(settled, [left], {left.id: KEEP}, template_now=now)
    assert changes_of(final, template_now=now) == []
    assert final.origins.template_version == now.version


# --- a block -----------------------------------------------------------------------------


def block_draft(text: str = "Health insurance", mine: str | None = None) -> DraftChoices:
    origins = Origins(blocks={"benefits": BlockOrigin(block=3, version=1, text=text)})
    posting = Posting(benefits=text if mine is None else mine)
    return DraftChoices(posting=posting, origins=origins)


def test_a_block_text_changed_is_offered_with_its_new_text_and_the_drafts():
    draft = block_draft(mine="Health insurance, and a bike")
    now = {"benefits": Block(pk=3, version=2, name="Berlin benefits", text="Health and dental")}
    [change] = changes_of(draft, blocks_now=now)
    assert (change.source, change.kind) == (BLOCK, CHANGED)
    assert change.summary == "Benefits (Berlin benefits block) changed"
    assert (change.before, change.after, change.draft) == (
        "Health insurance",
        "Health and dental",
        "Health insurance, and a bike",
    )
    taken = take(draft, change)
    assert taken.posting.benefits == "Health and dental"
    assert taken.origins.blocks["benefits"] == BlockOrigin(3, 2, "Health and dental")
    kept = proposals.keep(draft, change)
    assert kept.posting.benefits == "Health insurance, and a bike"
    assert kept.origins.blocks["benefits"].version == 2
    assert changes_of(taken, blocks_now=now) == changes_of(kept, blocks_now=now) == []


def test_a_block_saved_with_the_same_text_or_one_the_draft_has_is_not_offered():
    same = {"benefits": Block(pk=3, version=2, name="Berlin benefits", text="Health insurance")}
    assert changes_of(block_draft(), blocks_now=same) == []
    draft = block_draft(mine="Health and dental")
    matched = {"benefits": Block(pk=3, version=2, name="Berlin benefits", text="Health and dental")}
    assert changes_of(draft, blocks_now=matched) == []
    settled = settle(draft, [], {}, blocks_now=matched)
    assert settled.origins.blocks["benefits"].version == 2


def test_a_block_that_comes_to_apply_is_offered():
    draft = DraftChoices(posting=Posting(how_to_apply="Write to us."))
    now = {"how_to_apply": Block(pk=4, version=1, name="Apply online", text="Use the form.")}
    [change] = changes_of(draft, blocks_now=now)
    assert change.kind == ADDED
    assert change.summary == "How to apply: the Apply online block now applies"
    assert take(draft, change).posting.how_to_apply == "Use the form."


# --- the catalog role --------------------------------------------------------------------


def role_draft(defaults: DraftChoices, *, role: int = 1, seniority: str = "mid") -> DraftChoices:
    origins = Origins(role_items=role_items(defaults, role=role, seniority=seniority))
    return dataclasses.replace(defaults, origins=origins)


def test_a_skill_added_to_the_role_is_offered_in_the_skill_models_terms():
    defaults = base_choices()
    draft = role_draft(defaults)
    now_defaults = dataclasses.replace(
        defaults,
        skills=(*defaults.skills, SkillChoice(skill=12, level=2, importance="nice_to_have")),
    )
    now = role_items(now_defaults, role=1, seniority="mid")
    [change] = changes_of(draft, role_defaults_now=now)
    assert (change.source, change.kind) == (ROLE, ADDED)
    assert change.summary == "Kubernetes added, nice to have (Intermediate)"
    assert [s.skill for s in take(draft, change).skills] == [10, 11, 12]


def test_a_role_task_reworded_and_a_tool_dropped():
    defaults = base_choices()
    draft = role_draft(defaults)
    now_defaults = dataclasses.replace(
        defaults,
        responsibilities=(
            Responsibility(1, "Design robust services", 5),
            defaults.responsibilities[1],
        ),
        tools=defaults.tools[1:],
    )
    now = role_items(now_defaults, role=1, seniority="mid")
    changes = {c.key: c for c in changes_of(draft, role_defaults_now=now)}
    assert set(changes) == {"task:1", "tool:20"}
    assert changes["tool:20"].kind == REMOVED


def test_after_a_role_or_seniority_change_the_old_baseline_offers_no_levels():
    defaults = base_choices()
    draft = role_draft(defaults)
    other_role = role_items(base_choices(skills=()), role=2, seniority="mid")
    assert changes_of(draft, role_defaults_now=other_role) == []
    senior = role_items(
        base_choices(
            skills=(
                SkillChoice(skill=10, level=4, importance="required"),
                SkillChoice(skill=11, level=3, importance="nice_to_have"),
            )
        ),
        role=1,
        seniority="senior",
    )
    assert changes_of(draft, role_defaults_now=senior) == []


def test_a_draft_with_no_role_baseline_is_offered_nothing_from_the_role():
    now = role_items(base_choices(skills=()), role=1, seniority="mid")
    assert changes_of(base_choices(), role_defaults_now=now) == []


def test_unknown_item_keys_are_refused():
    change = proposals.Change(source=TEMPLATE, key="nonsense:1", kind=ADDED, summary="", after={})
    with pytest.raises(ValueError, match="Unknown item"):
        take(base_choices(), change)
