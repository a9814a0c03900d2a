"""The step forms' fields as Bootstrap HTML, built in Python: crispy-forms and Django's widget
templates took 18 ms for the posting step (the currency list alone has 170 options), more than
the whole page may take. The markup matches what crispy's bootstrap5 pack gave (label, control,
`invalid-feedback`, `form-text`), with the control described by its error and help text.

Safety: every value put into the HTML goes through `_e` (the standard library's `html.escape`
with quotes); only the assembled string is marked safe, as `format_html` would.
"""

from __future__ import annotations

import html
from typing import Any

from django import forms
from django.utils.safestring import SafeString, mark_safe


def esc(value: Any) -> str:
    """`value` as text escaped for HTML, quotes included (Django's `escape` without its lazy
    string checks, which cost more than the escaping on pages of a thousand values)."""
    return html.escape(str(value), quote=True)


_e = esc


def assembled(*parts: str) -> SafeString:
    """Markup assembled from our literal tags and values escaped with `_e`, as safe HTML."""
    return mark_safe("".join(parts))  # noqa: S308 - every value in `parts` went through _e


def _attrs(attrs: dict[str, Any]) -> str:
    parts = []
    for key, value in attrs.items():
        if value is True:
            parts.append(f" {_e(key)}")
        elif value is not False and value is not None:  # keep 0 (min="0")
            parts.append(f' {_e(key)}="{_e(value)}"')
    return "".join(parts)


def _control_attrs(bound, base_class: str, described: list[str]) -> dict[str, Any]:
    widget = bound.field.widget
    attrs = dict(widget.attrs)
    attrs["class"] = " ".join(
        filter(None, [base_class, attrs.get("class"), "is-invalid" if bound.errors else ""])
    )
    if bound.field.required:
        attrs["aria-required"] = "true"
    if bound.errors:
        attrs["aria-invalid"] = "true"
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return attrs


def _extras(bound, anchor: str) -> tuple[str, str, list[str]]:
    """(errors HTML, help HTML, ids describing the control)."""
    described, errors_html, help_html = [], "", ""
    if bound.errors:
        described.append(f"{anchor}_error")
        text = "".join(f"<strong>{_e(message)}</strong> " for message in bound.errors)
        errors_html = f'<div id="{_e(anchor)}_error" class="invalid-feedback d-block">{text}</div>'
    if bound.help_text:
        described.append(f"{anchor}_helptext")
        help_html = f'<div id="{_e(anchor)}_helptext" class="form-text">{_e(bound.help_text)}</div>'
    return errors_html, help_html, described


def _options(choices, chosen: set[str]) -> str:
    parts = []
    for value, label in choices:
        if isinstance(label, list | tuple):  # an optgroup
            parts.append(f'<optgroup label="{_e(value)}">{_options(label, chosen)}</optgroup>')
            continue
        selected = " selected" if str(value) in chosen else ""
        parts.append(f'<option value="{_e(value)}"{selected}>{_e(label)}</option>')
    return "".join(parts)


def radio_items(bound) -> SafeString:
    """A radio field's choices (the widget's: the role step shows a search's roles only), ids
    `<id>_<index>` as Django gives them."""
    widget, anchor, name = bound.field.widget, bound.auto_id, _e(bound.html_name)
    value = bound.value()
    chosen = "" if value is None else str(value)
    extra = _attrs({k: v for k, v in widget.attrs.items() if k != "class"})
    invalid = " is-invalid" if bound.errors else ""
    items = []
    for index, (choice, text) in enumerate(widget.choices):
        checked = " checked" if str(choice) == chosen else ""
        item_id = _e(f"{anchor}_{index}")
        items.append(
            f'<div class="form-check"><input type="radio" class="form-check-input{invalid}" '
            f'name="{name}" value="{_e(choice)}" id="{item_id}"{checked}{extra}>'
            f'<label class="form-check-label" for="{item_id}">{_e(text)}</label></div>'
        )
    return assembled(*items)


def field_html(bound) -> SafeString:
    """One field: its label, control, errors and help, the way the steps show them."""
    widget, field = bound.field.widget, bound.field
    anchor = bound.auto_id
    name, label = _e(bound.html_name), _e(bound.label)
    errors_html, help_html, described = _extras(bound, anchor)
    value = bound.value()
    if isinstance(widget, forms.RadioSelect):
        described_by = f' aria-describedby="{_e(" ".join(described))}"' if described else ""
        return assembled(
            f'<fieldset class="mb-3" id="div_{_e(anchor)}"{described_by}>'
            f'<legend class="form-label fs-6">{label}</legend>{radio_items(bound)}'
            f"{errors_html}{help_html}</fieldset>"
        )
    if isinstance(widget, forms.Select):
        attrs = _control_attrs(bound, "form-select", described)
        chosen = {"" if value is None else str(value)}
        control = (
            f'<select name="{name}" id="{_e(anchor)}"{_attrs(attrs)}>'
            f"{_options(widget.choices, chosen)}</select>"
        )
    elif isinstance(widget, forms.Textarea):
        attrs = _control_attrs(bound, "form-control", described)
        attrs.setdefault("cols", 40)
        text = widget.format_value(value) or ""
        control = (
            f'<textarea name="{name}" id="{_e(anchor)}"{_attrs(attrs)}>\n{_e(text)}</textarea>'
        )
    else:
        attrs = {"type": widget.input_type, **_control_attrs(bound, "form-control", described)}
        if getattr(field, "max_length", None) and widget.input_type == "text":
            attrs.setdefault("maxlength", field.max_length)
        shown = widget.format_value(value)
        value_attr = f' value="{_e(shown)}"' if shown not in (None, "") else ""
        control = f'<input name="{name}" id="{_e(anchor)}"{value_attr}{_attrs(attrs)}>'
    return assembled(
        f'<div class="mb-3" id="div_{_e(anchor)}"><label for="{_e(anchor)}" class="form-label">'
        f"{label}</label>{control}{errors_html}{help_html}</div>"
    )


class FieldsHTML:
    """`form.html.<name>` in a template: the field's HTML, built once per page."""

    def __init__(self, form: forms.Form) -> None:
        self.form = form
        self.built: dict[str, SafeString] = {}

    def __getitem__(self, name: str) -> SafeString:
        if name not in self.built:
            self.built[name] = field_html(self.form[name])
        return self.built[name]
