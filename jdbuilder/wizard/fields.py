"""Form fields and caps the step forms share: the currency list, salary amounts typed with
thousands separators, the closing date's horizon, and the size caps on what a step may store.

Size caps (docs: the largest legitimate step, with room to spare):
- `MAX_VALUE_CHARS` per posted value: the longest field takes 2,000 characters, and a browser
  sends a textarea's line breaks as two characters, so 4,000 fits any legitimate value.
- `MAX_STEP_CHARS` per step (keys and values of the step's own fields): a responsibilities step
  at the formset's 200-row cap, each row's five keys (about 30 characters each) and values,
  plus ten custom texts of 300 characters, is about 40,000; the posting step about 10,000.
Anything beyond these is refused on save and never stored as pending input.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

import pycountry
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

MAX_VALUE_CHARS = 4_000
MAX_STEP_CHARS = 50_000
# The key a capped pending input carries, so the step can say so when it is shown again.
CAPPED_KEY = "input_capped"
CAP_MESSAGE = (
    "Some of what was typed on this step was too long to keep: a field keeps at most "
    f"{MAX_VALUE_CHARS:,} characters and a step {MAX_STEP_CHARS:,}. Check the fields and save "
    "again."
)

# --- currency ----------------------------------------------------------------------------------

# Shown first, in this order; the rest follow by code.
COMMON_CURRENCIES = (
    "USD", "EUR", "GBP", "CAD", "AUD", "INR", "JPY", "CHF",
    "CNY", "SEK", "NOK", "DKK", "NZD", "SGD", "HKD", "BRL", "MXN", "ZAR", "PLN",
)  # fmt: skip
# ISO 4217 codes that are no currency one is paid in: no currency, testing, precious metals,
# bond-market and accounting units, special drawing rights, and fund codes.
NOT_PAY_CURRENCIES = frozenset(
    {
        "XXX", "XTS", "XAU", "XAG", "XPT", "XPD", "XBA", "XBB", "XBC", "XBD", "XDR", "XSU",
        "XUA", "XAD", "BOV", "CLF", "COU", "MXV", "UYI", "USN", "CHE", "CHW", "UYW",
    }
)  # fmt: skip
CURRENCY_NAMES = {
    currency.alpha_3: currency.name
    for currency in pycountry.currencies
    if currency.alpha_3 not in NOT_PAY_CURRENCIES
}
ALL_ISO_CODES = frozenset(currency.alpha_3 for currency in pycountry.currencies)


def currency_label(code: str) -> str:
    return f"{code} — {CURRENCY_NAMES[code]}"


def currency_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    common = [code for code in COMMON_CURRENCIES if code in CURRENCY_NAMES]
    rest = sorted(set(CURRENCY_NAMES) - set(common))
    return [
        ("Common currencies", [(code, currency_label(code)) for code in common]),
        ("All currencies", [(code, currency_label(code)) for code in rest]),
    ]


class CurrencyField(forms.ChoiceField):
    """An ISO 4217 currency one can be paid in; a typed code is accepted in any case."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=currency_choices, **kwargs)

    def to_python(self, value: Any) -> str:
        return super().to_python(value).strip().upper()

    def validate(self, value: str) -> None:
        if value in NOT_PAY_CURRENCIES:
            raise ValidationError(
                f"{value} is an ISO 4217 code for no currency, testing, precious metals, bond "
                "units or funds, not a currency of pay: choose one such as USD, EUR or GBP.",
                code="not_pay",
            )
        if value and value not in CURRENCY_NAMES:
            raise ValidationError(
                "Choose a currency from the list (ISO 4217 codes such as USD, EUR or GBP).",
                code="invalid_choice",
            )
        super().validate(value)


# --- salary ----------------------------------------------------------------------------------

# Digits grouped by threes with commas, spaces (plain, no-break or thin) or nothing, and cents.
# ASCII digits only: Python's \d also matches other scripts' digits, which Decimal would read.
_GROUPED = re.compile(r"^\d{1,3}(?:([, \u00a0\u202f])\d{3})?(?:\1\d{3})*(?:\.\d{1,2})?$", re.ASCII)
_PLAIN = re.compile(r"^\d+(?:\.\d{1,2})?$", re.ASCII)


def parse_amount(text: str) -> Decimal:
    """ "120,000", "120 000", "120000" and "120,000.50" are amounts; anything else is refused."""
    text = text.strip()
    if not (_PLAIN.match(text) or _GROUPED.match(text)):
        raise ValidationError(
            "Enter an amount in digits, such as 120,000 or 120000.", code="invalid"
        )
    try:
        return Decimal(re.sub(r"[, \u00a0\u202f]", "", text))
    except InvalidOperation:  # pragma: no cover: the patterns admit only digits
        raise ValidationError("Enter an amount in digits.", code="invalid") from None


def format_amount(value: Any) -> str:
    """A stored amount ("120000" or Decimal) as the page shows it: "120,000"."""
    if value in (None, ""):
        return ""
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return str(value)  # what was typed, shown back as it was
    return f"{amount:,}"


class AmountInput(forms.TextInput):
    def __init__(self, attrs: dict[str, str] | None = None) -> None:
        super().__init__({"inputmode": "numeric", "class": "amount-input", **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, str) and not _PLAIN.match(value.strip()):
            return value  # what was typed, as it was
        return format_amount(value) or None


class AmountField(forms.DecimalField):
    """A salary amount typed with or without thousands separators."""

    widget = AmountInput

    def to_python(self, value: Any) -> Decimal | None:
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        if len(str(value)) > 30:
            raise ValidationError("Enter an amount in digits, such as 120,000.", code="invalid")
        return parse_amount(str(value))


# --- closing date ------------------------------------------------------------------------------

MAX_MONTHS_AHEAD = 12


def latest_closing_date(today: datetime.date | None = None) -> datetime.date:
    """The same day a year on (28 February for 29 February)."""
    today = today or timezone.localdate()
    try:
        return today.replace(year=today.year + 1)
    except ValueError:
        return today.replace(year=today.year + 1, day=28)


def check_closing_date(date: datetime.date | None) -> datetime.date | None:
    if date is None:
        return None
    if date <= timezone.localdate():
        raise ValidationError("The closing date must be in the future.")
    latest = latest_closing_date()
    if date > latest:
        raise ValidationError(
            f"Choose a closing date at most {MAX_MONTHS_AHEAD} months ahead "
            f"(on or before {latest.day} {latest:%B %Y})."
        )
    return date


# --- size caps ---------------------------------------------------------------------------------


def step_items(data: Mapping, prefix: str) -> Iterable[tuple[str, list[str]]]:
    own = f"{prefix}-"
    getlist = getattr(data, "getlist", None)
    for key in data:
        if key.startswith(own):
            values = getlist(key) if getlist else data[key]
            yield key, values if isinstance(values, list) else [values]


def oversize_message(data: Mapping, prefix: str) -> str | None:
    """The cap message if a posted value or the step's whole input is over its cap."""
    total = 0
    for key, values in step_items(data, prefix):
        for value in values:
            if len(value) > MAX_VALUE_CHARS:
                return CAP_MESSAGE
            total += len(key) + len(value)
        if total > MAX_STEP_CHARS:
            return CAP_MESSAGE
    return None


def capped(items: Iterable[tuple[str, list[str]]], prefix: str) -> dict[str, list[str]]:
    """`items` with each value cut to its cap and nothing kept past the step's cap; a capped
    result carries `CAPPED_KEY`, so the step says so when it is shown again."""
    kept: dict[str, list[str]] = {}
    total, cut = 0, False
    for key, values in items:
        room = []
        for value in values:
            if len(value) > MAX_VALUE_CHARS:
                value, cut = value[:MAX_VALUE_CHARS], True
            if total + len(key) + len(value) > MAX_STEP_CHARS:
                cut = True
                break
            total += len(key) + len(value)
            room.append(value)
        if room:
            kept[key] = room
    if cut:
        kept[f"{prefix}-{CAPPED_KEY}"] = ["1"]
    return kept


def as_int(value: Any) -> int | None:
    """A posted id as a number, or None when it is not one (a tampered or empty value)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
