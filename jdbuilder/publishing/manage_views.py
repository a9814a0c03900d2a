"""The JD page's publishing actions (POST only): publish (or publish a newer revision, or
reopen), close now, unpublish. Each is thin: the form, the service, back to the JD page with a
message. A JD the user cannot see is a 404 (as everywhere: never a 403 that confirms it
exists); one they can see but may not publish is a 403.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from jdbuilder.models import JobDescription
from jdbuilder.publishing import services
from jdbuilder.publishing.manage_forms import PublishForm, publish_facts
from jdbuilder.views import job_description_detail

NOT_ISSUED = "Only an issued job description can be published: finalize it first."
NOT_PUBLISHED = "This job description is not published."
# Where the JD page's publishing panel finds a bound form to show again with its errors.
FORM_ATTRIBUTE = "publishing_form"


def _publishable(request: HttpRequest, public_id) -> JobDescription:
    job_description = get_object_or_404(
        JobDescription.objects.visible_to(request.user), public_id=public_id
    )
    if not request.user.has_perm(services.PUBLISH_PERMISSION):
        raise PermissionDenied
    return job_description


def _again(request: HttpRequest, public_id, form: PublishForm) -> HttpResponse:
    """The JD page again, its panel showing `form` with its errors (nothing was changed)."""
    setattr(request, FORM_ATTRIBUTE, form)
    return job_description_detail(request, public_id)


@require_POST
@login_required
def publish(request: HttpRequest, public_id) -> HttpResponse:
    job_description = _publishable(request, public_id)
    if job_description.latest_revision_id is None:
        messages.error(request, NOT_ISSUED)
        return redirect(job_description)
    form = PublishForm(request.POST, facts=publish_facts(job_description))
    if not form.is_valid():
        return _again(request, public_id, form)
    try:
        posting = services.publish(
            job_description=job_description,
            user=request.user,
            closes_on=form.cleaned_data["closes_on"],
            override_reason=form.reason,
        )
    except services.NotAllowed:
        raise PermissionDenied from None
    except services.PayOverrideNeeded:
        # The revision changed under the page (or the gate was not shown): ask for the reason.
        form = PublishForm(request.POST, facts=publish_facts(job_description))
        form.is_valid()
        form.add_error(
            None,
            "This revision has a pay-transparency error: publish it only with a reason.",
        )
        return _again(request, public_id, form)
    except services.PublishRefused as refused:
        messages.error(request, str(refused))
        return redirect(job_description)
    until = (
        f"open until {posting.closes_on.day} {posting.closes_on:%B %Y}"
        if posting.closes_on
        else "open with no closing date"
    )
    messages.success(
        request,
        f"Revision {posting.revision.number} is on the careers page, {until}, at "
        f"{posting.get_absolute_url()}.",
    )
    return redirect(job_description)


@require_POST
@login_required
def unpublish(request: HttpRequest, public_id) -> HttpResponse:
    return _act(
        request,
        public_id,
        services.unpublish,
        done="Taken off the careers page: its address no longer answers.",
    )


@require_POST
@login_required
def close(request: HttpRequest, public_id) -> HttpResponse:
    return _act(
        request,
        public_id,
        services.close,
        done="Closed: its page says so, and it has left the feeds and the sitemap.",
    )


def _act(request: HttpRequest, public_id, action: Callable[..., object], *, done: str):
    """Close or unpublish: the service, then the JD page with what happened."""
    job_description = _publishable(request, public_id)
    if job_description.latest_revision_id is None:
        messages.error(request, NOT_PUBLISHED)
        return redirect(job_description)
    try:
        action(job_description=job_description, user=request.user)
    except services.NotAllowed:
        raise PermissionDenied from None
    except services.PublishRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, done)
    return redirect(job_description)
