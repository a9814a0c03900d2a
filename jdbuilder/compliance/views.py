"""The compliance page and its CSV: every open posting with the pay-transparency rules that
apply to it, pass or fail. For recruiters (who may view every final JD) and staff."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from jdbuilder.checks.pay_rules import pay_rules
from jdbuilder.compliance.evaluate import (
    CSV_HEADER,
    csv_rows,
    open_postings,
    open_postings_compliance,
    page_compliance,
)
from jdbuilder.downloads import csv_response
from jdbuilder.exports.spreadsheet import csv_file
from jdbuilder.models import reads_every_issued_jd

PAGE_SIZE = 20


def _allowed(request: HttpRequest) -> None:
    if not reads_every_issued_jd(request.user):
        raise PermissionDenied


@require_safe
@login_required
def postings(request: HttpRequest) -> HttpResponse:
    _allowed(request)
    failing_only = request.GET.get("failing") == "1"
    today = timezone.localdate()
    if failing_only:
        # Which postings fail is known only once each is evaluated: all of them, cached.
        rows = open_postings_compliance(on=today, failing_only=True)
        page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
        shown = list(page.object_list)
    else:
        # A COUNT for the pager, then only this page's postings are read and evaluated.
        page = Paginator(open_postings(), PAGE_SIZE).get_page(request.GET.get("page"))
        shown = page_compliance(list(page.object_list), on=today)
    rules = pay_rules()
    context = {
        "page_obj": page,
        "rows": shown,
        "failing_only": failing_only,
        "query": "failing=1" if failing_only else "",
        "today": today,
        "rules_version": rules.version,
        "rules_updated": rules.updated,
    }
    return render(request, "compliance/postings.html", context)


@require_safe
@login_required
def postings_csv(request: HttpRequest) -> HttpResponse:
    _allowed(request)
    failing_only = request.GET.get("failing") == "1"
    today = timezone.localdate()
    rows = open_postings_compliance(on=today, failing_only=failing_only)
    site = request.build_absolute_uri("/").rstrip("/")
    content = csv_file(CSV_HEADER, csv_rows(rows, site=site))
    return csv_response(content, f"pay-transparency-{today.isoformat()}.csv")
