"""Unit tests of jdbuilder/documents/jsonld.py: Document -> schema.org JobPosting.

These build Documents from plain snapshots (no database, `tests.support.documents`): the JSON-LD
is a pure function of the Document.
"""

from __future__ import annotations

import json
import re

import pytest

from jdbuilder.documents.jsonld import (
    description_html,
    job_posting,
    jsonld_script_body,
    render_jsonld,
)
from tests.support.documents import REMOTE, make_document


class TestRequiredProperties:
    def test_on_site_posting_has_every_google_required_property(self):
        posting = job_posting(make_document(posting={"workplace_type": "onsite"}))
        assert posting["@context"] == "https://schema.org/"
        assert posting["@type"] == "JobPosting"
        assert posting["title"] == "Senior Software Engineer"
        assert posting["description"].startswith("<p>Build the platform")
        assert posting["datePosted"] == "2030-01-15"
        assert posting["hiringOrganization"] == {"@type": "Organization", "name": "Acme Analytics"}
        assert posting["jobLocation"]["@type"] == "Place"
        assert "jobLocationType" not in posting
        assert "applicantLocationRequirements" not in posting

    def test_remote_posting_is_telecommute_with_applicant_location(self):
        posting = job_posting(make_document(posting=REMOTE))
        assert posting["jobLocationType"] == "TELECOMMUTE"
        assert posting["applicantLocationRequirements"] == {
            "@type": "Country",
            "name": "United States",
        }

    def test_hybrid_is_not_telecommute(self):
        posting = job_posting(make_document(posting={"workplace_type": "hybrid"}))
        assert "jobLocationType" not in posting
        assert posting["jobLocation"]["address"]["addressLocality"] == "Denver"

    def test_no_date_posted_before_issue(self):
        # The review step's preview has no issue date yet; an export always has one.
        assert "datePosted" not in job_posting(make_document(date_posted=None))


class TestRecommendedProperties:
    def test_base_salary_is_a_monetary_amount_with_a_range(self):
        posting = job_posting(make_document())
        assert posting["baseSalary"] == {
            "@type": "MonetaryAmount",
            "currency": "USD",
            "value": {
                "@type": "QuantitativeValue",
                "minValue": 150000.0,
                "maxValue": 190000.0,
                "unitText": "YEAR",
            },
        }

    @pytest.mark.parametrize("period", ["HOUR", "DAY", "WEEK", "MONTH", "YEAR"])
    def test_unit_text_is_the_salary_period(self, period):
        document = make_document(
            posting={"salary_min": "40.50", "salary_max": "55", "salary_period": period}
        )
        value = job_posting(document)["baseSalary"]["value"]
        assert (value["minValue"], value["maxValue"], value["unitText"]) == (40.5, 55.0, period)

    @pytest.mark.parametrize(
        "salary", [{"salary_min": None, "salary_max": None}, {"salary_min": "", "salary_max": ""}]
    )
    def test_no_salary_means_no_base_salary(self, salary):
        assert "baseSalary" not in job_posting(make_document(posting=salary))

    def test_employment_type_and_identifier(self):
        posting = job_posting(make_document(revision=3))
        assert posting["employmentType"] == "FULL_TIME"
        assert posting["identifier"] == {
            "@type": "PropertyValue",
            "name": "Acme Analytics",
            "value": "0b7f0c38-8d39-4c55-9a55-1b2a3c4d5e6f-r3",
        }

    def test_valid_through_is_the_end_of_the_closing_date(self):
        posting = job_posting(make_document(posting={"closing_date": "2030-02-28"}))
        assert posting["validThrough"] == "2030-02-28T23:59:59"

    def test_no_closing_date_means_no_valid_through(self):
        assert "validThrough" not in job_posting(make_document(posting={"closing_date": None}))

    def test_occupational_category_only_with_an_onet_code(self):
        with_code = make_document()
        without = make_document(role={"name": "Founder", "onet_code": "", "works_with": []})
        assert job_posting(with_code)["occupationalCategory"] == "15-1252.00"
        assert "occupationalCategory" not in job_posting(without)

    def test_skills_responsibilities_and_qualifications(self):
        posting = job_posting(make_document())
        assert posting["skills"] == [
            {"@type": "DefinedTerm", "name": "Python"},
            {"@type": "DefinedTerm", "name": "Go"},
        ]
        assert posting["responsibilities"] == "Design services; Write tests; Run on call"
        assert posting["qualifications"] == "Python (Advanced): Leads work on complex problems."


class TestAddress:
    @pytest.mark.parametrize(
        ("location", "address"),
        [
            ("Denver, Colorado", {"addressLocality": "Denver", "addressRegion": "Colorado"}),
            ("  Denver ,  Colorado ", {"addressLocality": "Denver", "addressRegion": "Colorado"}),
            ("Berlin", {"addressLocality": "Berlin"}),
            (
                "Denver, Colorado, USA",
                {"addressLocality": "Denver", "addressRegion": "Colorado", "addressCountry": "USA"},
            ),
            (
                "Dublin, County Dublin, Leinster, Ireland",
                {
                    "addressLocality": "Dublin",
                    "addressRegion": "County Dublin, Leinster",
                    "addressCountry": "Ireland",
                },
            ),
        ],
    )
    def test_location_is_split_into_a_postal_address(self, location, address):
        posting = job_posting(make_document(posting={"location": location}))
        assert posting["jobLocation"] == {
            "@type": "Place",
            "address": {"@type": "PostalAddress", **address},
        }


class TestDescription:
    def test_description_uses_only_the_tags_google_reads(self):
        html = description_html(make_document())
        assert set(re.findall(r"</?([a-zA-Z0-9]+)", html)) <= {"p", "ul", "li", "strong"}
        for text in (
            "Design services",
            "Run on call",
            "Python (Advanced): Leads work on complex problems.",
            "Go (Working)",
            "Four weeks of paid leave",
            "jobs@acme.example",
        ):
            assert text in html

    def test_user_markup_is_escaped_in_the_description(self):
        document = make_document(
            posting={"summary": '<img src=x onerror="alert(1)"><a href="javascript:x">x</a>'}
        )
        html = description_html(document)
        assert "<img" not in html and "<a " not in html
        assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html


class TestSerialisation:
    def test_render_jsonld_is_the_posting_as_json(self):
        document = make_document()
        assert json.loads(render_jsonld(document)) == job_posting(document)

    def test_script_body_cannot_close_the_script_element(self):
        hostile = "</script><script>alert(1)</script><!-- & -->"
        document = make_document(title=hostile, posting={"company_name": hostile})
        body = jsonld_script_body(document)
        assert "<" not in body and ">" not in body and "&" not in body
        # Still the same JSON: the escapes are JSON's own \\u003C etc.
        assert json.loads(body) == job_posting(document)
        assert json.loads(body)["title"] == hostile
