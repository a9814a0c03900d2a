"""The JD templates' admin page, with history.

A template's choices are made the way a JD's are, in the wizard: staff save a JD as a template
(the JD page's "Save as template", replacing one of the same name to update it). Here they see
those choices as a readable summary, and edit the rest: name, description, department, office,
title and seniority.
"""

from __future__ import annotations

from django.contrib import admin
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin

from jdbuilder.catalog import catalog_rows
from jdbuilder.drafts import DraftChoices
from jdbuilder.organization.models import JobTemplate
from roles.models import Importance


@admin.register(JobTemplate)
class JobTemplateAdmin(SimpleHistoryAdmin):
    list_display = ["name", "department", "role", "seniority", "version", "updated_at"]
    list_filter = ["department", "seniority"]
    list_select_related = ["department", "role"]
    search_fields = ["name", "title", "role__name"]
    autocomplete_fields = ["role"]
    fields = [
        "name",
        "description",
        "department",
        "office",
        "role",
        "seniority",
        "title",
        "choices_summary",
        "version",
        "created_by",
        "created_at",
        "updated_at",
    ]
    readonly_fields = ["choices_summary", "version", "created_by", "created_at", "updated_at"]

    @admin.display(description="Choices")
    def choices_summary(self, obj: JobTemplate) -> str:
        """The template's tasks, skills and levels, tools and summary, in words."""
        if obj is None or obj.pk is None:
            return "Saved from a job description (its page's “Save as template”)."
        return template_summary(obj)


def template_summary(template: JobTemplate) -> str:
    """HTML (escaped) listing a template's choices with the catalog's names."""
    chosen = DraftChoices.from_json(template.choices)
    rows = catalog_rows()
    levels = {level.rank: level.name for level in rows.levels}
    importance = dict(Importance.choices)
    tasks = format_html_join("", "<li>{}</li>", ((item.text,) for item in chosen.responsibilities))
    skills = format_html_join(
        "",
        "<li>{}: {}, {}</li>",
        (
            (
                rows.skills[item.skill].name if item.skill in rows.skills else f"#{item.skill}",
                levels.get(item.level, item.level),
                importance.get(item.importance, item.importance).lower(),
            )
            for item in chosen.skills
        ),
    )
    tools = format_html_join(
        "",
        "<li>{}</li>",
        (
            (rows.tools[item.tool].name if item.tool in rows.tools else item.name,)
            for item in chosen.tools
        ),
    )
    return format_html(
        "<p>{}</p><h4>Responsibilities</h4><ul>{}</ul><h4>Skills</h4><ul>{}</ul>"
        "<h4>Tools</h4><ul>{}</ul>",
        chosen.posting.summary or "(no summary)",
        tasks or format_html("<li>{}</li>", "none"),
        skills or format_html("<li>{}</li>", "none"),
        tools or format_html("<li>{}</li>", "none"),
    )
