"""Filling a posting from the organization's content blocks, and remembering where each text
came from so a later edit of the block can be proposed (jdbuilder.organization.proposals).

Pure functions over a `Posting`, its `Origins` and the `OrganizationContent`: no queries.
"""

from __future__ import annotations

import dataclasses

from jdbuilder.defaults import DEFAULT_EEO_STATEMENT, DEFAULT_HOW_TO_APPLY
from jdbuilder.drafts import BlockOrigin, DraftChoices, Origins, Posting
from jdbuilder.organization.content import BLOCK_FIELDS, OrganizationContent

# What a block-backed field holds before any block filled it (the wizard's own default texts):
# still untouched, so a block that comes to apply may replace it.
UNFILLED_TEXT = {"equal_opportunity": DEFAULT_EEO_STATEMENT, "how_to_apply": DEFAULT_HOW_TO_APPLY}


def profile_text(field_name: str, content: OrganizationContent, department: int | None) -> str:
    """What a field no block covers says from the profile: the company's "about" text, or the
    department's "about the team"; "" for the other fields."""
    if field_name == "about_company" and content.organization is not None:
        return content.organization.about
    if field_name == "about_team" and department is not None:
        chosen = content.departments.get(department)
        return chosen.about_team if chosen is not None else ""
    return ""


def fill_posting(
    posting: Posting,
    origins: Origins,
    *,
    content: OrganizationContent,
    department: int | None,
    office: int | None,
) -> tuple[Posting, Origins]:
    """`posting` for `department` and `office`, every block-backed field set to the block that
    applies there (a field no block covers keeps its text), with the blocks taken recorded in
    the origins. The company name and currency come from the profile when not set, and so do
    an empty about-the-company or about-the-team no block covers (`profile_text`)."""
    applying = content.blocks_for(department=department, office=office)
    texts: dict[str, object] = {"department": department, "office": office}
    taken = dict(origins.blocks)
    for kind, field_name in BLOCK_FIELDS.items():
        block = applying.get(kind)
        if block is None:
            taken.pop(field_name, None)
            if not getattr(posting, field_name).strip():
                texts[field_name] = profile_text(field_name, content, department)
            continue
        texts[field_name] = block.text
        taken[field_name] = BlockOrigin(block=block.pk, version=block.version, text=block.text)
    org = content.organization
    if org is not None:
        if not posting.company_name:
            texts["company_name"] = org.name
        if posting.salary_min is None and posting.salary_max is None:
            texts["salary_currency"] = org.default_currency
    place = content.offices.get(office) if office is not None else None
    if place is not None:
        texts["location"] = place_text(place)
    return dataclasses.replace(posting, **texts), dataclasses.replace(origins, blocks=taken)


def block_note(name: str, *, edited: bool = False) -> str:
    """The note under a field filled from the block called `name` (and edited since)."""
    return f"Edited from the “{name}” block." if edited else f"From the “{name}” block."


def place_text(office) -> str:
    """What the posting's location says for an office: its city and region, or its name."""
    town = ", ".join(part for part in (office.locality, office.region) if part)
    return town or office.name


def origins_after_save(
    previous: Origins, posting: Posting, *, content: OrganizationContent
) -> Origins:
    """The block origins once the posting step is saved as `posting`.

    A field still covered by the block it came from keeps its baseline (saving is not taking a
    newer version of the block: that is the proposal's to offer). A field now covered by another
    block (another office or department was chosen) takes that block as it is now, the text
    the step offered; a field no block covers has no origin.
    """
    applying = content.blocks_for(department=posting.department, office=posting.office)
    taken: dict[str, BlockOrigin] = {}
    for kind, field_name in BLOCK_FIELDS.items():
        block = applying.get(kind)
        if block is None:
            continue
        before = previous.blocks.get(field_name)
        if before is not None and before.block == block.pk:
            taken[field_name] = before
        else:
            taken[field_name] = BlockOrigin(block=block.pk, version=block.version, text=block.text)
    return dataclasses.replace(previous, blocks=taken)


def offered_texts(origins: Origins) -> dict[str, str]:
    """Each block-backed field's text as it was last offered to the manager: its block's text
    when it was taken, else the wizard's default. A field that still says this is untouched."""
    return {
        field_name: (
            origins.blocks[field_name].text
            if field_name in origins.blocks
            else UNFILLED_TEXT.get(field_name, "")
        )
        for field_name in BLOCK_FIELDS.values()
    }


def same_text(first: str, second: str) -> bool:
    """Whether two texts say the same, whatever their line ends and outer spaces."""

    # Browsers send a textarea's line breaks as CRLF; what was stored may have LF.
    def plain(text: str) -> str:
        return (text or "").replace("\r\n", "\n").strip()

    return plain(first) == plain(second)


def is_untouched(text: str, offered: str) -> bool:
    """Whether a field saying `text` was left as offered (or emptied): a new block may fill it."""
    return not (text or "").strip() or same_text(text, offered)


def follow_place(
    previous: Posting, posted: Posting, origins: Origins, *, content: OrganizationContent
) -> Posting:
    """`posted` with its texts following a newly chosen department or office, as the step's
    script does in the browser (so the step works the same without JavaScript).

    Only when the department or office differs from `previous` (the posting as saved): each
    block-backed field the manager left as offered (`offered_texts`) or emptied takes the text
    of the block that now applies; an edited text is kept, and so is a field no block covers.
    The location follows a new office the same way, when it still names the old one's place.
    """
    if (posted.department, posted.office) == (previous.department, previous.office):
        return posted
    applying = content.blocks_for(department=posted.department, office=posted.office)
    offered = offered_texts(origins)
    changes: dict[str, str] = {}
    for kind, field_name in BLOCK_FIELDS.items():
        block = applying.get(kind)
        text = getattr(posted, field_name)
        if block is not None and is_untouched(text, offered[field_name]):
            changes[field_name] = block.text
        elif block is None and not text.strip():
            changes[field_name] = profile_text(field_name, content, posted.department)
    place = content.offices.get(posted.office) if posted.office is not None else None
    if place is not None and posted.office != previous.office:
        before = content.offices.get(previous.office) if previous.office is not None else None
        if is_untouched(posted.location, place_text(before) if before else ""):
            changes["location"] = place_text(place)
    return dataclasses.replace(posted, **changes)


def saved_posting(
    before: DraftChoices, after: DraftChoices, *, content: OrganizationContent
) -> DraftChoices:
    """`after` (the choices with the posting step as posted) once saved: its texts following a
    new department or office (`follow_place`), and its block origins updated
    (`origins_after_save`)."""
    posting = follow_place(before.posting, after.posting, before.origins, content=content)
    origins = origins_after_save(before.origins, posting, content=content)
    return dataclasses.replace(after, posting=posting, origins=origins)
