"""Django admin for the role catalog: the model admins, the role page's inlines, registration.

Every model keeps its simple-history "History" page. A role's history page also lists the
changes made to its skills, alternate titles and tasks (roles.history), because curators edit
those inline on the role and expect to find the edits there. The interview question bank is
edited on its own pages and inline on each skill; a task's page edits the skills it exercises.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from simple_history.admin import SimpleHistoryAdmin

from roles.history import INLINE_HISTORY_LIMIT, role_inline_changes
from roles.models import (
    AlternateTitle,
    InterviewQuestion,
    ProficiencyLevel,
    Role,
    RoleSkill,
    RoleTask,
    Skill,
    Task,
    TaskArea,
    Tool,
)
from roles.seed import ONET_ELEMENT_ID

# --- Inlines on the role page -------------------------------------------------------------------


class AlternateTitleInline(admin.TabularInline):
    model = AlternateTitle
    fields = ["title"]
    extra = 1


class RoleSkillInline(admin.TabularInline):
    model = RoleSkill
    fields = ["skill", "level", "importance"]
    autocomplete_fields = ["skill", "level"]
    extra = 1

    def get_queryset(self, request: HttpRequest) -> QuerySet[RoleSkill]:
        return super().get_queryset(request).select_related("skill", "level")


class RoleTaskInline(admin.TabularInline):
    model = RoleTask
    fields = ["task", "included_by_default"]
    autocomplete_fields = ["task"]
    extra = 1

    def get_queryset(self, request: HttpRequest) -> QuerySet[RoleTask]:
        return super().get_queryset(request).select_related("task__area")


class ToolInline(admin.TabularInline):
    model = Tool.roles.through
    fields = ["tool"]
    autocomplete_fields = ["tool"]
    extra = 1
    verbose_name = "tool"
    verbose_name_plural = "tools"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).select_related("tool")


# --- Model admins -------------------------------------------------------------------------------


@admin.register(TaskArea)
class TaskAreaAdmin(SimpleHistoryAdmin):
    list_display = ["name", "position", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    history_list_display = ["position"]


@admin.register(ProficiencyLevel)
class ProficiencyLevelAdmin(SimpleHistoryAdmin):
    list_display = ["rank", "name", "descriptor"]
    list_display_links = ["rank", "name"]
    search_fields = ["name"]
    history_list_display = ["rank", "name"]


class SkillForm(forms.ModelForm):
    class Meta:
        model = Skill
        fields = ["name", "slug", "category", "description", "onet_element_id"]

    def clean_onet_element_id(self) -> str:
        # Public JSON-LD names it as the skill's O*NET code: only the Content Model's shape.
        value = self.cleaned_data["onet_element_id"].strip()
        if value and not ONET_ELEMENT_ID.fullmatch(value):
            raise ValidationError(
                "Enter an O*NET Content Model element ID such as 2.A.1.e, or leave it blank."
            )
        return value


# Question texts are long: a short textarea keeps the inline's rows readable.
QUESTION_WIDGETS = {
    "text": forms.Textarea(attrs={"rows": 3, "cols": 48}),
    "strong_answer": forms.Textarea(attrs={"rows": 3, "cols": 48}),
}


class InterviewQuestionForm(forms.ModelForm):
    class Meta:
        model = InterviewQuestion
        fields = ["skill", "level", "position", "kind", "text", "strong_answer", "generic"]
        widgets = QUESTION_WIDGETS

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        # A generic template's placeholder left in by mistake would reach the kit as "{skill}".
        for name in ("text", "strong_answer"):
            if "{skill}" in (cleaned.get(name) or ""):
                self.add_error(name, "Write the skill's name instead of {skill}.")
        return cleaned


class InterviewQuestionInline(admin.TabularInline):
    model = InterviewQuestion
    form = InterviewQuestionForm
    fields = ["level", "position", "kind", "text", "strong_answer", "generic"]
    autocomplete_fields = ["level"]
    extra = 1
    verbose_name_plural = "interview questions (per level, in order)"

    def get_queryset(self, request: HttpRequest) -> QuerySet[InterviewQuestion]:
        return (
            super()
            .get_queryset(request)
            .select_related("level")
            .order_by("level__rank", "position", "pk")
        )


@admin.register(Skill)
class SkillAdmin(SimpleHistoryAdmin):
    form = SkillForm
    list_display = ["name", "category", "onet_element_id", "question_count"]
    list_filter = ["category"]
    ordering = ["name"]  # the annotated queryset loses Meta.ordering; pagination needs one
    search_fields = ["name", "onet_element_id"]
    prepopulated_fields = {"slug": ["name"]}
    history_list_display = ["category", "onet_element_id"]
    inlines = [InterviewQuestionInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Skill]:
        # One count per skill in the list's own query, not one query per row.
        return (
            super()
            .get_queryset(request)
            .annotate(question_count=Count("interview_questions", distinct=True))
        )

    @admin.display(description="Interview questions", ordering="question_count")
    def question_count(self, obj: Skill) -> int:
        return obj.question_count


@admin.register(InterviewQuestion)
class InterviewQuestionAdmin(SimpleHistoryAdmin):
    form = InterviewQuestionForm
    list_display = ["short_text", "skill", "level", "kind", "position", "generic"]
    list_select_related = ["skill", "level"]
    list_filter = ["kind", "generic", "level", "skill__category", "skill"]
    search_fields = ["text", "strong_answer", "skill__name"]
    autocomplete_fields = ["skill", "level"]
    ordering = ["skill__name", "level__rank", "position", "pk"]
    history_list_display = ["skill", "level", "kind", "generic"]

    @admin.display(description="Question or exercise", ordering="text")
    def short_text(self, obj: InterviewQuestion) -> str:
        return obj.text if len(obj.text) <= 90 else obj.text[:89] + "…"


@admin.register(Role)
class RoleAdmin(SimpleHistoryAdmin):
    list_display = ["name", "onet_code", "task_area_names", "titles_count", "updated_at"]
    list_filter = ["task_areas"]
    ordering = ["name"]  # the annotated queryset loses Meta.ordering; pagination needs one
    # Titles span a reverse FK, so the changelist de-duplicates the matching roles itself.
    search_fields = ["name", "alternate_titles__title", "onet_code"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["task_areas"]
    autocomplete_fields = ["works_with"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [AlternateTitleInline, RoleSkillInline, RoleTaskInline, ToolInline]
    object_history_template = "admin/roles/role/object_history.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Role]:
        # The list columns read these, so one query each instead of one per row. Distinct
        # keeps the count right when the search joins alternate titles again.
        return (
            super()
            .get_queryset(request)
            .prefetch_related("task_areas")
            .annotate(titles_count=Count("alternate_titles", distinct=True))
        )

    @admin.display(description="Task areas")
    def task_area_names(self, obj: Role) -> str:
        return ", ".join(area.name for area in obj.task_areas.all())

    @admin.display(description="Alternate titles", ordering="titles_count")
    def titles_count(self, obj: Role) -> int:
        return obj.titles_count

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        try:
            role_pk = Role._meta.pk.to_python(unquote(object_id))
        except ValidationError as error:
            raise Http404 from error
        # Check before reading other models' history; super() checks again with the object.
        if not self.has_view_history_or_change_history_permission(request):
            raise PermissionDenied
        changes = role_inline_changes(role_pk)
        context = {
            "inline_changes": changes,
            "inline_changes_limit": INLINE_HISTORY_LIMIT,
            "inline_changes_capped": len(changes) >= INLINE_HISTORY_LIMIT,
            **(extra_context or {}),
        }
        return super().history_view(request, object_id, extra_context=context)


@admin.register(AlternateTitle)
class AlternateTitleAdmin(SimpleHistoryAdmin):
    list_display = ["title", "role"]
    list_select_related = ["role"]
    search_fields = ["title", "role__name"]
    autocomplete_fields = ["role"]
    history_list_display = ["title"]


@admin.register(Task)
class TaskAdmin(SimpleHistoryAdmin):
    list_display = ["text", "area", "skill_names"]
    list_select_related = ["area"]
    list_filter = ["area", "skills"]
    search_fields = ["text"]
    autocomplete_fields = ["area"]
    # Traceability: the skills this task exercises (jdbuilder/checks read them).
    filter_horizontal = ["skills"]
    history_list_display = ["area"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Task]:
        return super().get_queryset(request).prefetch_related("skills")

    @admin.display(description="Skills it exercises")
    def skill_names(self, obj: Task) -> str:
        return ", ".join(skill.name for skill in obj.skills.all()) or "–"


@admin.register(RoleTask)
class RoleTaskAdmin(SimpleHistoryAdmin):
    list_display = ["role", "task", "task_area", "included_by_default"]
    list_select_related = ["role", "task__area"]
    list_filter = ["included_by_default", "task__area"]
    search_fields = ["role__name", "task__text"]
    autocomplete_fields = ["role", "task"]
    history_list_display = ["included_by_default"]

    @admin.display(description="Task area", ordering="task__area__position")
    def task_area(self, obj: RoleTask) -> TaskArea:
        return obj.task.area


@admin.register(RoleSkill)
class RoleSkillAdmin(SimpleHistoryAdmin):
    list_display = ["role", "skill", "level", "importance"]
    list_select_related = ["role", "skill", "level"]
    list_filter = ["importance", "level", "skill"]
    search_fields = ["role__name", "skill__name"]
    autocomplete_fields = ["role", "skill", "level"]
    history_list_display = ["level", "importance"]


@admin.register(Tool)
class ToolAdmin(SimpleHistoryAdmin):
    list_display = ["name", "area", "description"]
    list_select_related = ["area"]
    list_filter = ["area"]
    search_fields = ["name"]
    autocomplete_fields = ["area", "roles"]
    history_list_display = ["area"]
