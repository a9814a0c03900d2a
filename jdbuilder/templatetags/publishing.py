"""The JD page's publishing panel: `{% load publishing %}{% publishing_panel job_description %}`.

The JD page's view does not compute it: the tag reads the posting and the latest revision
(reusing the page's `revision` and `document` when they are the latest), a fixed number of
queries whatever the JD's timeline. People who may publish get the actions; others who can
see the JD get the posting's state only. A POST the manage views refused leaves its bound
form on the request, and the panel shows that form with its errors.
"""

from __future__ import annotations

from django import template

from jdbuilder.publishing import services
from jdbuilder.publishing.manage_forms import PublishForm, publish_facts
from jdbuilder.publishing.manage_views import FORM_ATTRIBUTE

register = template.Library()


@register.inclusion_tag("publishing/_manage_panel.html", takes_context=True)
def publishing_panel(context, job_description) -> dict:
    request = context.get("request")
    if request is None or job_description.latest_revision_id is None:
        return {"shown": False}
    revisions = context.get("revisions") or ()
    latest = next((r for r in revisions if r.pk == job_description.latest_revision_id), None)
    page_revision = context.get("revision")
    same = page_revision is not None and page_revision.pk == job_description.latest_revision_id
    facts = publish_facts(
        job_description,
        revision=page_revision if same else latest,
        document=context.get("document") if same else None,
    )
    may_publish = services.can_publish(request.user, job_description)
    form = getattr(request, FORM_ATTRIBUTE, None)
    if may_publish and form is None and facts.publish_label:
        form = PublishForm(facts=facts)
    return {
        "shown": True,
        "facts": facts,
        "posting": facts.posting,
        "may_publish": may_publish,
        "form": form if may_publish else None,
        "job_description": job_description,
        "csrf_token": context.get("csrf_token"),
    }
