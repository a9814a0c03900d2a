"""The library's GET filter form and the POST form that picks JDs for a ZIP."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from jdbuilder.models import JobDescriptionQuerySet
from jdbuilder.vocabulary import EmploymentType, LibrarySort, WorkplaceType
from roles.models import Role

# A ZIP is built while it streams, but every entry is a PDF rendered or read from the database:
# bound the work one request can ask for.
MAX_ZIP_ITEMS = 50
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
        "required": "Select at least one job description to download.",
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


class ZipSelectionForm(forms.Form):
    """The JDs picked for one ZIP: at most MAX_ZIP_ITEMS, each in the user's library."""

    ids = PublicIdsField()

    def __init__(self, *args: Any, library: JobDescriptionQuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.library = library

    def clean_ids(self) -> list[uuid.UUID]:
        ids = self.cleaned_data["ids"]
        if len(ids) > MAX_ZIP_ITEMS:
            raise ValidationError(
                f"You selected {len(ids)} job descriptions; one ZIP holds at most "
                f"{MAX_ZIP_ITEMS}. Select fewer and download the rest in another ZIP.",
                code="too_many",
            )
        found = set(self.library.filter(public_id__in=ids).values_list("public_id", flat=True))
        missing = len(ids) - len(found)
        if missing:
            # Not in the library (unknown, a draft, someone else's): refuse the whole ZIP,
            # without saying which ones exist.
            raise ValidationError(
                f"{missing} of the selected job descriptions {'is' if missing == 1 else 'are'} "
                "not in your library; nothing was downloaded.",
                code="not_found",
            )
        return ids
