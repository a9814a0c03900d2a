"""The insights page and each chart's CSV: for recruiters (who read every issued JD) and staff.

Thin: `sections.BUILDERS` run the queries and draw the charts; these views check who asks,
read the one option (`by`) and render or write the CSV. Each chart costs a fixed number of
queries whatever the data size.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from jdbuilder.downloads import csv_response
from jdbuilder.exports.spreadsheet import csv_file
from jdbuilder.insights import queries, sections
from jdbuilder.insights.queries import GroupBy
from jdbuilder.models import reads_every_issued_jd


class InflationForm(forms.Form):
    by = forms.ChoiceField(
        label="Group by", choices=GroupBy.CHOICES, required=False, initial=GroupBy.ROLE
    )

    def grouping(self) -> str:
        if self.is_valid():
            return self.cleaned_data["by"] or GroupBy.ROLE
        return GroupBy.ROLE


def _check(request: HttpRequest) -> None:
    if not reads_every_issued_jd(request.user):
        raise PermissionDenied("Insights are for recruiters and staff.")


@require_safe
@login_required
def insights(request: HttpRequest) -> HttpResponse:
    _check(request)
    form = InflationForm(request.GET)
    by = form.grouping()
    user = request.user
    approvals = queries.approval_times()  # one query for both of its charts
    page_sections = [
        sections.required_skills(user),
        sections.inflation(user, by=by),
        sections.pay_ranges(user),
        sections.quality_scores(user),
        sections.approval_time(user, data=approvals),
        sections.approval_histogram(user, data=approvals),
    ]
    return render(
        request,
        "insights/insights.html",
        {"sections": page_sections, "form": form},
        status=400 if form.errors else 200,
    )


@require_safe
@login_required
def chart_csv(request: HttpRequest, chart: str) -> HttpResponse:
    """The chart's table as CSV: UTF-8 with a byte order mark, a header row, every cell safe
    from spreadsheet formulas, named after the chart and today's date."""
    _check(request)
    builder = sections.BUILDERS.get(chart)
    if builder is None:
        raise Http404("No such chart.")
    options = {}
    if chart == "inflation":
        form = InflationForm(request.GET)
        if not form.is_valid():
            return HttpResponse(
                "Unknown grouping: use by=role or by=department.",
                status=400,
                content_type="text/plain; charset=utf-8",
            )
        options["by"] = form.grouping()
    section = builder(request.user, **options)
    suffix = f"-{options['by']}" if options else ""
    filename = f"insights-{chart}{suffix}-{timezone.localdate().isoformat()}.csv"
    return csv_response(csv_file(section.table.header, section.table.rows), filename)
