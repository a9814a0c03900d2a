"""The library's GET filter form and the POST form that picks JDs for an export."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from jdbuilder.exports.kinds import ExportKind
from jdbuilder.exports.services import MAX_EXPORT_ITEMS, too_many_message
from jdbuilder.models import JobDescriptionQuerySet
from jdbuilder.vocabulary import EmploymentType, LibrarySort, WorkplaceType
from roles.models import Role

MAX_QUERY_LENGTH = 100


class DateInput(forms.DateInput):
    """An `<input type="date">` that never echoes an invalid value.

    HTML allows only a yyyy-mm-dd value there (browsers show an empty field for anything else),
    so an invalid entry is dropped from the input; the field's error message says what was wrong.
    """

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")

    def format_value(self, value: Any) -> str | None:
        formatted = super().format_value(value)
        try:
            datetime.date.fromisoformat(formatted or "")
        except ValueError:
            return None
        return formatted


class LibraryFilterForm(forms.Form):
    """Search, filters and sort of the library; every field is optional."""

    q = forms.CharField(
        label="Search",
        required=False,
        max_length=MAX_QUERY_LENGTH,
        help_text="Title, role, company or location.",
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    role = forms.ModelChoiceField(
        label="Role",
        queryset=Role.objects.none(),
        required=False,
        to_field_name="slug",
        empty_label="Any role",
    )
    workplace_type = forms.ChoiceField(
        label="Workplace",
        required=False,
        choices=[("", "Any workplace"), *WorkplaceType.choices],
    )
    employment_type = forms.ChoiceField(
        label="Employment type",
        required=False,
        choices=[("", "Any employment type"), *EmploymentType.choices],
    )
    finalized_from = forms.DateField(
        label="Finalized from",
        required=False,
        widget=DateInput(),
    )
    finalized_to = forms.DateField(
        label="Finalized to",
        required=False,
        widget=DateInput(),
    )
    sort = forms.ChoiceField(label="Sort by", required=False, choices=LibrarySort.choices)

    def __init__(self, *args: Any, roles: QuerySet[Role], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].queryset = roles

    def clean_q(self) -> str:
        return " ".join(self.cleaned_data["q"].split())

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        start, end = cleaned.get("finalized_from"), cleaned.get("finalized_to")
        if start and end and start > end:
            self.add_error("finalized_to", "Pick a date on or after the “from” date.")
        return cleaned

    def apply(self, queryset: JobDescriptionQuerySet) -> JobDescriptionQuerySet:
        """Filter and sort by the fields that are valid; an invalid field filters nothing."""
        data = getattr(self, "cleaned_data", {})
        role = data.get("role")
        return (
            queryset.search(data.get("q", ""))
            .matching(
                role_slug=role.slug if role else "",
                workplace_type=data.get("workplace_type", ""),
                employment_type=data.get("employment_type", ""),
                finalized_from=data.get("finalized_from"),
                finalized_to=data.get("finalized_to"),
            )
            .sorted_by(data.get("sort") or LibrarySort.NEWEST)
        )


class PublicIdsField(forms.Field):
    """A list of JD public ids, as the row checkboxes post them."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "invalid": "The selection could not be read; select the job descriptions again.",
    }

    def to_python(self, value: Any) -> list[uuid.UUID]:
        if not value:
            return []
        if not isinstance(value, list | tuple):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            ids = [uuid.UUID(str(item)) for item in value]
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        return list(dict.fromkeys(ids))  # a row posted twice counts once, order kept


class ExportForm(forms.Form):
    """What to export: the ticked rows, or everything the page's search matches; and the format.

    The revisions are looked up here, in the user's library, never taken from the client:
    `cleaned_data["revision_ids"]` are the latest revisions of the JDs picked, in the order
    picked (the rows' order, or the search's sort).
    """

    export_kind = forms.ChoiceField(
        label="Export as",
        choices=ExportKind.choices,
        initial=ExportKind.ZIP,
        error_messages={
            "required": "Choose a format for the export.",
            "invalid_choice": "Choose one of the formats offered: ZIP of PDFs, one PDF or CSV.",
        },
    )
    everything = forms.BooleanField(label="Everything matching this search", required=False)
    ids = PublicIdsField(required=False)

    def __init__(
        self,
        *args: Any,
        library: JobDescriptionQuerySet,
        matching: JobDescriptionQuerySet,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.library = library  # every JD the user may read
        self.matching = matching  # what the page's search shows, in its order

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.errors:
            return cleaned
        if cleaned.get("everything"):
            cleaned["revision_ids"] = self._everything_matching()
        else:
            cleaned["revision_ids"] = self._selected(cleaned.get("ids") or [])
        return cleaned

    def _everything_matching(self) -> list[int]:
        # One more than the cap tells whether there are too many without counting them all.
        ids = list(
            self.matching.values_list("latest_revision_id", flat=True)[: MAX_EXPORT_ITEMS + 1]
        )
        if not ids:
            raise ValidationError("No job description matches this search: nothing to export.")
        if len(ids) > MAX_EXPORT_ITEMS:
            raise ValidationError(
                too_many_message(self.matching.count(), what="This search matches"),
                code="too_many",
            )
        return ids

    def _selected(self, ids: list[uuid.UUID]) -> list[int]:
        if not ids:
            raise ValidationError(
                "Select at least one job description to export, or tick “Everything matching "
                "this search”.",
                code="required",
            )
        if len(ids) > MAX_EXPORT_ITEMS:
            raise ValidationError(too_many_message(len(ids), what="You selected"), code="too_many")
        found = dict(
            self.library.filter(public_id__in=ids).values_list("public_id", "latest_revision_id")
        )
        missing = len(ids) - len(found)
        if missing:
            # Not in the library (unknown, a draft, someone else's): refuse the whole export,
            # without saying which ones exist.
            raise ValidationError(
                f"{missing} of the selected job descriptions {'is' if missing == 1 else 'are'} "
                "not in your library; nothing was exported.",
                code="not_found",
            )
        return [found[public_id] for public_id in ids]
