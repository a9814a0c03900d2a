"""Templates: who saves one for which department, starting a draft from one, who may use which,
and the organization's "start from a template" rule on the New job description page."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from jdbuilder.drafts import SkillChoice
from jdbuilder.models import JobDescription
from jdbuilder.organization.models import JobTemplate
from jdbuilder.organization.proposals import role_items
from jdbuilder.organization.services import save_as_template, start_from_template, start_offer
from jdbuilder.services import start_draft
from jdbuilder.vocabulary import BlockKind
from roles.models import Role
from tests.factories import (
    ContentBlockFactory,
    DepartmentFactory,
    DraftFactory,
    ManagerFactory,
    OfficeFactory,
    OrganizationFactory,
    RecruiterFactory,
    StaffFactory,
)

pytestmark = pytest.mark.usefixtures("catalog")


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def org():
    """Two departments with a manager each, an office, and blocks for them."""
    OrganizationFactory()
    alice, bob = ManagerFactory(), ManagerFactory()
    platform = DepartmentFactory(name="Platform", members=[alice])
    data = DepartmentFactory(name="Data", members=[bob])
    berlin = OfficeFactory(name="Berlin", locality="Berlin", region="Berlin", country="DE")
    ContentBlockFactory(kind=BlockKind.BENEFITS, name="Company benefits", text="Health plan.")
    ContentBlockFactory(
        kind=BlockKind.BENEFITS, name="Berlin benefits", text="BVG ticket.", office=berlin
    )
    ContentBlockFactory(
        kind=BlockKind.ABOUT_TEAM, name="Platform team", text="We run it.", department=platform
    )
    return {"alice": alice, "bob": bob, "platform": platform, "data": data, "berlin": berlin}


def make_template(jd, *, user, department, name="Platform engineer") -> JobTemplate:
    return save_as_template(job_description=jd, user=user, name=name, department=department)


# --- save as template: the permission matrix ---------------------------------------------


class TestSaveAsTemplate:
    def test_a_manager_saves_for_their_own_department(self, org):
        jd = DraftFactory(owner=org["alice"], title="Platform Engineer")
        template = make_template(jd, user=org["alice"], department=org["platform"])
        assert (template.department, template.role, template.title) == (
            org["platform"],
            jd.role,
            "Platform Engineer",
        )
        assert template.created_by == org["alice"]
        assert template.choices["skills"] == jd.choices["skills"]
        assert template.choices["origins"]["template"] is None  # no baseline carried over

    def test_a_manager_is_refused_another_department_and_the_whole_company(self, org):
        jd = DraftFactory(owner=org["alice"])
        for department in (org["data"], None):
            with pytest.raises(PermissionDenied):
                make_template(jd, user=org["alice"], department=department)
        assert not JobTemplate.objects.exists()

    def test_staff_save_for_any_department_or_company_wide(self, org):
        staff = StaffFactory()
        jd = DraftFactory(owner=org["alice"])
        assert make_template(jd, user=staff, department=org["data"]).department == org["data"]
        assert make_template(jd, user=staff, department=None, name="Everyone").department is None

    def test_a_recruiter_or_another_manager_is_refused(self, org):
        jd = DraftFactory(owner=org["alice"])
        for user in (RecruiterFactory(), org["bob"]):
            with pytest.raises(PermissionDenied):
                make_template(jd, user=user, department=org["data"])
        assert not JobTemplate.objects.exists()

    def test_a_taken_or_blank_name_is_refused_clearly_and_replace_updates(self, org):
        jd = DraftFactory(owner=org["alice"])
        first = make_template(jd, user=org["alice"], department=org["platform"])
        with pytest.raises(ValidationError, match="exists already"):
            make_template(
                jd, user=org["alice"], department=org["platform"], name="platform ENGINEER"
            )
        with pytest.raises(ValidationError, match="name"):
            make_template(jd, user=org["alice"], department=org["platform"], name="   ")
        retitled = DraftFactory(owner=org["alice"], title="Staff Platform Engineer")
        replaced = save_as_template(
            job_description=retitled,
            user=org["alice"],
            name="Platform engineer",
            department=org["platform"],
            replace=True,
        )
        assert replaced.pk == first.pk and replaced.version == 2
        assert replaced.title == "Staff Platform Engineer"

    def test_the_page_form_saves_and_refuses_with_a_message(self, org):
        jd = DraftFactory(owner=org["alice"])
        client = client_for(org["alice"])
        page = client.get(jd.get_absolute_url()).content.decode()
        assert "Save as template" in page and "Platform" in page
        url = f"/company/jds/{jd.public_id}/save-as-template/"
        response = client.post(url, {"name": "Mine", "department": org["data"].pk}, follow=True)
        assert "only for your own departments" in response.content.decode()
        assert not JobTemplate.objects.exists()
        response = client.post(url, {"name": "Mine", "department": org["platform"].pk}, follow=True)
        assert "Saved as the template “Mine” for Platform" in response.content.decode()
        assert JobTemplate.objects.get().department == org["platform"]
        assert client.post(url, {"name": "x", "department": "abc"}).status_code == 302
        assert client.get(url).status_code == 405

    def test_someone_who_cannot_see_the_jd_gets_a_404(self, org):
        jd = DraftFactory(owner=org["alice"])
        url = f"/company/jds/{jd.public_id}/save-as-template/"
        response = client_for(org["bob"]).post(url, {"name": "Mine", "department": org["data"].pk})
        assert response.status_code == 404


# --- starting from a template ------------------------------------------------------------


class TestStartFromTemplate:
    def test_a_draft_from_a_template_takes_everything(self, org):
        source = DraftFactory(
            owner=org["alice"],
            title="Platform Engineer",
            posting={
                "summary": "Run the platform.",
                "department": org["platform"].pk,
                "office": org["berlin"].pk,
            },
        )
        python = source.chosen.skills[0]
        raised = SkillChoice(skill=python.skill, level=python.level + 1, importance="required")
        source = DraftFactory(
            owner=org["alice"],
            title="Platform Engineer",
            skills=[raised, *source.chosen.skills[1:]],
            tools=source.chosen.tools[:1],
            responsibilities=source.chosen.responsibilities[:2],
            posting={
                "summary": "Run the platform.",
                "department": org["platform"].pk,
                "office": org["berlin"].pk,
                "workplace_type": "remote",
            },
        )
        template = make_template(source, user=org["alice"], department=org["platform"])
        assert template.office == org["berlin"]
        jd = start_from_template(template=template, owner=org["alice"])
        chosen = jd.chosen
        assert (jd.role, jd.seniority, jd.title) == (source.role, source.seniority, source.title)
        assert chosen.skills == source.chosen.skills
        assert chosen.tools == source.chosen.tools
        assert chosen.responsibilities == source.chosen.responsibilities
        posting = chosen.posting
        assert (posting.summary, posting.workplace_type) == ("Run the platform.", "remote")
        assert (posting.department, posting.office) == (org["platform"].pk, org["berlin"].pk)
        assert posting.benefits == "BVG ticket."  # the office's block wins
        assert posting.about_team == "We run it."
        assert posting.location == "Berlin, Berlin"  # its city and region
        origins = chosen.origins
        assert (origins.template, origins.template_version) == (template.pk, template.version)
        assert origins.template_items["title"] == "Platform Engineer"
        assert origins.role_items["@role"] == jd.role_id
        assert set(origins.blocks) == {"benefits", "about_team"}
        assert jd.quality  # scored

    def test_a_template_the_owner_may_not_use_is_refused(self, org):
        staff = StaffFactory()
        template = make_template(DraftFactory(owner=staff), user=staff, department=org["data"])
        with pytest.raises(PermissionDenied):
            start_from_template(template=template, owner=org["alice"])
        assert not JobDescription.objects.filter(owner=org["alice"]).exists()

    def test_start_draft_without_a_template_fills_the_first_departments_blocks(self, org):
        role = Role.objects.get(slug="software-engineer")
        jd = start_draft(owner=org["alice"], role=role)
        posting = jd.chosen.posting
        assert posting.department == org["platform"].pk and posting.office is None
        assert (posting.benefits, posting.about_team) == ("Health plan.", "We run it.")
        assert posting.company_name == "Acme Analytics"
        assert jd.chosen.origins.role_items["@role"] == role.pk
        # A user in no department gets the company-wide blocks only.
        loner = start_draft(owner=ManagerFactory(), role=role).chosen
        assert loner.posting.department is None and loner.posting.about_team == ""

    def test_role_items_are_the_role_defaults(self, org):
        role = Role.objects.get(slug="software-engineer")
        jd = start_draft(owner=org["alice"], role=role)
        items = jd.chosen.origins.role_items
        assert {key for key in items if key.startswith("skill:")} == {
            f"skill:{skill.skill}" for skill in jd.chosen.skills
        }
        assert items == role_items(jd.chosen, role=role.pk, seniority=jd.seniority)


# --- who may use which template ----------------------------------------------------------


def test_usable_by_matrix(org):
    staff = StaffFactory()
    jd = DraftFactory(owner=staff)
    everyone = make_template(jd, user=staff, department=None, name="Everyone")
    platform = make_template(jd, user=staff, department=org["platform"], name="Platform")
    data = make_template(jd, user=staff, department=org["data"], name="Data")
    usable = {
        "alice": {everyone, platform},
        "bob": {everyone, data},
        "staff": {everyone, platform, data},
        "loner": {everyone},
    }
    users = {"alice": org["alice"], "bob": org["bob"], "staff": staff, "loner": ManagerFactory()}
    for name, user in users.items():
        assert set(JobTemplate.objects.usable_by(user)) == usable[name], name
    editable = set(JobTemplate.objects.editable_by(org["alice"]))
    assert editable == {platform}


# --- the New job description page --------------------------------------------------------


class TestNewPage:
    @pytest.fixture
    def templates(self, org):
        staff = StaffFactory()
        jd = DraftFactory(owner=staff)
        return {
            "everyone": make_template(jd, user=staff, department=None, name="A everyone"),
            "platform": make_template(jd, user=staff, department=org["platform"], name="Z plat"),
            "data": make_template(jd, user=staff, department=org["data"], name="B data"),
        }

    def test_templates_come_first_their_departments_before_the_rest(self, org, templates):
        assert [t.name for t in start_offer(org["alice"]).templates] == ["Z plat", "A everyone"]
        html = client_for(org["alice"]).get("/jd/new/?q=engineer").content.decode()
        assert html.index("Start from a template") < html.index("Or start from a role")
        assert html.index("Z plat") < html.index("A everyone")
        assert "B data" not in html

    def test_starting_from_a_template_on_the_page(self, org, templates):
        client = client_for(org["alice"])
        response = client.post("/jd/new/", {"template": templates["platform"].pk})
        jd = JobDescription.objects.get(owner=org["alice"])
        assert response.url == jd.get_edit_url()
        assert jd.chosen.origins.template == templates["platform"].pk
        # Another department's template, or garbage: 404, nothing started.
        for value in (templates["data"].pk, "x1", "999999"):
            assert client.post("/jd/new/", {"template": value}).status_code == 404
        assert JobDescription.objects.filter(owner=org["alice"]).count() == 1

    def test_require_template_refuses_a_bare_role_for_managers_only(self, org, templates):
        organization = OrganizationFactory()
        organization.require_template = True
        organization.save()
        client = client_for(org["alice"])
        html = client.get("/jd/new/?q=engineer").content.decode()
        assert "Or start from a role" not in html and 'name="role"' not in html
        response = client.post("/jd/new/", {"role": "software-engineer"}, follow=True)
        assert "start from a template here" in response.content.decode()
        assert not JobDescription.objects.filter(owner=org["alice"]).exists()
        staff = StaffFactory()
        staff_html = client_for(staff).get("/jd/new/?q=engineer").content.decode()
        assert 'name="role"' in staff_html
        client_for(staff).post("/jd/new/", {"role": "software-engineer"})
        assert JobDescription.objects.filter(owner=staff).exists()

    def test_require_template_off_offers_the_roles(self, org):
        html = client_for(org["alice"]).get("/jd/new/?q=engineer").content.decode()
        assert 'name="role"' in html and "Start from a template" not in html
        client_for(org["alice"]).post("/jd/new/", {"role": "software-engineer"})
        assert JobDescription.objects.filter(owner=org["alice"]).exists()

    def test_a_manager_with_nothing_to_start_from_is_told(self, org):
        organization = OrganizationFactory()
        organization.require_template = True
        organization.save()
        html = client_for(org["alice"]).get("/jd/new/").content.decode()
        assert "ask your administrator" in html


# --- the admin -----------------------------------------------------------------------------


class TestAdmin:
    def test_the_list_keeps_its_query_count_as_templates_grow(self, org):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        staff = StaffFactory()
        client = client_for(staff)
        jd = DraftFactory(owner=staff)
        make_template(jd, user=staff, department=org["platform"], name="First")
        url = "/admin/jdbuilder/jobtemplate/"

        def count() -> int:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            return len(queries)

        few = count()
        for n in range(6):
            department = org["data"] if n % 2 else None
            make_template(jd, user=staff, department=department, name=f"More {n}")
        assert count() == few
        html = client.get(url).content.decode()
        assert "More 5" in html and "Platform" in html

    def test_the_change_page_shows_the_choices_in_words_not_json(self, org):
        staff = StaffFactory()
        jd = DraftFactory(owner=staff)
        template = make_template(jd, user=staff, department=None, name="<b>Bold</b>")
        client = client_for(staff)
        html = client.get(f"/admin/jdbuilder/jobtemplate/{template.pk}/change/").content.decode()
        skill = jd.chosen.skills[0]
        from roles.models import Skill

        assert Skill.objects.get(pk=skill.skill).name in html
        assert jd.chosen.responsibilities[0].text in html
        assert 'name="choices"' not in html
        assert "&lt;b&gt;Bold&lt;/b&gt;" in html
        history = client.get(f"/admin/jdbuilder/jobtemplate/{template.pk}/history/")
        assert history.status_code == 200
        response = client.post(
            f"/admin/jdbuilder/jobtemplate/{template.pk}/change/",
            {
                "name": "Renamed",
                "description": "",
                "department": "",
                "office": "",
                "role": template.role_id,
                "seniority": template.seniority,
                "title": "Renamed title",
            },
        )
        assert response.status_code == 302
        template.refresh_from_db()
        assert (template.name, template.version) == ("Renamed", 2)
        assert template.choices["skills"] == jd.choices["skills"]  # untouched
