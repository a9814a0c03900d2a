"""jdbuilder/documents/jsonld.py as the careers page publishes it: where the job is (remote,
on-site at an office's address), pay, skills as DefinedTerms, experience and education, the
publication's own facts, and only properties Google documents for JobPosting.

Documents are built from plain snapshots (`tests.support.documents`): no database, except the
last class, which follows a seed skill's O*NET element id from the catalog into the JSON-LD.
"""

from __future__ import annotations

import datetime
import json

import pytest
from django.utils.html import escape

from jdbuilder.document import Publication
from jdbuilder.documents.build import build_document
from jdbuilder.documents.jsonld import (
    ONET_CONTENT_MODEL,
    applicant_locations,
    description_html,
    job_posting,
)
from jdbuilder.snapshots import read_snapshot
from jdbuilder.vocabulary import EducationLevel, Seniority
from tests.support.documents import REMOTE, make_document, make_snapshot

# Google's JobPosting structured data documentation:
# https://developers.google.com/search/docs/appearance/structured-data/job-posting
# Required properties, recommended ones, and the "education and experience" (beta) ones.
GOOGLE_REQUIRED = {"datePosted", "description", "hiringOrganization", "jobLocation", "title"}
GOOGLE_RECOMMENDED = {
    "applicantLocationRequirements",
    "baseSalary",
    "directApply",
    "employmentType",
    "identifier",
    "jobLocationType",
    "validThrough",
}
GOOGLE_EDUCATION_AND_EXPERIENCE = {
    "educationRequirements",
    "experienceRequirements",
    "experienceInPlaceOfEducation",
}
GOOGLE_DOCUMENTED = GOOGLE_REQUIRED | GOOGLE_RECOMMENDED | GOOGLE_EDUCATION_AND_EXPERIENCE
# schema.org JobPosting properties Google's page does not list but other readers (Bing, job
# boards' crawlers) use; Google ignores them. https://schema.org/JobPosting
SCHEMA_ORG_EXTRAS = {"url", "skills", "responsibilities", "qualifications", "occupationalCategory"}
JSON_LD_KEYWORDS = {"@context", "@type"}

DENVER_OFFICE = {
    "name": "Denver HQ",
    "street_address": "1600 Glenarm Place, Suite 300",
    "locality": "Denver",
    "region": "CO",
    "postal_code": "80202",
    "country": "US",
    "remote_only": False,
}
REMOTE_HUB = {"name": "Remote, US", "remote_only": True}

PUBLICATION = Publication(
    url="https://jobs.acme.example/jobs/senior-software-engineer-k3m9x2qa/",
    identifier="k3m9x2qa",
    date_posted=datetime.date(2030, 1, 20),
    valid_through=datetime.date(2030, 3, 31),
    apply_url="https://jobs.acme.example/apply/42",
    direct_apply=True,
)


def skill(name: str, *, element: str | None = None, importance: str = "required") -> dict:
    line = {
        "name": name,
        "category": "technical",
        "level_rank": 3,
        "level_name": "Practitioner",
        "level_descriptor": "Works on it alone.",
        "importance": importance,
    }
    if element is not None:
        line["onet_element_id"] = element
    return line


class TestRemotePosting:
    def test_remote_is_telecommute_with_where_applicants_may_live_and_no_address(self):
        document = make_document(posting={**REMOTE, "location": "Remote (US)"})
        posting = job_posting(document)
        assert posting["jobLocationType"] == "TELECOMMUTE"
        assert posting["applicantLocationRequirements"] == {
            "@type": "Country",
            "name": "United States",
        }
        # A remote posting's typed location is no address: no jobLocation, no street.
        assert "jobLocation" not in posting
        text = json.dumps(posting)
        assert "PostalAddress" not in text and "streetAddress" not in text

    def test_a_remote_hub_office_gives_no_address_either(self):
        document = make_document(posting=REMOTE, office=REMOTE_HUB)
        posting = job_posting(document)
        assert "jobLocation" not in posting
        assert posting["jobLocationType"] == "TELECOMMUTE"

    def test_remote_with_a_real_office_gives_both_as_google_allows(self):
        # Google: TELECOMMUTE is for work that may or must be done remotely all the time; an
        # office the employee may also work from is given as jobLocation beside it.
        document = make_document(posting=REMOTE, office=DENVER_OFFICE)
        posting = job_posting(document)
        assert posting["jobLocationType"] == "TELECOMMUTE"
        assert posting["jobLocation"]["address"]["streetAddress"] == DENVER_OFFICE["street_address"]
        assert posting["applicantLocationRequirements"]["name"] == "United States"

    def test_several_places_are_a_list(self):
        document = make_document(posting={**REMOTE, "applicant_location": "US, Canada"})
        assert job_posting(document)["applicantLocationRequirements"] == [
            {"@type": "Country", "name": "US"},
            {"@type": "Country", "name": "Canada"},
        ]

    def test_no_applicant_location_means_no_requirement(self):
        document = make_document(posting={"workplace_type": "remote", "applicant_location": ""})
        posting = job_posting(document)
        assert posting["jobLocationType"] == "TELECOMMUTE"
        assert "applicantLocationRequirements" not in posting


class TestApplicantLocations:
    @pytest.mark.parametrize(
        ("text", "places"),
        [
            ("United States", [("Country", "United States")]),
            ("USA", [("Country", "USA")]),
            ("UK", [("Country", "UK")]),
            ("US and Canada", [("Country", "US"), ("Country", "Canada")]),
            ("Germany; France / Spain", [("Country", s) for s in ("Germany", "France", "Spain")]),
            # One country whose name has "and" in it stays one.
            ("Bosnia and Herzegovina", [("Country", "Bosnia and Herzegovina")]),
            ("Colorado", [("State", "Colorado")]),
            ("California or Oregon", [("State", "California"), ("State", "Oregon")]),
            # A region with its country is that region (Georgia the state, not the country).
            ("Georgia, US", [("State", "Georgia, US")]),
            ("TX, United States", [("State", "Texas, United States")]),
            ("Ontario, Canada", [("AdministrativeArea", "Ontario, Canada")]),
            ("Georgia", [("Country", "Georgia")]),
            ("EMEA", [("AdministrativeArea", "EMEA")]),
            ("", []),
            ("  ,  ; ", []),
        ],
    )
    def test_each_place_is_a_country_a_state_or_an_area(self, text, places):
        assert applicant_locations(text) == [{"@type": kind, "name": n} for kind, n in places]

    def test_a_long_list_is_cut(self):
        assert len(applicant_locations(", ".join(["Canada"] * 500))) == 20


class TestOnSitePosting:
    def test_an_office_with_a_street_address_is_a_full_postal_address(self):
        document = make_document(posting={"workplace_type": "onsite"}, office=DENVER_OFFICE)
        posting = job_posting(document)
        assert posting["jobLocation"] == {
            "@type": "Place",
            "address": {
                "@type": "PostalAddress",
                "streetAddress": "1600 Glenarm Place, Suite 300",
                "addressLocality": "Denver",
                "addressRegion": "CO",
                "postalCode": "80202",
                "addressCountry": "US",
            },
        }
        assert "jobLocationType" not in posting
        assert "applicantLocationRequirements" not in posting

    def test_an_address_leaves_out_the_parts_it_lacks(self):
        office = {**DENVER_OFFICE, "street_address": "", "postal_code": ""}
        document = make_document(posting={"workplace_type": "onsite"}, office=office)
        assert job_posting(document)["jobLocation"]["address"] == {
            "@type": "PostalAddress",
            "addressLocality": "Denver",
            "addressRegion": "CO",
            "addressCountry": "US",
        }

    def test_without_an_office_the_typed_location_is_the_address(self):
        document = make_document(posting={"workplace_type": "hybrid", "location": "Austin, TX"})
        assert job_posting(document)["jobLocation"]["address"] == {
            "@type": "PostalAddress",
            "addressLocality": "Austin",
            "addressRegion": "TX",
        }


class TestSalary:
    def test_base_salary_has_the_range_unit_and_currency(self):
        document = make_document(
            posting={
                "salary_min": "85000",
                "salary_max": "99000.50",
                "salary_currency": "EUR",
                "salary_period": "YEAR",
            }
        )
        assert job_posting(document)["baseSalary"] == {
            "@type": "MonetaryAmount",
            "currency": "EUR",
            "value": {
                "@type": "QuantitativeValue",
                "minValue": 85000.0,
                "maxValue": 99000.5,
                "unitText": "YEAR",
            },
        }

    def test_an_hourly_wage(self):
        document = make_document(
            posting={"salary_min": "31", "salary_max": "38", "salary_period": "HOUR"}
        )
        value = job_posting(document)["baseSalary"]["value"]
        assert (value["minValue"], value["maxValue"], value["unitText"]) == (31.0, 38.0, "HOUR")

    def test_the_pay_band_never_reaches_the_markup(self):
        band = {
            "minimum": "141234",
            "maximum": "187654",
            "currency": "USD",
            "period": "YEAR",
            "scope": "Software Engineer · Senior · Denver",
        }
        text = json.dumps(job_posting(make_document(pay_band=band), publication=PUBLICATION))
        for secret in ("141234", "187654", "Software Engineer · Senior"):
            assert secret not in text


class TestSkills:
    def test_skills_are_defined_terms_with_the_onet_code_where_known(self):
        skills = [
            skill("Programming", element="2.B.3.e"),
            skill("Mathematics", element="2.A.1.e", importance="nice_to_have"),
            skill("Kubernetes", element=""),
            skill("Rust"),  # a snapshot written before element ids were kept
        ]
        posting = job_posting(make_document(skills=skills))
        # Required first, then nice to have (the document's order).
        assert posting["skills"] == [
            {"@type": "DefinedTerm", "name": "Kubernetes"},
            {
                "@type": "DefinedTerm",
                "name": "Programming",
                "termCode": "2.B.3.e",
                "inDefinedTermSet": "https://www.onetcenter.org/content.html",
            },
            {"@type": "DefinedTerm", "name": "Rust"},
            {
                "@type": "DefinedTerm",
                "name": "Mathematics",
                "termCode": "2.A.1.e",
                "inDefinedTermSet": ONET_CONTENT_MODEL,
            },
        ]

    def test_no_skills_means_no_skills_property(self):
        assert "skills" not in job_posting(make_document(skills=[]))


class TestExperience:
    @pytest.mark.parametrize(
        ("seniority", "months"),
        [
            (Seniority.JUNIOR, 12),
            (Seniority.MID, 36),
            (Seniority.SENIOR, 60),
            (Seniority.STAFF, 96),
            (Seniority.PRINCIPAL, 120),
        ],
    )
    def test_months_come_from_the_seniority_when_the_jd_states_none(self, seniority, months):
        document = make_document(seniority=seniority.value, seniority_label=seniority.label)
        assert job_posting(document)["experienceRequirements"] == {
            "@type": "OccupationalExperienceRequirements",
            "monthsOfExperience": months,
        }

    @pytest.mark.parametrize(("years", "months"), [(2, 24), (0, 0), (40, 480)])
    def test_the_jd_s_years_override_the_seniority(self, years, months):
        document = make_document(posting={"experience_years": years})
        assert document.seniority_label == "Senior"
        assert job_posting(document)["experienceRequirements"]["monthsOfExperience"] == months

    @pytest.mark.parametrize("bad", [-1, 41, "5", 2.5, True, None])
    def test_a_snapshot_value_out_of_range_reads_as_the_default(self, bad):
        document = make_document(posting={"experience_years": bad})
        assert document.months_of_experience is None
        assert job_posting(document)["experienceRequirements"]["monthsOfExperience"] == 60

    def test_the_description_states_the_experience_the_markup_claims(self):
        assert "At least 5 years of experience." in description_html(make_document())
        stated = make_document(posting={"experience_years": 1})
        assert "At least 1 year of experience." in description_html(stated)
        none = make_document(posting={"experience_years": 0})
        assert "No prior experience required." in description_html(none)


class TestEducation:
    @pytest.mark.parametrize("level", list(EducationLevel))
    def test_a_stated_education_is_a_credential_category(self, level):
        document = make_document(posting={"education_requirement": level.value})
        posting = job_posting(document)
        assert posting["educationRequirements"] == {
            "@type": "EducationalOccupationalCredential",
            "credentialCategory": level.value,
        }
        # (The description is HTML: the label's apostrophe is escaped there.)
        assert f"Education: {escape(level.label)}." in posting["description"]

    @pytest.mark.parametrize("value", ["", "doctorate", None])
    def test_none_stated_or_unknown_means_no_education_property(self, value):
        posting = job_posting(make_document(posting={"education_requirement": value}))
        assert "educationRequirements" not in posting
        assert "Education:" not in posting["description"]

    def test_an_old_snapshot_without_the_new_fields_still_reads(self):
        snapshot = make_snapshot()
        for key in ("education_requirement", "experience_years"):
            snapshot["posting"].pop(key, None)
        for line in snapshot["skills"]:
            line.pop("onet_element_id", None)
        document = read_snapshot(snapshot)
        assert (document.education_requirement, document.months_of_experience) == ("", None)
        assert {line.onet_element_id for line in document.skills} == {""}


class TestPublication:
    def test_the_publication_gives_url_identifier_dates_and_direct_apply(self):
        document = make_document(posting={"closing_date": "2030-02-28"})
        posting = job_posting(document, publication=PUBLICATION)
        assert posting["url"] == PUBLICATION.url
        assert posting["identifier"] == {
            "@type": "PropertyValue",
            "name": "Acme Analytics",
            "value": "k3m9x2qa",
        }
        # The day it was first published and the closing date it was published with, not the
        # revision's issue date and typed closing date.
        assert posting["datePosted"] == "2030-01-20"
        assert posting["validThrough"] == "2030-03-31T23:59:59"
        assert posting["directApply"] is True

    def test_applying_elsewhere_is_direct_apply_false(self):
        publication = Publication(
            url=PUBLICATION.url,
            identifier="k3m9x2qa",
            date_posted=datetime.date(2030, 1, 20),
            valid_through=None,
            apply_url="mailto:jobs@acme.example",
            direct_apply=False,
        )
        posting = job_posting(make_document(), publication=publication)
        assert posting["directApply"] is False
        # A posting published without a closing date has no validThrough.
        assert "validThrough" not in posting

    def test_without_a_publication_the_revision_s_facts_stand(self):
        posting = job_posting(make_document(revision=4))
        assert posting["identifier"]["value"].endswith("-r4")
        assert posting["datePosted"] == "2030-01-15"
        assert "url" not in posting and "directApply" not in posting


class TestOnlyDocumentedProperties:
    @pytest.mark.parametrize(
        "document",
        [
            make_document(),
            make_document(posting={**REMOTE, "experience_years": 3}),
            make_document(posting={"workplace_type": "onsite"}, office=DENVER_OFFICE),
            make_document(posting={**REMOTE, "education_requirement": "bachelor degree"}),
            make_document(posting={"salary_min": None, "salary_max": None, "closing_date": None}),
        ],
        ids=["hybrid", "remote", "on-site", "education", "bare"],
    )
    @pytest.mark.parametrize("publication", [None, PUBLICATION], ids=["revision", "published"])
    def test_every_top_level_property_is_one_google_or_schema_org_documents(
        self, document, publication
    ):
        properties = set(job_posting(document, publication=publication)) - JSON_LD_KEYWORDS
        assert properties <= GOOGLE_DOCUMENTED | SCHEMA_ORG_EXTRAS, properties - (
            GOOGLE_DOCUMENTED | SCHEMA_ORG_EXTRAS
        )

    def test_a_published_on_site_posting_has_every_required_property(self):
        document = make_document(posting={"workplace_type": "onsite"}, office=DENVER_OFFICE)
        posting = job_posting(document, publication=PUBLICATION)
        assert set(posting) >= GOOGLE_REQUIRED
        not_remote = GOOGLE_RECOMMENDED - {"jobLocationType", "applicantLocationRequirements"}
        assert set(posting) >= not_remote

    def test_a_published_remote_posting_has_what_google_asks_of_remote_jobs(self):
        posting = job_posting(make_document(posting=REMOTE), publication=PUBLICATION)
        # jobLocation is not required of a fully remote job; these two are.
        assert set(posting) >= GOOGLE_REQUIRED - {"jobLocation"}
        assert set(posting) >= {"jobLocationType", "applicantLocationRequirements"}


@pytest.mark.django_db
@pytest.mark.usefixtures("catalog")
class TestFromTheCatalog:
    def test_a_seed_skill_s_element_id_reaches_the_json_ld(self, make_final_jd, manager):
        jd = make_final_jd(manager)
        lines = {line["name"]: line for line in jd.latest_revision.snapshot["skills"]}
        assert lines["Mathematics"]["onet_element_id"] == "2.A.1.e"
        assert lines["Communication"]["onet_element_id"] == ""
        terms = {
            term["name"]: term for term in job_posting(build_document(jd.latest_revision))["skills"]
        }
        assert terms["Mathematics"]["termCode"] == "2.A.1.e"
        assert terms["Mathematics"]["inDefinedTermSet"] == ONET_CONTENT_MODEL
        assert "termCode" not in terms["Communication"]
