"""The job boards' XML feeds, built from Posting rows (dicts of `ROW_FIELDS`, one `values()`
query): Indeed's and LinkedIn's formats. Pure: no query, no request; every value goes through
`xml_text` (no character XML forbids can reach the file) and into lxml elements (never
string concatenation of user text).

Indeed (https://docs.indeed.com/indeed-apply/xml-feed, "XML feed reference", and
https://techdocs.indeedeng.io/xml-job-feed/): root `<source>` with `<publisher>`,
`<publisherurl>`, `<lastBuildDate>`, then one `<job>` per open posting.
- Required, each job: `title`, `date` (first published, ISO-8601; it matches the page's
  datePosted), `referencenumber` (unique, never changes: the short id), `requisitionid`, `url`
  (the posting's page), `company`, `city`, `state`, `country` (ISO code), `description` (HTML
  in CDATA: Indeed reads no HTML entities beyond what the text itself needs). A remote posting
  without an office or a city gives the city "Remote" and, as state, where its applicants may
  be (or the country); a place without a state (a city-state, an office abroad) gives the
  country as state.
- Optional, given when known: `postalcode`, `streetaddress`, `email` (only the posting's own
  published apply address, never a person's), `salary` (the posting's salary text),
  `jobtype` (fulltime, parttime, contract, temporary, internship), `remotetype` ("Fully remote",
  "Hybrid remote"; none for on-site), `expirationdate` (the closing date), `category` (the
  department). `sourcename` is for ATSs posting for many employers: not given.

LinkedIn (https://learn.microsoft.com/en-us/linkedin/talent/job-postings/xml-feeds-development-guide
and its FAQ, https://learn.microsoft.com/en-us/linkedin/talent/job-postings/xml-feeds-faq):
root `<source>` with `lastBuildDate`, `publisherUrl`, `publisher`, `expectedJobCount`.
- Mandatory, each job: `partnerJobId` (max. 40 characters: the short id), `company`, `title`,
  `description` (min. 100 characters, limited HTML: CDATA), `applyUrl` (the posting's page,
  where its apply action is), `location` ("City, State" in the US, "City, Country" elsewhere;
  a remote posting's applicant location).
- Mandatory only for ATSs (`companyId`) or in some versions of the guide (`posterEmail`):
  not given. The poster's e-mail would be a person's address in a public file, which the
  careers page never publishes.
- Recommended, given when known: `city`, `state`, `country`, `postalCode`, `workplaceTypes`
  (On-site, Hybrid, Remote), `jobtype` (FULL_TIME, PART_TIME, CONTRACT, TEMPORARY, INTERNSHIP),
  `experienceLevel` (ENTRY_LEVEL, ASSOCIATE, MID_SENIOR_LEVEL), `salaries/salary` (`highEnd`
  and `lowEnd` with `amount` and `currencyCode`, `period` YEARLY..HOURLY, `type` BASE_SALARY),
  `listDate`, `expirationDate`.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Mapping
from typing import Any

from lxml import etree

from jdbuilder.document import clean
from jdbuilder.publishing.models import posting_path
from jdbuilder.vocabulary import EmploymentType, Seniority, WorkplaceType

# The Posting columns the feeds read (and the JSON-LD's structured salary and applicant
# location, read as JSON keys so the whole JSON-LD is not loaded for 5,000 rows).
ROW_FIELDS: tuple[str, ...] = (
    "short_id",
    "slug",
    "title",
    "company_name",
    "department",
    "location",
    "locality",
    "region",
    "postal_code",
    "street_address",
    "country",
    "workplace_type",
    "employment_type",
    "seniority_label",
    "salary_text",
    "apply_url",
    "description_html",
    "first_published_at",
    "closes_on",
    "jobposting__baseSalary",
    "jobposting__applicantLocationRequirements",
)

# Checked by the tests for every job of a built feed: present and not empty.
INDEED_REQUIRED: tuple[str, ...] = (
    "title",
    "date",
    "referencenumber",
    "requisitionid",
    "url",
    "company",
    "city",
    "state",
    "country",
    "description",
)
LINKEDIN_REQUIRED: tuple[str, ...] = (
    "partnerJobId",
    "company",
    "title",
    "description",
    "applyUrl",
    "location",
)
LINKEDIN_DESCRIPTION_MINIMUM = 100

INDEED_JOB_TYPES = {
    EmploymentType.FULL_TIME: "fulltime",
    EmploymentType.PART_TIME: "parttime",
    EmploymentType.CONTRACTOR: "contract",
    EmploymentType.TEMPORARY: "temporary",
    EmploymentType.INTERN: "internship",
}
INDEED_REMOTE_TYPES = {WorkplaceType.REMOTE: "Fully remote", WorkplaceType.HYBRID: "Hybrid remote"}
LINKEDIN_JOB_TYPES = {
    EmploymentType.FULL_TIME: "FULL_TIME",
    EmploymentType.PART_TIME: "PART_TIME",
    EmploymentType.CONTRACTOR: "CONTRACT",
    EmploymentType.TEMPORARY: "TEMPORARY",
    EmploymentType.INTERN: "INTERNSHIP",
}
LINKEDIN_WORKPLACE_TYPES = {
    WorkplaceType.ONSITE: "On-site",
    WorkplaceType.HYBRID: "Hybrid",
    WorkplaceType.REMOTE: "Remote",
}
# The posting keeps the seniority's label; LinkedIn's levels by our seniorities.
LINKEDIN_EXPERIENCE = {
    Seniority.JUNIOR.label: "ENTRY_LEVEL",
    Seniority.MID.label: "ASSOCIATE",
    Seniority.SENIOR.label: "MID_SENIOR_LEVEL",
    Seniority.STAFF.label: "MID_SENIOR_LEVEL",
    Seniority.PRINCIPAL.label: "MID_SENIOR_LEVEL",
}
LINKEDIN_PERIODS = {
    "YEAR": "YEARLY",
    "MONTH": "MONTHLY",
    "WEEK": "WEEKLY",
    "DAY": "DAILY",
    "HOUR": "HOURLY",
}

Row = Mapping[str, Any]

# What XML 1.0 forbids (https://www.w3.org/TR/xml/#charsets): most C0 controls, lone
# surrogates, U+FFFE and U+FFFF. A text with none is written as it is; one with any goes through
# `document.clean`, which removes them (and more). Checking first keeps 5,000 descriptions fast.
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value: str) -> str:
    """`value` with no character XML forbids."""
    return clean(value) if _XML_FORBIDDEN.search(value) else value


class PostingLinks:
    """Absolute posting URLs on `site_url`, without a `reverse` per row (models.posting_path)."""

    def __init__(self, site_url: str) -> None:
        self._site = site_url.rstrip("/")

    def url(self, row: Row) -> str:
        return self._site + posting_path(row["slug"], row["short_id"])


def indeed_xml(
    rows: Iterable[Row],
    *,
    site_url: str,
    publisher: str,
    default_country: str = "",
    built_at: datetime.datetime,
) -> bytes:
    """Indeed's XML feed of `rows` (see the module's docstring for the fields)."""
    links = PostingLinks(site_url)
    root = etree.Element("source")
    _optional(root, "publisher", publisher)
    _text(root, "publisherurl", site_url)
    _text(root, "lastBuildDate", built_at.isoformat())
    for row in rows:
        job = etree.SubElement(root, "job")
        city, state, country = _place(row, default_country)
        if not city and row["workplace_type"] == WorkplaceType.REMOTE:
            # Indeed wants a city and state for every job; a remote one without an office
            # says so, and where its applicants may be.
            city, state = "Remote", state or _applicants(row) or country
        state = state or country  # a country without states: Indeed still wants one
        _text(job, "title", row["title"])
        _text(job, "date", row["first_published_at"].isoformat())
        _text(job, "referencenumber", row["short_id"])
        _text(job, "requisitionid", row["short_id"])
        _text(job, "url", links.url(row))
        _text(job, "company", row["company_name"] or publisher)
        _text(job, "city", city)
        _text(job, "state", state)
        _text(job, "country", country)
        _optional(job, "postalcode", row["postal_code"])
        _optional(job, "streetaddress", row["street_address"])
        if row["apply_url"].startswith("mailto:"):
            _text(job, "email", row["apply_url"].removeprefix("mailto:"))
        _html(job, "description", row["description_html"])
        _optional(job, "salary", row["salary_text"])
        _optional(job, "jobtype", INDEED_JOB_TYPES.get(row["employment_type"], ""))
        _optional(job, "remotetype", INDEED_REMOTE_TYPES.get(row["workplace_type"], ""))
        if row["closes_on"]:
            _text(job, "expirationdate", row["closes_on"].isoformat())
        _optional(job, "category", row["department"])
    return _serialize(root)


def linkedin_xml(
    rows: Iterable[Row],
    *,
    site_url: str,
    publisher: str,
    default_country: str = "",
    built_at: datetime.datetime,
) -> bytes:
    """LinkedIn's XML feed of `rows` (see the module's docstring for the fields)."""
    links = PostingLinks(site_url)
    root = etree.Element("source")
    _text(root, "lastBuildDate", built_at.isoformat())
    _text(root, "publisherUrl", site_url)
    _optional(root, "publisher", publisher)
    expected = _text(root, "expectedJobCount", "0")  # counted as the rows stream past
    for row in rows:
        job = etree.SubElement(root, "job")
        city, state, country = _place(row, default_country)
        _text(job, "partnerJobId", row["short_id"])
        _text(job, "company", row["company_name"] or publisher)
        _text(job, "title", row["title"])
        _html(job, "description", row["description_html"])
        _text(job, "applyUrl", links.url(row))
        _text(job, "location", _linkedin_location(row, city, state, country))
        _optional(job, "city", city)
        _optional(job, "state", state)
        _optional(job, "country", country)
        _optional(job, "postalCode", row["postal_code"])
        _optional(job, "workplaceTypes", LINKEDIN_WORKPLACE_TYPES.get(row["workplace_type"], ""))
        _optional(job, "jobtype", LINKEDIN_JOB_TYPES.get(row["employment_type"], ""))
        _optional(job, "experienceLevel", LINKEDIN_EXPERIENCE.get(row["seniority_label"], ""))
        _linkedin_salary(job, row["jobposting__baseSalary"])
        _text(job, "listDate", row["first_published_at"].date().isoformat())
        if row["closes_on"]:
            _text(job, "expirationDate", row["closes_on"].isoformat())
    expected.text = str(len(root.findall("job")))
    return _serialize(root)


# --- helpers --------------------------------------------------------------------------------


def _place(row: Row, default_country: str) -> tuple[str, str, str]:
    """City, state and country: the office's address where the posting has one, else the
    posting's location text ("City", "City, Region", "City, Region, Country"); the country, when
    neither names one, the organization's."""
    if row["locality"]:
        return row["locality"], row["region"], row["country"] or default_country
    parts = [part.strip() for part in xml_text(row["location"]).split(",") if part.strip()]
    city = parts[0] if parts else ""
    state = ", ".join(parts[1:-1] if len(parts) > 2 else parts[1:2])
    country = (parts[-1] if len(parts) > 2 else "") or default_country
    return city, state, country


def _linkedin_location(row: Row, city: str, state: str, country: str) -> str:
    """ "City, State" in the US, "City, Country" elsewhere; a remote posting without a city:
    where its applicants may be."""
    if city:
        second = state if country in ("", "US") and state else country
        return ", ".join(part for part in (city, second) if part)
    return _applicants(row) or row["location"] or country or "Remote"


def _applicants(row: Row) -> str:
    """Where a remote posting's applicants may be (the JSON-LD's applicantLocationRequirements)."""
    applicants = row["jobposting__applicantLocationRequirements"]
    return str(applicants.get("name", "")) if isinstance(applicants, dict) else ""


def _linkedin_salary(job: etree._Element, salary: Any) -> None:
    """The JSON-LD's baseSalary as LinkedIn's salaries element, when the posting states pay."""
    if not isinstance(salary, dict) or not isinstance(salary.get("value"), dict):
        return
    value, currency = salary["value"], str(salary.get("currency", ""))
    entry = etree.SubElement(etree.SubElement(job, "salaries"), "salary")
    for name, key in (("highEnd", "maxValue"), ("lowEnd", "minValue")):
        end = etree.SubElement(entry, name)
        _text(end, "amount", _amount(value.get(key)))
        _text(end, "currencyCode", currency)
    _optional(entry, "period", LINKEDIN_PERIODS.get(str(value.get("unitText", "")), ""))
    _text(entry, "type", "BASE_SALARY")


def _amount(number: Any) -> str:
    if isinstance(number, float) and number.is_integer():
        return str(int(number))
    return str(number if number is not None else "")


def _text(parent: etree._Element, name: str, value: str) -> etree._Element:
    element = etree.SubElement(parent, name)
    element.text = xml_text(str(value))
    return element


def _optional(parent: etree._Element, name: str, value: str) -> None:
    if value:
        _text(parent, name, value)


def _html(parent: etree._Element, name: str, html: str) -> None:
    """Stored, escaped description HTML, in CDATA as both boards document. The escapes Django
    adds for quotes are turned back into the characters (the boards read few HTML entities;
    quotes need none in element text). "]]>" cannot occur in escaped HTML (">" is escaped);
    if it ever did, the text is escaped as XML instead of breaking the section."""
    text = xml_text(html).replace("&#x27;", "'").replace("&quot;", '"')
    element = etree.SubElement(parent, name)
    element.text = etree.CDATA(text) if "]]>" not in text else text


def _serialize(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)
