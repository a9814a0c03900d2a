"""The share-link pages: what an outside reviewer opens (anonymous, read-only but for one
comment), and the managers' buttons that make and revoke links.

The outside page shows the document and the comment form only: no pay band, no other comment,
no name of anyone in the company, no link into the app. A bad, expired and revoked token get
the same 404 page. Every answer of it is marked noindex, not cached and sent without referrer.
"""

from __future__ import annotations

import dataclasses
import hashlib

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods, require_POST

from jdbuilder.approvals import sharing
from jdbuilder.approvals.models import ShareLink, Submission
from jdbuilder.approvals.services import NotAllowed, ReviewRefused
from jdbuilder.document import Document
from jdbuilder.documents.build import build_document, logo_of
from jdbuilder.mail import absolute_url
from jdbuilder.models import JobDescription
from jdbuilder.snapshots import read_snapshot
from jdbuilder.vocabulary import DocumentSection

# Requests per client address and link: (how many, per so many seconds).
GET_LIMIT = (60, 60)
POST_LIMIT = (5, 60 * 60)


class OutsideCommentForm(forms.Form):
    name = forms.CharField(label="Your name", max_length=sharing.MAX_NAME_LENGTH)
    section = forms.ChoiceField(
        label="Section", choices=DocumentSection.choices, initial=DocumentSection.GENERAL
    )
    text = forms.CharField(
        label="Comment",
        max_length=sharing.MAX_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


def _private(response: HttpResponse) -> HttpResponse:
    response["X-Robots-Tag"] = "noindex, nofollow"
    # same-origin, not no-referrer: the link's token never leaves for another site, yet the
    # comment form's POST still carries its Origin (with no-referrer Chromium sends "null",
    # which Django's CSRF check rightly refuses).
    response["Referrer-Policy"] = "same-origin"
    patch_cache_control(response, private=True, no_store=True, no_cache=True, max_age=0)
    return response


def _client_address(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _over_limit(request: HttpRequest, token: str) -> bool:
    """Count this request against its address and link; True once the window's limit is past."""
    limit, window = POST_LIMIT if request.method == "POST" else GET_LIMIT
    name = hashlib.sha256(f"{_client_address(request)}|{token}".encode()).hexdigest()
    key = f"share-link-rate:{request.method}:{name}"
    if cache.add(key, 1, timeout=window):
        return False
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window)
        return False
    return count > limit


def _gone(request: HttpRequest, *, status: int = 404) -> HttpResponse:
    return _private(
        render(request, "approvals/shared_gone.html", {"too_many": status == 429}, status=status)
    )


def shared_document(link: ShareLink) -> Document:
    """What the link shows: the submission's frozen snapshot or the revision, without the pay
    band (internal)."""
    if link.submission_id is not None:
        snapshot = link.submission.snapshot
        document = read_snapshot(snapshot, logo=logo_of(snapshot))
    else:
        document = build_document(link.revision)
    return dataclasses.replace(document, pay_band=None)


@csrf_protect
@require_http_methods(["GET", "HEAD", "POST"])
def shared(request: HttpRequest, token: str) -> HttpResponse:
    """The outside reviewer's page (no sign-in): the document and the one-comment form."""
    if _over_limit(request, token):
        return _gone(request, status=429)
    link = sharing.open_share_link(token)
    if link is None:
        return _gone(request)
    sent = False
    status = 200
    form = OutsideCommentForm()
    if request.method == "POST":
        form = OutsideCommentForm(request.POST)
        if form.is_valid():
            try:
                sharing.leave_outside_comment(
                    link=link,
                    name=form.cleaned_data["name"],
                    text=form.cleaned_data["text"],
                    section=form.cleaned_data["section"],
                )
            except ReviewRefused as refused:
                form.add_error(None, str(refused))
                status = 400
            else:
                sent, form = True, None
        else:
            status = 400
    can_comment = link.comments_left < sharing.max_comments()
    return _private(
        render(
            request,
            "approvals/shared.html",
            {
                "document": shared_document(link),
                "link": link,
                "form": form if can_comment else None,
                "sent": sent,
                "standalone": False,
            },
            status=status,
        )
    )


def _refused(error: ReviewRefused) -> None:
    if isinstance(error, NotAllowed):
        raise PermissionDenied(str(error))


def _made(request: HttpRequest, path: str, link: ShareLink) -> None:
    messages.success(
        request,
        f"Share link made, working until {link.expires_at:%Y-%m-%d %H:%M} UTC: "
        f"{absolute_url(path)} Copy it now: it is shown only this once.",
    )


@require_POST
@login_required
def make_share_link(request: HttpRequest, public_id) -> HttpResponse:
    """Make a link to a submission in review (its manager or staff); 404 for a submission one
    cannot see, 403 for one one may see but not share."""
    submission = get_object_or_404(
        Submission.objects.visible_to(request.user).select_related("job_description"),
        public_id=public_id,
    )
    return _share(request, submission.get_absolute_url(), submission=submission)


def _share(request: HttpRequest, back: str, **source) -> HttpResponse:
    """Make the link to `source` (a submission or a revision), say how it went, and go `back`."""
    try:
        link, path = sharing.create_share_link(
            user=request.user, days=request.POST.get("days"), **source
        )
    except ReviewRefused as error:
        _refused(error)
        messages.error(request, str(error))
    else:
        _made(request, path, link)
    return redirect(back)


@require_POST
@login_required
def make_revision_share_link(request: HttpRequest, public_id, number: int) -> HttpResponse:
    """Make a link to an issued revision (its manager or staff)."""
    job_description = get_object_or_404(
        JobDescription.objects.visible_to(request.user), public_id=public_id
    )
    revision = get_object_or_404(job_description.revisions, number=number)
    back = reverse("jd:revision", kwargs={"public_id": job_description.public_id, "number": number})
    return _share(request, back, revision=revision)


@require_POST
@login_required
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Revoke a link (the JD's manager, staff, or who made it)."""
    link = get_object_or_404(
        sharing.visible_links(request.user).select_related(
            "submission", "revision", "job_description"
        ),
        pk=pk,
    )
    try:
        sharing.revoke_share_link(link=link, user=request.user)
    except ReviewRefused as error:
        _refused(error)
        messages.error(request, str(error))
    else:
        messages.success(request, "The share link was revoked: it no longer works.")
    if link.submission_id is not None:
        return redirect(link.submission.get_absolute_url())
    return redirect(
        reverse(
            "jd:revision",
            kwargs={"public_id": link.job_description.public_id, "number": link.revision.number},
        )
    )
