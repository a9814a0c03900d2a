"""The one-click fixes' endpoint: a finding's button in the preview posts here.

The preview region is cached, so it holds no CSRF token: each fix is a
`<button form="finding-fixes" name="fix" value="...">`, and the step page (and the preview's
frame without JavaScript) has the one form `finding-fixes`, with the token, posting here. The
region's buttons carry the draft's version they were computed for (`jd_version`). Works without
JavaScript: a plain form post, then a redirect back to the step with a message.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from jdbuilder.models import JobDescription
from jdbuilder.services import AlreadyFinal, DraftChanged
from jdbuilder.wizard import fix_services
from jdbuilder.wizard.fields import as_int
from jdbuilder.wizard.views import LOCKED_MESSAGES, STEPS, VERSION_FIELD

STALE = (
    "This draft was saved in another tab or window after this page was loaded, so the fix was "
    "not made. The page now shows the draft as saved: choose the fix again if it is still needed."
)


@login_required
@require_POST
def apply_fix(request: HttpRequest, public_id, step: str) -> HttpResponse:
    """Apply the posted `fix` to the user's draft and go back to `step` with what it did."""
    if step not in dict(STEPS):
        raise Http404("No such step.")
    jd = get_object_or_404(
        JobDescription.objects.editable_by(request.user).select_related("role"),
        public_id=public_id,
    )
    version = as_int(request.POST.get(VERSION_FIELD))
    if version is None:
        return HttpResponseBadRequest("The fix came without the draft's version. Reload the page.")
    back = reverse("jd:wizard_step", kwargs={"public_id": jd.public_id, "step": step})
    try:
        said = fix_services.apply_fix(
            job_description=jd,
            fix=request.POST.get("fix", ""),
            expected_version=version,
            user=request.user,
        )
    except AlreadyFinal:
        jd.refresh_from_db(fields=["status"])
        messages.info(request, LOCKED_MESSAGES.get(jd.status, "This is not a draft any more."))
        return redirect(jd)
    except DraftChanged:
        messages.error(request, STALE)
        return redirect(back)
    except fix_services.FixRefused as refused:
        messages.error(request, str(refused))
        return redirect(back)
    messages.success(request, said)
    return redirect(back)
