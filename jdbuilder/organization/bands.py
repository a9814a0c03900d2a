"""Where a JD's pay range sits in its pay band, and who may see bands.

`band_position` is pure (the Document's values in, numbers for a drawing out); `can_see_bands`
asks the kept organization rows (`organization_content`), so a page pays no query for it beyond
the content version it reads anyway.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from jdbuilder.document import Compensation, Document, PayBand
from jdbuilder.organization.content import organization_content

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class BandPosition:
    """The range's ends as percentages of the band (0 = its minimum, 100 = its maximum).

    `low` and `high` are clamped to 0–100 for drawing; `below` and `above` say an end is outside
    the band, by `below_by` and `above_by` (in the band's currency). `comparable` is False when
    the range and the band differ in currency or period: then nothing else is meaningful.
    """

    comparable: bool
    low: float = 0.0
    high: float = 0.0
    below: bool = False
    above: bool = False
    below_by: Decimal = Decimal(0)
    above_by: Decimal = Decimal(0)

    @property
    def width(self) -> float:
        """The drawn range's width in percent (at least a sliver, so a point stays visible)."""
        return max(self.high - self.low, 0.5)

    @property
    def inside(self) -> bool:
        return self.comparable and not (self.below or self.above)


def _percent(value: Decimal, band: PayBand) -> float:
    span = band.maximum - band.minimum
    if span <= 0:  # a band of one figure: below it, on it or above it
        share = Decimal(0) if value < band.minimum else HUNDRED if value > band.maximum else 50
    else:
        share = (value - band.minimum) * HUNDRED / span
    return float(min(max(Decimal(share), Decimal(0)), HUNDRED))


def band_position(compensation: Compensation, band: PayBand) -> BandPosition:
    """Where `compensation`'s ends sit in `band`."""
    if compensation.currency != band.currency or compensation.period != band.period:
        return BandPosition(comparable=False)
    low, high = compensation.minimum, compensation.maximum
    return BandPosition(
        comparable=True,
        low=_percent(low, band),
        high=_percent(high, band),
        below=low < band.minimum,
        above=high > band.maximum,
        below_by=max(band.minimum - low, Decimal(0)),
        above_by=max(high - band.maximum, Decimal(0)),
    )


def can_see_bands(user, role: int) -> bool:
    """Whether `user` may see pay bands for the catalog role `role` (its id): recruiters and
    staff always; a hiring manager for their departments' roles, or for every role when the
    organization allows it (`PayBand.objects.visible_to` is the same rule as a query)."""
    return organization_content().shows_bands_to(user, role)


@dataclass(frozen=True)
class ShownBand:
    """What the JD page's "Where this range sits in the band" shows (`_band_position.html`)."""

    band: PayBand
    compensation: Compensation | None
    position: BandPosition | None  # None: the JD gives no range


def shown_band(document: Document, user, role: int) -> ShownBand | None:
    """The band part of a JD page for `user`: None when the Document has no band or `user` may
    not see bands for `role` (the JD's catalog role id)."""
    band = document.pay_band
    if band is None or not can_see_bands(user, role):
        return None
    pay = document.compensation
    return ShownBand(band, pay, band_position(pay, band) if pay is not None else None)
