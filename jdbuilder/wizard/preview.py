"""The live preview beside each step's form, and the one way the wizard builds a step's form.

The preview is the document as finalizing would issue it: `build_document` of the draft, with the
current step's typed value laid over its saved choices (`overlaid`), rendered from the exports'
`documents/_document.html`, and the checks' findings beside it. Nothing here writes.

Cache: building the document, running the checks and rendering cost several milliseconds
(about as much as the rest of a step page), so the rendered region is kept in the "fragments"
cache (settings: Redis when configured, else each process's memory, since a database-cache write
cost as much as a rebuild) under `Preview.cache_key`: the draft's public id and version and the
step's pending input, plus the catalog's version (`roles.models.CatalogVersion`, a token every
catalog write changes in the same transaction).

A step GET never builds it: it shows the cached region if there is one (a reload, a step visited
again) and otherwise a placeholder, which the page fills with one GET of `wizard_preview` (that
request builds and caches it) or, without JavaScript, an <iframe> of `wizard_preview_frame`. So
the page after "Save and continue" arrives without waiting for the document. The live preview's
POST renders the region uncached: its input changes with every pause in typing.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import json
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.core.cache import caches
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from jdbuilder.catalog import RoleCatalog
from jdbuilder.checks import bands, run_checks
from jdbuilder.checks.findings import Report
from jdbuilder.document import Document
from jdbuilder.documents.build import build_document
from jdbuilder.drafts import Posting
from jdbuilder.models import JobDescription
from jdbuilder.organization.content import organization_content
from jdbuilder.vocabulary import WizardStep
from jdbuilder.wizard.finding_links import FindingLinks, ShownFinding
from jdbuilder.wizard.initial import initial_for_step

# Bump when the preview's templates change, so a deploy never serves an old fragment.
PREVIEW_VERSION = 3  # 3: traceability findings' fix buttons
# Seconds a fragment is kept. The key covers every input (see Preview.cache_key); the timeout only
# bounds a change the key cannot see: a draft written without save_draft.
PREVIEW_TIMEOUT = 900
POSTING_FIELDS = {f.name for f in dataclasses.fields(Posting)}
PREVIEW_TEMPLATE = "jdbuilder/wizard/_preview.html"


def step_form(
    form_class: type,
    *,
    step: str,
    job_description: JobDescription,
    catalog: RoleCatalog,
    data: Any = None,
    files: Any = None,
    search: str = "",
) -> Any:
    """The step's form (or formset), built one way for the wizard and the preview: prefix = the
    step's name, the draft's role and catalog, and the draft's choices as initial data."""
    kwargs: dict[str, Any] = {"role": job_description.role, "catalog": catalog}
    if step == WizardStep.ROLE:
        kwargs["search"] = search
    elif step == WizardStep.POSTING:
        # Where its texts came from: the step's script replaces only those left as offered.
        kwargs["origins"] = job_description.chosen.origins
        kwargs["seniority"] = job_description.seniority
    return form_class(
        data=data,
        files=files,
        prefix=step,
        initial=initial_for_step(step, job_description, catalog),
        **kwargs,
    )


# --- the typed value laid over the draft --------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def overlaid(job_description: JobDescription, step: str, form: Any) -> JobDescription:
    """The draft with `step`'s typed value over its saved choices: an unsaved copy, or the
    draft itself when nothing was typed.

    A valid form lays its whole value; the posting step lays the fields that are valid even when
    others are not (so typing shows); the role step lays only the title and seniority (the
    preview never changes the role). The copy is never saved.
    """
    jd = job_description
    if form is None or not form.is_bound:
        return jd  # nothing typed to lay over: the draft as saved (a step GET)
    chosen, title, seniority = jd.chosen, jd.title, jd.seniority
    valid = form.is_valid()
    if step == WizardStep.ROLE:
        data = getattr(form, "cleaned_data", {})
        title = data.get("title", title)
        seniority = data.get("seniority", seniority)
    elif step == WizardStep.POSTING:
        data = form.cleaned_data if valid else getattr(form, "cleaned_data", {})
        typed = {
            key: _plain(value)
            for key, value in data.items()
            if key in POSTING_FIELDS and key not in form.errors
        }
        chosen = dataclasses.replace(chosen, posting=dataclasses.replace(chosen.posting, **typed))
    elif step in (WizardStep.RESPONSIBILITIES, WizardStep.SKILLS, WizardStep.TOOLS) and valid:
        chosen = dataclasses.replace(chosen, **{step: tuple(form.to_choices())})
    copy = JobDescription(
        pk=jd.pk,
        public_id=jd.public_id,
        owner_id=jd.owner_id,
        role=jd.role,
        title=title,
        seniority=seniority,
        revision=jd.revision,
        pending_input=jd.pending_input,
        lock_version=jd.lock_version,
    )
    copy.lay_over(chosen)
    return copy


# --- the preview ------------------------------------------------------------------------------


class Preview:
    """The preview region's context, computed only when the fragment is not in the cache."""

    def __init__(
        self,
        job_description: JobDescription,
        *,
        catalog: RoleCatalog,
        step: str,
        form: Any = None,
        viewer: Any = None,
    ) -> None:
        self.job_description = job_description
        # Who is shown it: the draft's owner (the views find drafts by `editable_by`), passed
        # so deciding whether they see pay bands reads no user row.
        self.viewer = viewer
        self.catalog = catalog
        self.step = step
        self.form = form if form is not None and form.is_bound else None

    timeout = PREVIEW_TIMEOUT

    @cached_property
    def draft(self) -> JobDescription:
        return overlaid(self.job_description, self.step, self.form)

    @cached_property
    def rows(self) -> dict[str, Any]:
        """The list steps' rows as their pages show them, which finding links point into."""
        rows: dict[str, Any] = {}
        for step in (WizardStep.RESPONSIBILITIES, WizardStep.SKILLS):
            if self.form is not None and step == self.step:
                rows[step] = {key: self.form.data.getlist(key) for key in self.form.data}
            else:
                rows[step] = self.job_description.pending_input.get(step)
        return rows

    @cached_property
    def cache_key(self) -> str:
        """What the cached fragment depends on, hashed; computed without building anything.

        - the draft's public id (random, never reused, unlike a primary key after a rolled-back
          insert) and `lock_version`: every save of the draft (its title, role, seniority,
          choices, pending input, a reopening) goes through the version-checked UPDATE, which
          bumps the version, so the draft as the fragment shows it is named by its version;
        - the step whose pending input is laid over the draft, and that input's hash (the
          pending input is saved with the version too; the hash makes the key say so);
        - the catalog's version: the document shows today's catalog texts (skill, level, tool
          and area names, the role's team), and every catalog write changes the version;
        - PREVIEW_VERSION, for the templates.
        Not inputs: the current step and the user (the fragment is the same on every step, its
        links are absolute), the date (no check reads it).
        """
        jd = self.job_description
        typed = ""
        if self.form is not None:
            data = {key: self.form.data.getlist(key) for key in sorted(self.form.data)}
            typed = json.dumps([self.step, data], sort_keys=True)
        parts = [
            PREVIEW_VERSION,
            self.catalog.rows.token,
            str(jd.public_id),
            jd.lock_version,
            typed,
        ]
        text = json.dumps(parts, default=str)
        return hashlib.sha256(text.encode()).hexdigest()

    def html(self) -> SafeString:
        """The region rendered (the document built and checked), uncached."""
        return render_to_string(PREVIEW_TEMPLATE, {"preview": self})

    def cached_html(self) -> SafeString | None:
        """The region as cached for this key, or None: builds nothing."""
        html = caches["fragments"].get(self._fragment_key)
        # Stored by cached_or_rendered_html as the template rendered it: a SafeString (the
        # caches pickle it, class included); anything else under the key is not ours.
        return html if isinstance(html, SafeString) else None

    def cached_or_rendered_html(self) -> SafeString:
        """The region from the cache, or rendered now and kept for the next request."""
        html = self.cached_html()
        if html is None:
            html = self.html()
            caches["fragments"].set(self._fragment_key, html, self.timeout)
        return html

    @property
    def _fragment_key(self) -> str:
        return f"wizard-preview:{self.cache_key}"

    @cached_property
    def document(self) -> Document:
        return build_document(self.draft)

    @cached_property
    def report(self) -> Report:
        report = run_checks(self.document)
        if self.document.pay_band is not None and not self._shows_bands:
            report = bands.withheld(report)
        return report

    @property
    def _shows_bands(self) -> bool:
        jd = self.job_description
        content = organization_content(self.catalog.rows.token)
        return content.shows_bands_to(self.viewer or jd.owner, jd.role_id)

    @cached_property
    def marks(self) -> dict[str, list[tuple[int, int, str]]]:
        return self.report.places_by_field()

    @cached_property
    def findings(self) -> list[ShownFinding]:
        links = FindingLinks(
            draft=self.draft,
            document=self.document,
            catalog=self.catalog,
            rows=self.rows,
            fixable=self.fixable,
        )
        return [links.show(finding) for finding in self.report.findings]

    @property
    def fixable(self) -> bool:
        """Whether the region offers one-click fixes: only for the draft as saved. Typed input
        laid over it (the live preview, a step's pending input) is not what a fix would change,
        so the region says to save first. The buttons carry `lock_version`, the version they
        were computed for: the cache key holds it, so a cached region's version is the draft's
        when it was built, and a fix from an older page is refused as stale."""
        return self.form is None

    @property
    def lock_version(self) -> int:
        return self.job_description.lock_version
