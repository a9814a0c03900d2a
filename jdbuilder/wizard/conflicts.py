"""The wizard's conflicts: a step posted after the draft was saved elsewhere is merged, never
written over the other save, and never thrown away.

A conflict is a posted version that is not the draft's any more, or a save that lost the race
to another one after passing that check (`save_step` raises DraftChanged). Either way the draft
is read again ("theirs", the newest) and the step is shown as a merge: each field that differs,
theirs beside yours, and a required choice per field (`jdbuilder.wizard.merge`). The step form
below it keeps the old version, so pressing Save on it again only shows the merge again.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.datastructures import MultiValueDict

from jdbuilder.catalog import RoleCatalog
from jdbuilder.models import JobDescription
from jdbuilder.vocabulary import WizardStep
from jdbuilder.wizard.merge import Difference, differences, form_data, merged_data, missing_choices
from jdbuilder.wizard.storage import DraftStorage, unsaved_input

MERGE_VERSION = "merge_version"  # the version "theirs" had when the merge was shown
MERGE_NEXT = "merge_next"  # where the wizard goes once the merged step is saved
READ_VERSION = "jd_version"  # views.VERSION_FIELD (views imports this module): the page's version
CONFLICT = (
    "This draft was changed in another tab or window after this page was opened. Nothing you "
    "typed is lost: for each field below, keep theirs or yours, then save your choices."
)
CHANGED_AGAIN = "The draft was saved elsewhere again meanwhile: compare with its newest version."
REVIEW_CONFLICT = (
    "This draft was changed in another tab or window after this page was opened, so it was "
    "not finalized. Below is its newest version: check it, then finalize again."
)
FINAL = "This job description was finalized meanwhile. Choose “Edit” to revise it."
# A save that finds nothing to merge is retried on the newest version this many times at most.
AUTOMATIC_RETRIES = 1


class ConflictMixin:
    """What JobDescriptionWizard does on a conflict, and with the merge form's choices."""

    def render_conflict(self, form, *, next_step: str, goto: bool = False) -> HttpResponse:
        """The draft changed since this page was read: merge `form`'s input with the newest."""
        step = self.steps.current
        yours = unsaved_input(form)
        if not self.use_newest_draft(step):
            return self.leave_final_draft()
        if step == WizardStep.REVIEW:
            # Nothing to merge: show what would be finalized now; Finalize again is deliberate.
            self.version = self.job_description.lock_version
            return self.render(self.get_form(), conflict=REVIEW_CONFLICT, status=409)
        found = differences(step, self.theirs(step), yours)
        retries = getattr(self, "_conflict_retries", 0)
        if not found and retries < AUTOMATIC_RETRIES:
            # The other save was on another step: save this one on the newest version.
            self._conflict_retries = retries + 1
            self.version = self.job_description.lock_version
            form = self.get_form(data=_data(yours))
            return self.save_or_show(step, form, next_step=next_step, goto=goto)
        return self.render_merge(step, yours, found, next_step=next_step)

    def save_merge(self, step: str, *, next_step: str) -> HttpResponse:
        """The merge form was sent: save the merged step, or show the merge again."""
        post = self.request.POST
        yours = unsaved_input(self.get_form(data=post))
        if not self.use_newest_draft(step):
            return self.leave_final_draft()
        theirs = self.theirs(step)
        found = differences(step, theirs, yours)
        if post.get(MERGE_VERSION) != str(self.job_description.lock_version) and found:
            return self.render_merge(step, yours, found, next_step=next_step, error=CHANGED_AGAIN)
        missing = missing_choices(found, post)
        if missing:
            names = ", ".join(f"“{d.label}”" for d in missing)
            error = (
                f"Choose theirs or yours for every field that differs. Still to choose: {names}."
            )
            return self.render_merge(step, yours, found, next_step=next_step, error=error)
        # Saved on the newest version: the other steps keep their newest choices.
        self.version = self.job_description.lock_version
        form = self.get_form(data=_data(merged_data(step, theirs, yours, post)))
        if not form.is_valid():
            return self.render(form)
        return self.save_and_redirect(step, form, next_step=next_step)

    def render_merge(
        self, step: str, yours: dict, found: list[Difference], *, next_step: str, error: str = ""
    ) -> HttpResponse:
        # The step form below shows yours, and keeps the version this page was read at (not the
        # newest): pressing its Save again shows this merge again instead of overwriting.
        self.version = self.request.POST.get(READ_VERSION, "")
        form = self.get_form(data=_data(yours))
        merge = {
            "differences": found,
            "yours": [(key, value) for key, values in yours.items() for value in values],
            "version": self.job_description.lock_version,
            "version_field": MERGE_VERSION,
            "read_version_field": READ_VERSION,
            "read_version": self.version,
            "next_field": MERGE_NEXT,
            "next_step": next_step,
            "error": error,
        }
        return self.render(form, conflict=CONFLICT, merge=merge, status=409)

    def use_newest_draft(self, step: str) -> bool:
        """Read the draft again, as saved now; False if it is final meanwhile."""
        try:
            newest = JobDescription.objects.select_related("role").get(pk=self.job_description.pk)
        except JobDescription.DoesNotExist:
            raise Http404("This job description was deleted.") from None
        self.job_description = newest
        if not newest.is_editable:
            return False
        self.catalog = RoleCatalog.for_draft(newest)
        self.storage = DraftStorage(newest)
        self.storage.current_step = step
        return True

    def leave_final_draft(self) -> HttpResponse:
        messages.info(self.request, FINAL)
        return redirect(self.job_description)

    def theirs(self, step: str) -> dict[str, list[str]]:
        """The newest draft's step as its page would post it: what was left typed on it, or its
        saved choices."""
        pending = self.job_description.pending_input.get(step)
        return dict(pending) if pending else form_data(self.get_form())


def _data(data: dict[str, Any]) -> MultiValueDict:
    return MultiValueDict({key: list(values) for key, values in data.items()})
