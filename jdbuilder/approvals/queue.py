""" "Waiting for me": who has a queue, and how long it is, without a query for everyone else.

The navigation shows the count on every page, and pages have pinned query counts; so the ids of
the users who approve some stage (by name or by group) are kept in the fragments cache, rebuilt
by signal handlers whenever a stage, its approvers or someone's groups change. Only those users,
and staff, pay the one count query. `connect_signals()` is called from the app's ready().

Without a shared cache (no Redis) each process keeps its own copy: a change made in another
process shows within `LOCAL_TIMEOUT` seconds.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.db.models import Prefetch, Q
from django.db.models.signals import m2m_changed, post_delete, post_save

from jdbuilder.approvals.models import ApprovalStage, Submission

CACHE_KEY = "approvals:approver-ids"
LOCAL_TIMEOUT = 60
REQUEST_ATTRIBUTE = "_approvals_waiting_count"


def _cache():
    return caches["fragments"]


def _timeout() -> int | None:
    return LOCAL_TIMEOUT if isinstance(_cache(), LocMemCache) else None


def approver_ids_now() -> frozenset[int]:
    """The active users who approve some stage, by name or through a group (one query)."""
    User = get_user_model()
    ids = (
        User.objects.filter(
            Q(approval_stages__isnull=False) | Q(groups__approval_stages__isnull=False),
            is_active=True,
        )
        .values_list("pk", flat=True)
        .distinct()
    )
    return frozenset(ids)


def refresh_approver_ids() -> frozenset[int]:
    ids = approver_ids_now()
    _cache().set(CACHE_KEY, ids, _timeout())
    return ids


def approver_ids() -> frozenset[int]:
    """The cached set; a miss (a fresh process, an expired copy) costs one query."""
    ids = _cache().get(CACHE_KEY)
    if not isinstance(ids, frozenset):
        ids = refresh_approver_ids()
    return ids


def may_have_a_queue(user) -> bool:
    """Whether `user` approves some stage or is staff: free (no query) once the cache is warm."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_staff) or user.pk in approver_ids()


def waiting_count(request) -> int | None:
    """How many submissions wait for the signed-in user, or None when they have no queue (the
    navigation then shows no link). Counted once per request."""
    if hasattr(request, REQUEST_ATTRIBUTE):
        return getattr(request, REQUEST_ATTRIBUTE)
    user = getattr(request, "user", None)
    count = Submission.objects.waiting_for(user).count() if may_have_a_queue(user) else None
    setattr(request, REQUEST_ATTRIBUTE, count)
    return count


# --- keeping the cached set current -------------------------------------------------------------


def _stage_changed(sender, action: str = "post_save", **kwargs) -> None:
    if action.startswith("post_"):  # m2m_changed also sends pre_add, pre_remove, pre_clear
        refresh_approver_ids()


def _user_saved(sender, instance, created: bool, **kwargs) -> None:
    # A new account approves nothing yet: drop its id (a rolled-back test may have left it).
    if created:
        ids = _cache().get(CACHE_KEY)
        if isinstance(ids, frozenset) and instance.pk in ids:
            _cache().set(CACHE_KEY, ids - {instance.pk}, _timeout())
    elif "is_active" in (kwargs.get("update_fields") or {"is_active"}):
        refresh_approver_ids()


def _user_deleted(sender, **kwargs) -> None:
    refresh_approver_ids()


def connect_signals() -> None:
    """Keep the approvers' ids current; called once from JdBuilderConfig.ready()."""
    User = get_user_model()
    uid = "approvals.queue"
    post_save.connect(_stage_changed, sender=ApprovalStage, dispatch_uid=f"{uid}.stage_saved")
    post_delete.connect(_stage_changed, sender=ApprovalStage, dispatch_uid=f"{uid}.stage_deleted")
    m2m_changed.connect(
        _stage_changed, sender=ApprovalStage.approvers.through, dispatch_uid=f"{uid}.approvers"
    )
    m2m_changed.connect(_stage_changed, sender=User.groups.through, dispatch_uid=f"{uid}.groups")
    post_save.connect(_user_saved, sender=User, dispatch_uid=f"{uid}.user_saved")
    post_delete.connect(_user_deleted, sender=User, dispatch_uid=f"{uid}.user_deleted")


# --- a JD's review state, for its page and "My job descriptions" -------------------------------


@dataclass(frozen=True)
class ReviewState:
    """A JD's latest submission with its stages (in order) and the one waiting, if any."""

    submission: Submission
    stages: list
    current_stage: object | None


def review_of(job_description) -> ReviewState | None:
    """The latest submission of `job_description` (two queries), or None if never submitted."""
    submission = (
        Submission.objects.filter(job_description=job_description)
        .prefetch_related("stages__approved_by")
        .order_by("-submitted_at", "-pk")
        .first()
    )
    if submission is None:
        return None
    stages = sorted(submission.stages.all(), key=lambda stage: stage.position)
    current = next((s for s in stages if s.approved_at is None), None)
    return ReviewState(submission, stages, current if submission.is_in_review else None)


def latest_submissions() -> Prefetch:
    """A prefetch of each JD's submissions, latest first, as `review_submissions` (one query
    for the whole list): `jd.review_submissions[0]` is its latest."""
    return Prefetch(
        "submissions",
        queryset=Submission.objects.only(
            "pk", "public_id", "job_description_id", "state", "submitted_at"
        ).order_by("-submitted_at", "-pk"),
        to_attr="review_submissions",
    )
