"""The wizard's step forms: role, tools, posting details and review (the two list steps are
formsets, in `formsets`).

Each step form receives the draft's role and the catalog it may choose from, validates every id
it is sent against that catalog (a tampered POST gets a form error, never a server error), and
turns its cleaned data into the step's typed value with `to_choices()`, which `save_step` keeps.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.forms.utils import pretty_name
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from jdbuilder.catalog import RoleCatalog
from jdbuilder.defaults import DEFAULT_EEO_STATEMENT, DEFAULT_HOW_TO_APPLY
from jdbuilder.drafts import MAX_EXPERIENCE_YEARS, Origins, Posting, ToolChoice
from jdbuilder.glyphs import validate_drawable
from jdbuilder.organization.blocks import block_note, offered_texts, place_text, same_text
from jdbuilder.organization.content import OrganizationContent, organization_content
from jdbuilder.services import RoleChoice
from jdbuilder.vocabulary import (
    EducationLevel,
    EmploymentType,
    SalaryPeriod,
    Seniority,
    WorkplaceType,
)
from jdbuilder.wizard.fields import (
    CAP_MESSAGE,
    CAPPED_KEY,
    AmountField,
    CurrencyField,
    check_closing_date,
    latest_closing_date,
    oversize_message,
)
from jdbuilder.wizard.offer import BandPanel, band_panel
from jdbuilder.wizard.render import FieldsHTML, radio_items
from roles.models import Role

MAX_OTHER_TOOLS = 10
MAX_TOOL_NAME = 60
MAX_BENEFIT_LINES = 20
# Line caps on the multi-line texts, beside their character caps: a thousand one-letter lines
# would make every export dozens of pages long.
MAX_LINES = {
    "summary": 10,
    "about_company": 30,
    "about_team": 30,
    "benefits": MAX_BENEFIT_LINES,
    "equal_opportunity": 10,
    "how_to_apply": 15,
}
ROLE_CHOICES_SHOWN = 50
EXPERIENCE_RANGE = f"Enter a whole number of years from 0 to {MAX_EXPERIENCE_YEARS}."
# Every free-text field: the PDF must be able to draw what is typed (jdbuilder.glyphs).
DRAWABLE = [validate_drawable]


@dataclass(frozen=True)
class FieldError:
    """One line of the step's error summary: a message and the visible field it links to."""

    anchor: str  # the id of the field to focus
    label: str
    message: str


@dataclass(frozen=True)
class ErrorSummary:
    fields: tuple[FieldError, ...] = ()
    general: tuple[str, ...] = ()  # errors of the whole step, not of one field

    @property
    def count(self) -> int:
        return len(self.fields) + len(self.general)


class StepMixin:
    """What every step's form or formset has: the draft's role, the catalog it may choose from,
    `to_choices()`, the step's value for `save_step` once it is valid, the size caps on what
    it is sent (`jdbuilder.wizard.fields`), and the summary of its errors."""

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

    def input_problem(self) -> str | None:
        """The cap message when what was posted is over the caps, or was cut to them when it
        was kept as pending input (`storage.unsaved_input`)."""
        if not self.is_bound:
            return None
        if f"{self.prefix}-{CAPPED_KEY}" in self.data:
            return CAP_MESSAGE
        return oversize_message(self.data, self.prefix)

    def error_summary(self) -> ErrorSummary:
        raise NotImplementedError


class StepForm(StepMixin, forms.Form):
    """A wizard step made of one form; `html.<field>` renders a field (render.py)."""

    @cached_property
    def html(self) -> FieldsHTML:
        return FieldsHTML(self)

    def full_clean(self) -> None:
        super().full_clean()
        problem = self.input_problem()
        if problem:
            self.add_error(None, problem)

    def error_anchor(self, name: str) -> str:
        """The id of the visible control an error of field `name` links to."""
        bound = self[name]
        if isinstance(bound.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
            return f"{bound.auto_id}_0"
        return bound.auto_id

    def error_summary(self) -> ErrorSummary:
        if not self.is_bound:
            return ErrorSummary()
        fields = []
        for name, errors in self.errors.items():
            if name == NON_FIELD_ERRORS:
                continue
            label = str(self.fields[name].label or pretty_name(name))
            fields += [FieldError(self.error_anchor(name), label, str(e)) for e in errors]
        return ErrorSummary(tuple(fields), tuple(str(e) for e in self.non_field_errors()))


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
        validators=DRAWABLE,
        label="Job title shown in the posting",
        widget=forms.TextInput(attrs={"list": "title-suggestions"}),
        help_text="The role's name, one of its alternate titles, or your own.",
    )

    def __init__(self, *args: Any, search: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.search = search

    @cached_property
    def shown_roles(self) -> list[Role]:
        """What the page lists: the search's roles (names only), the draft's own first.
        Searched only when the page is drawn: a saved POST never needs it."""
        shown = list(Role.objects.search(self.search).only("pk", "name")[:ROLE_CHOICES_SHOWN])
        current = self.role
        if current is not None and current.pk not in {role.pk for role in shown}:
            shown.insert(0, current)
        return shown

    @cached_property
    def role_radios(self) -> SafeString:
        # Validation checks the whole catalog; the page lists only what the search found.
        self.fields["role_choice"].widget.choices = [(r.pk, r.name) for r in self.shown_roles]
        return radio_items(self["role_choice"])

    @cached_property
    def title_suggestions(self) -> SafeString:
        """The <option>s of the title's datalist: the role's name and its alternate titles,
        escaped (an O*NET role has dozens; template loops over model rows cost more)."""
        if self.role is None:
            return SafeString("")
        titles = [self.role.name, *self.role.alternate_titles.values_list("title", flat=True)]
        return format_html_join("", '<option value="{}">', ((title,) for title in titles))

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
        validators=DRAWABLE,
        label="Other tools",
        help_text=f"One per line, at most {MAX_OTHER_TOOLS}.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tools"].choices = [(tool.pk, tool.name) for tool in self.catalog.tools]
        self.fields["tools"].error_messages["invalid_choice"] = "Choose tools from the catalog."

    def error_anchor(self, name: str) -> str:
        if name == "tools":  # the page's own checkboxes: the role's tools first
            tools = self.catalog.tools
            own = [t for t in tools if t.pk in self.catalog.role_tool_ids] or list(tools)
            return f"tool-{own[0].pk}" if own else "id_tools-other_tools"
        return super().error_anchor(name)

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


def department_choices(content: OrganizationContent) -> list[tuple[Any, str]]:
    """The posting step's department options: none, then the organization's, by name."""
    named = sorted(content.departments.values(), key=lambda d: d.name.lower())
    return [("", "No department"), *((d.pk, d.name) for d in named)]


def office_choices(content: OrganizationContent) -> list[tuple[Any, str]]:
    """The posting step's office options: none, then the organization's, by name."""
    named = sorted(content.offices.values(), key=lambda o: o.name.lower())
    return [("", "No office"), *((o.pk, o.name) for o in named)]


def _spoken_list(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def experience_help(seniority: str) -> str:
    """The experience field's help: what a blank means for the draft's seniority."""
    level = Seniority(seniority) if seniority in Seniority.values else Seniority.MID
    years = level.months_of_experience // 12
    return (
        f"Leave blank for the {level.label.lower()} default: {years} year{'s' * (years != 1)}. "
        "0 means no experience needed."
    )


class PostingStepForm(StepForm):
    # The choices are the organization's kept rows (`organization_content`): each form's are
    # set in __init__ (read at the catalog's version token); these callables serve the class's
    # own fields, which the merge page reads for the names of ids.
    department = forms.TypedChoiceField(
        choices=lambda: department_choices(organization_content()),
        coerce=int,
        empty_value=None,
        required=False,
        label="Department",
        error_messages={"invalid_choice": "Choose a department from the list."},
    )
    office = forms.TypedChoiceField(
        choices=lambda: office_choices(organization_content()),
        coerce=int,
        empty_value=None,
        required=False,
        label="Office",
        help_text="Its benefits, statements and pay band apply to the posting.",
        error_messages={"invalid_choice": "Choose an office from the list."},
    )
    summary = forms.CharField(
        max_length=1200,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Summary",
        validators=DRAWABLE,
    )
    company_name = forms.CharField(max_length=120, label="Company name", validators=DRAWABLE)
    about_company = forms.CharField(
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="About the company and team",
        validators=DRAWABLE,
    )
    about_team = forms.CharField(
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="About the team",
        validators=DRAWABLE,
    )
    location = forms.CharField(
        max_length=120,
        label="Location",
        help_text="City and region, e.g. Denver, Colorado.",
        validators=DRAWABLE,
    )
    workplace_type = forms.ChoiceField(choices=WorkplaceType.choices, widget=forms.RadioSelect)
    applicant_location = forms.CharField(
        max_length=120,
        required=False,
        validators=DRAWABLE,
        label="Where remote applicants may live",
        help_text="Required for remote jobs, e.g. United States.",
    )
    employment_type = forms.ChoiceField(choices=EmploymentType.choices)
    salary_min = AmountField(
        required=False,
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
        label="Salary from",
        help_text="For example 120,000.",
    )
    salary_max = AmountField(
        required=False,
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("9999999999"))],
        label="Salary to",
    )
    salary_currency = CurrencyField(initial="USD", label="Currency")
    salary_period = forms.ChoiceField(choices=SalaryPeriod.choices, label="Paid")
    benefits = forms.CharField(
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=DRAWABLE,
    )
    equal_opportunity = forms.CharField(
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Equal-opportunity statement",
        initial=DEFAULT_EEO_STATEMENT,
        validators=DRAWABLE,
    )
    how_to_apply = forms.CharField(
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="How to apply",
        initial=DEFAULT_HOW_TO_APPLY,
        validators=DRAWABLE,
    )
    closing_date = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), label="Closing date"
    )
    # Optional: search engines read both (JSON-LD educationRequirements, experienceRequirements).
    education_requirement = forms.ChoiceField(
        choices=[("", "Not stated"), *EducationLevel.choices],
        required=False,
        label="Education required",
        help_text="Only if the job truly needs it.",
        error_messages={"invalid_choice": "Choose an education level from the list."},
    )
    experience_years = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=MAX_EXPERIENCE_YEARS,
        label="Years of experience",
        error_messages={
            "invalid": EXPERIENCE_RANGE,
            "min_value": EXPERIENCE_RANGE,
            "max_value": EXPERIENCE_RANGE,
        },
    )

    def __init__(
        self,
        *args: Any,
        origins: Origins | None = None,
        seniority: str = Seniority.MID,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.seniority = seniority  # the draft's: its pay band is the seniority's
        self.fields["experience_years"].help_text = experience_help(seniority)
        # As text: wizard/render.py leaves out an attribute whose value is 0 (0 == False).
        self.fields["experience_years"].widget.attrs["min"] = "0"
        # The browser's date picker offers only the dates the form accepts.
        today = timezone.localdate()
        self.fields["closing_date"].widget.attrs.update(
            min=(today + datetime.timedelta(days=1)).isoformat(),
            max=latest_closing_date(today).isoformat(),
        )
        self.origins = origins or Origins()  # where its texts came from
        # Lazy: read only when an id is posted or the page is drawn, so a live preview of a
        # posting without department or office reads nothing more.
        self.fields["department"].choices = lambda: department_choices(self.content)
        self.fields["office"].choices = lambda: office_choices(self.content)

    @cached_property
    def content(self) -> OrganizationContent:
        """The organization's kept rows, at the version the draft's catalog read (no query
        beyond that version token, which the step page reads anyway)."""
        token = self.catalog.rows.token if self.catalog is not None else None
        return organization_content(token)

    @cached_property
    def html(self) -> FieldsHTML:
        # What the step's script compares a text with before replacing it: the text last
        # offered (static/js/posting-office.js); an edited text is never replaced.
        for field_name, text in offered_texts(self.origins).items():
            self.fields[field_name].widget.attrs["data-offered"] = text
        self.fields["location"].widget.attrs["data-offered"] = self._offered_location()
        return FieldsHTML(self)

    def _offered_location(self) -> str:
        office = self.initial.get("office")
        place = self.content.offices.get(office) if office is not None else None
        return place_text(place) if place is not None else ""

    @cached_property
    def block_notes(self) -> dict[str, str]:
        """{field: "From the “…” block."} for each text filled from a block that still exists."""
        notes = {}
        for field_name, origin in self.origins.blocks.items():
            block = self.content.blocks.get(origin.block)
            if block is None or field_name not in self.fields:
                continue
            edited = not same_text(str(self.initial.get(field_name) or ""), origin.text)
            notes[field_name] = block_note(block.name, edited=edited)
        return notes

    def band_panel(self, user) -> BandPanel:
        """The band panel `user` is shown: the band for the draft's role and seniority at the
        office the page shows, if `user` may see the role's bands (no query)."""
        return band_panel(
            self.content,
            user=user,
            role=self.role,
            seniority=self.seniority,
            office=self.chosen_office(),
        )

    def chosen_office(self) -> int | None:
        """The office the page shows chosen (as posted, else as saved), if it is one of ours."""
        value = self["office"].value()
        try:
            office = int(value)
        except (TypeError, ValueError):
            return None
        return office if office in self.content.offices else None

    def check_line_caps(self, data: dict[str, Any]) -> None:
        for field, limit in MAX_LINES.items():
            text = data.get(field) or ""
            if len([line for line in text.splitlines() if line.strip()]) > limit:
                noun = "benefits, one per line" if field == "benefits" else "lines"
                self.add_error(field, f"Use at most {limit} {noun}.")

    def check_office_offers(self, data: dict[str, Any]) -> None:
        if data.get("office") is None:
            return
        office = self.content.offices.get(data["office"])
        chosen = data.get("workplace_type")
        if office is None or not chosen or chosen in office.workplace_types:
            return
        offered = [WorkplaceType(kind).label.lower() for kind in office.workplace_types]
        self.add_error("workplace_type", f"{office.name} offers {_spoken_list(offered)} work only.")

    def clean_closing_date(self) -> datetime.date | None:
        return check_closing_date(self.cleaned_data["closing_date"])

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
        self.check_office_offers(data)
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
