"""What the posting step offers for a department and office: the blocks' texts, the office's
place and the pay band, for the step's script (static/js/posting-office.js) to fill in when the
manager picks another department or office, and for the step page's band panel.

Nothing here writes: the texts reach the draft only when the manager saves the step.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from jdbuilder.models import JobDescription
from jdbuilder.organization.blocks import block_note, place_text, profile_text
from jdbuilder.organization.content import BLOCK_FIELDS, OrganizationContent, organization_content
from jdbuilder.vocabulary import SalaryPeriod, Seniority


def _amount(value: Decimal) -> str:
    """An amount as the salary fields show it: "120,000", or "120,000.50"."""
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value:,.2f}"


@dataclass(frozen=True)
class BandShown:
    """A pay band as the posting step shows it, and what "Use the band" fills in."""

    scope: str  # "Software Engineer · Senior · Berlin"
    minimum: str  # as the salary fields show amounts
    maximum: str
    currency: str
    period: str  # SalaryPeriod value

    @property
    def text(self) -> str:
        period = SalaryPeriod(self.period).label
        return f"{self.currency} {self.minimum} – {self.maximum} {period}"

    def to_json(self) -> dict[str, str]:
        return {
            "scope": self.scope,
            "text": self.text,
            "minimum": self.minimum,
            "maximum": self.maximum,
            "currency": self.currency,
            "period": self.period,
        }


def band_shown(
    content: OrganizationContent, *, role, seniority: str, office: int | None
) -> BandShown | None:
    """The band for `role` (a Role) at `seniority` in `office`, if there is one. Whether the user
    may see it is the caller's to ask (`content.shows_bands_to`)."""
    band = content.band_for(role=role.pk, seniority=seniority, office=office)
    if band is None:
        return None
    who = role.name if band.role_id else band.role_group.name
    level = Seniority(band.seniority).label if band.seniority else "any seniority"
    return BandShown(
        scope=" · ".join((who, level, band.place_label)),
        minimum=_amount(band.minimum),
        maximum=_amount(band.maximum),
        currency=band.currency,
        period=band.period,
    )


@dataclass(frozen=True)
class BandPanel:
    """The step page's band panel: shown only to a user who may see the role's bands."""

    shown: bool
    band: BandShown | None


def band_panel(
    content: OrganizationContent, *, user, role, seniority: str, office: int | None
) -> BandPanel:
    """The band panel `user` is shown for `role` (a Role) at `seniority` in `office`."""
    if role is None or not content.shows_bands_to(user, role.pk):
        return BandPanel(shown=False, band=None)
    band = band_shown(content, role=role, seniority=seniority, office=office)
    return BandPanel(shown=True, band=band)


def _chosen_id(request: HttpRequest, name: str, known: dict[int, Any]) -> int | None:
    """The id `name` in the query, None when blank; ValueError when it is not one of `known`."""
    raw = request.GET.get(name, "").strip()
    if not raw:
        return None
    # ASCII only: int() would read other scripts' digits too.
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 12 or int(raw) not in known:
        raise ValueError(name)
    return int(raw)


def offer(
    content: OrganizationContent,
    *,
    user,
    job_description: JobDescription,
    department: int | None,
    office: int | None,
) -> dict[str, Any]:
    """The offer's JSON: each block-backed field's text where a block applies, with its note,
    the office's place, the band (None when there is none, or the user may not see bands)."""
    applying = content.blocks_for(department=department, office=office)
    fields, notes = {}, {}
    for kind, field_name in BLOCK_FIELDS.items():
        block = applying.get(kind)
        if block is not None:
            fields[field_name] = block.text
            notes[field_name] = block_note(block.name)
        elif text := profile_text(field_name, content, department):
            fields[field_name] = text  # the profile's, where no block applies
    place = content.offices.get(office) if office is not None else None
    dept = content.departments.get(department) if department is not None else None
    panel = band_panel(
        content,
        user=user,
        role=job_description.role,
        seniority=job_description.seniority,
        office=office,
    )
    return {
        "fields": fields,
        "notes": notes,
        "location": place_text(place) if place is not None else "",
        "office_name": place.name if place is not None else "",
        "department_name": dept.name if dept is not None else "",
        "band": panel.band.to_json() if panel.band is not None else None,
    }


@login_required
@require_GET
def wizard_posting_offer(request: HttpRequest, public_id) -> JsonResponse:
    """GET ?department=<id>&office=<id> (each may be blank): what the posting step offers there,
    as JSON. Only the draft's owner (404 otherwise); an id not the organization's: 400."""
    jd = get_object_or_404(
        JobDescription.objects.editable_by(request.user).select_related("role"),
        public_id=public_id,
    )
    content = organization_content()
    try:
        department = _chosen_id(request, "department", content.departments)
        office = _chosen_id(request, "office", content.offices)
    except ValueError as error:
        noun = "a department" if str(error) == "department" else "an office"
        return JsonResponse({"error": f"Choose {noun} from the list."}, status=400)
    data = offer(
        content, user=request.user, job_description=jd, department=department, office=office
    )
    return JsonResponse(data)
