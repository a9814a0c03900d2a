"""Indeed's and LinkedIn's XML feeds (/jobs/indeed.xml, /jobs/linkedin.xml): every open posting
and nothing else, every field each format requires (jdbuilder/publishing/boards.py lists them
with their sources) present and filled in for every job, and the mappings of place, workplace,
employment type and pay; then the builders on their own, on rows no form would let through."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import caches
from django.utils import timezone
from lxml import etree

from jdbuilder.publishing import boards
from jdbuilder.publishing.models import Posting
from jdbuilder.publishing.services import close, unpublish
from tests.factories import DraftFactory, OfficeFactory, OrganizationFactory, RecruiterFactory
from tests.support.jds import make_final_jd
from tests.support.publishing import published_jd

INDEED, LINKEDIN = "/jobs/indeed.xml", "/jobs/linkedin.xml"
BUILT = datetime.datetime(2026, 3, 2, 9, 30, tzinfo=datetime.UTC)


def fetch(client, url: str) -> etree._Element:
    """The feed as an anonymous board fetches it, parsed (a strict parser: any character XML
    forbids, or any unbalanced markup, fails here)."""
    caches["default"].clear()  # a test never commits, so the kept stamp never drops by itself
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    return etree.fromstring(response.content, etree.XMLParser(resolve_entities=False))


def jobs(root: etree._Element) -> list[dict[str, str]]:
    return [{child.tag: (child.text or "") for child in job} for job in root.iter("job")]


def titles(root: etree._Element) -> list[str]:
    return sorted(job["title"] for job in jobs(root))


# --- through the views, with real postings --------------------------------------------------


@pytest.fixture
def mixed():
    """Open postings (on-site at an office, remote, hybrid without office) beside a draft, a
    final JD never published, a closed and an unpublished posting."""
    OrganizationFactory()
    recruiter = RecruiterFactory()
    denver = OfficeFactory(name="Denver office")
    published_jd(
        title="Onsite Engineer", office=denver.pk, workplace_type="onsite", publisher=recruiter
    )
    published_jd(
        title="Remote Analyst",
        slug="data-analyst",
        workplace_type="remote",
        location="",
        applicant_location="United States",
        employment_type="PART_TIME",
        publisher=recruiter,
    )
    published_jd(title="Hybrid Scientist", slug="data-scientist", publisher=recruiter)
    closed = published_jd(title="Closed Engineer", publisher=recruiter)
    close(job_description=closed.job_description, user=recruiter)
    gone = published_jd(title="Unpublished Engineer", publisher=recruiter)
    unpublish(job_description=gone.job_description, user=recruiter)
    DraftFactory(title="Draft Engineer")
    make_final_jd(recruiter, title="Unposted Engineer")


OPEN_TITLES = ["Hybrid Scientist", "Onsite Engineer", "Remote Analyst"]
HIDDEN = [b"Closed Engineer", b"Unpublished Engineer", b"Draft Engineer", b"Unposted Engineer"]


@pytest.mark.django_db
@pytest.mark.usefixtures("catalog", "mixed")
@pytest.mark.parametrize("url", [INDEED, LINKEDIN])
def test_a_board_feed_lists_the_open_postings_only(client, url):
    caches["default"].clear()
    body = client.get(url).content

    assert titles(etree.fromstring(body)) == OPEN_TITLES
    for title in HIDDEN:
        assert title not in body


@pytest.mark.django_db
@pytest.mark.usefixtures("catalog", "mixed")
@pytest.mark.parametrize(
    ("url", "required"),
    [(INDEED, boards.INDEED_REQUIRED), (LINKEDIN, boards.LINKEDIN_REQUIRED)],
)
def test_every_job_has_every_required_field_filled_in(client, url, required):
    root = fetch(client, url)

    assert root.tag == "source"
    for job in jobs(root):
        missing = [name for name in required if not job.get(name, "").strip()]
        assert missing == [], (job["title"], missing)


@pytest.mark.django_db
@pytest.mark.usefixtures("catalog", "mixed")
def test_indeed_fields_of_an_onsite_posting_at_an_office(client):
    posting = Posting.objects.get(title="Onsite Engineer")
    job = {job["title"]: job for job in jobs(fetch(client, INDEED))}["Onsite Engineer"]

    assert job["referencenumber"] == posting.short_id
    assert job["url"] == f"http://127.0.0.1:8000/jobs/onsite-engineer-{posting.short_id}/"
    assert job["date"] == posting.first_published_at.isoformat()
    assert job["company"] == "Acme Analytics"
    assert (job["city"], job["state"], job["postalcode"], job["country"]) == (
        "Denver",
        "CO",
        "80202",
        "US",
    )
    assert job["streetaddress"] == "1 Main Street"
    assert job["jobtype"] == "fulltime"
    assert "remotetype" not in job  # on-site: no remote work at all
    assert job["email"] == "jobs@acme.example"  # the posting's own published apply address
    assert job["expirationdate"] == posting.closes_on.isoformat()
    assert job["description"].startswith("<p>Build the platform our models run on.</p>")


@pytest.mark.django_db
@pytest.mark.usefixtures("catalog", "mixed")
def test_remote_hybrid_and_onsite_map_to_each_boards_terms(client):
    indeed = {job["title"]: job for job in jobs(fetch(client, INDEED))}
    linkedin = {job["title"]: job for job in jobs(fetch(client, LINKEDIN))}

    assert indeed["Remote Analyst"]["remotetype"] == "Fully remote"
    assert indeed["Hybrid Scientist"]["remotetype"] == "Hybrid remote"
    assert "remotetype" not in indeed["Onsite Engineer"]
    assert linkedin["Remote Analyst"]["workplaceTypes"] == "Remote"
    assert linkedin["Hybrid Scientist"]["workplaceTypes"] == "Hybrid"
    assert linkedin["Onsite Engineer"]["workplaceTypes"] == "On-site"
    # A remote posting without a city: LinkedIn's location is where applicants may be.
    assert linkedin["Remote Analyst"]["location"] == "United States"
    assert linkedin["Onsite Engineer"]["location"] == "Denver, CO"
    assert indeed["Remote Analyst"]["jobtype"] == "parttime"
    assert linkedin["Remote Analyst"]["jobtype"] == "PART_TIME"


@pytest.mark.django_db
@pytest.mark.usefixtures("catalog", "mixed")
def test_salary_maps_to_indeeds_text_and_linkedins_range(client):
    indeed = {job["title"]: job for job in jobs(fetch(client, INDEED))}
    root = fetch(client, LINKEDIN)
    job = next(job for job in root.iter("job") if job.findtext("title") == "Onsite Engineer")

    assert indeed["Onsite Engineer"]["salary"] == "150,000 to 190,000 USD a year"
    salary = job.find("salaries/salary")
    assert salary.findtext("highEnd/amount") == "190000"
    assert salary.findtext("lowEnd/amount") == "150000"
    assert salary.findtext("highEnd/currencyCode") == "USD"
    assert salary.findtext("lowEnd/currencyCode") == "USD"
    assert salary.findtext("period") == "YEARLY"
    assert salary.findtext("type") == "BASE_SALARY"


@pytest.mark.django_db
@pytest.mark.usefixtures("catalog")
def test_a_posting_without_pay_has_no_salary_in_either_feed(client):
    OrganizationFactory()
    # Outside the pay-transparency states, pay may be left out.
    published_jd(location="Austin, Texas", salary_min="", salary_max="")

    assert "salary" not in jobs(fetch(client, INDEED))[0]
    assert fetch(client, LINKEDIN).find("job/salaries") is None


@pytest.mark.django_db
@pytest.mark.usefixtures("catalog")
@pytest.mark.parametrize("url", [INDEED, LINKEDIN])
def test_markup_and_control_characters_in_a_title_reach_the_file_as_text(client, url):
    OrganizationFactory()
    posting = published_jd()
    # Written to the row directly: no form lets a control character through, the feed must
    # not rely on that.
    Posting.objects.filter(pk=posting.pk).update(
        title='Lead <b>&</b> "Ops"\x01\x0b engineer', company_name="Acme & <Sons>\x1f"
    )

    (job,) = jobs(fetch(client, url))

    assert job["title"] == 'Lead <b>&</b> "Ops"\n engineer'
    assert job["company"] == "Acme & <Sons>"


@pytest.mark.django_db
@pytest.mark.usefixtures("catalog", "mixed")
def test_linkedin_description_is_long_enough_and_in_cdata(client):
    caches["default"].clear()
    body = client.get(LINKEDIN).content.decode()

    assert body.count("<description><![CDATA[<p>") == 3
    for job in jobs(etree.fromstring(body.encode())):
        assert len(job["description"]) >= boards.LINKEDIN_DESCRIPTION_MINIMUM


@pytest.mark.django_db
@pytest.mark.usefixtures("catalog")
@pytest.mark.parametrize("url", [INDEED, LINKEDIN])
def test_with_no_open_posting_a_feed_is_valid_and_empty(client, url):
    root = fetch(client, url)

    assert root.tag == "source"
    assert jobs(root) == []


@pytest.mark.django_db
@pytest.mark.parametrize("url", [INDEED, LINKEDIN])
def test_a_board_feed_answers_only_get_and_head(client, url):
    response = client.post(url)

    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


# --- the builders on their own --------------------------------------------------------------


def row(**overrides) -> dict:
    values = {
        "short_id": "abcd2345",
        "slug": "data-engineer",
        "title": "Data Engineer",
        "company_name": "Acme",
        "department": "Platform",
        "location": "Berlin, Berlin, DE",
        "locality": "",
        "region": "",
        "postal_code": "",
        "street_address": "",
        "country": "",
        "workplace_type": "onsite",
        "employment_type": "CONTRACTOR",
        "seniority_label": "Senior",
        "salary_text": "",
        "apply_url": "https://jobs.acme.example/apply",
        "description_html": "<p>" + "Build pipelines. " * 10 + "</p>",
        "first_published_at": timezone.make_aware(datetime.datetime(2026, 3, 1, 8, 0)),
        "closes_on": None,
        "jobposting__baseSalary": None,
        "jobposting__applicantLocationRequirements": None,
    }
    return values | overrides


def build(builder, *rows_: dict, **kwargs) -> list[dict[str, str]]:
    body = builder(
        rows_,
        site_url="https://careers.acme.example",
        publisher="Acme",
        built_at=BUILT,
        **kwargs,
    )
    assert body.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    return jobs(etree.fromstring(body))


def test_a_location_text_with_a_country_fills_city_state_and_country():
    (indeed,) = build(boards.indeed_xml, row())
    (linkedin,) = build(boards.linkedin_xml, row())

    assert (indeed["city"], indeed["state"], indeed["country"]) == ("Berlin", "Berlin", "DE")
    assert linkedin["location"] == "Berlin, DE"  # outside the US: city and country


def test_the_organizations_country_stands_in_when_the_posting_names_none():
    (job,) = build(boards.indeed_xml, row(location="Austin, Texas"), default_country="US")

    assert (job["city"], job["state"], job["country"]) == ("Austin", "Texas", "US")


def test_employment_types_map_to_each_boards_values():
    cases = {
        "FULL_TIME": ("fulltime", "FULL_TIME"),
        "PART_TIME": ("parttime", "PART_TIME"),
        "CONTRACTOR": ("contract", "CONTRACT"),
        "TEMPORARY": ("temporary", "TEMPORARY"),
        "INTERN": ("internship", "INTERNSHIP"),
    }
    for employment, (indeed_type, linkedin_type) in cases.items():
        (indeed,) = build(boards.indeed_xml, row(employment_type=employment))
        (linkedin,) = build(boards.linkedin_xml, row(employment_type=employment))
        assert (indeed["jobtype"], linkedin["jobtype"]) == (indeed_type, linkedin_type)


def test_an_hourly_salary_with_cents_keeps_them():
    salary = {
        "@type": "MonetaryAmount",
        "currency": "EUR",
        "value": {"minValue": 31.5, "maxValue": 40.0, "unitText": "HOUR"},
    }
    body = boards.linkedin_xml(
        [row(jobposting__baseSalary=salary)],
        site_url="https://careers.acme.example",
        publisher="Acme",
        built_at=BUILT,
    )
    salary_element = etree.fromstring(body).find("job/salaries/salary")

    assert salary_element.findtext("lowEnd/amount") == "31.5"
    assert salary_element.findtext("highEnd/amount") == "40"
    assert salary_element.findtext("highEnd/currencyCode") == "EUR"
    assert salary_element.findtext("period") == "HOURLY"


def test_description_quotes_are_characters_and_other_escapes_stay():
    (job,) = build(boards.indeed_xml, row(description_html="<p>A &amp; B &lt;3 Tom&#x27;s</p>"))

    assert job["description"] == "<p>A &amp; B &lt;3 Tom's</p>"


def test_apply_url_of_both_feeds_is_the_postings_page_and_only_a_mailto_gives_an_email():
    (indeed,) = build(boards.indeed_xml, row())
    (linkedin,) = build(boards.linkedin_xml, row())
    (by_mail,) = build(boards.indeed_xml, row(apply_url="mailto:jobs@acme.example"))

    page = "https://careers.acme.example/jobs/data-engineer-abcd2345/"
    assert indeed["url"] == linkedin["applyUrl"] == page
    assert "email" not in indeed
    assert by_mail["email"] == "jobs@acme.example"


def test_feed_header_fields():
    body = boards.linkedin_xml(
        [row(), row(short_id="wxyz2345")],
        site_url="https://careers.acme.example",
        publisher="Acme",
        built_at=BUILT,
    )
    root = etree.fromstring(body)

    assert root.findtext("expectedJobCount") == "2"
    assert root.findtext("lastBuildDate") == BUILT.isoformat()
    assert root.findtext("publisherUrl") == "https://careers.acme.example"


def test_a_remote_posting_without_a_place_tells_indeed_it_is_remote_and_from_where():
    applicants = {"@type": "Country", "name": "Canada"}
    remote = row(
        location="",
        workplace_type="remote",
        jobposting__applicantLocationRequirements=applicants,
    )
    (indeed,) = build(boards.indeed_xml, remote, default_country="US")
    (linkedin,) = build(boards.linkedin_xml, remote, default_country="US")

    assert (indeed["city"], indeed["state"], indeed["country"]) == ("Remote", "Canada", "US")
    assert indeed["remotetype"] == "Fully remote"
    assert linkedin["location"] == "Canada"
    assert "city" not in linkedin


def test_an_office_abroad_without_a_region_gives_indeed_its_country_as_state():
    berlin = row(location="Berlin, Germany", locality="Berlin", country="DE", postal_code="10115")
    (indeed,) = build(boards.indeed_xml, berlin, default_country="US")
    (linkedin,) = build(boards.linkedin_xml, berlin, default_country="US")

    assert (indeed["city"], indeed["state"], indeed["country"]) == ("Berlin", "DE", "DE")
    assert indeed["postalcode"] == "10115"
    assert linkedin["location"] == "Berlin, DE"
    assert "state" not in linkedin
