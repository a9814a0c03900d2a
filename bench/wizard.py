"""The wizard as the request benchmarks drive it: each step read and posted back as a browser would,
the live preview and autosave posted with the posting step's fields, a little changed each time.

A step POST is "Save and continue" with the fields the page rendered and the draft's current
`jd_version`, read before each POST (untimed), so every POST is a real, valid save (302). The
review step's POST is "Back" (it saves nothing new and does not finalize). The preview and
autosave POSTs vary the summary on every request, so nothing is served from a cache; autosave
keeps its version from the JSON answer. Their URLs are looked up by name: a route not there yet
makes the contender None, which the benchmark reports as "not available".
"""

from __future__ import annotations

import datetime
import itertools
import re
from collections.abc import Callable
from urllib.parse import urlencode

from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from jdbuilder.models import JobDescription

# The one parser of the wizard's form, as a browser submits it (also what the tests post).
from tests.support.wizard import page_fields as form_fields

STEPS = ["role", "responsibilities", "skills", "tools", "posting", "review"]
VERSION_FIELD = "jd_version"
GOTO_FIELD = "wizard_goto_step"


_ERROR = re.compile(r'class="[^"]*(?:invalid-feedback|errorlist|alert-danger)[^"]*"[^>]*>(.*?)</')


def errors(html: str) -> list[str]:
    """The error messages a step page shows (for a benchmark that stopped on one)."""
    return [" ".join(m.split()) for m in _ERROR.findall(html) if m.strip()][:10]


def step_url(draft: JobDescription, step: str) -> str:
    return reverse("jd:wizard_step", kwargs={"public_id": draft.public_id, "step": step})


def valid_posting() -> dict[str, str]:
    """A complete posting step (the demo JD's kind of content)."""
    closing = timezone.localdate() + datetime.timedelta(days=30)
    return {
        "posting-summary": "Build and run the data platform our forecasting products rely on.",
        "posting-company_name": "Acme Analytics",
        "posting-about_company": "We build forecasting tools for hospitals and manufacturers.",
        "posting-location": "Denver, Colorado",
        "posting-workplace_type": "hybrid",
        "posting-employment_type": "FULL_TIME",
        "posting-salary_min": "150000",
        "posting-salary_max": "190000",
        "posting-salary_currency": "USD",
        "posting-salary_period": "YEAR",
        "posting-benefits": "Health insurance\nFour weeks of leave",
        "posting-how_to_apply": "Apply with your CV and a short note.",
        "posting-closing_date": closing.isoformat(),
    }


def form_post(client: Client, url: str, data: dict[str, list[str]]):
    """POST `data` as a browser submits a form without enctype: URL-encoded, not multipart
    (the test client's default, which Django parses several times slower). The preview and
    autosave scripts send the same encoding (URLSearchParams of the form's FormData)."""
    body = urlencode(data, doseq=True)
    return client.post(url, body, content_type="application/x-www-form-urlencoded")


def current_version(draft: JobDescription) -> str:
    return str(JobDescription.objects.values_list("lock_version", flat=True).get(pk=draft.pk))


def page(client: Client, url: str) -> dict[str, list[str]]:
    response = client.get(url)
    if response.status_code != 200:
        raise AssertionError(f"GET {url}: {response.status_code}")
    return form_fields(response.content.decode())


def complete_posting(client: Client, draft: JobDescription) -> None:
    """Save the posting step with a valid posting, so every step of `draft` is complete."""
    url = step_url(draft, "posting")
    data = page(client, url)
    data.update({name: [value] for name, value in valid_posting().items()})
    data[VERSION_FIELD] = [current_version(draft)]
    response = form_post(client, url, data)
    if response.status_code != 302:
        raise AssertionError(
            f"POST {url}: {response.status_code}, the posting is not valid: "
            + "; ".join(errors(response.content.decode()))
        )


class StepPost:
    """POST of one step as rendered, with the draft's current version (set by `prepare`)."""

    def __init__(self, client: Client, draft: JobDescription, step: str) -> None:
        self.client, self.draft, self.step = client, draft, step
        self.url = step_url(draft, step)
        self.data = page(client, self.url)
        if VERSION_FIELD not in self.data:
            raise AssertionError(f"{self.url}: no {VERSION_FIELD} field in the wizard form")
        if step == "review":
            self.data[GOTO_FIELD] = ["posting"]  # "Back": saves, does not finalize

    def prepare(self) -> None:
        """Untimed, before each POST: the version a fresh page would carry."""
        self.data[VERSION_FIELD] = [current_version(self.draft)]

    def __call__(self) -> int:
        response = form_post(self.client, self.url, self.data)
        if response.status_code != 302:
            raise AssertionError(
                f"POST {self.url}: {response.status_code} (not saved: a conflict or an error): "
                + "; ".join(errors(response.content.decode()))
            )
        return len(response.content)


class VariedPost:
    """POST of the posting step's fields to `url`, the summary changed on every request."""

    def __init__(self, client: Client, draft: JobDescription, url: str, *, json_version: bool):
        self.client, self.draft, self.url, self.json_version = client, draft, url, json_version
        self.data = page(client, step_url(draft, "posting"))
        self.data[VERSION_FIELD] = [current_version(draft)]
        self.summary = (
            self.data.get("posting-summary", [""])[0] or valid_posting()["posting-summary"]
        )
        self.counter = itertools.count()

    def __call__(self) -> int:
        self.data["posting-summary"] = [f"{self.summary} Revision {next(self.counter)}."]
        response = form_post(self.client, self.url, self.data)
        if response.status_code != 200:
            raise AssertionError(f"POST {self.url}: {response.status_code}")
        if self.json_version:
            answer = response.json()
            if not answer.get("saved"):
                raise AssertionError(f"POST {self.url}: not saved: {answer}")
            self.data[VERSION_FIELD] = [str(answer["version"])]
        return len(response.content)


def named_step_url(name: str, draft: JobDescription, step: str) -> str | None:
    """The URL of route `name` for `step` of `draft`, or None if the route is not there yet."""
    try:
        return reverse(name, kwargs={"public_id": draft.public_id, "step": step})
    except NoReverseMatch:
        return None


def varied_post(
    client: Client, draft: JobDescription, name: str, *, json_version: bool
) -> Callable[[], int] | None:
    url = named_step_url(name, draft, "posting")
    return None if url is None else VariedPost(client, draft, url, json_version=json_version)
