"""The wizard's storage, answered from the draft itself.

django-formtools' session and cookie storages key their data by the wizard's class name, so two
tabs on two drafts share one slot and mix their data; they also keep every step's posted data
beside the cleaned choices. Here the draft is the storage: its `current_step` is formtools'
current step, and a step's "data" is only what was typed on it and left before it was valid
(`pending_input`). A valid step lives in the draft's choices alone; `jdbuilder.services.save_step`
writes both.
"""

from __future__ import annotations

from collections.abc import Iterator
from types import MappingProxyType

from django.forms import BaseFormSet
from django.utils.datastructures import MultiValueDict

from jdbuilder.models import JobDescription
from jdbuilder.wizard.fields import capped


class DraftStorage:
    """The part of formtools' storage API the wizard uses: the current step, and a step's data."""

    # formtools adds a storage's extra data to every step's context; the draft keeps none.
    extra_data = MappingProxyType({})

    def __init__(self, job_description: JobDescription) -> None:
        self.job_description = job_description
        self.current_step: str | None = job_description.current_step or None

    def get_step_data(self, step: str) -> MultiValueDict | None:
        """What was typed on `step` and not yet valid, as posted; None once the step is saved."""
        pending = self.job_description.pending_input.get(step)
        return MultiValueDict(pending) if pending else None

    @property
    def current_step_data(self) -> MultiValueDict | None:
        return self.get_step_data(self.current_step) if self.current_step else None

    def has_unsaved_input(self, step: str) -> bool:
        return step in self.job_description.pending_input


def unsaved_input(form) -> dict[str, list[str]]:
    """What a step keeps of a POST it could not save: only its own fields, without NUL, cut to
    the size caps (`jdbuilder.wizard.fields`: each value, and the whole step).

    formtools keeps the whole POST. Junk keys would grow the draft (one POST grew a draft to
    1.4 million characters), so only the names the step's form reads are kept; the CSRF token
    must not be kept (it can be unmasked to the user's CSRF secret, and drafts end up in
    backups), nor the version number; and PostgreSQL's jsonb refuses NUL, so a typed NUL would
    make a save fail. A capped input says so when the step shows it again.
    """
    names = set(_field_names(form))
    items = (
        (key, [value.replace("\x00", "") for value in form.data.getlist(key)])
        for key in form.data
        if key in names
    )
    return capped(items, form.prefix)


def _field_names(form) -> Iterator[str]:
    """The posted names `form` (a step form or formset) reads."""
    if isinstance(form, BaseFormSet):
        management = form.management_form
        yield from (management.add_prefix(name) for name in management.fields)
        for row in form.forms:  # at most the formset's absolute_max rows
            yield from (row.add_prefix(name) for name in row.fields)
    else:
        yield from (form.add_prefix(name) for name in form.fields)
