"""The wizard's storage, answered from the draft itself.

django-formtools' session and cookie storages key their data by the wizard's class name, so two
tabs on two drafts share one slot and mix their data; they also keep every step's posted data
beside the cleaned choices. Here the draft is the storage: its `current_step` is formtools'
current step, and a step's "data" is only what was typed on it and left before it was valid
(`pending_input`). A valid step lives in the draft's choices alone; `jdbuilder.services.save_step`
writes both.
"""

from __future__ import annotations

from types import MappingProxyType

from django.utils.datastructures import MultiValueDict

from jdbuilder.models import JobDescription


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
    """What a step keeps of a POST it could not save: only its own fields, without NUL.

    formtools keeps the whole POST. Junk keys would grow the draft; the CSRF token must not be
    kept (it can be unmasked to the user's CSRF secret, and drafts end up in backups), nor the
    version number; and PostgreSQL's jsonb refuses NUL, so a typed NUL would make a save fail.
    """
    own = f"{form.prefix}-"
    return {
        key: [value.replace("\x00", "") for value in form.data.getlist(key)]
        for key in form.data
        if key.startswith(own)
    }
