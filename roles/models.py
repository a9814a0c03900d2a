"""The role catalog: task areas, roles, their titles, tasks, skills with levels, tools and teams.

The catalog knows nothing of the builder; the builder reads it.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from simple_history.models import HistoricalRecords


class TaskArea(models.Model):
    """One of the five task areas of the AI project lifecycle, in lifecycle order."""

    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    position = models.PositiveSmallIntegerField(unique=True, help_text="Order in the lifecycle.")
    description = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.name


class ProficiencyLevel(models.Model):
    """A named step of the ordered proficiency scale; rank 1 is the lowest."""

    rank = models.PositiveSmallIntegerField(unique=True, help_text="1 is the lowest level.")
    name = models.CharField(max_length=40, unique=True)
    descriptor = models.CharField(
        max_length=200, help_text='One sentence a JD uses in prose, e.g. "designs solutions alone".'
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["rank"]
        constraints = [
            models.CheckConstraint(condition=Q(rank__gte=1), name="level_rank_at_least_one"),
        ]

    def __str__(self) -> str:
        return self.name


class SkillCategory(models.TextChoices):
    TECHNICAL = "technical", "Technical"
    COMMUNICATION = "communication", "Communication"
    BUSINESS = "business", "Business"


class Importance(models.TextChoices):
    REQUIRED = "required", "Required"
    NICE_TO_HAVE = "nice_to_have", "Nice to have"


class Skill(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    category = models.CharField(
        max_length=20, choices=SkillCategory, default=SkillCategory.TECHNICAL
    )
    description = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(category__in=SkillCategory.values), name="skill_category_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


def normalize_query(query: str) -> str:
    """A search as typed, white space folded, NUL dropped (PostgreSQL refuses it)."""
    return " ".join(query.replace("\x00", " ").split())


class RoleQuerySet(models.QuerySet):
    def search(self, query: str) -> RoleQuerySet:
        """Roles whose name or any alternate title contains `query`, ignoring case.

        Each role appears once, whatever the number of its titles that match.
        """
        query = normalize_query(query)
        if not query:
            return self
        matching_titles = AlternateTitle.objects.filter(title__icontains=query).values("role_id")
        return self.filter(Q(name__icontains=query) | Q(pk__in=matching_titles))

    def with_task_areas(self) -> RoleQuerySet:
        return self.prefetch_related("task_areas")


class Role(models.Model):
    name = models.CharField(max_length=150, unique=True)
    slug = models.SlugField(max_length=150, unique=True)
    summary = models.TextField(help_text="Two or three sentences on what the role is for.")
    code_focus = models.CharField(
        max_length=200, blank=True, help_text="What code the role writes, e.g. mostly production."
    )
    notes = models.TextField(blank=True, help_text="Curators' notes: choices made and why.")
    source = models.CharField(max_length=200, blank=True, help_text="Where the facts come from.")
    onet_code = models.CharField("O*NET-SOC code", max_length=12, blank=True)
    task_areas = models.ManyToManyField(TaskArea, related_name="roles", blank=True)
    works_with = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="worked_with_by"
    )
    skills = models.ManyToManyField(Skill, through="RoleSkill", related_name="roles", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(m2m_fields=[task_areas, works_with])

    objects = RoleQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            # One role per O*NET occupation; roles from other sources have no code.
            models.UniqueConstraint(
                fields=["onet_code"], condition=~Q(onet_code=""), name="unique_onet_code"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("roles:detail", kwargs={"slug": self.slug})


class AlternateTitle(models.Model):
    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="alternate_titles")
    title = models.CharField(max_length=150)
    history = HistoricalRecords()

    class Meta:
        ordering = ["title"]
        constraints = [
            # One spelling per role; the same title may belong to several roles (O*NET does that).
            models.UniqueConstraint(Lower("title"), "role", name="unique_title_per_role_ci"),
        ]

    def __str__(self) -> str:
        return self.title


class Task(models.Model):
    """A task statement, in one task area, carried out by one or more roles."""

    area = models.ForeignKey(TaskArea, on_delete=models.PROTECT, related_name="tasks")
    text = models.CharField(max_length=500)
    roles = models.ManyToManyField(Role, through="RoleTask", related_name="tasks", blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["area__position", "text"]
        constraints = [
            models.UniqueConstraint(fields=["area", "text"], name="unique_task_text_per_area"),
        ]

    def __str__(self) -> str:
        return self.text


class RoleTask(models.Model):
    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="role_tasks")
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="role_tasks")
    included_by_default = models.BooleanField(
        default=True, help_text="Pre-checked when a manager starts a JD for this role."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["task__area__position", "task__text"]
        constraints = [
            models.UniqueConstraint(fields=["role", "task"], name="unique_task_per_role"),
        ]

    def __str__(self) -> str:
        return f"{self.role}: {self.task}"


class RoleSkill(models.Model):
    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="role_skills")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="role_skills")
    # A foreign key keeps every default level on the scale; PROTECT keeps a level in use.
    level = models.ForeignKey(ProficiencyLevel, on_delete=models.PROTECT, related_name="+")
    importance = models.CharField(max_length=20, choices=Importance, default=Importance.REQUIRED)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-level__rank", "skill__name"]
        constraints = [
            models.UniqueConstraint(fields=["role", "skill"], name="unique_skill_per_role"),
            models.CheckConstraint(
                condition=Q(importance__in=Importance.values),
                name="role_skill_importance_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.role}: {self.skill}"


class Tool(models.Model):
    name = models.CharField(max_length=100)
    area = models.ForeignKey(TaskArea, on_delete=models.PROTECT, related_name="tools")
    description = models.CharField(max_length=300, blank=True)
    roles = models.ManyToManyField(Role, related_name="tools", blank=True)
    history = HistoricalRecords(m2m_fields=[roles])

    class Meta:
        ordering = ["area__position", "name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), "area", name="unique_tool_name_per_area_ci"),
        ]

    def __str__(self) -> str:
        return self.name
