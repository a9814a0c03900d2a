"""The approvers' and managers' pages: the queue ("Waiting for me"), a submission with its
document, findings, redline, comments and timeline, and the POSTs that decide and comment.

Lookups go through `Submission.objects.visible_to()`: a submission one cannot see is a 404. A
visible one that this person may not act on is a 403 (`NotAllowed`); an action that does not fit
the submission's state (`ReviewRefused`) is a message and a redirect back to the page.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_POST

from jdbuilder.approvals import services
from jdbuilder.approvals.models import Comment, Submission, SubmissionStage, TimelineEvent
from jdbuilder.checks import bands, run_checks
from jdbuilder.checks.findings import Finding, Place, Report
from jdbuilder.compare_views import attachment
from jdbuilder.document import Document
from jdbuilder.documents.build import build_document, logo_of
from jdbuilder.documents.change_note import change_note_markdown, change_note_pdf
from jdbuilder.documents.diff import redline
from jdbuilder.organization.bands import shown_band
from jdbuilder.snapshots import read_snapshot
from jdbuilder.vocabulary import DocumentSection

PAGE_SIZE = 25


def _queue_rows(queryset):
    """Submissions with what the queue shows, each with its current stage, in a fixed number of
    queries whatever the page's length."""
    return (
        queryset.select_related("job_description__owner", "submitted_by")
        .prefetch_related("stages")
        .order_by("submitted_at", "pk")
    )


@dataclasses.dataclass(frozen=True)
class QueueRow:
    submission: Submission
    stage: SubmissionStage | None

    @property
    def department(self) -> str:
        return (self.submission.snapshot.get("department") or {}).get("name", "")

    @property
    def waiting_since(self):
        return (self.stage.started_at if self.stage else None) or self.submission.submitted_at


def _rows(page) -> list[QueueRow]:
    rows = []
    for submission in page:
        waiting = [stage for stage in submission.stages.all() if stage.approved_at is None]
        rows.append(QueueRow(submission, min(waiting, key=lambda s: s.position, default=None)))
    return rows


@require_GET
@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """ "Waiting for me": submissions at a stage the user approves; staff also see everything in
    review (a second list, its own page number `all`)."""
    mine = Paginator(_queue_rows(Submission.objects.waiting_for(request.user)), PAGE_SIZE)
    mine_page = mine.get_page(request.GET.get("page"))
    context = {"page_obj": mine_page, "rows": _rows(mine_page)}
    if request.user.is_staff:
        everything = Paginator(_queue_rows(Submission.objects.in_review()), PAGE_SIZE)
        all_page = everything.get_page(request.GET.get("all"))
        context |= {"all_page": all_page, "all_rows": _rows(all_page)}
    return render(request, "approvals/queue.html", context)


def _visible(request: HttpRequest, public_id) -> Submission:
    return get_object_or_404(
        Submission.objects.visible_to(request.user).select_related(
            "job_description__owner", "job_description__latest_revision", "submitted_by"
        ),
        public_id=public_id,
    )


@dataclasses.dataclass(frozen=True)
class ShownFinding:
    """A finding as the wizard's findings list shows it, without links into the wizard (the
    approver does not edit)."""

    finding: Finding
    places: tuple[tuple[Place, None], ...]
    link: None = None


@dataclasses.dataclass(frozen=True)
class Checked:
    """What `jdbuilder/wizard/_preview.html` reads: the document, its report, the marks."""

    document: Document
    report: Report

    @property
    def findings(self) -> list[ShownFinding]:
        return [
            ShownFinding(finding, tuple((place, None) for place in finding.places))
            for finding in self.report.findings
        ]

    @property
    def marks(self) -> dict:
        return self.report.places_by_field()


@dataclasses.dataclass(frozen=True)
class Thread:
    comment: Comment
    replies: list[Comment]


@dataclasses.dataclass(frozen=True)
class SectionThreads:
    section: str
    label: str
    threads: list[Thread]


def threads_by_section(comments) -> list[SectionThreads]:
    """Top-level comments (with their replies) grouped by section, in the sections' order."""
    order = {value: n for n, value in enumerate(DocumentSection.values)}
    threads = sorted(comments, key=lambda c: (order.get(c.section, len(order)), c.pk))
    return [
        SectionThreads(
            section,
            DocumentSection(section).label,
            [Thread(c, list(c.replies.all())) for c in group],
        )
        for section, group in groupby(threads, key=lambda c: c.section)
    ]


def _issued_before(submission: Submission):
    """The last revision issued before this submission (not the one it issued itself)."""
    latest = submission.job_description.latest_revision
    if latest is not None and latest.number >= submission.number:
        latest = latest.job_description.revisions.filter(number__lt=submission.number).first()
    return latest


def _redlines(submission: Submission, document: Document) -> dict:
    """What changed since the last issued revision, and since the JD's submission before this
    one (returned or withdrawn): what a returned JD's approver checks first."""
    latest = _issued_before(submission)
    earlier = (
        Submission.objects.filter(
            job_description_id=submission.job_description_id,
            submitted_at__lt=submission.submitted_at,
        )
        .only("snapshot", "submitted_at", "state")
        .order_by("-submitted_at")
        .first()
    )
    return {
        "redline": redline(build_document(latest) if latest else None, document),
        "earlier_submission": earlier,
        "resubmitted_redline": (
            redline(read_snapshot(earlier.snapshot), document) if earlier is not None else None
        ),
    }


@require_GET
@login_required
def submission_detail(request: HttpRequest, public_id) -> HttpResponse:
    submission = _visible(request, public_id)
    jd = submission.job_description
    user = request.user
    snapshot = submission.snapshot
    document = read_snapshot(snapshot, logo=logo_of(snapshot))
    band = shown_band(document, user, jd.role_id)
    report = run_checks(document)
    if document.pay_band is not None and band is None:
        report = bands.withheld(report)
    stages = list(submission.stages.select_related("approved_by").order_by("position"))
    current = next((stage for stage in stages if stage.approved_at is None), None)
    is_owner = jd.owner_id == user.pk
    is_approver = current is not None and services.is_approver(current, user)
    may_decide = submission.is_in_review and current is not None and not is_owner
    may_decide = may_decide and (is_approver or user.is_staff)
    threads = Comment.objects.filter(job_description=jd).threads()
    events = TimelineEvent.objects.filter(job_description=jd).select_related("actor")
    context = {
        "submission": submission,
        "job_description": jd,
        "document": document,
        "checked": Checked(document, report),
        "band": band,
        "stages": stages,
        "current_stage": current,
        "is_owner": is_owner,
        "may_decide": may_decide,
        "on_behalf": may_decide and not is_approver,
        "may_withdraw": is_owner and submission.is_in_review,
        "may_comment": True,
        "sections": DocumentSection.choices,
        "sections_threads": threads_by_section(threads),
        "timeline": list(events),
        **_redlines(submission, document),
    }
    if is_owner or user.is_staff:
        context["share_links"] = list(submission.share_links.all())
        context["may_share"] = True
    return render(request, "approvals/submission.html", context)


def _acted(
    request: HttpRequest, submission: Submission, act: Callable[[], object], done: str
) -> HttpResponse:
    """Run a service call: NotAllowed is a 403, ReviewRefused a message back on the page."""
    try:
        act()
    except services.NotAllowed as error:
        raise PermissionDenied(str(error)) from error
    except services.ReviewRefused as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done)
    return redirect(submission)


def _stage_id(request: HttpRequest) -> int:
    value = request.POST.get("stage", "")
    return int(value) if value.isdigit() else -1


def _decision(action, done: str):
    @require_POST
    @login_required
    def view(request: HttpRequest, public_id) -> HttpResponse:
        submission = _visible(request, public_id)
        return _acted(
            request,
            submission,
            lambda: action(
                submission=submission,
                user=request.user,
                stage_id=_stage_id(request),
                comment=request.POST.get("comment", ""),
            ),
            done,
        )

    view.__name__ = view.__qualname__ = action.__name__
    view.__doc__ = f"POST: {action.__doc__}"
    return view


approve = _decision(services.approve, "Approved.")
return_for_changes = _decision(services.return_for_changes, "Returned to the manager for changes.")
reject = _decision(services.reject, "Rejected.")


@require_POST
@login_required
def withdraw(request: HttpRequest, public_id) -> HttpResponse:
    submission = _visible(request, public_id)
    return _acted(
        request,
        submission,
        lambda: services.withdraw(submission=submission, user=request.user),
        "Withdrawn: the job description is a draft again.",
    )


@require_POST
@login_required
def comment(request: HttpRequest, public_id) -> HttpResponse:
    """A comment on a section, or (with `parent`) a reply to a thread of the same JD."""
    submission = _visible(request, public_id)
    parent_id = request.POST.get("parent", "")
    parent = None
    if parent_id:
        parent = get_object_or_404(
            Comment, pk=int(parent_id) if parent_id.isdigit() else -1, parent__isnull=True
        )
    return _acted(
        request,
        submission,
        lambda: services.add_comment(
            submission=submission,
            user=request.user,
            text=request.POST.get("text", ""),
            section=request.POST.get("section", "") if parent is None else parent.section,
            parent=parent,
        ),
        "Reply added." if parent else "Comment added.",
    )


@require_POST
@login_required
def resolve(request: HttpRequest, pk: int) -> HttpResponse:
    """The manager marks a thread resolved; a comment on a JD one cannot see is a 404."""
    visible = Submission.objects.visible_to(request.user).values("job_description_id")
    found = get_object_or_404(
        Comment.objects.select_related("submission"), pk=pk, job_description_id__in=visible
    )
    submission = found.submission or (
        Submission.objects.visible_to(request.user)
        .filter(job_description_id=found.job_description_id)
        .first()
    )
    return _acted(
        request,
        submission,
        lambda: services.resolve_comment(comment=found, user=request.user),
        "Resolved.",
    )


CHANGE_NOTE_TYPES = {"md": "text/markdown; charset=utf-8", "pdf": "application/pdf"}


@require_GET
@login_required
def submission_changes(request: HttpRequest, public_id, fmt: str) -> HttpResponse:
    """The submission's change note against the last issued revision, as the page shows it
    (Markdown or PDF), for whoever may open the submission."""
    if fmt not in CHANGE_NOTE_TYPES:
        raise Http404("No such format.")
    submission = _visible(request, public_id)
    document = read_snapshot(submission.snapshot, logo=logo_of(submission.snapshot))
    latest = _issued_before(submission)
    changes = redline(build_document(latest) if latest else None, document)
    labels = {
        "title": document.title,
        "old_label": f"Revision {latest.number}" if latest else "Nothing issued before",
        "new_label": f"Submitted {submission.submitted_at:%d %b %Y, %H:%M}",
    }
    if fmt == "md":
        content = change_note_markdown(changes, **labels).encode("utf-8")
    else:
        content = change_note_pdf(changes, **labels, document=document)
    stem = slugify(f"{document.title} submitted changes")[:120] or "changes"
    response = attachment(content, content_type=CHANGE_NOTE_TYPES[fmt], filename=f"{stem}.{fmt}")
    response["Cache-Control"] = "private, no-cache"
    return response
