"""The navigation's "Waiting for me" count: `{% load approvals %}{% waiting_count as n %}`.

`n` is None for users with no queue (neither an approver of any stage nor staff): the link is
not shown, and finding that out costs no query (`jdbuilder.approvals.queue`).
"""

from __future__ import annotations

from django import template

from jdbuilder.approvals.queue import waiting_count as count_for

register = template.Library()


@register.simple_tag(takes_context=True)
def waiting_count(context) -> int | None:
    request = context.get("request")
    if request is None:
        return None
    return count_for(request)
