"""Shared by the admin tests: admin URLs, query counts, and round-tripping a change form."""

from __future__ import annotations

from typing import Any

from django.db import connection, models
from django.forms import BooleanField
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse


def changelist_url(model: type[models.Model]) -> str:
    return reverse(f"admin:roles_{model._meta.model_name}_changelist")


def queries_for(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def changeform_post_data(response: Any) -> dict[str, Any]:
    """The POST data a browser would send back, unchanged, from a rendered admin change form."""
    forms = [response.context["adminform"].form]
    for inline_admin_formset in response.context["inline_admin_formsets"]:
        formset = inline_admin_formset.formset
        forms.append(formset.management_form)
        forms.extend(formset.forms)
    data: dict[str, Any] = {}
    for form in forms:
        for bound_field in form:
            value = bound_field.field.prepare_value(bound_field.value())
            if isinstance(bound_field.field, BooleanField):
                if value:  # An unchecked box is simply absent from the POST.
                    data[bound_field.html_name] = "on"
            elif isinstance(value, list | tuple):
                data[bound_field.html_name] = [str(item) for item in value]
            else:
                data[bound_field.html_name] = "" if value is None else str(value)
    return data


def inline_form_prefix(response: Any, model: type[models.Model], pk: int) -> str:
    """The prefix of the inline form that edits the row `pk` of `model`."""
    for inline_admin_formset in response.context["inline_admin_formsets"]:
        formset = inline_admin_formset.formset
        if formset.model is not model:
            continue
        for form in formset.forms:
            if form.instance.pk == pk:
                return form.prefix
    raise AssertionError(f"no inline form for {model.__name__} #{pk}")
