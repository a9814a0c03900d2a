"""The step bar: each step done, incomplete (and why) or not visited yet, in words; the review
step lists what is missing; and Enter's default button is "Save and continue"."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from tests.support.wizard import valid_posting

pytestmark = pytest.mark.django_db


class StepBar(HTMLParser):
    """The step bar's entries as (text, current, button value), and the submit buttons in
    source order with the form they belong to."""

    def __init__(self) -> None:
        super().__init__()
        self.entries: list[dict] = []
        self.submits: list[dict] = []
        self._nav = False
        self._entry: dict | None = None
        self._form_depth = 0
        self._button: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and "wizard-form" in (a.get("class") or ""):
            self._form_depth = 1
        if tag == "nav" and a.get("aria-label") == "Wizard steps":
            self._nav = True
        if self._nav and tag in ("span", "button") and "step-link" in (a.get("class") or ""):
            self._entry = {"text": "", "current": a.get("aria-current") == "step", **a}
        if tag == "button" and a.get("type", "submit") == "submit":
            self._button = {"in_form": bool(self._form_depth), "text": "", **a}

    def handle_data(self, data):
        if self._entry is not None:
            self._entry["text"] += data
        if self._button is not None:
            self._button["text"] += data

    def handle_endtag(self, tag):
        if tag == "form" and self._form_depth:
            self._form_depth = 0
        if tag == "nav":
            self._nav = False
        if tag in ("span", "button") and self._entry is not None and tag == self._entry_tag():
            self._entry["text"] = " ".join(self._entry["text"].split())
            self.entries.append(self._entry)
            self._entry = None
        if tag == "button" and self._button is not None:
            self._button["text"] = " ".join(self._button["text"].split())
            self.submits.append(self._button)
            self._button = None

    def _entry_tag(self):
        return "button" if "value" in self._entry else "span"


def bar(response) -> StepBar:
    parser = StepBar()
    parser.feed(response.content.decode())
    return parser


def states(response) -> dict[str, str]:
    return {
        re.sub(r"^\d+\. ", "", e["text"]).split(" (")[0]: e["text"] for e in bar(response).entries
    }


def test_a_new_draft_shows_the_open_step_and_the_steps_not_visited(start):
    wizard = start()
    parsed = bar(wizard.get("role"))
    texts = [e["text"] for e in parsed.entries]
    assert texts == [
        "1. Role (not saved yet)",
        "2. Responsibilities (not visited yet)",
        "3. Skills and proficiency (not visited yet)",
        "4. Tools (not visited yet)",
        "5. Posting details (not visited yet)",
        "6. Review and finalize (not visited yet)",
    ]
    assert [e["current"] for e in parsed.entries] == [True] + [False] * 5


def test_saved_steps_are_done_and_skipped_ones_incomplete(start):
    wizard = start()
    wizard.submit("role")
    wizard.submit("responsibilities", goto="tools")  # valid: saved on the way
    shown = states(wizard.get("tools"))
    assert shown["Role"] == "1. Role (done)"
    assert shown["Responsibilities"] == "2. Responsibilities (done)"
    assert shown["Skills and proficiency"] == "3. Skills and proficiency (not saved yet)"
    assert shown["Tools"] == "4. Tools (not saved yet)"
    assert shown["Posting details"] == "5. Posting details (not visited yet)"


def test_a_step_left_with_invalid_input_says_how_many_fields_need_attention(start):
    wizard = start()
    wizard.submit(
        "posting",
        valid_posting(**{"posting-company_name": "", "posting-salary_currency": "nope"}),
        goto="review",
    )
    shown = states(wizard.get("review"))
    assert shown["Posting details"] == (
        "5. Posting details (input not saved yet, 2 fields need attention)"
    )
    # On the step itself, its state comes from the form as shown.
    shown = states(wizard.get("posting"))
    assert "input not saved yet, 2 fields need attention" in shown["Posting details"]


def test_review_lists_what_is_missing_with_links(start):
    wizard = start()
    wizard.submit("role")
    html = wizard.get("review").content.decode()
    missing = html.split('id="missing-steps"')[1].split("</section>")[0]
    for number, step in ((2, "responsibilities"), (3, "skills"), (4, "tools"), (5, "posting")):
        assert f'href="/jd/{wizard.jd.public_id}/edit/{step}/">{number}.' in missing
    assert "/edit/role/" not in missing
    assert "Before you can finalize" in missing


def test_review_says_ready_when_every_step_is_saved(start):
    wizard = start()
    for step in ("role", "responsibilities", "skills", "tools"):
        wizard.submit(step)
    wizard.submit("posting", valid_posting())
    response = wizard.get("review")
    assert "ready to finalize" in response.content.decode()
    assert response.context["missing"] == []
    assert states(response)["Review and finalize"] == "6. Review and finalize (ready to finalize)"


def test_save_and_continue_is_the_forms_default_button(start):
    """Enter submits with the form's first submit button in source order: it must be "Save and
    continue", with the step links (outside the form) and Back after it."""
    wizard = start()
    wizard.submit("role")
    for step in ("responsibilities", "posting"):
        submits = bar(wizard.get(step)).submits
        own = [b for b in submits if b["in_form"] or b.get("form") == "wizard-form"]
        assert own[0]["text"] == "Save and continue", own[:3]
        steps = [b for b in submits if b.get("name") == "wizard_goto_step"]
        assert steps and all(b["in_form"] or b.get("form") == "wizard-form" for b in steps)
    # The step links still save what was typed and go where they say.
    response = wizard.submit(
        "posting", {"posting-summary": "Typed, then a step link."}, goto="role"
    )
    assert response.status_code == 302 and response.url.endswith("/edit/role/")
