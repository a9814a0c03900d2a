""" "Updated since you started": what changed in a draft's sources, offered to take or keep.

A draft remembers, in `DraftChoices.origins`, each source as it was when the draft took it:
- the template it started from, as `template_items` (and `template_version`);
- the catalog role's defaults, as `role_items`;
- each content block a posting field was filled from (`origins.blocks`: id, version, text).

`pending_changes` compares each source NOW with that baseline and returns a `Change` per
difference the draft does not already have. `take` applies a change to the draft and moves
that key's baseline; `keep` moves the baseline only. `settle` does the manager's decisions and
then moves, silently, the baseline of every difference the draft already matched, so nothing is
offered twice. Pure functions over plain values: no queries.

Items ({key: value}; the same keys for a template, the role's defaults and the draft itself):
- "title" → str (templates only: the draft's title is a column of the draft);
- "summary" → str (the posting's summary);
- "task:<id>" → {"text", "area"}: a catalog task;
- "text:<digest>" → {"text", "area"}: a responsibility someone wrote (digest of its text);
- "skill:<id>" → {"level", "importance"}: a level is a rank on the proficiency scale;
- "tool:<id>" → {"name", "area"}: a catalog tool;
- "tool:name:<lower-case name>" → {"name", "area"}: a tool someone named.
Keys starting with "@" describe the baseline and are never compared: "@role" (the role id) and
"@seniority" (the seniority the levels were set for).
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from jdbuilder.drafts import (
    BlockOrigin,
    DraftChoices,
    Origins,
    Posting,
    Responsibility,
    SkillChoice,
    ToolChoice,
)
from jdbuilder.vocabulary import BlockKind

TEMPLATE, BLOCK, ROLE = "template", "block", "role"
ADDED, REMOVED, CHANGED = "added", "removed", "changed"
TAKE, KEEP = "take", "keep"

_IMPORTANCE = {"required": "required", "nice_to_have": "nice to have"}


class TemplateNow(Protocol):
    """What a template is now (a `JobTemplate`)."""

    pk: int
    version: int
    title: str
    seniority: str
    choices: Mapping[str, Any]


class BlockNow(Protocol):
    """What a content block is now (a `ContentBlock`)."""

    pk: int
    version: int
    name: str
    text: str


@dataclass(frozen=True)
class Change:
    """One difference between a source now and the draft's baseline of it.

    `before` and `after` are the baseline's and the source's values (None where absent);
    `draft` is the draft's own value of the item now. A block's change carries the `origin`
    the draft takes with it.
    """

    source: str  # TEMPLATE, BLOCK or ROLE
    key: str  # an item key, or for a block the posting field
    kind: str  # ADDED, REMOVED or CHANGED
    summary: str
    before: Any = None
    after: Any = None
    draft: Any = None
    origin: BlockOrigin | None = None

    @property
    def id(self) -> str:
        """The change's name in a decision (`settle`): unique across the sources."""
        return f"{self.source}:{self.key}"

    @property
    def is_text(self) -> bool:
        """A text the page shows whole (the new text and the draft's)."""
        return self.source == BLOCK or self.key == "summary"

    @property
    def source_label(self) -> str:
        return {TEMPLATE: "Template", BLOCK: "Content block", ROLE: "Catalog role"}[self.source]


# --- items -------------------------------------------------------------------------------


def text_key(text: str) -> str:
    digest = hashlib.sha256(" ".join(text.split()).casefold().encode()).hexdigest()[:16]
    return f"text:{digest}"


def tool_key(tool: ToolChoice) -> str:
    if tool.tool is not None:
        return f"tool:{tool.tool}"
    return f"tool:name:{tool.name.strip().casefold()}"


def choice_items(chosen: DraftChoices) -> dict[str, Any]:
    """The items of a set of choices (a draft's, a template's or the role's defaults)."""
    items: dict[str, Any] = {"summary": chosen.posting.summary}
    for item in chosen.responsibilities:
        key = f"task:{item.task}" if item.task is not None else text_key(item.text)
        items[key] = {"text": item.text, "area": item.area}
    for skill in chosen.skills:
        items[f"skill:{skill.skill}"] = {"level": skill.level, "importance": skill.importance}
    for tool in chosen.tools:
        items[tool_key(tool)] = {"name": tool.name, "area": tool.area}
    return items


def template_items(template_choices: DraftChoices, *, title: str, seniority: str) -> dict[str, Any]:
    """A template's items: its choices, and its title."""
    return {"@seniority": seniority, "title": title, **choice_items(template_choices)}


def role_items(
    defaults: DraftChoices, *, role: int | None = None, seniority: str | None = None
) -> dict[str, Any]:
    """The catalog role's default items (`jdbuilder.defaults.default_choices`), with the role
    and seniority they were made for."""
    meta = {"@role": role, "@seniority": seniority}
    return {**{k: v for k, v in meta.items() if v is not None}, **choice_items(defaults)}


def template_items_of(template: TemplateNow) -> dict[str, Any]:
    return template_items(
        DraftChoices.from_json(template.choices), title=template.title, seniority=template.seniority
    )


def _compared(items: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in items.items() if not key.startswith("@")}


# --- what changed ------------------------------------------------------------------------


def pending_changes(
    chosen: DraftChoices,
    *,
    title: str | None = None,
    template_now: TemplateNow | None = None,
    role_defaults_now: Mapping[str, Any] | None = None,
    blocks_now: Mapping[str, BlockNow] | None = None,
    levels: Mapping[int, str] | None = None,
    skill_names: Mapping[int, str] | None = None,
) -> list[Change]:
    """Every change in the draft's sources since it took them that the draft does not have.

    - `title`: the draft's title (a template's title change is offered against it);
    - `template_now`: the template the draft started from as it is now (None: deleted, or none);
    - `role_defaults_now`: `role_items` of the role's defaults now, at the draft's seniority;
    - `blocks_now`: {posting field: block} that applies to the draft's department and office now;
    - `levels` {rank: name} and `skill_names` {id: name}, for the summaries.
    """
    names = _Names(levels or {}, skill_names or {})
    origins = chosen.origins
    mine = choice_items(chosen)
    if title is not None:
        mine["title"] = title
    changes: list[Change] = []
    template_now_items = _template_now(origins, template_now)
    if template_now_items is not None:
        changes += _item_changes(TEMPLATE, origins.template_items, template_now_items, mine, names)
    role_now = _role_now(origins, role_defaults_now)
    if role_now is not None:
        changes += _item_changes(ROLE, origins.role_items, role_now, mine, names)
    changes += _block_changes(origins, chosen.posting, blocks_now or {})
    return changes


def _template_now(origins: Origins, template: TemplateNow | None) -> dict[str, Any] | None:
    """The template's items now, or None when there is nothing to compare (no template, another
    one, or the version the draft already settled)."""
    if template is None or origins.template is None or template.pk != origins.template:
        return None
    if template.version == origins.template_version:
        return None
    return template_items_of(template)


def _role_now(origins: Origins, now: Mapping[str, Any] | None) -> dict[str, Any] | None:
    baseline = origins.role_items
    if now is None or not baseline:
        return None
    if baseline.get("@role") != now.get("@role"):
        # The draft changed role: its steps restarted from the new role; the old baseline
        # compares with nothing.
        return None
    return dict(now)


def _item_changes(
    source: str,
    baseline: Mapping[str, Any],
    now: Mapping[str, Any],
    mine: Mapping[str, Any],
    names: _Names,
) -> list[Change]:
    # Levels set for another seniority (the draft's changed since) are not a change of the
    # source: compare the others only.
    other_seniority = baseline.get("@seniority") != now.get("@seniority")
    then, current = _compared(baseline), _compared(now)
    changes = []
    for key in [*current, *(k for k in then if k not in current)]:
        before, after = then.get(key), current.get(key)
        if key.startswith("skill:") and other_seniority and before and after:
            before = {**before, "level": after["level"]}
        if before == after:
            continue
        draft = mine.get(key)
        if before is None:
            kind, offered = ADDED, draft is None
        elif after is None:
            kind, offered = REMOVED, draft is not None
        else:
            kind, offered = CHANGED, draft is not None and draft != after
        if key in ("title", "summary") and kind != CHANGED:
            kind, offered = CHANGED, (draft or "") != (after or "")
        if offered:
            changes.append(
                Change(
                    source=source,
                    key=key,
                    kind=kind,
                    summary=names.summary(key, kind, before, after),
                    before=before,
                    after=after,
                    draft=draft,
                )
            )
    return changes


def _block_changes(
    origins: Origins, posting: Posting, blocks_now: Mapping[str, BlockNow]
) -> list[Change]:
    changes = []
    for field_name, block in blocks_now.items():
        origin = origins.blocks.get(field_name)
        if origin is not None and (origin.block, origin.version) == (block.pk, block.version):
            continue
        if origin is not None and origin.text == block.text and origin.block == block.pk:
            continue  # saved again, same text: nothing to offer
        mine = getattr(posting, field_name, "")
        if mine == block.text:
            continue  # the draft has it already
        label = BlockKind(field_name).label if field_name in BlockKind.values else field_name
        if origin is not None and origin.block == block.pk:
            kind, summary = CHANGED, f"{label} ({block.name} block) changed"
        else:
            kind = ADDED if origin is None else CHANGED
            summary = f"{label}: the {block.name} block now applies"
        changes.append(
            Change(
                source=BLOCK,
                key=field_name,
                kind=kind,
                summary=summary,
                before=origin.text if origin else "",
                after=block.text,
                draft=mine,
                origin=BlockOrigin(block=block.pk, version=block.version, text=block.text),
            )
        )
    return changes


@dataclass(frozen=True)
class _Names:
    levels: Mapping[int, str]
    skills: Mapping[int, str]

    def level(self, rank: int) -> str:
        return self.levels.get(rank, f"level {rank}")

    def skill(self, key: str) -> str:
        pk = int(key.split(":", 1)[1])
        return self.skills.get(pk, f"Skill {pk}")

    def summary(self, key: str, kind: str, before: Any, after: Any) -> str:
        if key == "title":
            return f"Title: {before or '(none)'} → {after or '(none)'}"
        if key == "summary":
            return "Summary changed"
        if key.startswith("skill:"):
            name = self.skill(key)
            if kind == ADDED:
                importance = _IMPORTANCE.get(after["importance"], after["importance"])
                return f"{name} added, {importance} ({self.level(after['level'])})"
            if kind == REMOVED:
                return f"{name} removed"
            parts = []
            if before["level"] != after["level"]:
                parts.append(f"{self.level(before['level'])} → {self.level(after['level'])}")
            if before["importance"] != after["importance"]:
                parts.append(
                    f"{_IMPORTANCE.get(before['importance'], before['importance'])} → "
                    f"{_IMPORTANCE.get(after['importance'], after['importance'])}"
                )
            return f"{name}: {', '.join(parts)}"
        if key.startswith("tool:"):
            if kind == ADDED:
                return f"{after['name']} added"
            if kind == REMOVED:
                return f"{before['name']} removed"
            return f"Tool {before['name']} → {after['name']}"
        # A responsibility.
        if kind == ADDED:
            return f"Responsibility added: “{after['text']}”"
        if kind == REMOVED:
            return f"Responsibility removed: “{before['text']}”"
        if before["text"] != after["text"]:
            return f"Responsibility reworded: “{before['text']}” → “{after['text']}”"
        return f"Responsibility “{after['text']}” moved to another area"


# --- take, keep, settle --------------------------------------------------------------------


def take(chosen: DraftChoices, change: Change) -> DraftChoices:
    """The draft with `change` applied, and that key's baseline moved to the source's value.

    A template's title is the draft's column, not a choice: the caller sets it
    (`jdbuilder.organization.services.settle_changes`)."""
    if change.source == BLOCK:
        posting = dataclasses.replace(chosen.posting, **{change.key: change.after})
        return keep(dataclasses.replace(chosen, posting=posting), change)
    return keep(_applied(chosen, change.key, change.after), change)


def keep(chosen: DraftChoices, change: Change) -> DraftChoices:
    """The draft as it is, with that key's baseline moved to the source's value (so the change
    is not offered again)."""
    origins = chosen.origins
    if change.source == BLOCK:
        blocks = dict(origins.blocks)
        if change.origin is not None:
            blocks[change.key] = change.origin
        origins = dataclasses.replace(origins, blocks=blocks)
    else:
        name = "template_items" if change.source == TEMPLATE else "role_items"
        items = dict(getattr(origins, name))
        if change.after is None:
            items.pop(change.key, None)
        else:
            items[change.key] = change.after
        origins = dataclasses.replace(origins, **{name: items})
    return dataclasses.replace(chosen, origins=origins)


def settle(
    chosen: DraftChoices,
    changes: Sequence[Change],
    decisions: Mapping[str, str],
    *,
    template_now: TemplateNow | None = None,
    role_defaults_now: Mapping[str, Any] | None = None,
    blocks_now: Mapping[str, BlockNow] | None = None,
) -> DraftChoices:
    """The draft after `decisions` ({change id: TAKE or KEEP}) on `changes` (as
    `pending_changes` gave them, from the same sources): each taken or kept, then every other
    baseline moved to its source now, except those of changes left undecided."""
    undecided = set()
    for change in changes:
        decision = decisions.get(change.id)
        if decision == TAKE:
            chosen = take(chosen, change)
        elif decision == KEEP:
            chosen = keep(chosen, change)
        else:
            undecided.add(change.id)
    origins = chosen.origins
    template_now_items = _template_now(origins, template_now)
    if template_now_items is not None:
        waiting = {c.key for c in changes if c.source == TEMPLATE and c.id in undecided}
        items = _rebased(origins.template_items, template_now_items, waiting)
        version = origins.template_version if waiting else template_now.version
        origins = dataclasses.replace(origins, template_items=items, template_version=version)
    if role_defaults_now is not None and (
        not origins.role_items or _role_now(origins, role_defaults_now) is not None
    ):
        waiting = {c.key for c in changes if c.source == ROLE and c.id in undecided}
        origins = dataclasses.replace(
            origins, role_items=_rebased(origins.role_items, role_defaults_now, waiting)
        )
    blocks = dict(origins.blocks)
    for field_name, block in (blocks_now or {}).items():
        if f"{BLOCK}:{field_name}" not in undecided:
            blocks[field_name] = BlockOrigin(block=block.pk, version=block.version, text=block.text)
    origins = dataclasses.replace(origins, blocks=blocks)
    return dataclasses.replace(chosen, origins=origins)


def _rebased(
    baseline: Mapping[str, Any], now: Mapping[str, Any], waiting: set[str]
) -> dict[str, Any]:
    items = dict(now)
    for key in waiting:
        if key in baseline:
            items[key] = baseline[key]
        else:
            items.pop(key, None)
    return items


def _applied(chosen: DraftChoices, key: str, value: Any) -> DraftChoices:
    """`chosen` with item `key` set to `value` (None: removed)."""
    kind, _, rest = key.partition(":")
    if key == "summary":
        posting = dataclasses.replace(chosen.posting, summary=value or "")
        return dataclasses.replace(chosen, posting=posting)
    if key == "title":
        return chosen
    if kind in ("task", "text"):
        task = int(rest) if kind == "task" else None
        items = list(chosen.responsibilities)
        found = [
            i
            for i, item in enumerate(items)
            if (item.task == task if task is not None else item.is_custom)
            and (task is not None or text_key(item.text) == key)
        ]
        new = None if value is None else Responsibility(task, value["text"], value["area"])
        return dataclasses.replace(chosen, responsibilities=tuple(_put(items, found, new)))
    if kind == "skill":
        skill = int(rest)
        items = list(chosen.skills)
        found = [i for i, item in enumerate(items) if item.skill == skill]
        new = None if value is None else SkillChoice(skill, value["level"], value["importance"])
        return dataclasses.replace(chosen, skills=tuple(_put(items, found, new)))
    if kind == "tool":
        items = list(chosen.tools)
        found = [i for i, item in enumerate(items) if tool_key(item) == key]
        tool = None if rest.startswith("name:") else int(rest)
        new = None if value is None else ToolChoice(tool, value["name"], value["area"])
        return dataclasses.replace(chosen, tools=tuple(_put(items, found, new)))
    raise ValueError(f"Unknown item {key!r}.")


def _put(items: list, found: list[int], new: Any) -> list:
    """`items` with those at `found` replaced by `new` (the first) or removed; `new` appended
    when none was found."""
    if new is None:
        return [item for i, item in enumerate(items) if i not in found]
    if not found:
        return [*items, new]
    first = found[0]
    return [
        new if i == first else item for i, item in enumerate(items) if i == first or i not in found
    ]
