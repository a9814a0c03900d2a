"""The role catalog: task areas, roles, their titles, tasks, skills with levels, tools and teams.

The catalog knows nothing of the builder; the builder reads it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django.db import connection, models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from simple_history.models import HistoricalRecords

from roles.search import search_key, search_text_of

# The source the seed catalog (roles/data/catalog.toml) gives its six roles: the roles of the
# series' Figure 1, which the role list draws as its task-area matrix.
SEED_SOURCE = 'Workera, "AI Career Pathways"'


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
    onet_element_id = models.CharField(
        "O*NET element ID",
        max_length=20,
        blank=True,
        help_text="The O*NET Content Model element this skill is, e.g. 2.B.3.e; blank if none.",
    )
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
        """Roles whose name or any alternate title contains `query`, ignoring case and repeated
        white space (`roles.search.search_key`); `%` and `_` are plain characters.

        Each role appears once, whatever the number of its titles that match. It reads the
        stored search texts (RoleSearchText): one short row per role, trigram-indexed on
        PostgreSQL.
        """
        key = search_key(query)
        if not key:
            return self
        # A join (one text per role), so SQLite can walk the roles in name order and stop at
        # the LIMIT when many match; PostgreSQL reads the matching texts off the trigram index.
        return self.filter(search_text__text__contains=key)

    def with_task_areas(self) -> RoleQuerySet:
        return self.prefetch_related("task_areas")

    def in_seed_figure(self) -> RoleQuerySet:
        """The seed's roles (Figure 1 of the series), with their task areas."""
        return self.filter(source=SEED_SOURCE).prefetch_related("task_areas")


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

    @classmethod
    def from_db(cls, db: Any, field_names: Any, values: Any) -> AlternateTitle:
        instance = super().from_db(db, field_names, values)
        # A title moved to another role changes both roles' search texts (see _role_ids_of).
        instance._loaded_role_id = instance.__dict__.get("role_id")
        return instance


class Task(models.Model):
    """A task statement, in one task area, carried out by one or more roles."""

    area = models.ForeignKey(TaskArea, on_delete=models.PROTECT, related_name="tasks")
    text = models.CharField(max_length=500)
    roles = models.ManyToManyField(Role, through="RoleTask", related_name="tasks", blank=True)
    # Traceability: the skills that carrying out this task exercises. A JD that requires a skill
    # none of its chosen tasks exercises gets a finding (jdbuilder/checks/traceability.py).
    skills = models.ManyToManyField(
        Skill,
        related_name="tasks",
        blank=True,
        help_text="The skills carrying out this task exercises.",
    )
    history = HistoricalRecords(m2m_fields=[skills])

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


class QuestionKind(models.TextChoices):
    QUESTION = "question", "Question"
    EXERCISE = "exercise", "Exercise"


class InterviewQuestionQuerySet(models.QuerySet):
    def for_skills(self, skill_ids: Iterable[int]) -> InterviewQuestionQuerySet:
        """The questions of `skill_ids`, every level, in the order a kit lists them."""
        return self.filter(skill_id__in=list(skill_ids)).order_by(
            "skill_id", "level__rank", "position", "pk"
        )


class InterviewQuestion(models.Model):
    """One question or exercise of the interview question bank: for one skill at one level, with
    what a strong answer shows. An interview kit (jdbuilder/kits) lists the questions of each
    skill of a JD at the level the JD asks for."""

    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="interview_questions")
    # PROTECT: a level with questions stays on the scale, as with a role's default levels.
    level = models.ForeignKey(ProficiencyLevel, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=QuestionKind, default=QuestionKind.QUESTION)
    text = models.TextField(max_length=1000, help_text="What the interviewer asks or sets.")
    strong_answer = models.TextField(
        "what a strong answer shows",
        max_length=1000,
        help_text="What the interviewer listens for at this level.",
    )
    position = models.PositiveSmallIntegerField(default=1, help_text="Order within the level.")
    generic = models.BooleanField(
        default=False,
        help_text="Written from the generic questions by level (O*NET import): edit it to be "
        "about this skill, then untick.",
    )
    history = HistoricalRecords()

    objects = InterviewQuestionQuerySet.as_manager()

    class Meta:
        ordering = ["skill__name", "level__rank", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["skill", "level", "text"], name="unique_question_per_skill_level"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=QuestionKind.values), name="question_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.skill} ({self.level}): {self.text[:60]}"


# --- Derived rows: the search texts and the catalog version -------------------------------------


class RoleSearchTextManager(models.Manager):
    # Roles per query when rebuilding: keeps `pk__in` lists under every backend's parameter limit.
    CHUNK = 500
    # PostgreSQL: the trigram index on `text` (migration 0004 makes it).
    INDEX = "roles_rolesearchtext_text_trgm"
    # Rows written at once from which the index's pending list is merged at the end (below).
    MANY = 50

    def rebuild(self, role_ids: Iterable[int] | None = None) -> int:
        """Write the search text of the roles `role_ids` (every role if None) from their name
        and titles, where it changed; roles that no longer exist are skipped. Returns the number
        of rows written."""
        if role_ids is None:
            role_ids = Role.objects.values_list("pk", flat=True)
        ids = sorted(set(role_ids))
        written = 0
        for start in range(0, len(ids), self.CHUNK):
            chunk = ids[start : start + self.CHUNK]
            titles: dict[int, list[str]] = {pk: [] for pk in chunk}
            rows = AlternateTitle.objects.filter(role_id__in=chunk).order_by("pk")
            for role_id, title in rows.values_list("role_id", "title"):
                titles[role_id].append(title)
            stored = dict(self.filter(role_id__in=chunk).values_list("role_id", "text"))
            texts = [
                RoleSearchText(role_id=pk, text=text)
                for pk, name in Role.objects.filter(pk__in=chunk).values_list("pk", "name")
                if stored.get(pk) != (text := search_text_of(name, titles[pk]))
            ]
            self.bulk_create(
                texts, update_conflicts=True, unique_fields=["role"], update_fields=["text"]
            )
            written += len(texts)
        if written >= self.MANY and connection.vendor == "postgresql":
            # New index entries wait in the GIN index's pending list, which every search scans
            # until a VACUUM merges it; after a bulk write, merge it now (cheap, in bulk).
            with connection.cursor() as cursor:
                cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [self.INDEX])
        return written


class RoleSearchText(models.Model):
    """A role's name and alternate titles as search compares them (`roles.search`), one a line.

    Derived: rebuilt whenever the role's name or titles change (roles.sync: signal handlers, and
    `catalog_writes()` for bulk loads); migration 0004 filled it for the roles of the day.
    PostgreSQL has a trigram index on `text` (migration 0004), which `LIKE '%...%'` uses.
    """

    role = models.OneToOneField(
        Role, on_delete=models.CASCADE, primary_key=True, related_name="search_text"
    )
    text = models.TextField()

    objects = RoleSearchTextManager()

    def __str__(self) -> str:
        return f"search text of role #{self.role_id}"


class CatalogVersionManager(models.Manager):
    ROW = 1

    def current(self) -> str:
        """A token that changes with every write to the catalog: part of cache keys.

        Read with one fixed SQL statement: several requests ask it per page (the preview's cache
        key, the document's catalog rows, the tools step), and compiling the ORM query cost
        several times the query itself.
        """
        table = connection.ops.quote_name(self.model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT token FROM {table} WHERE id = %s", [self.ROW])  # noqa: S608
            row = cursor.fetchone()
        token = row[0] if row else None
        if token is None:
            # Never a fixed value for "no row yet", so a flushed database never meets fragments
            # cached before the flush.
            token = self.get_or_create(pk=self.ROW, defaults={"token": uuid.uuid4().hex})[0].token
        return token

    def bump(self) -> None:
        token = uuid.uuid4().hex
        if not self.filter(pk=self.ROW).update(token=token):
            self.update_or_create(pk=self.ROW, defaults={"token": token})


class CatalogVersion(models.Model):
    """One row: the catalog's version token, new after every catalog write.

    In the database, not the cache, so the new token commits with the write it stands for: a
    page cached by a request that read the old data can only be under the old token.
    """

    token = models.CharField(max_length=32)
    changed_at = models.DateTimeField(auto_now=True)

    objects = CatalogVersionManager()

    def __str__(self) -> str:
        return self.token
