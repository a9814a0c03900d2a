"""Pay ranges against the bands: per role, seniority, currency and period, not per JD.

One query reads six scalar keys of each issued JD's latest snapshot (never its long texts),
grouped in the database by role, seniority, office and range, with how many JDs have each: so
Python handles as many rows as there are distinct ranges. The band each is compared with is
chosen in Python, as a new draft's is (`OrganizationContent.band_for`, looked up once per role,
seniority and office), and the medians are weighted medians in Python (SQLite has no median
aggregate). What comes back is one `PayGroup` per role, seniority, currency and period, so what
is drawn grows with the catalog, not with the number of JDs. The per-JD CSV reads the same keys
and the title, one row per JD.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Count

from jdbuilder.document import Compensation
from jdbuilder.document import PayBand as BandValues
from jdbuilder.insights.queries import by_name
from jdbuilder.models import JobDescription
from jdbuilder.organization.bands import band_position
from jdbuilder.organization.content import organization_content
from jdbuilder.vocabulary import SalaryPeriod, Seniority


class Position:
    INSIDE = "inside"
    BELOW = "below"
    ABOVE = "above"
    BOTH = "below and above"
    NOT_COMPARABLE = "not comparable"  # another currency or period than the band's
    NO_BAND = "no band"
    ALL = (INSIDE, BELOW, ABOVE, BOTH, NOT_COMPARABLE, NO_BAND)
    OUTSIDE = (BELOW, ABOVE, BOTH)


class GroupBand:
    """What band a group of ranges is drawn over."""

    SHARED = "shared"  # every JD of the group has this one band, in the group's currency and period
    OTHER_UNIT = "other unit"  # every JD has this one band, in another currency or period
    SEVERAL = "several"  # the JDs' bands differ, or some have one and some none
    NONE = "none"  # no JD of the group has a band


@dataclass(frozen=True)
class PayRange:
    """An issued JD's latest salary range (or that of `jds` JDs alike) and today's band for it."""

    title: str
    role: str
    seniority: str  # its label
    minimum: Decimal
    maximum: Decimal
    currency: str
    period: str
    band: BandValues | None
    position: str
    jds: int = 1  # how many JDs have exactly this range (untitled when more than one)

    @property
    def period_label(self) -> str:
        return dict(SalaryPeriod.choices).get(self.period, self.period)


@dataclass(frozen=True)
class PayGroup:
    """The issued JDs of one role and seniority whose ranges are in one currency and period."""

    role: str
    seniority: str  # its label
    currency: str
    period: str
    jds: int
    median_minimum: Decimal
    median_maximum: Decimal
    lowest_minimum: Decimal
    highest_maximum: Decimal
    band: BandValues | None  # set for SHARED and OTHER_UNIT
    band_kind: str  # a GroupBand
    positions: Mapping[str, int]  # how many of its JDs sit where (every Position, 0 included)

    @property
    def scale(self) -> tuple[str, str]:
        """What groups are drawn on one axis: same currency and period only."""
        return (self.currency, self.period)

    @property
    def period_label(self) -> str:
        return dict(SalaryPeriod.choices).get(self.period, self.period)

    @property
    def median_position(self) -> str:
        """Where the median range sits in the shared band (NO_BAND unless SHARED)."""
        if self.band_kind != GroupBand.SHARED:
            return Position.NO_BAND
        pay = Compensation(self.median_minimum, self.median_maximum, self.currency, self.period)
        return _position(pay, self.band)


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


SNAPSHOT = "latest_revision__snapshot__"
TITLE = SNAPSHOT + "title"
# What a range is compared by: the role, the seniority, the office, the four salary keys.
RANGE_KEYS = (
    "role_id",
    "role__name",
    SNAPSHOT + "seniority",
    SNAPSHOT + "office__name",
    *(f"{SNAPSHOT}posting__{key}" for key in SALARY_KEYS),
)


def pay_ranges(user, *, each_jd: bool = False) -> tuple[PayRange, ...]:
    """The issued JDs' latest salary ranges (JDs stating none are left out) with today's pay
    band for each JD's role, seniority and office, chosen as a new draft's is
    (`OrganizationContent.band_for`; the office is found by the name the revision keeps), and
    where the range sits in it. By role, seniority, then title.

    `each_jd`: one `PayRange` per JD, with its title (the per-JD CSV). Otherwise the database
    groups JDs with the same role, seniority, office and range: one `PayRange` per distinct
    range, `jds` of them, untitled, so Python handles as many rows as there are distinct
    ranges, not JDs (a library of copies is a handful)."""
    content = organization_content()
    offices = {office.name: pk for pk, office in content.offices.items()}
    issued = JobDescription.objects.visible_to(user).issued().order_by()
    if each_jd:
        rows = issued.values_list(*RANGE_KEYS, TITLE)
    else:
        rows = issued.values(*RANGE_KEYS).annotate(jds=Count("pk")).values_list(*RANGE_KEYS, "jds")
    # Thousands of JDs share a few (role, seniority, office) keys: look each band up once.
    bands: dict[tuple[int, str, int | None], BandValues | None] = {}
    ranges: list[tuple[tuple[Any, ...], PayRange]] = []
    for role_id, role_name, seniority, office_name, *salary, last in rows:
        title, jds = (str(last or ""), 1) if each_jd else ("", last)
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
        key = (role_id, seniority or "", offices.get(office_name or ""))
        if key not in bands:
            found = content.band_for(role=key[0], seniority=key[1], office=key[2])
            bands[key] = (
                BandValues(found.minimum, found.maximum, found.currency, found.period, scope="")
                if found is not None
                else None
            )
        band = bands[key]
        order = (
            *by_name(role_name),
            ORDER.get(seniority, len(ORDER)),
            title.casefold(),
            title,
            pay.currency,
            pay.period,
            low,
            high,
        )
        ranges.append(
            (
                order,
                PayRange(
                    title=title,
                    role=role_name,
                    seniority=dict(Seniority.choices).get(seniority, ""),
                    minimum=low,
                    maximum=high,
                    currency=pay.currency,
                    period=pay.period,
                    band=band,
                    position=_position(pay, band),
                    jds=jds,
                ),
            )
        )
    return tuple(pay for _, pay in sorted(ranges, key=lambda pair: pair[0]))


def weighted_median(values: Iterable[tuple[Decimal, int]]) -> Decimal:
    """The median of `values`, each (value, how many times it occurs): the middle one, or the
    mean of the middle two when the total is even (as `statistics.median` of them all)."""
    ordered = sorted(values)
    total = sum(count for _, count in ordered)
    if total < 1:
        raise ValueError("The median of no values.")

    def nth(index: int) -> Decimal:
        seen = 0
        for value, count in ordered:
            seen += count
            if index < seen:
                return value
        raise AssertionError("unreachable: index < total")

    middle = total // 2
    return nth(middle) if total % 2 else (nth(middle - 1) + nth(middle)) / 2


def pay_groups(ranges: Sequence[PayRange]) -> tuple[PayGroup, ...]:
    """`ranges` (in `pay_ranges`' order) as one group per role, seniority, currency and period,
    in the order first met: so by role, then seniority (then currency and period as met)."""
    grouped: dict[tuple[str, str, str, str], list[PayRange]] = {}
    for pay in ranges:
        grouped.setdefault((pay.role, pay.seniority, pay.currency, pay.period), []).append(pay)
    return tuple(
        _group(role, seniority, currency, period, members)
        for (role, seniority, currency, period), members in grouped.items()
    )


def _group(
    role: str, seniority: str, currency: str, period: str, members: list[PayRange]
) -> PayGroup:
    """One group's numbers; its band is drawn only when every member has the same one."""
    bands = {pay.band for pay in members}
    if bands == {None}:
        kind, band = GroupBand.NONE, None
    elif len(bands) == 1:
        (band,) = bands
        same_unit = (band.currency, band.period) == (currency, period)
        kind = GroupBand.SHARED if same_unit else GroupBand.OTHER_UNIT
    else:
        kind, band = GroupBand.SEVERAL, None
    counted: Counter[str] = Counter()
    for pay in members:
        counted[pay.position] += pay.jds
    return PayGroup(
        role=role,
        seniority=seniority,
        currency=currency,
        period=period,
        jds=sum(pay.jds for pay in members),
        median_minimum=weighted_median((pay.minimum, pay.jds) for pay in members),
        median_maximum=weighted_median((pay.maximum, pay.jds) for pay in members),
        lowest_minimum=min(pay.minimum for pay in members),
        highest_maximum=max(pay.maximum for pay in members),
        band=band,
        band_kind=kind,
        positions={position: counted[position] for position in Position.ALL},
    )


def scales(groups: Iterable[PayGroup]) -> tuple[tuple[tuple[str, str], Sequence[PayGroup]], ...]:
    """`groups` by currency and period (one axis each), in the order first met."""
    by_scale: dict[tuple[str, str], list[PayGroup]] = {}
    for group in groups:
        by_scale.setdefault(group.scale, []).append(group)
    return tuple((scale, tuple(rows)) for scale, rows in by_scale.items())
