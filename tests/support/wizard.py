"""Drives the wizard through the test client the way a browser would: reads each rendered step,
posts back what is on the page (plus changes), and follows redirects. Also the posting step's
valid data and a walk to the review step."""

from __future__ import annotations

import datetime
import re
from html.parser import HTMLParser

from django.utils import timezone

from jdbuilder.models import JobDescription
from roles.models import Role, Skill

PREFIX = "jd_wizard"


class FormFields(HTMLParser):
    """The successful controls of the wizard's form, as a browser would submit them."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self._in_wizard_form = False
        self._in_template = 0
        self._select: str | None = None
        self._select_value: str | None = None
        self._first_option: str | None = None
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and "wizard-form" in (a.get("class") or ""):
            self._in_wizard_form = True
        if tag == "template":  # inert: a browser submits nothing inside a <template>
            self._in_template += 1
        if not self._in_wizard_form or self._in_template:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("submit", "button"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields.append((name, a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and name:
            self._select, self._select_value, self._first_option = name, None, None
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if self._first_option is None:
                self._first_option = value
            if "selected" in a:
                self._select_value = value
        elif tag == "textarea" and name:
            self._textarea, self._text = name, ""

    def handle_data(self, data):
        if self._textarea:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "template":
            self._in_template -= 1
        elif tag == "form" and self._in_wizard_form:
            self._in_wizard_form = False
        elif tag == "select" and self._select:
            value = self._select_value if self._select_value is not None else self._first_option
            self.fields.append((self._select, value or ""))
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.fields.append((self._textarea, self._text.lstrip("\n")))
            self._textarea = None


def page_fields(html: str) -> dict[str, list[str]]:
    parser = FormFields()
    parser.feed(html)
    data: dict[str, list[str]] = {}
    for name, value in parser.fields:
        data.setdefault(name, []).append(value)
    return data


# The step page's preview placeholder (templates/jdbuilder/wizard/base.html), contents included.
PLACEHOLDER = re.compile(
    r'<div id="preview-body" data-preview-load="(?P<url>[^"]+)">.*?</noscript>\s*</div>', re.S
)


class WizardDriver:
    def __init__(self, client, job_description: JobDescription) -> None:
        self.client = client
        self.jd = job_description

    def url(self, step: str) -> str:
        return f"/jd/{self.jd.public_id}/edit/{step}/"

    def get(self, step: str):
        response = self.client.get(self.url(step))
        assert response.status_code == 200, response.status_code
        return response

    def shown(self, step: str, **params) -> str:
        """The step page as a browser running preview.js shows it: a preview placeholder
        (`data-preview-load`) replaced by what its GET returns."""
        response = self.client.get(self.url(step), params)
        assert response.status_code == 200, response.status_code
        html = response.content.decode()
        found = PLACEHOLDER.search(html)
        if found is None:
            return html
        loaded = self.client.get(found["url"])
        assert loaded.status_code == 200, loaded.status_code
        region = f'<div id="preview-body">{loaded.content.decode()}</div>'
        return html[: found.start()] + region + html[found.end() :]

    def fields(self, step: str) -> dict[str, list[str]]:
        return page_fields(self.get(step).content.decode())

    def submit(
        self,
        step: str,
        changes: dict | None = None,
        *,
        drop=(),
        goto: str | None = None,
        fields=None,
    ):
        """Post the step as rendered, with `changes` applied and `drop`ped names removed."""
        data = fields if fields is not None else self.fields(step)
        for name in drop:
            data.pop(name, None)
        for name, value in (changes or {}).items():
            data[name] = value if isinstance(value, list) else [value]
        if goto:
            data["wizard_goto_step"] = [goto]
        return self.client.post(self.url(step), data)

    def reload(self) -> JobDescription:
        self.jd.refresh_from_db()
        return self.jd


def skill_rows(fields):
    """{skill name: (level, importance, included)} for the catalog rows of the skills step."""
    names = {s.pk: s.name for s in Skill.objects.all()}
    rows = {}
    index = 0
    while f"skills-{index}-level" in fields:
        skill = fields.get(f"skills-{index}-skill", [""])[0]
        if skill:
            rows[names[int(skill)]] = (
                int(fields[f"skills-{index}-level"][0]),
                fields[f"skills-{index}-importance"][0],
                f"skills-{index}-include" in fields,
                index,
            )
        index += 1
    return rows


def valid_posting(**overrides):
    data = {
        "posting-company_name": "Acme Analytics",
        "posting-about_company": "We build forecasting tools.",
        "posting-location": "Denver, Colorado",
        "posting-workplace_type": "hybrid",
        "posting-employment_type": "FULL_TIME",
        "posting-salary_min": "150000",
        "posting-salary_max": "190000",
        "posting-salary_currency": "usd",
        "posting-salary_period": "YEAR",
        "posting-benefits": "Health insurance\nFour weeks of leave",
        "posting-closing_date": (timezone.localdate() + datetime.timedelta(days=30)).isoformat(),
    }
    data.update(overrides)
    return data


def walk_to_review(wizard, seniority="mid"):
    se = Role.objects.get(slug=wizard.jd.role.slug)
    wizard.submit("role", {"role-role_choice": str(se.pk), "role-seniority": seniority})
    wizard.submit("responsibilities")
    wizard.submit("skills")
    wizard.submit("tools")
    response = wizard.submit("posting", valid_posting())
    assert response.status_code == 302, response.content.decode()[:2000]
    return response
