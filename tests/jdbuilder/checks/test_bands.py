"""Pay bands: a posted range below or above the band for the JD's role, seniority and office."""

from __future__ import annotations

from decimal import Decimal

from jdbuilder.checks import CHECKS, bands, run_checks
from jdbuilder.checks.findings import Severity
from jdbuilder.document import PayBand
from tests.jdbuilder.checks.builders import document, salary

SCOPE = "Software Engineer · Senior · Denver"


def band(minimum=150000, maximum=200000, *, currency="USD", period="YEAR") -> PayBand:
    return PayBand(
        minimum=Decimal(minimum),
        maximum=Decimal(maximum),
        currency=currency,
        period=period,
        scope=SCOPE,
    )


def findings(low, high, the_band=None, **kw):
    return bands.check(document(compensation=salary(low, high, **kw), pay_band=the_band or band()))


def test_the_check_runs_with_the_others():
    assert bands.check in CHECKS
    report = run_checks(document(compensation=salary(100000, 190000), pay_band=band()))
    assert any(f.data.get("band") == "pay-band" for f in report.findings)


def test_a_range_inside_the_band_is_no_finding():
    assert findings(150000, 200000) == []
    assert findings(160000, 190000) == []


def test_a_range_below_the_band_is_a_warning_naming_the_end_the_gap_and_the_scope():
    [finding] = findings(130000, 180000)
    assert finding.severity is Severity.WARNING
    assert finding.kind == "pay"
    assert finding.data["end"] == "minimum"
    assert Decimal(finding.data["by"]) == 20000
    assert "bottom" in finding.message
    assert "20,000 USD below the minimum" in finding.message
    assert SCOPE in finding.message
    assert "150,000 USD" in finding.message
    assert "150,000 USD" in finding.suggestion


def test_a_range_above_the_band_is_a_warning_for_the_top():
    [finding] = findings(160000, 212500.50)
    assert finding.severity is Severity.WARNING
    assert finding.data["end"] == "maximum"
    assert Decimal(finding.data["by"]) == Decimal("12500.50")
    assert "top" in finding.message
    assert "12,500.50 USD above the maximum" in finding.message
    assert SCOPE in finding.message


def test_a_range_wider_than_the_band_at_both_ends_gives_two_warnings():
    found = findings(100000, 250000)
    assert [f.data["end"] for f in found] == ["minimum", "maximum"]
    assert all(f.severity is Severity.WARNING for f in found)
    assert [Decimal(f.data["by"]) for f in found] == [50000, 50000]


def test_a_range_wholly_below_the_band_names_its_bottom():
    [finding] = findings(50000, 60000)
    assert finding.data["end"] == "minimum"
    assert Decimal(finding.data["by"]) == 100000


def test_another_currency_cannot_be_compared_and_is_information_only():
    [finding] = findings(100000, 120000, currency="EUR")
    assert finding.severity is Severity.INFO
    assert "cannot be compared" in finding.message
    assert "EUR" in finding.message and "USD" in finding.message
    assert finding.data["currency"] == "EUR"


def test_another_period_cannot_be_compared():
    [finding] = findings(60, 80, period="HOUR")
    assert finding.severity is Severity.INFO
    assert "an hour" in finding.message and "a year" in finding.message


def test_no_band_or_no_range_is_no_finding():
    assert bands.check(document(compensation=salary(1, 2), pay_band=None)) == []
    assert bands.check(document(compensation=None, pay_band=band())) == []


def test_a_band_of_one_figure():
    one = band(100000, 100000)
    assert findings(100000, 100000, one) == []
    assert [f.data["end"] for f in findings(90000, 110000, one)] == ["minimum", "maximum"]


def test_a_band_without_a_scope_is_named_plainly():
    unnamed = PayBand(Decimal(10), Decimal(20), "USD", "HOUR", "")
    [finding] = findings(5, 15, unnamed, period="HOUR")
    assert "pay band, 10 USD" in finding.message
    assert "()" not in finding.message
