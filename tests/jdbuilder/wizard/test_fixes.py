"""One-click fixes of traceability findings: the service (each fix, each refusal, a stale
version), the endpoint (POST only, CSRF, owner only) and the buttons in the preview."""

from __future__ import annotations

import re

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from jdbuilder.checks import run_checks
from jdbuilder.documents.build import build_document
from jdbuilder.drafts import SkillChoice
from jdbuilder.models import JobDescription
from jdbuilder.services import AlreadyFinal, DraftChanged, save_step, start_draft
from jdbuilder.vocabulary import Status, WizardStep
from jdbuilder.wizard import fix_services, formsets
from jdbuilder.wizard.fix_services import FixRefused, apply_fix
from jdbuilder.wizard.preview import PREVIEW_VERSION
from roles.models import Role, Skill, Task
from tests.factories import ManagerFactory
from tests.support.wizard import WizardDriver

pytestmark = pytest.mark.usefixtures("catalog")

FINDING = "Deep learning is required but no responsibility uses it"
PAPERS = "Read research papers and reproduce promising results"


def skill_id(slug: str) -> int:
    return Skill.objects.get(slug=slug).pk


def task_id(text: str) -> int:
    return Task.objects.get(text=text).pk


def set_skills(jd: JobDescription, change) -> None:
    """Save the skills step with `change(choice)` applied to each chosen skill."""
    save_step(
        job_description=jd,
        step=WizardStep.SKILLS,
        expected_version=jd.lock_version,
        next_step=WizardStep.TOOLS,
        value=tuple(change(c) for c in jd.chosen.skills),
    )


@pytest.fixture
def deep_required(manager):
    """A Senior Data Scientist draft with Deep learning marked required: the issue's case."""
    jd = start_draft(
        owner=manager, role=Role.objects.get(slug="data-scientist"), seniority="senior"
    )
    deep = skill_id("deep-learning")
    set_skills(jd, lambda c: SkillChoice(c.skill, c.level, "required") if c.skill == deep else c)
    assert FINDING in messages_of(jd)
    return jd


def messages_of(jd: JobDescription) -> list[str]:
    return [f.message for f in run_checks(build_document(jd)).findings]


def importance(jd: JobDescription, slug: str) -> str | None:
    wanted = skill_id(slug)
    return next((c.importance for c in jd.chosen.skills if c.skill == wanted), None)


def fix(jd: JobDescription, value: str, *, version: int | None = None, user=None) -> str:
    return apply_fix(
        job_description=jd,
        fix=value,
        expected_version=jd.lock_version if version is None else version,
        user=user or jd.owner,
    )


def frozen(jd: JobDescription) -> tuple:
    row = JobDescription.objects.get(pk=jd.pk)
    return row.choices, row.lock_version, row.quality, row.pending_input


# --- the service ---------------------------------------------------------------------------


def test_make_it_nice_to_have(deep_required):
    jd = deep_required
    version, score = jd.lock_version, jd.quality["score"]
    said = fix(jd, f"nice:{skill_id('deep-learning')}")
    assert said == "Deep learning is now nice to have."
    jd.refresh_from_db()
    assert importance(jd, "deep-learning") == "nice_to_have"
    assert jd.lock_version == version + 1
    assert FINDING not in messages_of(jd)
    # Rescored as a step's save is: the finding's 10 points back, and the bloat check's for a
    # seventh required skill.
    assert jd.quality == run_checks(build_document(jd)).summary()
    assert jd.quality["score"] == score + 20
    assert jd.chosen.is_saved(WizardStep.SKILLS)


def test_add_a_responsibility_that_uses_the_skill(deep_required):
    jd = deep_required
    before = [r.task for r in jd.chosen.responsibilities]
    said = fix(jd, f"add-task:{task_id(PAPERS)}")
    assert said == f"“{PAPERS}” was added to the responsibilities."
    jd.refresh_from_db()
    assert [r.task for r in jd.chosen.responsibilities] == [*before, task_id(PAPERS)]
    assert importance(jd, "deep-learning") == "required"
    assert FINDING not in messages_of(jd)
    assert jd.chosen.is_saved(WizardStep.RESPONSIBILITIES)


def test_remove_the_skill(deep_required):
    jd = deep_required
    assert fix(jd, f"drop-skill:{skill_id('deep-learning')}") == "Deep learning was removed."
    jd.refresh_from_db()
    assert importance(jd, "deep-learning") is None
    assert FINDING not in messages_of(jd)


@pytest.fixture
def metrics_unskilled(manager):
    """A Data Scientist draft without Machine learning, Mathematics and Business acumen: "Define
    the metrics…" (which exercises only those) uses none of its skills."""
    jd = start_draft(owner=manager, role=Role.objects.get(slug="data-scientist"), seniority="mid")
    gone = {skill_id(s) for s in ("machine-learning", "mathematics", "business-acumen")}
    save_step(
        job_description=jd,
        step=WizardStep.SKILLS,
        expected_version=jd.lock_version,
        next_step=WizardStep.TOOLS,
        value=tuple(c for c in jd.chosen.skills if c.skill not in gone),
    )
    return jd


METRICS = "Define the metrics that say whether a model is good enough"
METRICS_FINDING = f"“{METRICS}” uses none of the skills this job description asks for"


def test_remove_this_responsibility(metrics_unskilled):
    jd = metrics_unskilled
    assert METRICS_FINDING in messages_of(jd)
    said = fix(jd, f"drop-task:{task_id(METRICS)}")
    assert said == f"“{METRICS}” was removed from the responsibilities."
    jd.refresh_from_db()
    assert task_id(METRICS) not in [r.task for r in jd.chosen.responsibilities]
    assert METRICS_FINDING not in messages_of(jd)


def test_add_a_skill_the_responsibility_exercises_at_the_roles_level_for_the_seniority(
    metrics_unskilled,
):
    jd = metrics_unskilled
    said = fix(jd, f"add-skill:{skill_id('mathematics')}")
    # The Data Scientist's Mathematics: Advanced (4) for a mid-level hire, required.
    assert said == "Mathematics was added (Advanced, required)."
    jd.refresh_from_db()
    [added] = [c for c in jd.chosen.skills if c.skill == skill_id("mathematics")]
    assert (added.level, added.importance) == (4, "required")
    assert METRICS_FINDING not in messages_of(jd)


def test_a_skill_the_role_does_not_list_is_added_at_the_middle_moved_for_the_seniority(manager):
    from jdbuilder.catalog import RoleCatalog

    catalog = RoleCatalog(Role.objects.get(slug="software-engineer"))
    deep = skill_id("deep-learning")
    assert deep not in catalog.role_skill_ids
    senior = fix_services.added_skill(catalog, deep, seniority="senior")
    junior = fix_services.added_skill(catalog, deep, seniority="junior")
    assert (senior.level, senior.importance) == (4, "nice_to_have")
    assert (junior.level, junior.importance) == (2, "nice_to_have")


def test_the_cap_on_added_skills_is_the_skills_steps():
    assert fix_services.MAX_ADDED_SKILLS == formsets.MAX_ADDED_SKILLS


# --- refusals: a clear message, nothing changed ----------------------------------------------


@pytest.mark.parametrize(
    "value, message",
    [
        ("", "not one this page offers"),
        ("bogus:1", "not one this page offers"),
        ("nice:", "not one this page offers"),
        ("nice:abc", "not one this page offers"),
        ("nice:-3", "not one this page offers"),
        ("nice:١٢", "not one this page offers"),  # digits, but not ASCII ones
        ("nice:" + "9" * 19, "not one this page offers"),
        ("nice:999999", "not in the catalog"),
        ("add-task:999999", "not one of this role's tasks"),
    ],
)
def test_a_fix_that_is_not_one_is_refused(deep_required, value, message):
    before = frozen(deep_required)
    with pytest.raises(FixRefused, match=message):
        fix(deep_required, value)
    assert frozen(deep_required) == before


def test_a_fix_already_made_is_refused(deep_required):
    jd = deep_required
    fix(jd, f"nice:{skill_id('deep-learning')}")
    jd.refresh_from_db()
    before = frozen(jd)
    with pytest.raises(FixRefused, match="already nice to have"):
        fix(jd, f"nice:{skill_id('deep-learning')}")
    fix(jd, f"add-task:{task_id(PAPERS)}")
    jd.refresh_from_db()
    before = frozen(jd)
    with pytest.raises(FixRefused, match="already one of the responsibilities"):
        fix(jd, f"add-task:{task_id(PAPERS)}")
    with pytest.raises(FixRefused, match="already one of the skills"):
        fix(jd, f"add-skill:{skill_id('deep-learning')}")
    assert frozen(jd) == before


def test_a_skill_or_task_no_longer_chosen_is_refused(deep_required):
    jd = deep_required
    fix(jd, f"drop-skill:{skill_id('deep-learning')}")
    jd.refresh_from_db()
    before = frozen(jd)
    for value in (f"nice:{skill_id('deep-learning')}", f"drop-skill:{skill_id('deep-learning')}"):
        with pytest.raises(FixRefused, match="not one of the skills any more"):
            fix(jd, value)
    with pytest.raises(FixRefused, match="not one of the responsibilities any more"):
        fix(jd, f"drop-task:{task_id(PAPERS)}")
    assert frozen(jd) == before


def test_another_roles_task_is_refused(deep_required):
    # "Reduce prediction latency…" exercises Deep learning, but is not a Data Scientist's task.
    before = frozen(deep_required)
    with pytest.raises(FixRefused, match="not one of this role's tasks"):
        fix(
            deep_required,
            f"add-task:{task_id('Reduce prediction latency, memory use and bandwidth')}",
        )
    assert frozen(deep_required) == before


def test_the_last_skill_and_the_last_responsibility_stay(manager):
    jd = start_draft(owner=manager, role=Role.objects.get(slug="data-scientist"), seniority="mid")
    first_skill, first_task = jd.chosen.skills[0], jd.chosen.responsibilities[0]
    save_step(
        job_description=jd,
        step=WizardStep.SKILLS,
        expected_version=jd.lock_version,
        next_step=WizardStep.TOOLS,
        value=(first_skill,),
    )
    save_step(
        job_description=jd,
        step=WizardStep.RESPONSIBILITIES,
        expected_version=jd.lock_version,
        next_step=WizardStep.TOOLS,
        value=(first_task,),
    )
    before = frozen(jd)
    with pytest.raises(FixRefused, match="only skill"):
        fix(jd, f"drop-skill:{first_skill.skill}")
    with pytest.raises(FixRefused, match="only responsibility"):
        fix(jd, f"drop-task:{first_task.task}")
    assert frozen(jd) == before


def test_more_than_the_cap_of_added_skills_is_refused(manager):
    jd = start_draft(owner=manager, role=Role.objects.get(slug="data-scientist"), seniority="mid")
    # The cap of skills the Data Scientist does not list, chosen already.
    extra = [
        Skill.objects.create(name=f"Extra {n}", slug=f"extra-{n}")
        for n in range(fix_services.MAX_ADDED_SKILLS)
    ]
    save_step(
        job_description=jd,
        step=WizardStep.SKILLS,
        expected_version=jd.lock_version,
        next_step=WizardStep.TOOLS,
        value=(*jd.chosen.skills, *(SkillChoice(s.pk, 3, "nice_to_have") for s in extra)),
    )
    before = frozen(jd)
    cloud = skill_id("cloud-and-distributed-systems")  # not one of the Data Scientist's
    with pytest.raises(FixRefused, match="At most 10 skills"):
        fix(jd, f"add-skill:{cloud}")
    assert frozen(jd) == before


def test_a_step_with_input_not_yet_saved_is_refused(deep_required):
    jd = deep_required
    save_step(
        job_description=jd,
        step=WizardStep.SKILLS,
        expected_version=jd.lock_version,
        next_step=WizardStep.SKILLS,
        unsaved_input={"skills-0-level": ["9"]},
    )
    before = frozen(jd)
    with pytest.raises(FixRefused, match="changes not saved yet"):
        fix(jd, f"nice:{skill_id('deep-learning')}")
    assert frozen(jd) == before
    # The other step's fix is fine: it keeps the skills step's typed input.
    fix(jd, f"add-task:{task_id(PAPERS)}")
    jd.refresh_from_db()
    assert jd.pending_input == {"skills": {"skills-0-level": ["9"]}}


def test_a_stale_version_is_refused_and_changes_nothing(deep_required):
    jd = deep_required
    before = frozen(jd)
    with pytest.raises(DraftChanged):
        fix(jd, f"nice:{skill_id('deep-learning')}", version=jd.lock_version - 1)
    assert frozen(jd) == before


def test_a_concurrent_save_between_read_and_write_is_refused(deep_required):
    jd = deep_required
    stale = JobDescription.objects.get(pk=jd.pk)
    # Another tab saves first.
    set_skills(jd, lambda c: c)
    before = frozen(jd)
    with pytest.raises(DraftChanged):
        fix(stale, f"nice:{skill_id('deep-learning')}")
    assert frozen(jd) == before


@pytest.mark.parametrize("status", [Status.IN_REVIEW, Status.FINAL, Status.REJECTED])
def test_a_draft_in_review_or_final_is_refused(deep_required, status):
    jd = deep_required
    JobDescription.objects.filter(pk=jd.pk).update(status=status)
    jd.refresh_from_db()
    before = frozen(jd)
    with pytest.raises(AlreadyFinal):
        fix(jd, f"nice:{skill_id('deep-learning')}")
    assert frozen(jd) == before


def test_someone_elses_draft_is_refused(deep_required):
    before = frozen(deep_required)
    with pytest.raises(FixRefused, match="Only the owner"):
        fix(deep_required, f"nice:{skill_id('deep-learning')}", user=ManagerFactory())
    assert frozen(deep_required) == before


# --- the endpoint ----------------------------------------------------------------------------


def fix_url(jd: JobDescription, step: str = "tools") -> str:
    return f"/jd/{jd.public_id}/edit/{step}/fix/"


def said(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_endpoint_applies_the_fix_and_says_so(deep_required, manager_client):
    jd = deep_required
    response = manager_client.post(
        fix_url(jd), {"fix": f"nice:{skill_id('deep-learning')}", "jd_version": jd.lock_version}
    )
    assert response.status_code == 302
    assert response.url == f"/jd/{jd.public_id}/edit/tools/"
    assert said(response) == ["Deep learning is now nice to have."]
    jd.refresh_from_db()
    assert importance(jd, "deep-learning") == "nice_to_have"


def test_the_endpoint_refuses_with_a_message_and_changes_nothing(deep_required, manager_client):
    jd = deep_required
    before = frozen(jd)
    response = manager_client.post(fix_url(jd), {"fix": "bogus:1", "jd_version": jd.lock_version})
    assert response.status_code == 302 and response.url.endswith("/edit/tools/")
    assert said(response) == [
        "That fix is not one this page offers. Reload the page and try again."
    ]
    stale = manager_client.post(
        fix_url(jd),
        {"fix": f"nice:{skill_id('deep-learning')}", "jd_version": jd.lock_version - 1},
    )
    assert stale.status_code == 302
    assert "saved in another tab or window" in said(stale)[-1]  # (the first is unread yet)
    assert manager_client.post(fix_url(jd), {"fix": "nice:1"}).status_code == 400
    assert manager_client.post(fix_url(jd), {"fix": "nice:1", "jd_version": "x"}).status_code == 400
    assert frozen(jd) == before


def test_the_endpoint_is_post_only_owner_only_and_csrf_protected(deep_required, manager):
    jd = deep_required
    data = {"fix": f"nice:{skill_id('deep-learning')}", "jd_version": jd.lock_version}
    before = frozen(jd)
    owner = Client()
    owner.force_login(manager)
    assert owner.get(fix_url(jd)).status_code == 405
    stranger = Client()
    stranger.force_login(ManagerFactory())
    assert stranger.post(fix_url(jd), data).status_code == 404
    anonymous = Client().post(fix_url(jd), data)
    assert anonymous.status_code == 302 and "/login" in anonymous.url
    assert owner.post(fix_url(jd, "nope"), data).status_code == 404
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(manager)
    assert strict.post(fix_url(jd), data).status_code == 403
    assert frozen(jd) == before
    # With the token the step page's form carries, the same POST works.
    page = strict.get(f"/jd/{jd.public_id}/edit/tools/").content.decode()
    token = re.search(
        r'<form id="finding-fixes"[^>]*>\s*<input type="hidden" name="csrfmiddlewaretoken" '
        r'value="([^"]+)"',
        page,
    )
    assert token, "the step page has the fixes' form with its token"
    response = strict.post(fix_url(jd), {**data, "csrfmiddlewaretoken": token[1]})
    assert response.status_code == 302
    jd.refresh_from_db()
    assert importance(jd, "deep-learning") == "nice_to_have"


def test_a_final_jd_goes_to_its_page_with_the_reason(deep_required, manager_client):
    jd = deep_required
    JobDescription.objects.filter(pk=jd.pk).update(status=Status.IN_REVIEW)
    response = manager_client.post(
        fix_url(jd), {"fix": f"nice:{skill_id('deep-learning')}", "jd_version": jd.lock_version}
    )
    assert response.status_code == 302 and response.url == jd.get_absolute_url()
    assert "in review" in said(response)[0]


# --- the buttons in the preview --------------------------------------------------------------


def finding_item(html: str, message: str) -> str:
    """The one shown finding whose text has `message`."""
    items = re.findall(r'<li class="finding-item.*?</li>', html, re.S)
    [item] = [i for i in items if message in i]
    return item


def test_the_preview_offers_the_fixes_with_the_drafts_version(deep_required, manager_client):
    jd = deep_required
    html = WizardDriver(manager_client, jd).shown("tools")
    item = finding_item(html, FINDING)
    buttons = re.findall(
        r'<button type="submit" form="finding-fixes" name="fix" value="([^"]+)"[^>]*>'
        r"(.*?)</button>",
        item,
    )
    deep = skill_id("deep-learning")
    assert [value for value, _ in buttons] == [
        f"nice:{deep}",
        f"add-task:{task_id(PAPERS)}",
        f"drop-skill:{deep}",
    ]
    labels = [re.sub(r"<.*?>", "", label) for _, label in buttons]
    assert labels == [
        "Make it nice to have (Deep learning)",
        f"Add a responsibility: {PAPERS}",
        "Remove Deep learning",
    ]
    region = html[html.index('<div id="preview-body"') :]
    assert (
        f'<input type="hidden" form="finding-fixes" name="jd_version" value="{jd.lock_version}">'
        in region
    )
    # The region is cached: no token in it. The form with the token is outside it.
    assert "csrfmiddlewaretoken" not in region
    form = html.index('<form id="finding-fixes"')
    assert form < html.index('<div id="preview-body"')
    assert f'action="/jd/{jd.public_id}/edit/tools/fix/"' in html[form : form + 200]
    assert PREVIEW_VERSION >= 3


def test_a_responsibilitys_fixes(metrics_unskilled, manager_client):
    jd = metrics_unskilled
    item = finding_item(WizardDriver(manager_client, jd).shown("skills"), METRICS)
    values = re.findall(r'name="fix" value="([^"]+)"', item)
    assert values == [
        f"drop-task:{task_id(METRICS)}",
        f"add-skill:{skill_id('machine-learning')}",
        f"add-skill:{skill_id('mathematics')}",
        f"add-skill:{skill_id('business-acumen')}",
    ]
    assert "Remove this responsibility" in item


def test_the_live_preview_of_typed_input_offers_no_fix(deep_required, manager_client):
    jd = deep_required
    wizard = WizardDriver(manager_client, jd)
    data = wizard.fields("skills")
    response = manager_client.post(f"/jd/{jd.public_id}/edit/skills/preview/", data)
    html = response.content.decode()
    item = finding_item(html, FINDING)
    assert 'name="fix"' not in item and "jd_version" not in html
    assert "Save this step to fix this in one click." in item


def test_the_frame_without_javascript_has_its_own_fixes_form(deep_required, manager_client):
    jd = deep_required
    html = manager_client.get(f"/jd/{jd.public_id}/edit/tools/preview/frame/").content.decode()
    assert re.search(
        rf'<form id="finding-fixes" method="post" action="/jd/{jd.public_id}/edit/tools/fix/">'
        r'<input type="hidden" name="csrfmiddlewaretoken"',
        html,
    )
    assert 'form="finding-fixes" name="fix"' in html
    assert '<base target="_top">' in html  # the fix's redirect loads in the step page


def test_a_clean_draft_has_no_fix_buttons(manager_client, manager):
    jd = start_draft(owner=manager, role=Role.objects.get(slug="data-scientist"), seniority="mid")
    html = WizardDriver(manager_client, jd).shown("tools")
    assert 'name="fix"' not in html
    assert "no responsibility uses it" not in html


def test_the_fix_buttons_cost_no_query(deep_required, manager, manager_client):
    """Building the region with a finding's buttons reads the role's tasks and their skills from
    the rows the process keeps for the catalog version: as many queries as a clean draft's."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    role = Role.objects.get(slug="data-scientist")
    warm = start_draft(owner=manager, role=role, seniority="senior")
    WizardDriver(manager_client, warm).shown("tools")  # the catalog rows, read once
    clean = start_draft(owner=manager, role=role, seniority="senior")
    counts = []
    for jd in (clean, deep_required):
        url = f"/jd/{jd.public_id}/edit/tools/preview/"
        with CaptureQueriesContext(connection) as queries:
            html = manager_client.get(url).content.decode()
        counts.append(len(queries))
        assert ('name="fix"' in html) is (jd is deep_required)
    assert counts[0] == counts[1]
