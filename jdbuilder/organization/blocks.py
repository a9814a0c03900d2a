"""Filling a posting from the organization's content blocks, and remembering where each text
came from so a later edit of the block can be proposed (jdbuilder.organization.proposals).

Pure functions over a `Posting`, its `Origins` and the `OrganizationContent`: no queries.
"""

from __future__ import annotations

import dataclasses

from jdbuilder.drafts import BlockOrigin, Origins, Posting
from jdbuilder.organization.content import BLOCK_FIELDS, OrganizationContent


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
    the origins. The company name and currency come from the profile when not set."""
    applying = content.blocks_for(department=department, office=office)
    texts: dict[str, object] = {"department": department, "office": office}
    taken = dict(origins.blocks)
    for kind, field_name in BLOCK_FIELDS.items():
        block = applying.get(kind)
        if block is None:
            taken.pop(field_name, None)
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
