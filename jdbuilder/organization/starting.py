"""What a new draft starts with from the organization: its content blocks filled in and, from a
template, the template's choices; with the baselines "updated since you started" compares
against (jdbuilder.organization.proposals). Pure: no queries."""

from __future__ import annotations

import dataclasses

from jdbuilder.drafts import DraftChoices
from jdbuilder.organization.blocks import fill_posting
from jdbuilder.organization.content import OrganizationContent
from jdbuilder.organization.proposals import TemplateNow, role_items, template_items_of

# The posting fields a template carries (the rest come from blocks, the office or the draft).
TEMPLATE_POSTING_FIELDS = ("summary", "workplace_type", "employment_type", "salary_period")


def starting_choices(
    defaults: DraftChoices,
    *,
    content: OrganizationContent,
    role: int,
    seniority: str,
    department: int | None,
    office: int | None = None,
    template: TemplateNow | None = None,
) -> DraftChoices:
    """A new draft's choices: the role's `defaults` (or the template's tasks, skills, tools and
    posting texts over them), the blocks of `department` and `office` filled in, and where
    each came from."""
    chosen = defaults
    origins = dataclasses.replace(
        defaults.origins, role_items=role_items(defaults, role=role, seniority=seniority)
    )
    if template is not None:
        kept = DraftChoices.from_json(template.choices)
        posting = dataclasses.replace(
            defaults.posting,
            **{
                name: getattr(kept.posting, name)
                for name in TEMPLATE_POSTING_FIELDS
                if getattr(kept.posting, name)
            },
        )
        chosen = dataclasses.replace(
            chosen,
            responsibilities=kept.responsibilities,
            skills=kept.skills,
            tools=kept.tools,
            posting=posting,
        )
        origins = dataclasses.replace(
            origins,
            template=template.pk,
            template_version=template.version,
            template_items=template_items_of(template),
        )
    posting, origins = fill_posting(
        chosen.posting, origins, content=content, department=department, office=office
    )
    return dataclasses.replace(chosen, posting=posting, origins=origins)


def template_choices(chosen: DraftChoices) -> DraftChoices:
    """What a template keeps of a draft's choices: its tasks, skills, tools and the posting's
    own texts (not the blocks', the office's, the pay or the closing date), no origins."""
    posting = type(chosen.posting)(
        **{name: getattr(chosen.posting, name) for name in TEMPLATE_POSTING_FIELDS}
    )
    return DraftChoices(
        responsibilities=chosen.responsibilities,
        skills=chosen.skills,
        tools=chosen.tools,
        posting=posting,
    )
