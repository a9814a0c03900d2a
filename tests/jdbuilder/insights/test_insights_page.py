"""The insights page and its CSV files, counted against the hand-counted fixtures of
`fixtures.library` and `fixtures.approvals`: every chart's table, its CSV rows and its SVG."""

from __future__ import annotations

import csv
import datetime
import io
import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import timezone

from jdbuilder.insights.queries import requirement_inflation
from jdbuilder.models import JobDescriptionRevision
from jdbuilder.vocabulary import Seniority
from roles.models import Role
from tests.factories import (
    DepartmentFactory,
    ManagerFactory,
    OfficeFactory,
    PayBandFactory,
    RecruiterFactory,
    StaffFactory,
)
from tests.jdbuilder.insights.fixtures import approvals, at, final_jd, issued_at, library

pytestmark = pytest.mark.usefixtures("catalog")

SVG = "{http://www.w3.org/2000/svg}"
PAGE = reverse("insights:page")
HALF_HOUR = datetime.timedelta(minutes=30)


def csv_url(chart: str, **query: str) -> str:
    url = reverse("insights:csv", kwargs={"chart": chart})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def table_rows(html: str, section: str) -> list[list[str]]:
    """The body rows of a section's table, each cell's text unescaped."""
    found = re.search(rf'<section[^>]*id="{section}".*?</section>', html, re.S)
    assert found, f"no section {section}"
    body = re.search(r"<tbody>(.*?)</tbody>", found.group(0), re.S)
    assert body, f"section {section} has no table"
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", body.group(1), re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        rows.append([ET.fromstring(f"<c>{cell}</c>").text or "" for cell in cells])
    return rows


def svg_of(html: str, chart_id: str) -> ET.Element:
    found = re.search(rf'<svg [^>]*id="{chart_id}".*?</svg>', html, re.S)
    assert found, f"no chart {chart_id}"
    return ET.fromstring(found.group(0))


@pytest.fixture
def issued(db):
    return library()


@pytest.fixture
def staff_client(client):
    client.force_login(StaffFactory())
    return client


# --- who may see it ---------------------------------------------------------------------------


def test_recruiters_and_staff_see_the_page_others_are_refused(client):
    assert client.get(PAGE).status_code == 302  # to the sign-in page
    assert client.get(csv_url("required-skills")).status_code == 302
    client.force_login(ManagerFactory())
    assert client.get(PAGE).status_code == 403
    assert client.get(csv_url("required-skills")).status_code == 403
    client.force_login(RecruiterFactory())
    assert client.get(PAGE).status_code == 200
    assert client.get(csv_url("required-skills")).status_code == 200
    client.force_login(StaffFactory())
    assert client.get(PAGE).status_code == 200


def test_an_unknown_chart_is_not_found(staff_client):
    assert staff_client.get(csv_url("salaries")).status_code == 404


# --- a. required skills per role --------------------------------------------------------------

REQUIRED = [
    ["Data Analyst", "1", "4", "4", "4"],
    ["Data Scientist", "1", "2", "2", "2"],
    ["Machine Learning Engineer", "1", "6", "6", "6"],
    ["Software Engineer", "2", "4", "3", "5"],
]


def test_required_skills_per_role(client, issued):
    client.force_login(issued.recruiter)
    html = client.get(PAGE).content.decode()
    assert table_rows(html, "required-skills") == REQUIRED
    header, *rows = csv_rows(client.get(csv_url("required-skills")))
    assert header == ["Role", "Job descriptions", "Average required skills", "Fewest", "Most"]
    assert rows == REQUIRED
    # One bar per role, its length the average.
    svg = svg_of(html, "chart-required-skills")
    assert svg.get("role") == "img"
    assert svg.get("viewBox").startswith("0 0 400 ")
    assert svg.get("width") == "100%"
    assert svg.find(f"{SVG}title").text == "Average number of required skills per role"
    bars = [(bar.get("data-label"), bar.get("data-value")) for bar in svg.iter(f"{SVG}rect")]
    assert bars == [(role, average) for role, _, average, _, _ in REQUIRED]
    widths = {bar.get("data-label"): float(bar.get("width")) for bar in svg.iter(f"{SVG}rect")}
    assert widths["Machine Learning Engineer"] == 300  # the longest: 400 less the value room
    assert widths["Data Scientist"] == 100  # 2 of 6
    assert widths["Software Engineer"] == widths["Data Analyst"] == 200


def test_the_csv_is_named_after_the_chart_and_today(staff_client, issued):
    response = staff_client.get(csv_url("required-skills"))
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="insights-required-skills-{today}.csv"'
    )


# --- b. requirement inflation -----------------------------------------------------------------

BY_ROLE = [
    ["Data Analyst", "2025 Q2", "1", "4"],
    ["Data Scientist", "2025 Q2", "1", "2"],
    ["Machine Learning Engineer", "2025 Q3", "1", "6"],
    ["Software Engineer", "2025 Q1", "2", "4"],
    ["Software Engineer", "2025 Q2", "1", "3"],
]
BY_DEPARTMENT = [
    ["Data", "2025 Q2", "1", "2"],
    ["Data", "2025 Q3", "1", "6"],
    ["Engineering", "2025 Q1", "2", "4"],
    ["Engineering", "2025 Q2", "1", "3"],
    ["No department", "2025 Q2", "1", "4"],
]


def test_inflation_per_quarter_by_role_and_by_department(staff_client, issued):
    html = staff_client.get(PAGE).content.decode()
    assert table_rows(html, "inflation") == BY_ROLE
    header, *rows = csv_rows(staff_client.get(csv_url("inflation")))
    assert header == ["Role", "Quarter", "Revisions issued", "Average required skills"]
    assert rows == BY_ROLE

    html = staff_client.get(PAGE, {"by": "department"}).content.decode()
    assert table_rows(html, "inflation") == BY_DEPARTMENT
    assert 'href="/insights/inflation.csv?by=department"' in html
    response = staff_client.get(csv_url("inflation", by="department"))
    header, *rows = csv_rows(response)
    assert header[0] == "Department"
    assert rows == BY_DEPARTMENT
    assert "insights-inflation-department-" in response["Content-Disposition"]

    # One panel per department, one point per quarter it has, at its average.
    svg = svg_of(html, "chart-inflation")
    panels = {
        panel.get("data-label"): [point.get("data-value") for point in panel.iter(f"{SVG}circle")]
        for panel in svg.iter(f"{SVG}g")
    }
    assert panels == {"Data": ["2", "6"], "Engineering": ["4", "3"], "No department": ["4"]}


def test_quarters_are_those_of_the_current_time_zone(db):
    """2025-03-31 23:30 UTC is already 2025-04-01 in Berlin (UTC+2); 2025-07-01 01:00 UTC is
    still 2025-06-30 in New York (UTC-4)."""
    owner, staff = ManagerFactory(), StaffFactory()
    issued_at(final_jd(owner, slug="data-analyst", required=2), at(2025, 3, 31, 23) + HALF_HOUR)
    issued_at(final_jd(owner, slug="data-analyst", required=4), at(2025, 7, 1, 1))

    def quarters(zone: str) -> list[tuple[str, int, float]]:
        with timezone.override(zone):
            (series,) = requirement_inflation(staff).series
        return [(p.quarter, p.revisions, p.average) for p in series.points]

    assert quarters("UTC") == [("2025 Q1", 1, 2), ("2025 Q3", 1, 4)]
    assert quarters("Europe/Berlin") == [("2025 Q2", 1, 2), ("2025 Q3", 1, 4)]
    assert quarters("America/New_York") == [("2025 Q1", 1, 2), ("2025 Q2", 1, 4)]


def test_a_revision_without_a_department_key_counts_with_no_department(staff_client, db):
    """A department that is JSON null (no department chosen) and one whose key is missing (an
    older snapshot) are the one "No department" group: 2 and 4 required, average 3."""
    owner = ManagerFactory()
    issued_at(final_jd(owner, slug="data-analyst", required=2), at(2025, 5, 1))
    older = final_jd(owner, slug="data-analyst", required=4)
    issued_at(older, at(2025, 5, 2))
    revision = older.latest_revision
    revision.snapshot = {k: v for k, v in revision.snapshot.items() if k != "department"}
    revision.save(update_fields=["snapshot"])
    rows = csv_rows(staff_client.get(csv_url("inflation", by="department")))[1:]
    assert rows == [["No department", "2025 Q2", "2", "3"]]


def test_an_unknown_grouping_is_refused_with_a_clear_error(staff_client, issued):
    response = staff_client.get(PAGE, {"by": "salary"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Select a valid choice" in html and "Shown by role instead." in html
    assert table_rows(html, "inflation") == BY_ROLE  # the rest of the page is still there
    response = staff_client.get(csv_url("inflation", by="salary"))
    assert response.status_code == 400
    assert b"by=role or by=department" in response.content


# --- c. pay ranges against the bands ----------------------------------------------------------

# One group per role, seniority, currency and period (one JD each in `library`): JDs, median
# minimum and maximum, lowest minimum, highest maximum, the band, then how many are inside,
# start below, go above, both, not comparable, have no band.
PAY = [
    ["Data Scientist", "Senior", "EUR", "per year", "1", "60000", "80000", "60000", "80000"]
    + ["90000–130000 USD per year", "0", "0", "0", "0", "1", "0"],
    ["Machine Learning Engineer", "Mid-level", "USD", "per year", "1", "150000", "210000"]
    + ["150000", "210000", "140000–200000", "0", "0", "1", "0", "0", "0"],
    ["Software Engineer", "Mid-level", "USD", "per year", "1", "100000", "120000", "100000"]
    + ["120000", "110000–150000", "0", "1", "0", "0", "0", "0"],
    ["Software Engineer", "Senior", "USD", "per year", "1", "150000", "190000", "150000"]
    + ["190000", "140000–200000", "1", "0", "0", "0", "0", "0"],
]
PAY_HEADER = [
    "Role",
    "Seniority",
    "Currency",
    "Period",
    "Job descriptions",
    "Median minimum",
    "Median maximum",
    "Lowest minimum",
    "Highest maximum",
    "Band",
    "Inside the band",
    "Start below",
    "Go above",
    "Below and above",
    "Not comparable",
    "No band",
]
PAY_BY_JD = [
    [
        "Data Scientist",
        "Senior",
        "Data Scientist senior",
        "60000",
        "80000",
        "EUR",
        "per year",
        "90000",
        "130000",
        "Band in another currency or period",
    ],
    [
        "Machine Learning Engineer",
        "Mid-level",
        "Machine Learning Engineer mid",
        "150000",
        "210000",
        "USD",
        "per year",
        "140000",
        "200000",
        "Goes above the band",
    ],
    [
        "Software Engineer",
        "Mid-level",
        "Software Engineer mid",
        "100000",
        "120000",
        "USD",
        "per year",
        "110000",
        "150000",
        "Starts below the band",
    ],
    [
        "Software Engineer",
        "Senior",
        "Software Engineer senior",
        "150000",
        "190000",
        "USD",
        "per year",
        "140000",
        "200000",
        "Inside the band",
    ],
]


def test_pay_ranges_against_the_bands(staff_client, issued):
    html = staff_client.get(PAGE).content.decode()
    assert table_rows(html, "pay-ranges") == PAY
    header, *rows = csv_rows(staff_client.get(csv_url("pay-ranges")))
    assert header == PAY_HEADER and rows == PAY
    # One axis per currency and period: the EUR range on its own, with no band drawn (its band
    # is in dollars); the dollar ranges each over their band, the outside ones marked; each
    # with its spread line (here, one JD each: the range itself).
    euro, dollars = svg_of(html, "chart-pay-0"), svg_of(html, "chart-pay-1")
    assert "EUR" in euro.find(f"{SVG}title").text
    assert [r.get("class") for r in euro.iter(f"{SVG}rect")] == ["range"]
    assert [line.get("class") for line in euro.iter(f"{SVG}line")] == ["spread", "axis"]
    classes = [r.get("class") for r in dollars.iter(f"{SVG}rect")]
    assert classes == [
        "band",
        "range range-outside",
        "band",
        "range range-outside",
        "band",
        "range",
    ]
    ranges = [
        (r.get("data-low"), r.get("data-high"))
        for r in dollars.iter(f"{SVG}rect")
        if r.get("class").startswith("range")
    ]
    assert ranges == [("150000", "210000"), ("100000", "120000"), ("150000", "190000")]
    assert 'href="/insights/pay-ranges-by-jd.csv"' in html


def test_the_per_jd_csv_keeps_one_row_per_job_description(staff_client, issued):
    response = staff_client.get(csv_url("pay-ranges-by-jd"))
    header, *rows = csv_rows(response)
    assert header[2] == "Job description" and header[-1] == "Where the range sits"
    assert rows == PAY_BY_JD
    assert "insights-pay-ranges-by-jd-" in response["Content-Disposition"]


def test_pay_ranges_are_grouped_with_medians_and_a_band_only_when_shared(staff_client, db):
    """Seven JDs, hand-counted (USD per year):

    - Software Engineer, senior, band 140000–200000 for all three: 150000–190000 (inside),
      130000–180000 (starts below), 160000–220000 (goes above). Medians 150000 and 190000.
    - Software Engineer, mid: 100000–120000 with no office (band 110000–150000: below) and
      125000–155000 in Denver (Denver's band 120000–160000: inside). Two bands: "Several
      bands", none drawn; medians (100000+125000)/2 = 112500 and (120000+155000)/2 = 137500.
    - Data Analyst, mid: two JDs of 80000–100000, and no band.
    """
    owner = ManagerFactory()
    engineer = Role.objects.get(slug="software-engineer")
    denver = OfficeFactory(name="Denver")
    PayBandFactory(role=engineer, seniority="senior", minimum=140000, maximum=200000)
    PayBandFactory(role=engineer, seniority="", minimum=110000, maximum=150000)
    PayBandFactory(role=engineer, seniority="", office=denver, minimum=120000, maximum=160000)
    for title, low, high in (("A", 150000, 190000), ("B", 130000, 180000), ("C", 160000, 220000)):
        final_jd(
            owner,
            slug="software-engineer",
            seniority=Seniority.SENIOR,
            title=f"Senior {title}",
            salary_min=str(low),
            salary_max=str(high),
        )
    final_jd(
        owner, slug="software-engineer", title="Mid A", salary_min="100000", salary_max="120000"
    )
    final_jd(
        owner,
        slug="software-engineer",
        title="Mid B",
        salary_min="125000",
        salary_max="155000",
        office=denver.pk,
    )
    for title in ("Analyst 1", "Analyst 2"):  # the same range twice: one row, counted twice
        final_jd(owner, slug="data-analyst", title=title, salary_min="80000", salary_max="100000")

    html = staff_client.get(PAGE).content.decode()
    expected = [
        ["Data Analyst", "Mid-level", "USD", "per year", "2", "80000", "100000", "80000"]
        + ["100000", "No band", "0", "0", "0", "0", "0", "2"],
        ["Software Engineer", "Mid-level", "USD", "per year", "2", "112500", "137500", "100000"]
        + ["155000", "Several bands", "1", "1", "0", "0", "0", "0"],
        ["Software Engineer", "Senior", "USD", "per year", "3", "150000", "190000", "130000"]
        + ["220000", "140000–200000", "1", "1", "1", "0", "0", "0"],
    ]
    assert table_rows(html, "pay-ranges") == expected
    assert csv_rows(staff_client.get(csv_url("pay-ranges")))[1:] == expected
    # One axis (all USD per year), one bar per group at its medians; only the senior group
    # (one band for all) has its band behind it, and its median range is inside it.
    assert len(re.findall(r'<svg [^>]*id="chart-pay-\d+"', html)) == 1
    svg = svg_of(html, "chart-pay-0")
    rects = [
        (r.get("class"), r.get("data-low"), r.get("data-high")) for r in svg.iter(f"{SVG}rect")
    ]
    assert rects == [
        ("range", "80000", "100000"),
        ("range", "112500", "137500"),
        ("band", None, None),
        ("range", "150000", "190000"),
    ]
    assert [line.get("class") for line in svg.iter(f"{SVG}line")].count("spread") == 3
    by_jd = csv_rows(staff_client.get(csv_url("pay-ranges-by-jd")))[1:]
    assert [(row[2], row[7], row[8], row[9]) for row in by_jd] == [
        ("Analyst 1", "", "", "No band"),
        ("Analyst 2", "", "", "No band"),
        ("Mid A", "110000", "150000", "Starts below the band"),
        ("Mid B", "120000", "160000", "Inside the band"),
        ("Senior A", "140000", "200000", "Inside the band"),
        ("Senior B", "140000", "200000", "Starts below the band"),
        ("Senior C", "140000", "200000", "Goes above the band"),
    ]


def test_a_range_that_is_not_a_number_is_left_out_not_an_error(staff_client, db):
    owner = ManagerFactory()
    final_jd(owner, slug="data-analyst", title="Fine", salary_min="80000", salary_max="100000")
    broken = final_jd(owner, slug="data-analyst", title="Broken")
    revision = broken.latest_revision
    revision.snapshot["posting"] = {**revision.snapshot["posting"], "salary_min": "lots"}
    revision.save(update_fields=["snapshot"])
    response = staff_client.get(PAGE)
    assert response.status_code == 200
    assert [row[:5] for row in table_rows(response.content.decode(), "pay-ranges")] == [
        ["Data Analyst", "Mid-level", "USD", "per year", "1"]
    ]
    by_jd = csv_rows(staff_client.get(csv_url("pay-ranges-by-jd")))[1:]
    assert [row[2] for row in by_jd] == ["Fine"]


# --- d. quality scores of open postings -------------------------------------------------------


def test_quality_scores_of_open_postings(staff_client, issued):
    expected = [[f"{low}–{low + 9}", "0"] for low in range(0, 90, 10)] + [["90–100", "1"]]
    expected[4][1] = "1"  # 42
    expected[8][1] = "1"  # 85; the closed posting's 10 is not counted
    html = staff_client.get(PAGE).content.decode()
    assert table_rows(html, "quality-scores") == expected
    assert "(3 scored)" in html
    assert csv_rows(staff_client.get(csv_url("quality-scores")))[1:] == expected
    bars = svg_of(html, "chart-quality").iter(f"{SVG}rect")
    assert [bar.get("data-value") for bar in bars] == [count for _, count in expected]


def test_postings_with_the_same_score_are_each_counted(staff_client, issued):
    # The scientist's 42 becomes 85, like the senior engineer's: 80–89 holds two, 40–49 none.
    JobDescriptionRevision.objects.filter(pk=issued.scientist.latest_revision_id).update(
        quality={"score": 85, "errors": 0, "warnings": 0}
    )
    rows = dict(csv_rows(staff_client.get(csv_url("quality-scores")))[1:])
    assert (rows["40–49"], rows["80–89"], rows["90–100"]) == ("0", "2", "1")
    assert "(3 scored)" in staff_client.get(PAGE).content.decode()


# --- e. time from submission to approval ------------------------------------------------------


def test_time_from_submission_to_approval(staff_client, db):
    approvals()
    html = staff_client.get(PAGE).content.decode()
    months = [["2025-03", "2", "2.25"], ["2025-04", "1", "10"]]
    assert table_rows(html, "approval-time") == months
    assert csv_rows(staff_client.get(csv_url("approval-time")))[1:] == months
    histogram = [
        ["under 1 day", "0"],
        ["1 day", "1"],
        ["2 days", "0"],
        ["3–4 days", "1"],
        ["5–7 days", "0"],
        ["8–14 days", "1"],
        ["15–30 days", "0"],
        ["31 days or more", "0"],
    ]
    assert table_rows(html, "approval-histogram") == histogram
    assert csv_rows(staff_client.get(csv_url("approval-histogram")))[1:] == histogram
    bars = svg_of(html, "chart-approval-months").iter(f"{SVG}rect")
    assert [(b.get("data-label"), b.get("data-value")) for b in bars] == [
        ("2025-03", "2.25"),
        ("2025-04", "10"),
    ]


# --- empty states, escaping -------------------------------------------------------------------


def test_empty_states_instead_of_empty_charts(staff_client):
    html = staff_client.get(PAGE).content.decode()
    assert html.count("No issued job descriptions yet.") == 2
    assert "No issued job description states a salary range yet." in html
    assert "No open postings yet." in html
    assert html.count("No approved submissions yet.") == 2
    assert "<svg" not in html and "<table" not in html
    header, *rows = csv_rows(staff_client.get(csv_url("required-skills")))
    assert header and rows == []


HOSTILE = '<script>alert("x")</script>'
FORMULA = '=HYPERLINK("http://evil.example")'


def test_hostile_names_are_escaped_in_svg_table_and_csv(staff_client, db):
    owner = ManagerFactory()
    department = DepartmentFactory(name=FORMULA)
    final_jd(owner, slug="data-analyst", required=2, department=department.pk)
    Role.objects.filter(slug="data-analyst").update(name=HOSTILE)
    html = staff_client.get(PAGE, {"by": "department"}).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert table_rows(html, "required-skills")[0][0] == HOSTILE
    svg = svg_of(html, "chart-required-skills")  # well-formed: it parses
    assert [bar.get("data-label") for bar in svg.iter(f"{SVG}rect")] == [HOSTILE]
    assert [t.text for t in svg.iter(f"{SVG}text")][0] == HOSTILE
    assert svg_of(html, "chart-inflation").find(f"{SVG}g").get("data-label") == FORMULA
    # CSV: the role as text; the department's formula defused with a leading apostrophe.
    assert csv_rows(staff_client.get(csv_url("required-skills")))[1][0] == HOSTILE
    rows = csv_rows(staff_client.get(csv_url("inflation", by="department")))
    assert rows[1][0] == "'" + FORMULA


def test_the_page_is_valid_html_with_every_chart_drawn(staff_client, issued, vnu):
    """The Nu checker (Java and node_modules/vnu-jar, as CI installs them) finds nothing, inline
    SVG included, with a hostile role name on the page."""
    approvals()
    Role.objects.filter(slug="data-analyst").update(name=HOSTILE)
    html = staff_client.get(PAGE).content.decode()
    assert html.count("<svg") == 7  # the pay chart draws two axes (USD and EUR)
    errors = [str(m) for m in vnu(html) if m.is_error or m.is_warning]
    assert errors == [], "\n".join(errors)
