"""The builder's admin pages: O*NET imports (jdbuilder.imports.admin) and, read-only, every
background job, so staff can see what the workers are doing and what failed."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from jdbuilder.approvals import admin as approvals_admin  # noqa: F401  (flows, read-only reviews)
from jdbuilder.imports import admin as imports_admin  # noqa: F401  (registers OnetImport)
from jdbuilder.jobs.models import Job
from jdbuilder.organization import admin as organization_admin  # noqa: F401
from jdbuilder.organization import band_admin, template_admin  # noqa: F401


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = [
        "kind",
        "title",
        "status",
        "stage",
        "percent",
        "attempts",
        "owner",
        "created_at",
        "finished_at",
    ]
    list_display_links = ["kind", "title"]
    list_filter = ["kind", "status"]
    list_select_related = ["owner"]
    search_fields = ["title", "error"]
    fields = [
        "public_id",
        "kind",
        "status",
        "title",
        "owner",
        "revision",
        "stage",
        "progress_done",
        "progress_total",
        "attempts",
        "error",
        "params",
        "result",
        "created_at",
        "queued_at",
        "started_at",
        "lease_until",
        "finished_at",
        "expires_at",
    ]
    readonly_fields = fields

    @admin.display(description="Done")
    def percent(self, obj: Job) -> str:
        return f"{obj.percent}%"

    # Rows the workers write: staff read them, nobody edits or deletes them here.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Job | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Job | None = None) -> bool:
        return False


from jdbuilder.publishing import admin as publishing_admin  # noqa: E402,F401  (postings, read-only)
