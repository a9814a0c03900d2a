"""Findings link to the fields they concern: each place's field key and each finding kind maps to a
step and a field that step's page has, and `?focus=<html name>` opens the step on that field."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

import jdbuilder.checks
from jdbuilder.checks.findings import Finding, Severity
from jdbuilder.drafts import SkillChoice
from jdbuilder.wizard.finding_links import FindingLinks
from jdbuilder.wizard.preview import Preview
from roles.models import ProficiencyLevel
from tests.factories import DraftFactory
from tests.support.wizard import WizardDriver

pytestmark = pytest.mark.django_db

HOSTILE = "We want a young, aggressive rockstar who dominates"
LONG = " ".join(["We build careful tools for hospitals and the people who run them"] * 4) + "."


class Controls(HTMLParser):
    """The form controls of a page, by name: their attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.by_name: dict[str, list[dict]] = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("input", "textarea", "select") and a.get("name"):
            self.by_name.setdefault(a["name"], []).append(a)


def controls(html: str) -> dict[str, list[dict]]:
    parser = Controls()
    parser.feed(html)
    return parser.by_name


@pytest.fixture
def troubled(manager, catalog):
    """A draft with a finding of every kind, and places in every kind of text field."""
    draft = DraftFactory(owner=manager, title="Rockstar Engineer", extra_responsibilities=[HOSTILE])
    top = ProficiencyLevel.objects.order_by("-rank").first().rank
    skills = [SkillChoice(c.skill, top, "required") for c in draft.chosen.skills]
    return DraftFactory(
        owner=manager,
        title="Rockstar Engineer",
        extra_responsibilities=[HOSTILE],
        skills=skills,
        posting={
            "summary": LONG,
            "location": "Denver, Colorado",
            "workplace_type": "remote",
            "applicant_location": "United States",
            "salary_min": None,
            "salary_max": None,
            "benefits": "Competitive people\nA young, energetic team",
            "equal_opportunity": "We welcome digital natives.",
            "how_to_apply": "Ninjas, apply with your CV.",
        },
    )


def shown_findings(jd):
    from jdbuilder.catalog import RoleCatalog

    preview = Preview(jd, catalog=RoleCatalog(jd.role), step="review")
    return preview, preview.findings


def test_every_place_and_every_finding_without_one_has_a_link(troubled):
    preview, shown = shown_findings(troubled)
    kinds = {s.finding.kind for s in shown}
    assert {"exclusionary", "gender-coded", "bloat", "pay", "length", "readability"} <= kinds
    fields = {place.field.split(".")[0] for s in shown for place, _ in s.places}
    assert {"title", "summary", "responsibilities", "benefits", "location"} <= fields
    assert {"applicant_location", "equal_opportunity", "how_to_apply"} <= fields
    for s in shown:
        for place, link in s.places:
            assert link is not None, (s.finding.kind, place.field)
            assert link.url.endswith(f"?focus={link.target.name}#{link.target.id}")
            assert link.text == place.text
        if not s.places:
            assert s.link is not None, s.finding.kind


def test_each_link_opens_its_step_focused_on_its_field(troubled, manager_client):
    _, shown = shown_findings(troubled)
    links = {link for s in shown for _, link in s.places if link} | {
        s.link for s in shown if s.link
    }
    targets = {link.target: link.url for link in links}
    assert {t.step for t in targets} >= {"role", "responsibilities", "skills", "posting"}
    for target, url in targets.items():
        response = manager_client.get(url)
        assert response.status_code == 200, url
        found = controls(response.content.decode()).get(target.name)
        assert found, f"{url}: no control named {target.name}"
        assert any(c.get("id") == target.id for c in found), (url, found)
        if found[0].get("type") != "radio":  # a radio group is focused by preview.js
            assert any("autofocus" in c for c in found), f"{url}: {target.name} is not focused"


def test_a_responsibility_finding_points_at_its_own_row(troubled, manager_client):
    _, shown = shown_findings(troubled)
    link = next(
        link
        for s in shown
        for place, link in s.places
        if place.field.startswith("responsibilities.") and place.text == "rockstar"
    )
    html = manager_client.get(link.url).content.decode()
    row = controls(html)[link.target.name][0]
    assert HOSTILE in (row.get("value") or ""), row


def test_the_words_are_highlighted_in_the_preview(troubled, manager_client):
    wizard = WizardDriver(manager_client, troubled)
    html = wizard.shown("posting")
    for word in ("young", "aggressive", "rockstar", "Rockstar", "Competitive", "Ninjas"):
        assert re.search(rf'<mark class="finding finding-\w+">{word}</mark>', html), word
    assert "Fix them in the earlier steps" not in wizard.get("review").content.decode()
    assert 'class="finding-link' in html


def kinds_in_checks() -> set[str]:
    """Every finding kind a check module names (`KIND = "..."` or `kind="..."`)."""
    root = Path(jdbuilder.checks.__file__).parent
    kinds = set()
    for path in root.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        kinds |= set(re.findall(r'^KIND = "([\w-]+)"', text, re.MULTILINE))
        kinds |= set(re.findall(r'kind="([\w-]+)"', text))
    return kinds


def test_every_kind_the_checks_produce_maps_to_a_field(troubled):
    preview, _ = shown_findings(troubled)
    links = FindingLinks(
        draft=preview.draft, document=preview.document, catalog=preview.catalog, rows={}
    )
    kinds = kinds_in_checks()
    assert {"exclusionary", "gender-coded", "bloat", "pay", "length", "readability"} <= kinds
    for kind in kinds:
        target = links.for_kind(Finding(kind=kind, severity=Severity.WARNING, message="x"))
        assert target is not None, kind
        assert target.step in {"role", "responsibilities", "skills", "tools", "posting"}


def test_a_focus_that_names_no_field_is_ignored(manager_client, manager, catalog):
    wizard = WizardDriver(manager_client, DraftFactory(owner=manager))
    for focus in ("nope", "posting-nope", 'role-title"><script>', "x" * 5000):
        response = manager_client.get(wizard.url("posting"), {"focus": focus})
        assert response.status_code == 200
        html = response.content.decode()
        assert "autofocus" not in html
        assert "<script>" not in html.split("</footer>")[0]
    focused = manager_client.get(wizard.url("posting"), {"focus": "posting-summary"})
    assert "autofocus" in controls(focused.content.decode())["posting-summary"][0]


def test_missing_benefits_where_a_law_asks_for_them_opens_the_benefits_field(troubled):
    preview, _ = shown_findings(troubled)
    links = FindingLinks(
        draft=preview.draft, document=preview.document, catalog=preview.catalog, rows={}
    )
    benefits = Finding(
        kind="pay", severity=Severity.WARNING, message="x", data={"problem": "benefits"}
    )
    assert links.for_kind(benefits).name == "posting-benefits"
    salary = Finding(kind="pay", severity=Severity.WARNING, message="x")
    assert links.for_kind(salary).name.startswith("posting-salary")
