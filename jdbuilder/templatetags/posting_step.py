"""The posting step's band panel (templates/jdbuilder/wizard/posting.html).

Only the call: the panel is the step form's (`PostingStepForm.band_panel`, in the wizard, a
layer above this one), which needs the user a template cannot pass to a method.
"""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def band_panel_for(form: Any, user: Any) -> Any:
    """`{% with panel=wizard.form|band_panel_for:request.user %}`: the band `user` is shown for
    the draft's role, seniority and the office the form shows (no query)."""
    return form.band_panel(user)
