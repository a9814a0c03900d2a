"""The step bar's states (done, incomplete and why, not visited yet) and the `?focus=` field of a
finding's link. Read from the draft: what is saved (`DraftChoices.saved_steps`) and what was typed
and left before it was valid (`pending_input`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from jdbuilder.drafts import DraftChoices
from jdbuilder.models import JobDescription


@dataclass(frozen=True)
class StepState:
    name: str
    title: str
    number: int
    current: bool
    state: str  # "done", "incomplete" or "not-visited"
    why: str  # the words shown: "done", "input not saved yet, 2 fields need attention", ...
    url: str

    @property
    def done(self) -> bool:
        return self.state == "done"


def error_count(form: Any) -> int:
    """How many fields (or rows' fields) of a bound step form have errors, plus one for an
    error of the whole form."""
    if hasattr(form, "forms"):
        count = sum(len(row.errors) for row in form.forms)
        return count + (1 if form.non_form_errors() else 0)
    errors = form.errors
    return len(errors)


def _why_pending(errors: int) -> str:
    if not errors:
        return "input not saved yet"
    fields = "field needs" if errors == 1 else "fields need"
    return f"input not saved yet, {errors} {fields} attention"


def step_states(
    *,
    job_description: JobDescription,
    titles: dict[str, str],
    current: str,
    current_form: Any,
    pending_form: Any,
) -> list[StepState]:
    """Each step as done (saved, nothing pending), incomplete (and why) or not yet visited.

    `pending_form(step)` builds a step's form bound to its pending input, to count its errors.
    A step after the furthest one saved, pending or open has not been visited yet.
    """
    jd = job_description
    chosen: DraftChoices = jd.chosen
    steps = list(titles)
    last = steps[-1]
    touched = [
        index
        for index, step in enumerate(steps)
        if step == current or chosen.is_saved(step) or step in jd.pending_input
    ]
    furthest = max(touched) if touched else 0
    states = []
    for index, step in enumerate(steps):
        pending = step in jd.pending_input
        if step == last:
            # The review step has nothing to save: it is done when every other step is.
            missing = sum(1 for s in states if not s.done)
            state = "done" if not missing else "incomplete"
            why = (
                "ready to finalize"
                if not missing
                else f"{missing} step{'s' if missing != 1 else ''} to complete"
            )
            if index > furthest and missing:
                state, why = "not-visited", "not visited yet"
        elif pending:
            form = current_form if step == current and current_form is not None else None
            form = form if form is not None and form.is_bound else pending_form(step)
            state, why = "incomplete", _why_pending(error_count(form))
        elif chosen.is_saved(step):
            state, why = "done", "done"
        elif index <= furthest:
            state, why = "incomplete", "not saved yet"
        else:
            state, why = "not-visited", "not visited yet"
        states.append(
            StepState(
                name=step,
                title=titles[step],
                number=index + 1,
                current=step == current,
                state=state,
                why=why,
                url=reverse("jd:wizard_step", kwargs={"public_id": jd.public_id, "step": step}),
            )
        )
    return states


def set_autofocus(form: Any, html_name: str) -> bool:
    """Give the field whose html name is `html_name` the autofocus attribute; False if the form
    has none of that name (a link from an old page, or a tampered one: nothing happens)."""
    for each in form.forms if hasattr(form, "forms") else [form]:
        for bound in each:
            if bound.html_name == html_name:
                bound.field.widget.attrs["autofocus"] = True
                return True
    return False
