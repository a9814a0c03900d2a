"""The insights' numbers: one query per chart whatever the data size.

The required-skill charts are aggregates the database computes (`Count`, `Sum`, `Avg`, `Min`,
`Max` over `JobDescriptionRevision.required_skills`, the count stored when a revision is
issued), so they return one row per role, or per group and quarter, not one per JD; the quality
scores and approval times read one or two scalars per row. The pay ranges are in `pay.py`.
Everything returned is plain, immutable data that `charts.py` draws and the sections turn into
tables and CSV files. Nothing here renders.
"""

from __future__ import annotations

import datetime
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Avg, Count, Max, Min, Sum
from django.db.models.functions import TruncQuarter
from django.utils import timezone

from jdbuilder.approvals.models import Submission
from jdbuilder.models import JobDescription, JobDescriptionRevision
from jdbuilder.publishing.models import Posting
from jdbuilder.vocabulary import SubmissionState

NO_DEPARTMENT = "No department"


def by_name(name: str) -> tuple[str, str]:
    """The sort key of a name: case-blind first, then exact (so the order is stable)."""
    return (name.casefold(), name)


# --- a. required-skill count per role -------------------------------------------------------


@dataclass(frozen=True)
class RoleSkillCount:
    role: str
    jds: int
    average: float
    minimum: int
    maximum: int


def required_skills_per_role(user) -> tuple[RoleSkillCount, ...]:
    """Per catalog role, the required-skill count of the latest revision of each issued JD
    `user` may read: how many JDs, the average, the fewest and the most. By role name."""
    count = "latest_revision__required_skills"
    rows = (
        JobDescription.objects.visible_to(user)
        .issued()
        .order_by()
        .values("role_id", "role__name")
        .annotate(jds=Count("pk"), average=Avg(count), minimum=Min(count), maximum=Max(count))
    )
    return tuple(
        sorted(
            (
                RoleSkillCount(
                    role=row["role__name"],
                    jds=row["jds"],
                    average=round(float(row["average"]), 2),
                    minimum=row["minimum"],
                    maximum=row["maximum"],
                )
                for row in rows
            ),
            key=lambda row: by_name(row.role),
        )
    )


# --- b. requirement inflation: the average per quarter --------------------------------------


class GroupBy:
    ROLE = "role"
    DEPARTMENT = "department"
    CHOICES = ((ROLE, "Role"), (DEPARTMENT, "Department"))


@dataclass(frozen=True)
class QuarterPoint:
    quarter: str  # "2025 Q1"
    revisions: int
    average: float


@dataclass(frozen=True)
class Series:
    group: str
    points: tuple[QuarterPoint, ...]


@dataclass(frozen=True)
class Inflation:
    by: str
    quarters: tuple[str, ...]  # from the first quarter any series has to the last, in order
    series: tuple[Series, ...]


def quarter_of(moment: datetime.datetime) -> str:
    """ "2025 Q2": the quarter `moment` falls in, in the current time zone."""
    local = timezone.localtime(moment)
    return f"{local.year} Q{(local.month - 1) // 3 + 1}"


def quarters_between(present: Iterable[str]) -> tuple[str, ...]:
    """Every quarter from the first to the last of `present`, none skipped (an even axis)."""
    keys = sorted((int(q[:4]), int(q[-1])) for q in present)
    if not keys:
        return ()
    (year, quarter), last = keys[0], keys[-1]
    every = []
    while (year, quarter) <= last:
        every.append(f"{year} Q{quarter}")
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return tuple(every)


def requirement_inflation(user, *, by: str = GroupBy.ROLE) -> Inflation:
    """The average required-skill count of every revision issued, per quarter of its
    finalized_at (in the current time zone, as every date the app shows), per role (the JD's
    catalog role) or per department (as the revision names it)."""
    visible = JobDescription.objects.visible_to(user).issued()
    group_key = (
        "job_description__role__name" if by == GroupBy.ROLE else "snapshot__department__name"
    )
    rows = (
        JobDescriptionRevision.objects.filter(job_description__in=visible.values("pk"))
        .order_by()
        .annotate(quarter=TruncQuarter("finalized_at", tzinfo=timezone.get_current_timezone()))
        .values(group_key, "quarter")
        .annotate(revisions=Count("pk"), required=Sum("required_skills"))
    )
    # Summed, not averaged, in the database: a department that is missing, JSON null or blank
    # is one group here ("No department"), and sums add up exactly.
    totals: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for row in rows:
        group = row[group_key]
        name = group if isinstance(group, str) and group else NO_DEPARTMENT
        total = totals[name][quarter_of(row["quarter"])]
        total[0] += row["revisions"]
        total[1] += row["required"] or 0
    quarters = quarters_between(
        {quarter for per_quarter in totals.values() for quarter in per_quarter}
    )
    series = tuple(
        Series(
            group=group,
            points=tuple(
                QuarterPoint(quarter, revisions, round(required / revisions, 2))
                for quarter, (revisions, required) in sorted(per_quarter.items())
            ),
        )
        for group, per_quarter in sorted(totals.items(), key=lambda item: by_name(item[0]))
    )
    return Inflation(by=by, quarters=quarters, series=series)


# --- d. quality scores of open postings -------------------------------------------------------


@dataclass(frozen=True)
class Bucket:
    label: str  # "90–100"
    count: int


SCORE_BUCKETS = tuple((low, low + 9 if low < 90 else 100) for low in range(0, 100, 10))


def quality_scores() -> tuple[tuple[Bucket, ...], int]:
    """The open postings' revisions' quality scores in buckets of ten (the last one 90–100),
    and how many open postings had a score."""
    # Grouped by score in the database: one row per distinct score, not per posting.
    scores = (
        Posting.objects.open()
        .order_by()
        .values("revision__quality__score")
        .annotate(postings=Count("pk"))
        .values_list("revision__quality__score", "postings")
    )
    counts = [0] * len(SCORE_BUCKETS)
    scored = 0
    for score, postings in scores:
        if isinstance(score, bool) or not isinstance(score, int | float):
            continue
        scored += postings
        counts[min(max(int(score), 0) // 10, len(SCORE_BUCKETS) - 1)] += postings
    buckets = tuple(
        Bucket(f"{low}–{high}", count)
        for (low, high), count in zip(SCORE_BUCKETS, counts, strict=True)
    )
    return buckets, scored


# --- e. time from submission to approval ------------------------------------------------------


@dataclass(frozen=True)
class MonthApprovals:
    month: str  # "2025-03", of the approval
    approved: int
    median_days: float


@dataclass(frozen=True)
class ApprovalTimes:
    months: tuple[MonthApprovals, ...]
    histogram: tuple[Bucket, ...]
    approved: int


# Days from submission to approval: [low, high) in days; None: no upper end.
DAY_BUCKETS: tuple[tuple[int, int | None], ...] = (
    (0, 1),
    (1, 2),
    (2, 3),
    (3, 5),
    (5, 8),
    (8, 15),
    (15, 31),
    (31, None),
)


def _bucket_label(low: int, high: int | None) -> str:
    if high is None:
        return f"{low} days or more"
    if high == low + 1:
        return "under 1 day" if low == 0 else f"{low} day{'s' if low != 1 else ''}"
    return f"{low}–{high - 1} days"


def days_between(start: datetime.datetime, end: datetime.datetime) -> float:
    return max((end - start).total_seconds(), 0.0) / 86400


def approval_times() -> ApprovalTimes:
    """Days between submitted_at and decided_at of every approved submission: per month of
    the approval, how many and the median; and a histogram over `DAY_BUCKETS`."""
    rows = (
        Submission.objects.filter(state=SubmissionState.APPROVED, decided_at__isnull=False)
        .order_by()
        .values_list("submitted_at", "decided_at")
    )
    per_month: dict[str, list[float]] = defaultdict(list)
    counts = [0] * len(DAY_BUCKETS)
    for submitted_at, decided_at in rows:
        days = days_between(submitted_at, decided_at)
        per_month[timezone.localtime(decided_at).strftime("%Y-%m")].append(days)
        counts[_day_bucket(days)] += 1
    months = tuple(
        MonthApprovals(month, len(days), round(statistics.median(days), 2))
        for month, days in sorted(per_month.items())
    )
    histogram = tuple(
        Bucket(_bucket_label(low, high), count)
        for (low, high), count in zip(DAY_BUCKETS, counts, strict=True)
    )
    return ApprovalTimes(months=months, histogram=histogram, approved=sum(counts))


def _day_bucket(days: float) -> int:
    for index, (low, high) in enumerate(DAY_BUCKETS):
        if high is None or low <= days < high:
            return index
    return len(DAY_BUCKETS) - 1
