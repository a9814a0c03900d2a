"""Pay transparency: missing range, jurisdictions that require one, ranges too wide."""

from __future__ import annotations

import tomllib

import pytest

from jdbuilder.checks import pay
from jdbuilder.checks.findings import Place, Severity
from tests.jdbuilder.checks.builders import document, salary

ALL = [
    "Colorado",
    "California",
    "Washington State",
    "New York State",
    "New York City",
    "Jersey City",
    "Hawaii",
    "Washington, DC",
    "Maryland",
    "Illinois",
    "Minnesota",
    "New Jersey",
    "Vermont",
    "Massachusetts",
]


def no_range(location: str, **kw) -> list:
    return pay.check(document(location=location, compensation=None, **kw))


def only(findings):
    assert len(findings) == 1, findings
    return findings[0]


# The data file


def test_the_data_file_lists_the_fourteen_jurisdictions_with_their_laws():
    data = tomllib.loads(pay.DATA.read_text(encoding="utf-8"))
    assert [j["name"] for j in data["jurisdictions"]] == ALL
    assert {j["kind"] for j in data["jurisdictions"]} == {"state", "city", "district"}
    assert all(j["law"] and j["patterns"] for j in data["jurisdictions"])
    text = pay.DATA.read_text(encoding="utf-8")
    for law in [
        "Equal Pay for Equal Work Act",
        "SB 1162",
        "SB 5761",
        "194-b",
        "Local Law 32 of 2022",
        "22-026",
        "SB 1057",
        "Wage Transparency Omnibus Amendment Act of 2023",
        "SB 525",
        "HB 3129",
        "HF 5247",
        "S 2310",
        "H 704",
        "H 4890",
    ]:
        assert law in text


# No range at all


def test_a_range_where_none_is_required_gives_no_finding():
    assert pay.check(document(location="Paris, France")) == []


def test_no_range_outside_listed_jurisdictions_is_a_warning():
    finding = only(no_range("Youngstown, Ohio"))
    assert finding.kind == "pay"
    assert finding.severity == Severity.WARNING
    assert "no pay range" in finding.message
    assert finding.suggestion
    assert finding.places == ()
    assert finding.data["jurisdictions"] == []


def test_done_when_denver_colorado_without_salary_is_an_error_naming_colorado():
    finding = only(no_range("Denver, Colorado"))
    assert finding.severity == Severity.ERROR
    assert "Colorado" in finding.message
    assert "Colorado Equal Pay for Equal Work Act" in finding.message
    assert finding.data["jurisdictions"] == ["Colorado"]
    assert finding.places == (
        Place("location", 0, 6, "Denver"),
        Place("location", 8, 16, "Colorado"),
    )


# Each of the fourteen jurisdictions, from a realistic location


@pytest.mark.parametrize(
    ("location", "expected", "places"),
    [
        ("Boulder, CO 80302", ["Colorado"], ["Boulder", "CO"]),
        ("Colorado Springs, Colorado", ["Colorado"], ["Colorado", "Colorado"]),
        ("San Francisco, California", ["California"], ["San Francisco", "California"]),
        ("Los Angeles, CA", ["California"], ["Los Angeles", "CA"]),
        ("Seattle, WA", ["Washington State"], ["Seattle", "WA"]),
        ("Washington", ["Washington State"], ["Washington"]),
        ("Albany, New York", ["New York State"], ["New York"]),
        ("Brooklyn, NY", ["New York State", "New York City"], ["Brooklyn", "NY"]),
        ("New York, NY", ["New York State", "New York City"], ["New York, NY"]),
        ("NYC (Manhattan)", ["New York State", "New York City"], ["NYC", "Manhattan"]),
        ("Jersey City, NJ", ["Jersey City", "New Jersey"], ["Jersey City", "NJ"]),
        ("Honolulu, HI", ["Hawaii"], ["Honolulu", "HI"]),
        ("Washington, DC", ["Washington, DC"], ["Washington, DC"]),
        ("Washington D.C., USA", ["Washington, DC"], ["Washington D.C."]),
        ("District of Columbia", ["Washington, DC"], ["District of Columbia"]),
        ("Baltimore, Maryland", ["Maryland"], ["Baltimore", "Maryland"]),
        ("Chicago, IL", ["Illinois"], ["Chicago", "IL"]),
        ("Minneapolis, Minnesota", ["Minnesota"], ["Minneapolis", "Minnesota"]),
        ("Princeton, New Jersey", ["New Jersey"], ["New Jersey"]),
        ("Burlington, VT", ["Vermont"], ["VT"]),
        ("Boston, Massachusetts", ["Massachusetts"], ["Boston", "Massachusetts"]),
        ("Cambridge,  MA", ["Massachusetts"], ["MA"]),
    ],
)
def test_each_jurisdiction_is_found_with_its_place(location, expected, places):
    finding = only(no_range(location))
    assert finding.severity == Severity.ERROR
    assert finding.data["jurisdictions"] == expected
    assert finding.data["from_location"] == expected
    for name in expected:
        assert name in finding.message
    assert [p.text for p in finding.places] == places
    for place in finding.places:
        assert place.field == "location"
        assert location[place.start : place.end] == place.text


def test_all_fourteen_jurisdictions_are_covered_by_the_cases_above():
    covered = set()
    for location in [
        "Boulder, CO",
        "Los Angeles, CA",
        "Seattle, WA",
        "Brooklyn, NY",
        "Jersey City, NJ",
        "Honolulu, HI",
        "Washington, DC",
        "Baltimore, MD",
        "Chicago, IL",
        "Minneapolis, MN",
        "Burlington, VT",
        "Boston, MA",
    ]:
        covered.update(only(no_range(location)).data["jurisdictions"])
    assert sorted(covered) == sorted(ALL)


@pytest.mark.parametrize(
    "location",
    [
        "Paris, France",
        "New Mexico",
        "Santa Fe, New Mexico",
        "Mexico City, Mexico",
        "Youngstown, Ohio",
        "Toronto, Canada",
        "Toronto, CA",  # CA as Canada's country code
        "Toronto, ON, CA",
        "St Helier, Jersey",  # the Channel Island, not New Jersey
        "Washington, PA",  # a town in Pennsylvania
        "Manhattan, Kansas",
        "Denver, PA",
        "Boulder City, Nevada",
        "Boston, Lincolnshire",
        "Berlin, Germany",
        "",
    ],
)
def test_places_outside_the_jurisdictions_are_only_a_warning(location):
    finding = only(no_range(location))
    assert finding.severity == Severity.WARNING
    assert finding.data["jurisdictions"] == []


def test_washington_dc_is_not_washington_state():
    for location in ["Washington, DC", "Washington, D.C.", "Washington DC 20001"]:
        finding = only(no_range(location))
        assert finding.data["jurisdictions"] == ["Washington, DC"], location
        assert "Washington State" not in finding.message


def test_matching_ignores_case_but_needs_whole_words():
    assert only(no_range("denver, colorado")).data["jurisdictions"] == ["Colorado"]
    assert only(no_range("Coloradoan Heights")).severity == Severity.WARNING
    # Codes count only in capitals after a comma: "co" and "in" are words too.
    assert only(no_range("Smallville, co")).severity == Severity.WARNING


def test_several_states_in_a_list_are_all_named():
    finding = only(no_range("Washington, Oregon, California"))
    assert finding.data["jurisdictions"] == ["California", "Washington State"]


# Remote jobs: where applicants may live


def test_remote_open_to_the_united_states_is_an_error_naming_examples():
    finding = only(
        no_range("Youngstown, Ohio", workplace_type="remote", applicant_location="United States")
    )
    assert finding.severity == Severity.ERROR
    assert finding.data["jurisdictions"] == ALL
    assert finding.data["from_location"] == []
    assert 'Remote applicants may live in "United States"' in finding.message
    assert "e.g. Colorado, California" in finding.message
    assert finding.places == (Place("applicant_location", 0, 13, "United States"),)


@pytest.mark.parametrize(
    ("applicants", "token"),
    [
        ("US", "US"),
        ("USA only", "USA"),
        ("Anywhere in the U.S.", "U.S."),
        ("North America", "North America"),
    ],
)
def test_remote_us_spellings(applicants, token):
    finding = only(
        no_range("Paris, France", workplace_type="remote", applicant_location=applicants)
    )
    assert finding.severity == Severity.ERROR
    (place,) = finding.places
    assert place.text == token
    assert applicants[place.start : place.end] == token


def test_remote_open_to_listed_states_names_them():
    finding = only(
        no_range(
            "Salt Lake City, Utah", workplace_type="remote", applicant_location="Colorado or Utah"
        )
    )
    assert finding.severity == Severity.ERROR
    assert finding.data["jurisdictions"] == ["Colorado"]
    assert finding.places == (Place("applicant_location", 0, 8, "Colorado"),)


@pytest.mark.parametrize("applicants", ["Canada", "Latin America", "Anywhere in Europe", "us"])
def test_remote_open_elsewhere_is_a_warning(applicants):
    finding = only(
        no_range("Toronto, Canada", workplace_type="remote", applicant_location=applicants)
    )
    assert finding.severity == Severity.WARNING


def test_applicant_location_counts_only_for_remote_jobs():
    finding = only(no_range("Paris, France", workplace_type="hybrid", applicant_location="USA"))
    assert finding.severity == Severity.WARNING


def test_remote_job_located_in_a_jurisdiction_names_both():
    finding = only(no_range("New York, NY", workplace_type="remote", applicant_location="Vermont"))
    assert finding.data["jurisdictions"] == ["New York State", "New York City", "Vermont"]
    assert [p.field for p in finding.places] == ["location", "applicant_location"]


# The range itself


@pytest.mark.parametrize(
    ("low", "high", "warned"),
    [
        (100000, 100000, False),
        (100000, 150000, False),
        (100000, 200000, False),  # exactly twice: fine
        (100000, 200001, True),
        (50000, 150000, True),
        ("20.50", "41.00", False),
        ("20.50", "41.01", True),
        (0, 50000, True),
    ],
)
def test_a_range_wider_than_twice_its_minimum_warns(low, high, warned):
    findings = pay.check(document(compensation=salary(low, high)))
    assert bool(findings) is warned
    if warned:
        finding = only(findings)
        assert finding.kind == "pay"
        assert finding.severity == Severity.WARNING
        assert finding.data["maximum"] == str(salary(low, high).maximum)
        assert "wide" in finding.message
        assert finding.suggestion


def test_wide_range_reports_the_ratio():
    finding = only(pay.check(document(compensation=salary(100000, 250000))))
    assert finding.data["ratio"] == 2.5
    assert "2.5 times" in finding.message
    assert "100,000 to 250,000 USD a year" in finding.message
