"""Tags for the pages that show a draft's "updated since you started" banner and the JD page's
"Save as template" form, whose views do not compute them (the JD page's is shared)."""

from __future__ import annotations

from django import template

from jdbuilder.organization.services import pending_for, template_departments

register = template.Library()


@register.simple_tag(takes_context=True)
def draft_updates(context, job_description) -> list:
    """The changes offered to the draft: the wizard's own (`pending_updates` in its context),
    else computed for its owner from the kept rows. None for anyone else, or a final JD."""
    if "pending_updates" in context:
        return context["pending_updates"]
    request = context.get("request")
    if request is None or job_description.owner_id != request.user.pk:
        return []
    if not job_description.is_editable:
        return []
    return pending_for(job_description)


@register.simple_tag(takes_context=True)
def departments_for_templates(context) -> list:
    """The departments the user may save a template for (all for staff)."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return []
    return template_departments(request.user)
