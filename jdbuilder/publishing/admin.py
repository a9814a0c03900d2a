"""Postings in the admin, read-only: staff see what is on the careers page, in which state,
until when, and follow the link to its public page. Postings are written by
`publishing.services` only (publishing writes the JD's timeline and the feeds' stamp), so
nobody adds, changes or deletes one here: that is done from the JD's page.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html

from jdbuilder.publishing.models import Posting
from jdbuilder.vocabulary import PostingState


@admin.register(Posting)
class PostingAdmin(admin.ModelAdmin):
    list_display = ["title", "state", "closes_on", "published_at", "public_page"]
    list_filter = ["state", "workplace_type", "employment_type"]
    list_select_related = ["job_description"]
    search_fields = ["title", "short_id", "department", "office", "location"]
    date_hierarchy = "published_at"
    # The stored renditions are long and say nothing the public page does not.
    exclude = ["description_html", "jobposting", "search_text"]

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        shown = [f.name for f in self.model._meta.fields if f.name not in self.exclude]
        return [*shown, "public_page"]

    @admin.display(description="Public page")
    def public_page(self, obj: Posting) -> str:
        if obj.state == PostingState.UNPUBLISHED:
            return "(unpublished)"
        # format_html escapes the address; nothing of the posting is marked safe.
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), obj.get_absolute_url())

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
