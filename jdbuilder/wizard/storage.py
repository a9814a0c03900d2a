"""Wizard storage kept on the draft itself.

django-formtools' session and cookie storages key their data by the wizard's class name, so two
tabs on two drafts share one slot and mix their data. This storage keeps each draft's wizard data
in its own row, which also makes drafts survive a closed browser and work across app servers.
"""

from __future__ import annotations

from formtools.wizard.storage.base import BaseStorage

from jdbuilder.models import JobDescription


class JobDescriptionStorage(BaseStorage):
    def __init__(self, prefix, request=None, file_storage=None, *, job_description: JobDescription):
        super().__init__(prefix, request, file_storage)
        self.job_description = job_description
        if not job_description.wizard_state:
            self.init_data()

    def _get_data(self) -> dict:
        return self.job_description.wizard_state

    def _set_data(self, value: dict) -> None:
        self.job_description.wizard_state = value

    data = property(_get_data, _set_data)

    def _set_current_step(self, step):
        super()._set_current_step(step)
        self.job_description.current_step = step or ""

    # Posted with every step but not data: a CSRF token must not be kept (it can be unmasked to
    # the user's CSRF secret, and drafts end up in backups), nor a stale version number.
    NOT_STEP_DATA = ("csrfmiddlewaretoken", "jd_version", "wizard_goto_step")

    def set_step_data(self, step, cleaned_data):
        super().set_step_data(step, cleaned_data)
        data = self.data[self.step_data_key][step]
        for key in self.NOT_STEP_DATA:
            data.pop(key, None)

    def clear_steps(self, steps) -> None:
        """Forget what was entered on `steps`, so they start again from the catalog defaults."""
        for step in steps:
            self.data[self.step_data_key].pop(step, None)
