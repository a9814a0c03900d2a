"""The posting step's fields: the currency list (real ISO 4217 currencies of pay, the common ones
first), salary amounts with thousands separators, and the closing date's 12-month horizon."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from jdbuilder.wizard.fields import (
    NOT_PAY_CURRENCIES,
    currency_choices,
    format_amount,
    latest_closing_date,
    parse_amount,
)
from tests.support.wizard import page_fields, valid_posting

NOT_A_CURRENCY = ["XXX", "XTS", "XAU", "XAG", "XPT", "XPD", "XBA", "XBB", "XBC", "XBD", "XDR"]
FUNDS = ["XSU", "XUA", "BOV", "CLF", "COU", "MXV", "UYI", "USN", "CHE", "CHW", "UYW"]


class TestCurrencyList:
    def test_common_currencies_first_then_the_rest_by_code(self):
        (common_label, common), (rest_label, rest) = currency_choices()
        assert [code for code, _ in common[:8]] == [
            "USD", "EUR", "GBP", "CAD", "AUD", "INR", "JPY", "CHF",
        ]  # fmt: skip
        assert dict(common)["USD"] == "USD — US Dollar"
        codes = [code for code, _ in rest]
        assert codes == sorted(codes)
        assert not set(codes) & {code for code, _ in common}
        assert "NZD" in dict(common) and "KES" in codes

    def test_codes_for_no_currency_testing_metals_bonds_and_funds_are_not_offered(self):
        offered = {code for _, group in currency_choices() for code, _ in group}
        assert not offered & set(NOT_A_CURRENCY + FUNDS)
        assert set(NOT_A_CURRENCY + FUNDS) <= NOT_PAY_CURRENCIES
        assert len(offered) > 150


@pytest.mark.django_db
class TestCurrencyOnTheStep:
    @pytest.mark.parametrize("code", NOT_A_CURRENCY + FUNDS)
    def test_non_currencies_get_a_clear_error_and_nothing_is_saved(self, start, code):
        wizard = start()
        before = wizard.reload().choices
        response = wizard.submit("posting", valid_posting(**{"posting-salary_currency": code}))
        assert response.status_code == 200
        html = response.content.decode()
        assert f"{code} is an ISO 4217 code for no currency" in html
        assert wizard.reload().choices == before

    def test_unknown_codes_are_refused(self, start):
        wizard = start()
        html = wizard.submit(
            "posting", valid_posting(**{"posting-salary_currency": "ABC"})
        ).content.decode()
        assert "Choose a currency from the list (ISO 4217" in html

    def test_the_page_offers_a_select_with_the_draft_currency_chosen(self, start):
        wizard = start()
        assert (
            wizard.submit(
                "posting", valid_posting(**{"posting-salary_currency": "chf"})
            ).status_code
            == 302
        )
        html = wizard.get("posting").content.decode()
        assert '<select name="posting-salary_currency"' in html
        assert '<option value="CHF" selected>CHF — Swiss Franc</option>' in html
        assert page_fields(html)["posting-salary_currency"] == ["CHF"]


class TestAmounts:
    @pytest.mark.parametrize(
        ("typed", "amount"),
        [
            ("120,000", "120000"),
            ("120 000", "120000"),
            ("120\u00a0000", "120000"),
            ("120000", "120000"),
            ("1,234,567.50", "1234567.50"),
            (" 95000 ", "95000"),
            ("0", "0"),
        ],
    )
    def test_accepted(self, typed, amount):
        assert str(parse_amount(typed)) == amount

    @pytest.mark.parametrize(
        "typed",
        ["12,00", "1,2345", "120,000 000", "120.000,00", "-5", "1e5", "$120,000", "abc",
         "12.345", "1,,000", ",100", "120,000.", "٣٠٠"],
    )  # fmt: skip
    def test_refused(self, typed):
        with pytest.raises(ValidationError, match="Enter an amount in digits"):
            parse_amount(typed)

    def test_shown_with_thousands_separators(self):
        assert format_amount("150000") == "150,000"
        assert format_amount("1234567.50") == "1,234,567.50"
        assert format_amount(None) == ""


@pytest.mark.django_db
class TestSalaryOnTheStep:
    def test_typed_with_separators_is_saved_as_a_plain_amount_and_shown_grouped(self, start):
        wizard = start()
        posting = valid_posting(
            **{"posting-salary_min": "120,000", "posting-salary_max": "150 000"}
        )
        assert wizard.submit("posting", posting).status_code == 302
        saved = wizard.reload().chosen.posting
        assert (saved.salary_min, saved.salary_max) == ("120000", "150000")
        html = wizard.get("posting").content.decode()
        assert 'inputmode="numeric"' in html
        assert page_fields(html)["posting-salary_min"] == ["120,000"]

    def test_bad_amounts_are_refused_and_shown_as_typed(self, start):
        wizard = start()
        response = wizard.submit("posting", valid_posting(**{"posting-salary_min": "12,00"}))
        assert response.status_code == 200
        html = response.content.decode()
        assert "Enter an amount in digits, such as 120,000 or 120000." in html
        assert page_fields(html)["posting-salary_min"] == ["12,00"]


@pytest.mark.django_db
class TestClosingDate:
    def days(self, n):
        return (timezone.localdate() + datetime.timedelta(days=n)).isoformat()

    def test_at_most_twelve_months_ahead(self, start):
        wizard = start()
        for date in ("9999-12-31", self.days(400)):
            html = wizard.submit(
                "posting", valid_posting(**{"posting-closing_date": date})
            ).content.decode()
            assert "Choose a closing date at most 12 months ahead" in html
        latest = latest_closing_date().isoformat()
        ok = wizard.submit("posting", valid_posting(**{"posting-closing_date": latest}))
        assert ok.status_code == 302
        assert wizard.reload().chosen.posting.closing_date == latest

    def test_the_date_picker_offers_only_accepted_dates(self, start):
        html = start().get("posting").content.decode()
        assert f'min="{self.days(1)}"' in html
        assert f'max="{latest_closing_date().isoformat()}"' in html

    def test_a_year_from_29_february_is_28_february(self):
        assert latest_closing_date(datetime.date(2028, 2, 29)) == datetime.date(2029, 2, 28)
