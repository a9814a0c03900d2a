"""Pay bands: a posted range that leaves the band for the JD's role, seniority and office.

Severity:
- The range's bottom below the band's minimum, or its top above the band's maximum: one WARNING
  for each end, saying by how much and naming the band's scope.
- The range and the band in different currencies or periods: INFO (they cannot be compared;
  no exchange rates or working hours are guessed).
- No band or no range: nothing (the pay check asks for a missing range).

The finding's kind is "pay", so the review step links it to the salary fields as it does the
pay check's. The band is internal (no export prints it); `data["band"]` marks these findings
for pages that show findings to people who may not see bands.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from jdbuilder.checks.findings import Finding, Report, Severity
from jdbuilder.document import PERIOD_WORDS, Compensation, Document, PayBand

KIND = "pay"


def _money(amount: Decimal, currency: str) -> str:
    figure = f"{int(amount):,}" if amount == amount.to_integral_value() else f"{amount:,.2f}"
    return f"{figure} {currency}"


def _scope(band: PayBand) -> str:
    return f" ({band.scope})" if band.scope else ""


def _band_data(band: PayBand) -> dict[str, str]:
    return {
        "band": "pay-band",
        "band_minimum": str(band.minimum),
        "band_maximum": str(band.maximum),
        "band_currency": band.currency,
        "band_period": band.period,
        "band_scope": band.scope,
    }


def _below(pay: Compensation, band: PayBand) -> Finding:
    gap = band.minimum - pay.minimum
    per = PERIOD_WORDS.get(pay.period, "")
    return Finding(
        kind=KIND,
        severity=Severity.WARNING,
        message=(
            f"The bottom of the pay range, {_money(pay.minimum, pay.currency)} {per}, is "
            f"{_money(gap, pay.currency)} below the minimum of the pay band{_scope(band)}, "
            f"{_money(band.minimum, band.currency)}."
        ),
        suggestion=(
            f"Raise the minimum to at least {_money(band.minimum, band.currency)}, or ask staff "
            "whether the band is right for this job."
        ),
        data={**_band_data(band), "end": "minimum", "by": str(gap)},
    )


def _above(pay: Compensation, band: PayBand) -> Finding:
    gap = pay.maximum - band.maximum
    per = PERIOD_WORDS.get(pay.period, "")
    return Finding(
        kind=KIND,
        severity=Severity.WARNING,
        message=(
            f"The top of the pay range, {_money(pay.maximum, pay.currency)} {per}, is "
            f"{_money(gap, pay.currency)} above the maximum of the pay band{_scope(band)}, "
            f"{_money(band.maximum, band.currency)}."
        ),
        suggestion=(
            f"Lower the maximum to at most {_money(band.maximum, band.currency)}, or ask staff "
            "whether the band is right for this job."
        ),
        data={**_band_data(band), "end": "maximum", "by": str(gap)},
    )


def _not_comparable(pay: Compensation, band: PayBand) -> Finding:
    return Finding(
        kind=KIND,
        severity=Severity.INFO,
        message=(
            f"The pay range is in {pay.currency} {PERIOD_WORDS.get(pay.period, pay.period)}, "
            f"the pay band{_scope(band)} in {band.currency} "
            f"{PERIOD_WORDS.get(band.period, band.period)}: they cannot be compared."
        ),
        suggestion=(
            f"Give the range in {band.currency} {PERIOD_WORDS.get(band.period, band.period)} "
            "to see whether it fits the band."
        ),
        data={
            **_band_data(band),
            "currency": pay.currency,
            "period": pay.period,
        },
    )


# What a finding says to someone who may not see the band (a hiring manager outside the role's
# departments): that the range leaves the band, not the band's figures or scope.
_WITHHELD = {
    "minimum": "The bottom of the pay range is below the minimum of the pay band for this job.",
    "maximum": "The top of the pay range is above the maximum of the pay band for this job.",
}
_WITHHELD_OTHER = "The pay range is in another currency or period than the pay band for this job."


def withheld(report: Report) -> Report:
    """`report` with the band's figures and scope taken out of its band findings: same
    findings, same severities, so the same score."""
    findings = []
    for finding in report.findings:
        if finding.data.get("band") == "pay-band":
            end = finding.data.get("end", "")
            finding = dataclasses.replace(
                finding,
                message=_WITHHELD.get(end, _WITHHELD_OTHER),
                suggestion="Ask staff or your recruiter which range the band allows.",
                data={"band": "pay-band", "end": end},
            )
        findings.append(finding)
    return Report(tuple(findings))


def check(document: Document) -> list[Finding]:
    band, pay = document.pay_band, document.compensation
    if band is None or pay is None:
        return []
    if band.currency != pay.currency or band.period != pay.period:
        return [_not_comparable(pay, band)]
    findings = []
    if pay.minimum < band.minimum:
        findings.append(_below(pay, band))
    if pay.maximum > band.maximum:
        findings.append(_above(pay, band))
    return findings
