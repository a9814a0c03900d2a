"""The wizard's validation rules: the salary range and currency, the closing date, length and
line caps, remote applicants' location, at least one responsibility, and finalizing only when
every step is done."""

import pytest
from django.utils import timezone

from jdbuilder.vocabulary import Status
from tests.support.wizard import valid_posting

pytestmark = pytest.mark.django_db


class TestValidation:
    def posting(self, start, **overrides):
        wizard = start()
        return wizard.submit("posting", valid_posting(**overrides)).content.decode()

    def test_salary_minimum_not_above_maximum(self, start):
        html = self.posting(
            start, **{"posting-salary_min": "200000", "posting-salary_max": "100000"}
        )
        assert "The maximum must not be below the minimum." in html

    def test_both_ends_of_the_range_or_neither(self, start):
        html = self.posting(start, **{"posting-salary_max": ""})
        assert "Give both ends of the salary range, or neither." in html

    def test_currency_must_be_iso_4217(self, start):
        assert "ISO 4217" in self.posting(start, **{"posting-salary_currency": "DOLLARS"})
        assert "ISO 4217" in self.posting(start, **{"posting-salary_currency": "XYZ"})

    def test_currency_is_normalised(self, start):
        wizard = start()
        assert wizard.submit("posting", valid_posting()).status_code == 302
        assert wizard.reload().chosen.posting.salary_currency == "USD"

    def test_closing_date_in_the_future(self, start):
        html = self.posting(start, **{"posting-closing_date": timezone.localdate().isoformat()})
        assert "The closing date must be in the future." in html

    def test_lengths_are_capped(self, start):
        html = self.posting(start, **{"posting-about_company": "x" * 2001})
        assert "at most 2000 characters" in html

    def test_benefits_are_capped_at_twenty_lines(self, start):
        html = self.posting(start, **{"posting-benefits": "\n".join("x" * 21)})
        assert "Use at most 20 benefits, one per line." in html
        html = self.posting(start, **{"posting-about_company": "\n".join("z" * 31)})
        assert "Use at most 30 lines." in html
        wizard = start()
        ok = wizard.submit("posting", valid_posting(**{"posting-benefits": "\n".join("y" * 20)}))
        assert ok.status_code == 302

    def test_remote_needs_applicant_location(self, start):
        html = self.posting(start, **{"posting-workplace_type": "remote"})
        assert "Say where remote applicants may live." in html

    def test_at_least_one_responsibility(self, start):
        wizard = start()
        fields = {
            k: v for k, v in wizard.fields("responsibilities").items() if not k.endswith("-include")
        }
        response = wizard.submit("responsibilities", fields=fields)
        assert "Keep at least one responsibility." in response.content.decode()

    def test_added_responsibilities_are_capped(self, start):
        wizard = start()
        fields = wizard.fields("responsibilities")
        total = int(fields["responsibilities-TOTAL_FORMS"][0])
        area = fields["responsibilities-0-area"][0]
        for index in range(total, total + 11):
            fields[f"responsibilities-{index}-task"] = [""]
            fields[f"responsibilities-{index}-text"] = [f"Own duty {index}"]
            fields[f"responsibilities-{index}-area"] = [area]
        fields["responsibilities-TOTAL_FORMS"] = [str(total + 11)]
        response = wizard.submit("responsibilities", fields=fields)
        assert "Add at most 10 responsibilities of your own." in response.content.decode()

    def test_added_tools_are_capped(self, start):
        wizard = start()
        names = "\n".join(f"Tool {n}" for n in range(11))
        response = wizard.submit("tools", {"tools-other_tools": names})
        assert "List at most 10 other tools." in response.content.decode()

    def test_finalizing_with_an_unfinished_step_sends_you_there(self, start):
        wizard = start()
        wizard.submit("role")
        wizard.client.get(wizard.url("review"))
        response = wizard.submit("review")
        assert response.status_code == 302
        assert response.url == wizard.url("responsibilities")
        assert wizard.reload().status == Status.DRAFT
