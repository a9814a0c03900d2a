"""factory_boy factories for every model the tests build."""

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from jdbuilder.accounts import HIRING_MANAGERS, RECRUITERS, ensure_groups
from roles import models


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("correct-horse-battery")


def joins_group(group_name: str):
    """A post-generation hook that puts the new user in one of jdbuilder.accounts' groups."""

    @factory.post_generation
    def join_group(user, create, extracted, **kwargs):
        if create:
            ensure_groups()
            user.groups.add(Group.objects.get(name=group_name))

    return join_group


class ManagerFactory(UserFactory):
    username = factory.Sequence(lambda n: f"manager{n}")
    join_group = joins_group(HIRING_MANAGERS)


class RecruiterFactory(UserFactory):
    username = factory.Sequence(lambda n: f"recruiter{n}")
    join_group = joins_group(RECRUITERS)


class StaffFactory(UserFactory):
    username = factory.Sequence(lambda n: f"staff{n}")
    is_staff = True
    is_superuser = True


class TaskAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.TaskArea

    position = factory.Sequence(lambda n: n + 100)
    name = factory.Sequence(lambda n: f"Task area {n}")
    slug = factory.Sequence(lambda n: f"task-area-{n}")


class ProficiencyLevelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ProficiencyLevel
        django_get_or_create = ("rank",)

    rank = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"Level {n + 1}")
    descriptor = factory.LazyAttribute(lambda o: f"works at level {o.rank}")


class SkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Skill

    name = factory.Sequence(lambda n: f"Skill {n}")
    slug = factory.Sequence(lambda n: f"skill-{n}")
    category = models.SkillCategory.TECHNICAL


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Role

    name = factory.Sequence(lambda n: f"Role {n}")
    slug = factory.Sequence(lambda n: f"role-{n}")
    summary = "Builds things that matter."


class AlternateTitleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.AlternateTitle

    role = factory.SubFactory(RoleFactory)
    title = factory.Sequence(lambda n: f"Alternate title {n}")


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Task

    area = factory.SubFactory(TaskAreaFactory)
    text = factory.Sequence(lambda n: f"Carry out task number {n}")


class RoleTaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.RoleTask

    role = factory.SubFactory(RoleFactory)
    task = factory.SubFactory(TaskFactory)


class RoleSkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.RoleSkill

    role = factory.SubFactory(RoleFactory)
    skill = factory.SubFactory(SkillFactory)
    level = factory.SubFactory(ProficiencyLevelFactory)
    importance = models.Importance.REQUIRED


class ToolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Tool

    name = factory.Sequence(lambda n: f"Tool {n}")
    area = factory.SubFactory(TaskAreaFactory)
