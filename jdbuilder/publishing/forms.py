"""The careers page's GET search form: a bounded text search and four filters whose choices are
the values open postings have (so a filter never offers what would list nothing)."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms

from jdbuilder.vocabulary import EmploymentType, WorkplaceType

MAX_QUERY_LENGTH = 100


@dataclass(frozen=True)
class Facets:
    """The distinct non-empty values among open postings, each sorted."""

    departments: tuple[str, ...] = ()
    offices: tuple[str, ...] = ()
    workplace_types: tuple[str, ...] = ()
    employment_types: tuple[str, ...] = ()

    @classmethod
    def of(cls, rows) -> Facets:
        """From (department, office, workplace_type, employment_type) rows."""
        columns: list[set[str]] = [set(), set(), set(), set()]
        for row in rows:
            for column, value in zip(columns, row, strict=True):
                if value:
                    column.add(value)
        departments, offices, workplaces, employments = columns
        # Enum values in the enum's own order (on-site, hybrid, remote), the rest by name.
        return cls(
            departments=tuple(sorted(departments, key=str.lower)),
            offices=tuple(sorted(offices, key=str.lower)),
            workplace_types=tuple(v for v in WorkplaceType.values if v in workplaces),
            employment_types=tuple(v for v in EmploymentType.values if v in employments),
        )


class CareersSearchForm(forms.Form):
    """Every field optional; an invalid value is an error the page shows (and lists nothing)."""

    q = forms.CharField(
        label="Search jobs",
        required=False,
        max_length=MAX_QUERY_LENGTH,
        help_text="A job title, a skill or a place.",
        error_messages={
            "max_length": f"Use at most {MAX_QUERY_LENGTH} characters in the search "
            "(it has %(show_value)d)."
        },
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    department = forms.ChoiceField(
        label="Department",
        required=False,
        error_messages={"invalid_choice": "Choose a department from the list."},
    )
    office = forms.ChoiceField(
        label="Office",
        required=False,
        error_messages={"invalid_choice": "Choose an office from the list."},
    )
    workplace = forms.ChoiceField(
        label="Workplace",
        required=False,
        error_messages={"invalid_choice": "Choose a workplace type from the list."},
    )
    employment = forms.ChoiceField(
        label="Employment type",
        required=False,
        error_messages={"invalid_choice": "Choose an employment type from the list."},
    )

    def __init__(self, data: dict[str, str], *, facets: Facets) -> None:
        super().__init__(data)
        self.fields["department"].choices = [
            ("", "Any department"),
            *((name, name) for name in facets.departments),
        ]
        self.fields["office"].choices = [
            ("", "Any office"),
            *((name, name) for name in facets.offices),
        ]
        self.fields["workplace"].choices = [
            ("", "Any workplace"),
            *((value, WorkplaceType(value).label) for value in facets.workplace_types),
        ]
        self.fields["employment"].choices = [
            ("", "Any employment type"),
            *((value, EmploymentType(value).label) for value in facets.employment_types),
        ]

    def filters(self) -> dict[str, str]:
        """The arguments of `PostingQuerySet.matching` (call after `is_valid()`)."""
        data = self.cleaned_data
        return {
            "text": data["q"],
            "department": data["department"],
            "office": data["office"],
            "workplace_type": data["workplace"],
            "employment_type": data["employment"],
        }
