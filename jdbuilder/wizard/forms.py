"""The wizard's step forms: role, tools, posting details and review (the two list steps are
formsets, in `formsets`).

Each step form receives the draft's role and the catalog it may choose from, validates every id
it is sent against that catalog (a tampered POST gets a form error, never a server error), and
turns its cleaned data into the step's typed value with `to_choices()`, which `save_step` keeps.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pycountry
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone

from jdbuilder.catalog import RoleCatalog
from jdbuilder.defaults import DEFAULT_EEO_STATEMENT, DEFAULT_HOW_TO_APPLY
from jdbuilder.drafts import Posting, ToolChoice
from jdbuilder.services import RoleChoice
from jdbuilder.vocabulary import EmploymentType, SalaryPeriod, Seniority, WorkplaceType
from roles.models import Role

MAX_OTHER_TOOLS = 10
MAX_TOOL_NAME = 60
MAX_BENEFIT_LINES = 20
# Line caps on the multi-line texts, beside their character caps: a thousand one-letter lines
# would make every export dozens of pages long.
MAX_LINES = {
    "summary": 10,
    "about_company": 30,
    "benefits": MAX_BENEFIT_LINES,
    "equal_opportunity": 10,
    "how_to_apply": 15,
}
ROLE_CHOICES_SHOWN = 50
CURRENCY_CODES = sorted(currency.alpha_3 for currency in pycountry.currencies)


class StepMixin:
    """What every step's form or formset has: the draft's role, the catalog it may choose from,
    and `to_choices()`, the step's value for `save_step` once it is valid."""

    def __init__(
        self,
        *args: Any,
        role: Role | None = None,
        catalog: RoleCatalog | None = None,
        **kwargs: Any,
    ) -> None:
        self.role = role
        self.catalog = catalog
        super().__init__(*args, **kwargs)

    def to_choices(self) -> Any:
        raise NotImplementedError


class StepForm(StepMixin, forms.Form):
    """A wizard step made of one form."""


class RoleStepForm(StepForm):
    role_choice = forms.ModelChoiceField(
        queryset=Role.objects.all(),
        widget=forms.RadioSelect,
        label="Role",
        error_messages={"invalid_choice": "Choose a role from the catalog."},
    )
    seniority = forms.ChoiceField(choices=Seniority.choices, widget=forms.RadioSelect)
    title = forms.CharField(
        max_length=150,
        label="Job title shown in the posting",
        widget=forms.TextInput(attrs={"list": "title-suggestions"}),
        help_text="The role's name, one of its alternate titles, or your own.",
    )

    def __init__(self, *args: Any, search: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        shown = list(Role.objects.search(search)[:ROLE_CHOICES_SHOWN])
        current = self.role
        if current is not None and current not in shown:
            shown.insert(0, current)
        # Validation checks the whole catalog; the page lists only what the search found.
        self.fields["role_choice"].widget.choices = [(role.pk, role.name) for role in shown]
        self.shown_roles = shown
        self.search = search

    def to_choices(self) -> RoleChoice:
        data = self.cleaned_data
        return RoleChoice(
            role=data["role_choice"], seniority=data["seniority"], title=data["title"]
        )


class ToolsStepForm(StepForm):
    tools = forms.TypedMultipleChoiceField(
        coerce=int, required=False, widget=forms.CheckboxSelectMultiple, label="Tools"
    )
    other_tools = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=MAX_OTHER_TOOLS * (MAX_TOOL_NAME + 2),
        label="Other tools",
        help_text=f"One per line, at most {MAX_OTHER_TOOLS}.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tools"].choices = [(tool.pk, tool.name) for tool in self.catalog.tools]
        self.fields["tools"].error_messages["invalid_choice"] = "Choose tools from the catalog."

    def clean_other_tools(self) -> list[str]:
        names = []
        for line in self.cleaned_data["other_tools"].splitlines():
            name = " ".join(line.split())
            if not name:
                continue
            if len(name) > MAX_TOOL_NAME:
                raise ValidationError(f"Keep each tool name under {MAX_TOOL_NAME} characters.")
            if name.lower() not in {n.lower() for n in names}:
                names.append(name)
        if len(names) > MAX_OTHER_TOOLS:
            raise ValidationError(f"List at most {MAX_OTHER_TOOLS} other tools.")
        return names

    def to_choices(self) -> tuple[ToolChoice, ...]:
        by_id = {tool.pk: tool for tool in self.catalog.tools}
        chosen = [
            ToolChoice(tool=pk, name=by_id[pk].name, area=by_id[pk].area_id)
            for pk in self.cleaned_data["tools"]
        ]
        named = [
            ToolChoice(tool=None, name=name, area=None) for name in self.cleaned_data["other_tools"]
        ]
        return (*chosen, *named)


class PostingStepForm(StepForm):
    summary = forms.CharField(
        max_length=1200, widget=forms.Textarea(attrs={"rows": 3}), label="Summary"
    )
    company_name = forms.CharField(max_length=120, label="Company name")
    about_company = forms.CharField(
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="About the company and team",
    )
    location = forms.CharField(
        max_length=120, label="Location", help_text="City and region, e.g. Denver, Colorado."
    )
    workplace_type = forms.ChoiceField(choices=WorkplaceType.choices, widget=forms.RadioSelect)
    applicant_location = forms.CharField(
        max_length=120,
        required=False,
        label="Where remote applicants may live",
        help_text="Required for remote jobs, e.g. United States.",
    )
    employment_type = forms.ChoiceField(choices=EmploymentType.choices)
    salary_min = forms.DecimalField(
        required=False,
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
        label="Salary from",
    )
    salary_max = forms.DecimalField(
        required=False,
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("9999999999"))],
        label="Salary to",
    )
    salary_currency = forms.CharField(
        max_length=3, initial="USD", label="Currency", help_text="ISO 4217 code, e.g. USD or EUR."
    )
    salary_period = forms.ChoiceField(choices=SalaryPeriod.choices, label="Paid")
    benefits = forms.CharField(
        max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    equal_opportunity = forms.CharField(
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Equal-opportunity statement",
        initial=DEFAULT_EEO_STATEMENT,
    )
    how_to_apply = forms.CharField(
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="How to apply",
        initial=DEFAULT_HOW_TO_APPLY,
    )
    closing_date = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), label="Closing date"
    )

    def check_line_caps(self, data: dict[str, Any]) -> None:
        for field, limit in MAX_LINES.items():
            text = data.get(field) or ""
            if len([line for line in text.splitlines() if line.strip()]) > limit:
                noun = "benefits, one per line" if field == "benefits" else "lines"
                self.add_error(field, f"Use at most {limit} {noun}.")

    def clean_salary_currency(self) -> str:
        code = self.cleaned_data["salary_currency"].strip().upper()
        if code not in CURRENCY_CODES:
            raise ValidationError("Enter an ISO 4217 currency code, such as USD, EUR or GBP.")
        return code

    def clean_closing_date(self) -> datetime.date | None:
        date = self.cleaned_data["closing_date"]
        if date is not None and date <= timezone.localdate():
            raise ValidationError("The closing date must be in the future.")
        return date

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        low, high = data.get("salary_min"), data.get("salary_max")
        if low is not None and high is not None and low > high:
            self.add_error("salary_max", "The maximum must not be below the minimum.")
        if (low is None) != (high is None) and "salary_min" not in self.errors:
            self.add_error(
                "salary_max" if high is None else "salary_min",
                "Give both ends of the salary range, or neither.",
            )
        if data.get("workplace_type") == "remote" and not data.get("applicant_location"):
            self.add_error("applicant_location", "Say where remote applicants may live.")
        self.check_line_caps(data)
        return data

    def to_choices(self) -> Posting:
        data = dict(self.cleaned_data)
        for key in ("salary_min", "salary_max"):
            data[key] = str(data[key]) if data[key] is not None else None
        data["closing_date"] = data["closing_date"].isoformat() if data["closing_date"] else None
        return Posting(**data)


class ReviewStepForm(StepForm):
    """Nothing to fill in: the review step shows the JD and finalizes it."""

    def to_choices(self) -> None:
        return None
