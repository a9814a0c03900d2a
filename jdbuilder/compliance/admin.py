"""The pay-transparency rules in the admin, read-only: every jurisdiction, its places, its dated
rules and its sources, read from checks/data/pay_transparency.toml (no database copy). The file
is edited in the repository; this page only shows it.

Wiring (jdbuilder/urls.py, before "admin/"): `path("admin/compliance/pay-rules/",
compliance_admin.pay_rules_view, name="admin_pay_rules")`, and `admin.site.index_template =
"admin/compliance/index.html"` for the link on the admin index.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.http import require_safe

from jdbuilder.checks.pay_rules import DISCLOSE, REMOTE, pay_rules


def _rules_page(request: HttpRequest) -> HttpResponse:
    rules = pay_rules()
    jurisdictions = [
        {
            "jurisdiction": j,
            "places": [
                {"place": p, "within": rules.places[p.within].name if p.within else ""}
                for p in j.places
            ],
            "rules": [
                {
                    "rule": r,
                    "disclose": [DISCLOSE[item] for item in r.disclose],
                    "remote": REMOTE[r.remote],
                }
                for r in j.rules
            ],
        }
        for j in rules.jurisdictions
    ]
    context = {
        **admin.site.each_context(request),
        "title": "Pay-transparency rules",
        "rules": rules,
        "jurisdictions": jurisdictions,
        "source_file": "jdbuilder/checks/data/pay_transparency.toml",
    }
    return TemplateResponse(request, "admin/compliance/pay_rules.html", context)


# Staff only, with the admin's sign-in and headers (admin_view also stops caching).
pay_rules_view = require_safe(admin.site.admin_view(_rules_page))
