"""The insights' numbers: one query per chart whatever the data size, the counting in Python.

Each function reads only the JSON keys it needs (`values_list` with key transforms, which both
SQLite and PostgreSQL run) and returns plain, immutable data that `charts.py` draws and the
views turn into tables and CSV files. Nothing here renders.

Counting required skills needs every issued snapshot's `skills` list: fine at thousands of JDs
(a few KB each). At much larger sizes a stored `required_skill_count` column on the revision,
written when it is issued, would let the database do the averaging.
"""

from __future__ import annotations

import datetime
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone

from jdbuilder.approvals.models import Submission
from jdbuilder.document import Compensation
from jdbuilder.document import PayBand as BandValues
from jdbuilder.models import JobDescription, JobDescriptionRevision
from jdbuilder.organization.bands import band_position
from jdbuilder.organization.content import organization_content
from jdbuilder.publishing.models import Posting
from jdbuilder.vocabulary import SalaryPeriod, Seniority, SubmissionState

NO_DEPARTMENT = "No department"


def required_count(skills: Any) -> int:
    """How many of a snapshot's skill lines are required (anything malformed counts as none)."""
    if not isinstance(skills, list):
        return 0
    return sum(
        1 for line in skills if isinstance(line, dict) and line.get("importance") == "required"
    )


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
    rows = (
        JobDescription.objects.visible_to(user)
        .issued()
        .order_by()
        .values_list("role_id", "role__name", "latest_revision__snapshot__skills")
    )
    counts: dict[int, list[int]] = defaultdict(list)
    names: dict[int, str] = {}
    for role_id, name, skills in rows:
        names[role_id] = name
        counts[role_id].append(required_count(skills))
    return tuple(
        sorted(
            (
                RoleSkillCount(
                    role=names[role_id],
                    jds=len(values),
                    average=round(statistics.fmean(values), 2),
                    minimum=min(values),
                    maximum=max(values),
                )
                for role_id, values in counts.items()
            ),
            key=lambda row: (row.role.casefold(), row.role),
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
    """The average required-skill count of every revision issued (by its finalized_at), per
    quarter, per role (the JD's catalog role) or per department (as the revision names it)."""
    visible = JobDescription.objects.visible_to(user).issued()
    group_key = (
        "job_description__role__name" if by == GroupBy.ROLE else "snapshot__department__name"
    )
    rows = (
        JobDescriptionRevision.objects.filter(job_description__in=visible.values("pk"))
        .order_by()
        .values_list(group_key, "finalized_at", "snapshot__skills")
    )
    counts: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for group, finalized_at, skills in rows:
        name = group if isinstance(group, str) and group else NO_DEPARTMENT
        counts[name][quarter_of(finalized_at)].append(required_count(skills))
    quarters = quarters_between(
        {quarter for per_quarter in counts.values() for quarter in per_quarter}
    )
    series = tuple(
        Series(
            group=group,
            points=tuple(
                QuarterPoint(q, len(values), round(statistics.fmean(values), 2))
                for q, values in sorted(per_quarter.items())
            ),
        )
        for group, per_quarter in sorted(counts.items(), key=lambda item: item[0].casefold())
    )
    return Inflation(by=by, quarters=quarters, series=series)


# --- c. pay ranges against the bands ----------------------------------------------------------


class Position:
    INSIDE = "inside"
    BELOW = "below"
    ABOVE = "above"
    BOTH = "below and above"
    NOT_COMPARABLE = "not comparable"  # another currency or period than the band's
    NO_BAND = "no band"


@dataclass(frozen=True)
class PayRange:
    title: str
    role: str
    seniority: str  # its label
    minimum: Decimal
    maximum: Decimal
    currency: str
    period: str
    band: BandValues | None
    position: str

    @property
    def scale(self) -> tuple[str, str]:
        """What ranges are drawn on one axis: same currency and period only."""
        return (self.currency, self.period)

    @property
    def period_label(self) -> str:
        return dict(SalaryPeriod.choices).get(self.period, self.period)


def _amount(value: Any) -> Decimal | None:
    if value in (None, "") or isinstance(value, bool):
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return None
    return amount if amount.is_finite() else None


def _position(pay: Compensation, band: BandValues | None) -> str:
    if band is None:
        return Position.NO_BAND
    where = band_position(pay, band)
    if not where.comparable:
        return Position.NOT_COMPARABLE
    if where.below and where.above:
        return Position.BOTH
    if where.below:
        return Position.BELOW
    if where.above:
        return Position.ABOVE
    return Position.INSIDE


# Only these of each snapshot's posting are read (the rest is long text).
SALARY_KEYS = ("salary_min", "salary_max", "salary_currency", "salary_period")
# Seniorities sort from junior to principal, not by name.
ORDER = {value: index for index, value in enumerate(Seniority.values)}


def pay_ranges(user) -> tuple[PayRange, ...]:
    """Each issued JD's latest salary range (JDs stating none are left out) with today's pay
    band for its role, seniority and office, chosen as a new draft's is
    (`OrganizationContent.band_for`; the office is found by the name the revision keeps), and
    where the range sits in it. By role, seniority, then title."""
    content = organization_content()
    offices = {office.name: pk for pk, office in content.offices.items()}
    rows = (
        JobDescription.objects.visible_to(user)
        .issued()
        .order_by()
        .values_list(
            "role_id",
            "role__name",
            "latest_revision__snapshot__title",
            "latest_revision__snapshot__seniority",
            "latest_revision__snapshot__office__name",
            *(f"latest_revision__snapshot__posting__{key}" for key in SALARY_KEYS),
        )
    )
    ranges: list[tuple[tuple[str, int, str], PayRange]] = []
    for role_id, role_name, title, seniority, office_name, *salary in rows:
        posting = dict(zip(SALARY_KEYS, salary, strict=True))
        low, high = _amount(posting.get("salary_min")), _amount(posting.get("salary_max"))
        if low is None or high is None:
            continue
        pay = Compensation(
            minimum=low,
            maximum=high,
            currency=str(posting.get("salary_currency") or ""),
            period=str(posting.get("salary_period") or SalaryPeriod.YEAR),
        )
        found = content.band_for(
            role=role_id, seniority=seniority or "", office=offices.get(office_name or "")
        )
        band = (
            BandValues(found.minimum, found.maximum, found.currency, found.period, scope="")
            if found is not None
            else None
        )
        ranges.append(
            (
                (
                    role_name.casefold(),
                    ORDER.get(seniority, len(ORDER)),
                    str(title or "").casefold(),
                ),
                PayRange(
                    title=str(title or ""),
                    role=role_name,
                    seniority=dict(Seniority.choices).get(seniority, ""),
                    minimum=low,
                    maximum=high,
                    currency=pay.currency,
                    period=pay.period,
                    band=band,
                    position=_position(pay, band),
                ),
            )
        )
    return tuple(pay for _, pay in sorted(ranges, key=lambda pair: pair[0]))


# --- d. quality scores of open postings -------------------------------------------------------


@dataclass(frozen=True)
class Bucket:
    label: str  # "90–100"
    count: int


SCORE_BUCKETS = tuple((low, low + 9 if low < 90 else 100) for low in range(0, 100, 10))


def quality_scores() -> tuple[tuple[Bucket, ...], int]:
    """The open postings' revisions' quality scores in buckets of ten (the last one 90–100),
    and how many open postings had a score."""
    scores = Posting.objects.open().order_by().values_list("revision__quality__score", flat=True)
    counts = [0] * len(SCORE_BUCKETS)
    scored = 0
    for score in scores:
        if isinstance(score, bool) or not isinstance(score, int | float):
            continue
        scored += 1
        counts[min(max(int(score), 0) // 10, len(SCORE_BUCKETS) - 1)] += 1
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


def scales(ranges: Iterable[PayRange]) -> tuple[tuple[tuple[str, str], Sequence[PayRange]], ...]:
    """`ranges` grouped by currency and period (one axis each), in the order first met."""
    grouped: dict[tuple[str, str], list[PayRange]] = {}
    for pay in ranges:
        grouped.setdefault(pay.scale, []).append(pay)
    return tuple((scale, tuple(rows)) for scale, rows in grouped.items())
