"""The "Pay bands" page: the bands a signed-in user may see, filtered by role and office.

The same number of queries at any size (the session, the user and their permissions, the
content version, the role and office lists, the page's count and rows): a manager's rule is
subqueries inside those, and each row's role, group and office come with it.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from jdbuilder.organization.content import organization_content
from jdbuilder.organization.models import (
    RECRUITERS_PERMISSION,
    Office,
    PayBand,
    PayBandQuerySet,
    RoleGroup,
)
from roles.models import Role

PAGE_SIZE = 50


class BandFilterForm(forms.Form):
    role = forms.ModelChoiceField(
        queryset=Role.objects.none(), required=False, to_field_name="slug", empty_label="Any role"
    )
    office = forms.ModelChoiceField(
        queryset=Office.objects.none(),
        required=False,
        empty_label="Any place",
        help_text="Bands that apply there: the office's own, its region's, its country's, "
        "and those for anywhere.",
    )

    def __init__(self, *args, bands: PayBandQuerySet, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Only roles with a band the user may see (directly or through a group).
        self.fields["role"].queryset = (
            Role.objects.filter(
                Q(pk__in=bands.values("role"))
                | Q(pay_groups__in=RoleGroup.objects.filter(pk__in=bands.values("role_group")))
            )
            .distinct()
            .only("name", "slug")
            .order_by("name")
        )
        self.fields["office"].queryset = Office.objects.only("name", "country", "region")

    def apply(self, bands: PayBandQuerySet) -> PayBandQuerySet:
        data = self.cleaned_data if self.is_bound and hasattr(self, "cleaned_data") else {}
        if role := data.get("role"):
            groups = RoleGroup.objects.filter(roles=role).values("pk")
            bands = bands.filter(Q(role=role) | Q(role_group__in=groups))
        if office := data.get("office"):
            in_country = Q(country=office.country) & (Q(region="") | Q(region=office.region))
            anywhere = Q(country="")
            bands = bands.filter(Q(office=office) | Q(office=None) & (in_country | anywhere))
        return bands


def _no_departments_note(user) -> bool:
    """A hiring manager who sees no band because they are in no department yet."""
    content = organization_content()
    if user.is_staff or user.has_perm(RECRUITERS_PERMISSION):
        return False
    if content.organization is not None and content.organization.managers_see_all_bands:
        return False
    return not content.departments_of(user)


@require_safe
@login_required
def bands(request: HttpRequest) -> HttpResponse:
    visible = PayBand.objects.visible_to(request.user)
    form = BandFilterForm(request.GET or None, bands=visible)
    if form.is_bound:
        form.is_valid()  # an unknown role or office is shown as an error; the rest still filter
    matching = (
        form.apply(visible)
        .select_related("role", "role_group", "office")
        .order_by("role__name", "role_group__name", "seniority", "office__name", "country")
    )
    page = Paginator(matching, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "organization/bands.html",
        {
            "form": form,
            "page_obj": page,
            "bands": page.object_list,
            "no_departments": _no_departments_note(request.user),
            "filtered": bool(form.is_bound and any(request.GET.get(n) for n in form.fields)),
            "query": query.urlencode(),
        },
    )
