import pytest
from django.db import IntegrityError, transaction

from roles.models import ProficiencyLevel, Role, RoleSkill
from tests.factories import (
    AlternateTitleFactory,
    ProficiencyLevelFactory,
    RoleFactory,
    RoleSkillFactory,
    RoleTaskFactory,
    SkillFactory,
    TaskAreaFactory,
    TaskFactory,
    ToolFactory,
)

pytestmark = pytest.mark.django_db


def assert_rejected(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


class TestConstraints:
    def test_role_name_and_slug_are_unique(self):
        RoleFactory(name="Data Analyst", slug="data-analyst")
        assert_rejected(lambda: RoleFactory(name="Data Analyst", slug="other"))
        assert_rejected(lambda: RoleFactory(name="Other", slug="data-analyst"))

    def test_skill_and_task_area_names_are_unique(self):
        SkillFactory(name="Mathematics", slug="mathematics")
        assert_rejected(lambda: SkillFactory(name="Mathematics", slug="maths"))
        TaskAreaFactory(name="Modeling", slug="modeling", position=2)
        assert_rejected(lambda: TaskAreaFactory(name="Modelling", slug="modelling", position=2))

    def test_alternate_title_is_unique_per_role_ignoring_case(self):
        title = AlternateTitleFactory(title="Data Engineer")
        assert_rejected(lambda: AlternateTitleFactory(role=title.role, title="data engineer"))
        # Another role may use the same title, as O*NET does.
        AlternateTitleFactory(title="Data Engineer")

    def test_a_skill_appears_once_per_role(self):
        link = RoleSkillFactory()
        assert_rejected(lambda: RoleSkillFactory(role=link.role, skill=link.skill))

    def test_level_rank_starts_at_one(self):
        assert_rejected(
            lambda: ProficiencyLevel.objects.create(rank=0, name="None", descriptor="-")
        )

    def test_skill_category_and_importance_must_be_known_values(self):
        assert_rejected(lambda: SkillFactory(category="magic"))
        assert_rejected(lambda: RoleSkillFactory(importance="mandatory"))

    def test_default_level_must_be_on_the_scale(self):
        from django.db import connection

        role, skill = RoleFactory(), SkillFactory()

        def create_off_scale():
            RoleSkill.objects.create(role=role, skill=skill, level_id=999_999)
            connection.check_constraints()  # foreign keys are deferred to commit otherwise

        assert_rejected(create_off_scale)

    def test_a_level_in_use_cannot_be_deleted(self):
        from django.db.models import ProtectedError

        link = RoleSkillFactory()
        with pytest.raises(ProtectedError):
            link.level.delete()
        assert ProficiencyLevel.objects.filter(pk=link.level.pk).exists()

    def test_task_text_unique_within_its_area(self):
        task = TaskFactory(text="Clean data")
        assert_rejected(lambda: TaskFactory(area=task.area, text="Clean data"))
        TaskFactory(text="Clean data")  # another area

    def test_tool_names_unique_per_area_ignoring_case(self):
        tool = ToolFactory(name="Docker")
        assert_rejected(lambda: ToolFactory(area=tool.area, name="docker"))

    def test_deleting_a_role_removes_its_links_but_not_the_shared_catalog(self):
        link = RoleSkillFactory()
        role_task = RoleTaskFactory(role=link.role)
        AlternateTitleFactory(role=link.role)
        link.role.delete()
        assert not RoleSkill.objects.exists()
        assert type(role_task.task).objects.filter(pk=role_task.task.pk).exists()
        assert type(link.skill).objects.filter(pk=link.skill.pk).exists()


class TestRoleSearch:
    @pytest.fixture
    def roles(self):
        engineer = RoleFactory(name="Software Engineer")
        AlternateTitleFactory(role=engineer, title="software development engineer")
        AlternateTitleFactory(role=engineer, title="software engineer-data")
        analyst = RoleFactory(name="Data Analyst")
        AlternateTitleFactory(role=analyst, title="BI analyst")
        return engineer, analyst

    @pytest.mark.parametrize(
        "query",
        ["software development engineer", "SOFTWARE DEVELOPMENT", "  development   engineer "],
    )
    def test_finds_a_role_by_alternate_title_case_insensitive_and_partial(self, roles, query):
        assert list(Role.objects.search(query)) == [roles[0]]

    def test_finds_by_name(self, roles):
        assert list(Role.objects.search("data ana")) == [roles[1]]

    def test_a_role_matching_several_titles_appears_once(self, roles):
        assert list(Role.objects.search("software")) == [roles[0]]

    def test_empty_query_returns_everything_and_unknown_returns_nothing(self, roles):
        assert Role.objects.search("   ").count() == 2
        assert not Role.objects.search("astronaut").exists()

    def test_search_is_chainable(self, roles):
        assert not Role.objects.search("analyst").filter(name="Software Engineer").exists()

    def test_special_characters_are_literal(self, roles):
        assert not Role.objects.search("%").exists()
        assert not Role.objects.search("_").exists()


def test_level_ordering_follows_rank():
    ProficiencyLevelFactory(rank=3, name="Accomplished")
    ProficiencyLevelFactory(rank=1, name="Beginning")
    assert [lvl.name for lvl in ProficiencyLevel.objects.all()] == ["Beginning", "Accomplished"]
