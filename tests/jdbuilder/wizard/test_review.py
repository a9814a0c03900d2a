"""The quality checks where the wizard shows them: the review step lists the findings and marks
them in place, each save stores the summary the lists show, and finalizing is never blocked by a
finding (the revision keeps its summary)."""

import pytest

from tests.factories import DraftFactory
from tests.support.wizard import WizardDriver, valid_posting

pytestmark = pytest.mark.django_db

HOSTILE = "We want a young, aggressive rockstar who dominates"


@pytest.fixture
def wizard(manager_client, manager, catalog):
    return WizardDriver(manager_client, DraftFactory(owner=manager))


def add_custom_responsibility(wizard, text):
    fields = wizard.fields("responsibilities")
    row = next(
        key.split("-")[1]
        for key, value in fields.items()
        if key.endswith("-task") and value == [""]
    )
    fields[f"responsibilities-{row}-text"] = [text]
    assert wizard.submit("responsibilities", fields=fields).status_code == 302


def test_review_lists_findings_and_highlights_them_in_place(wizard):
    add_custom_responsibility(wizard, HOSTILE)
    wizard.submit("posting", valid_posting(**{"posting-salary_min": "", "posting-salary_max": ""}))
    response = wizard.get("review")
    html = wizard.shown("review")
    report = response.context["report"]
    kinds = {finding.kind for finding in report.findings}
    assert {"exclusionary", "gender-coded", "pay"} <= kinds
    for word in ("young", "aggressive", "rockstar", "dominates"):
        assert f">{word}</mark>" in html
    assert '<mark class="finding finding-error">Colorado</mark>' in html
    # The places point at the text the preview shows.
    document = response.context["document"]
    texts = {
        f"responsibilities.{g}.{i}": item
        for g, group in enumerate(document.responsibilities)
        for i, item in enumerate(group.items)
    }
    for finding in report.findings:
        for place in finding.places:
            source = texts.get(place.field) or getattr(document, place.field, None)
            assert source[place.start : place.end] == place.text


def test_each_save_stores_the_summary_the_lists_show(wizard, manager_client):
    add_custom_responsibility(wizard, HOSTILE)
    jd = wizard.reload()
    assert jd.quality["errors"] >= 1 and not jd.quality["clean"]
    listing = manager_client.get("/jd/").content.decode()
    assert f"Score {jd.quality['score']}/100" in listing


def test_finalizing_is_not_blocked_and_the_revision_keeps_its_summary(wizard):
    wizard.submit("role")
    add_custom_responsibility(wizard, HOSTILE)
    for step in ("skills", "tools"):
        wizard.submit(step)
    wizard.submit("posting", valid_posting())
    assert wizard.submit("review").status_code == 302
    revision = wizard.reload().revisions.get()
    assert revision.quality["errors"] >= 1
    assert revision.quality == wizard.jd.quality
