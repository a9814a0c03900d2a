"""Pages around the wizard: my job descriptions, starting, reading, revising, copying, deleting.

Every lookup goes through `JobDescription.objects.visible_to()` or `.editable_by()`, so a JD
that is not yours is a 404, never a 403 that confirms it exists.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from jdbuilder.approvals.models import Comment, TimelineEvent
from jdbuilder.approvals.queue import latest_submissions, review_of
from jdbuilder.approvals.services import submit_job_description
from jdbuilder.approvals.sharing import links_for, may_manage
from jdbuilder.approvals.views import threads_by_section
from jdbuilder.documents.build import build_document, logo_of
from jdbuilder.documents.diff import redline
from jdbuilder.documents.formats import FORMATS
from jdbuilder.models import JobDescription, JobDescriptionRevision
from jdbuilder.organization.bands import shown_band
from jdbuilder.organization.services import start_from_template, start_offer
from jdbuilder.services import DraftChanged, start_draft
from jdbuilder.snapshots import read_snapshot
from jdbuilder.vocabulary import WizardStep, WorkplaceType
from jdbuilder.wizard.views import VERSION_FIELD
from roles.models import Role

CREATE_PERMISSION = "jdbuilder.add_jobdescription"
SLUG = re.compile(r"[-\w]{1,150}")


@login_required
def my_job_descriptions(request: HttpRequest) -> HttpResponse:
    job_descriptions = (
        JobDescription.objects.filter(owner=request.user)
        .select_related("role")
        .prefetch_related(
            Prefetch(
                "revisions",
                queryset=JobDescriptionRevision.objects.latest_first().only(
                    "pk", "number", "finalized_at", "job_description_id"
                ),
            ),
            latest_submissions(),
        )
    )
    return render(
        request,
        "jdbuilder/my_job_descriptions.html",
        {"job_descriptions": describe_mine(job_descriptions)},
    )


@dataclasses.dataclass(frozen=True)
class Twin:
    """Another of my JDs with the same title: its short id, and what differs from it."""

    short_id: str
    differs: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class MyJobDescription:
    """One JD of "My job descriptions", with what tells it apart from others of the same title."""

    jd: JobDescription
    location: str
    workplace: str
    short_id: str
    # The others of the same title (the first few), and how many there are in all.
    twins: tuple[Twin, ...] = ()
    same_title: int = 0

    @property
    def more_twins(self) -> int:
        return self.same_title - len(self.twins)


# What the page shows of each JD, in the order "differs in" names it.
FACETS: dict[str, Callable[[MyJobDescription], object]] = {
    "role": lambda row: row.jd.role_id,
    "seniority": lambda row: row.jd.seniority,
    "location": lambda row: row.location.casefold(),
    "workplace": lambda row: row.workplace,
    "status": lambda row: row.jd.status,
    "revision": lambda row: row.jd.revision,
}
SHORT_ID_LENGTH = 8
# A title shared by many JDs names only the first few others (the short ids tell the rest apart).
MAX_TWINS_SHOWN = 3


def describe_mine(job_descriptions: Iterable[JobDescription]) -> list[MyJobDescription]:
    """Each JD with its location, a short id and, where titles repeat, what differs from each.

    Two drafts of one title look the same in a list: the short id and the last saved time always
    tell them apart, and each twin names the choices that do (role, location, ...).
    """
    rows = []
    for jd in job_descriptions:
        posting = jd.chosen.posting
        workplace = posting.workplace_type
        label = WorkplaceType(workplace).label if workplace in WorkplaceType.values else ""
        rows.append(
            MyJobDescription(
                jd=jd,
                location=posting.location,
                workplace=label,
                short_id=jd.public_id.hex[:SHORT_ID_LENGTH],
            )
        )
    by_title: dict[str, list[MyJobDescription]] = {}
    for row in rows:
        by_title.setdefault(_title_key(row), []).append(row)

    def with_twins(row: MyJobDescription) -> MyJobDescription:
        others = [other for other in by_title[_title_key(row)] if other is not row]
        twins = tuple(
            Twin(
                short_id=other.short_id,
                differs=tuple(name for name, value in FACETS.items() if value(row) != value(other)),
            )
            for other in others[:MAX_TWINS_SHOWN]
        )
        return dataclasses.replace(row, twins=twins, same_title=len(others))

    return [with_twins(row) for row in rows]


def _title_key(row: MyJobDescription) -> str:
    # "Data  analyst" and "data analyst" read as one title in a list.
    return " ".join(row.jd.title.casefold().split())


@login_required
@permission_required(CREATE_PERMISSION, raise_exception=True)
def new_job_description(request: HttpRequest) -> HttpResponse:
    """GET: the templates the user may start from, then a role to pick (search by name or
    alternate title) unless the organization requires a template. POST: start a draft from
    the template or the role."""
    offer = start_offer(request.user)
    if request.method == "POST":
        if "template" in request.POST:
            raw = request.POST["template"]
            if not raw.isdigit():
                raise Http404("No such template.")
            template = next((t for t in offer.templates if t.pk == int(raw)), None)
            if template is None:
                raise Http404("No such template.")
            job_description = start_from_template(template=template, owner=request.user)
            return redirect(job_description.get_edit_url())
        if not offer.roles_allowed:
            messages.error(
                request, "New job descriptions start from a template here: pick one of these."
            )
            return redirect("jd:new")
        slug = request.POST.get("role", "")
        if not SLUG.fullmatch(slug):
            raise Http404("No such role.")
        role = get_object_or_404(Role, slug=slug)
        job_description = start_draft(owner=request.user, role=role)
        return redirect(job_description.get_edit_url())
    query = request.GET.get("q", "")[:100]
    roles = Role.objects.search(query)[:50] if offer.roles_allowed else Role.objects.none()
    context = {
        "roles": roles,
        "query": query,
        "templates": offer.templates,
        "roles_allowed": offer.roles_allowed,
    }
    return render(request, "jdbuilder/new.html", context)


@login_required
def job_description_detail(request: HttpRequest, public_id) -> HttpResponse:
    job_description = get_object_or_404(
        JobDescription.objects.visible_to(request.user).select_related("role", "owner"),
        public_id=public_id,
    )
    revisions = list(job_description.revisions.latest_first().select_related("finalized_by"))
    is_owner = job_description.owner_id == request.user.pk
    review = _review_context(job_description, request.user)
    submission = review.get("submission")
    if job_description.reads_issued(request.user):
        revision = revisions[0]
        document = build_document(revision)
    elif job_description.is_in_review and submission is not None:
        # Frozen as submitted: exactly what the approvers read and what will be issued.
        revision = None
        document = read_snapshot(submission.snapshot, logo=logo_of(submission.snapshot))
    else:
        # The owner's draft: what the review step shows, not issued yet.
        revision = None
        document = build_document(job_description)
    return render(
        request,
        "jdbuilder/detail.html",
        {
            "job_description": job_description,
            "document": document,
            "revision": revision,
            "revisions": revisions,
            "can_edit": is_owner,
            "formats": FORMATS.values(),
            "band": shown_band(document, request.user, job_description.role_id),
            **review,
        },
    )


def _review_context(job_description: JobDescription, user) -> dict:
    """The JD's latest submission (its state, stages, the decision's comment), its comments
    and its timeline: a fixed number of queries."""
    review = review_of(job_description)
    context = {
        "review": review,
        "timeline": list(
            TimelineEvent.objects.filter(job_description=job_description).select_related("actor")
        ),
    }
    if review is not None:
        threads = Comment.objects.filter(job_description=job_description).threads()
        context |= {
            "submission": review.submission,
            "stages": review.stages,
            "current_stage": review.current_stage,
            "sections_threads": threads_by_section(threads),
            "is_owner": job_description.owner_id == user.pk,
        }
    return context


@login_required
def revision_detail(request: HttpRequest, public_id, number: int) -> HttpResponse:
    job_description = get_object_or_404(
        JobDescription.objects.visible_to(request.user), public_id=public_id
    )
    revisions = list(job_description.revisions.latest_first().only("pk", "number"))
    revision = next((r for r in revisions if r.number == number), None)
    if revision is None:
        raise Http404("No such revision.")
    revision = job_description.revisions.get(pk=revision.pk)
    document = build_document(revision)  # its band as frozen when it was issued
    earlier = next((r for r in revisions if r.number < number), None)
    changes = redline(build_document(earlier), document) if earlier is not None else None
    return render(
        request,
        "jdbuilder/revision.html",
        {
            "job_description": job_description,
            "revision": revision,
            "revisions": revisions,
            "document": document,
            "earlier": earlier,
            "redline": changes,
            "band": shown_band(document, request.user, job_description.role_id),
            "may_share": may_manage(job_description, request.user),
            "share_links": links_for(user=request.user, revision=revision),
        },
    )


def _own(request: HttpRequest, public_id) -> JobDescription:
    return get_object_or_404(JobDescription.objects.editable_by(request.user), public_id=public_id)


def _step_url(job_description: JobDescription, step: str) -> str:
    return reverse("jd:wizard_step", kwargs={"public_id": job_description.public_id, "step": step})


@require_POST
@login_required
def finalize(request: HttpRequest, public_id) -> HttpResponse:
    """The review page's "Finalize": issue the draft as its next revision, as the page showed it.

    Its own small view rather than the wizard's last step: nothing of the wizard's forms is
    needed to freeze what is saved, and the PDFs are queued, not rendered, so it answers fast.
    """
    job_description = _own(request, public_id)
    if job_description.is_final:
        messages.info(request, f"Already finalized as revision {job_description.revision}.")
        return redirect(job_description)
    if not job_description.is_editable:
        messages.info(
            request, f"This job description is {job_description.get_status_display().lower()}."
        )
        return redirect(job_description)
    unsaved = job_description.first_unsaved_step(
        step for step in WizardStep if step != WizardStep.REVIEW
    )
    if unsaved is not None:
        title = WizardStep(unsaved).label
        messages.warning(request, f"Please complete “{title}” before finalizing.")
        return redirect(_step_url(job_description, unsaved))
    version = request.POST.get(VERSION_FIELD, "")  # the version the review page was read at
    try:
        submitted = submit_job_description(
            job_description=job_description,
            user=request.user,
            expected_version=int(version) if version.isdigit() else -1,
        )
    except DraftChanged:  # AlreadyFinal too: finalized or submitted in another tab meanwhile
        messages.warning(
            request,
            "This draft changed after you opened the review page (in another tab or window). "
            "Here it is as it stands now: check it, then finalize again.",
        )
        return redirect(_step_url(job_description, WizardStep.REVIEW))
    if submitted.submission is not None:
        messages.success(
            request,
            "Submitted for approval. It is frozen as submitted; you will hear of each decision.",
        )
        return redirect(job_description)
    messages.success(request, f"Finalized as revision {submitted.revision.number}.")
    return redirect(job_description)


@require_POST
@login_required
def reopen(request: HttpRequest, public_id) -> HttpResponse:
    job_description = _own(request, public_id)
    if job_description.is_final:
        job_description.reopen()
        messages.info(
            request,
            f"Editing revision {job_description.revision}. "
            "Earlier revisions stay as they were issued.",
        )
    return redirect(job_description.get_edit_url())


@require_POST
@login_required
@permission_required(CREATE_PERMISSION, raise_exception=True)
def duplicate(request: HttpRequest, public_id) -> HttpResponse:
    source = get_object_or_404(JobDescription.objects.visible_to(request.user), public_id=public_id)
    copy = source.duplicate_for(request.user)
    messages.success(request, f"Copied “{source.title}” into a new draft for a new opening.")
    return redirect(copy.get_edit_url())


@login_required
def delete(request: HttpRequest, public_id) -> HttpResponse:
    job_description = _own(request, public_id)
    if request.method == "POST":
        title = job_description.title
        job_description.delete()
        messages.success(request, f"Deleted “{title}” and its revisions.")
        return redirect("jd:mine")
    return render(request, "jdbuilder/confirm_delete.html", {"job_description": job_description})
