"""Review and approval in the admin: the flows staff keep (with their stages inline, with
history), the people's notification settings, and, read-only, what happened to submissions.

A stage's form says in words what the database's constraints would refuse: a stage needs an
approver (a group or named people), a salary condition needs its figure and currency, and no two
stages of a flow share a position. Submissions, comments, timeline events and share links are
written by `approvals.services` only: staff look at them here, nobody adds, changes or deletes
them.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from jdbuilder.approvals.models import (
    ApprovalFlow,
    ApprovalStage,
    Comment,
    NotificationSettings,
    ShareLink,
    Submission,
    TimelineEvent,
)
from jdbuilder.vocabulary import StageCondition

NO_APPROVER = "A stage needs an approver: choose a group or at least one named approver."
NO_FIGURE = "“The salary maximum is above a figure” needs the figure: give an amount."
NO_CURRENCY = "“The salary maximum is above a figure” needs the figure's currency (e.g. USD)."
BAD_CURRENCY = "A currency is three letters (ISO 4217), e.g. USD."
SAME_POSITION = "Two stages have position {position}: give each stage its own position."
ONE_DEFAULT = "There is a default flow already (“{name}”): untick “default” on it first."
DEFAULT_WITH_DEPARTMENT = (
    "The default flow is for every department without a flow of its own: leave the department "
    "empty, or untick “default”."
)


class ApprovalFlowForm(forms.ModelForm):
    class Meta:
        model = ApprovalFlow
        fields = ["name", "is_default", "department"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("is_default") and cleaned.get("department"):
            self.add_error("department", DEFAULT_WITH_DEPARTMENT)
        if cleaned.get("is_default"):
            other = ApprovalFlow.objects.filter(is_default=True).exclude(pk=self.instance.pk)
            existing = other.first()
            if existing is not None:
                self.add_error("is_default", ONE_DEFAULT.format(name=existing.name))
        return cleaned


class ApprovalStageForm(forms.ModelForm):
    class Meta:
        model = ApprovalStage
        fields = [
            "position",
            "name",
            "approver_group",
            "approvers",
            "condition",
            "condition_amount",
            "condition_currency",
        ]

    def clean_condition_currency(self) -> str:
        currency = (self.cleaned_data.get("condition_currency") or "").strip().upper()
        if currency and not (len(currency) == 3 and currency.isalpha() and currency.isascii()):
            raise forms.ValidationError(BAD_CURRENCY, code="bad_currency")
        return currency

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("approver_group") and not cleaned.get("approvers"):
            raise forms.ValidationError(NO_APPROVER, code="no_approver")
        if cleaned.get("condition") == StageCondition.SALARY_MAX_ABOVE:
            if cleaned.get("condition_amount") is None and "condition_amount" not in self.errors:
                self.add_error("condition_amount", NO_FIGURE)
            if not cleaned.get("condition_currency") and "condition_currency" not in self.errors:
                self.add_error("condition_currency", NO_CURRENCY)
        return cleaned


class ApprovalStageFormSet(forms.BaseInlineFormSet):
    """Positions are unique within the flow (said here, before the database refuses it)."""

    def clean(self) -> None:
        super().clean()
        seen: set[int] = set()
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or not form.cleaned_data:
                continue
            if self.can_delete and self._should_delete_form(form):
                continue
            position = form.cleaned_data.get("position")
            if position is None:
                continue
            if position in seen:
                raise forms.ValidationError(
                    SAME_POSITION.format(position=position), code="same_position"
                )
            seen.add(position)

    def validate_unique(self) -> None:
        # Our clean() says it in words; the generic "Please correct the duplicate data" would
        # only repeat it.
        return None


class ApprovalStageInline(admin.StackedInline):
    model = ApprovalStage
    form = ApprovalStageForm
    formset = ApprovalStageFormSet
    extra = 0
    ordering = ["position"]
    filter_horizontal = ["approvers"]
    autocomplete_fields = ["approver_group"]
    fieldsets = [
        (None, {"fields": ["position", "name"]}),
        (
            "Approved by",
            {
                "fields": ["approver_group", "approvers"],
                "description": "Any one of them approves the stage: everyone in the group, "
                "or the people named (or both).",
            },
        ),
        (
            "Applies when",
            {
                "fields": ["condition", "condition_amount", "condition_currency"],
                "description": "Amount and currency are for “the salary maximum is above a "
                "figure” only.",
            },
        ),
    ]


@admin.register(ApprovalFlow)
class ApprovalFlowAdmin(SimpleHistoryAdmin):
    form = ApprovalFlowForm
    inlines = [ApprovalStageInline]
    list_display = ["name", "is_default", "department", "stage_count"]
    list_filter = ["is_default"]
    list_select_related = ["department"]
    search_fields = ["name", "department__name"]
    fields = ["name", "is_default", "department"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ApprovalFlow]:
        return super().get_queryset(request).annotate(stages_total=Count("stages"))

    @admin.display(description="Stages", ordering="stages_total")
    def stage_count(self, obj: ApprovalFlow) -> int:
        return obj.stages_total


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows `approvals.services` writes: staff look, nobody adds, changes or deletes here."""

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        return [field.name for field in self.model._meta.fields]


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdmin):
    list_display = [
        "job_description",
        "number",
        "state",
        "flow_name",
        "submitted_by",
        "submitted_at",
        "decided_by",
        "decided_at",
    ]
    list_filter = ["state", "flow_name"]
    list_select_related = ["job_description", "submitted_by", "decided_by"]
    search_fields = ["job_description__title", "decision_comment"]
    date_hierarchy = "submitted_at"
    exclude = ["snapshot", "quality"]

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        return [f for f in super().get_readonly_fields(request, obj) if f not in self.exclude]


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdmin):
    list_display = ["job_description", "section", "who", "created_at", "is_resolved"]
    list_filter = ["section", ("resolved_at", admin.EmptyFieldListFilter)]
    list_select_related = ["job_description", "author"]
    search_fields = ["text", "outside_name", "job_description__title"]

    @admin.display(description="By")
    def who(self, obj: Comment) -> str:
        return obj.author_name

    @admin.display(boolean=True, description="Resolved")
    def is_resolved(self, obj: Comment) -> bool:
        return obj.is_resolved


@admin.register(TimelineEvent)
class TimelineEventAdmin(ReadOnlyAdmin):
    list_display = ["job_description", "kind", "who", "stage_name", "on_behalf", "created_at"]
    list_filter = ["kind", "on_behalf"]
    list_select_related = ["job_description", "actor"]
    search_fields = ["job_description__title", "text", "actor_name"]
    date_hierarchy = "created_at"

    @admin.display(description="Who")
    def who(self, obj: TimelineEvent) -> str:
        return obj.who


@admin.register(ShareLink)
class ShareLinkAdmin(ReadOnlyAdmin):
    list_display = [
        "job_description",
        "created_by",
        "created_at",
        "expires_at",
        "revoked_at",
        "comments_left",
    ]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["job_description", "created_by"]
    search_fields = ["job_description__title"]
    # The hash is nobody's business, even staff's: it only helps guessing.
    exclude = ["secret_sha256"]

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        return [f for f in super().get_readonly_fields(request, obj) if f not in self.exclude]


@admin.register(NotificationSettings)
class NotificationSettingsAdmin(admin.ModelAdmin):
    list_display = [
        "user",
        "submissions_to_approve",
        "decisions_on_mine",
        "comments_on_mine",
        "reminders",
    ]
    list_filter = ["submissions_to_approve", "decisions_on_mine", "comments_on_mine", "reminders"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "user__email"]
    autocomplete_fields = ["user"]
