"""Pay transparency: missing range, jurisdictions that require one, ranges too wide."""

from __future__ import annotations

import datetime

import pytest

from jdbuilder.checks import pay
from jdbuilder.checks.findings import Place, Severity
from jdbuilder.checks.pay_rules import pay_rules
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


def test_the_data_file_keeps_the_fourteen_us_jurisdictions_and_their_laws():
    rules = pay_rules()
    assert [j.name for j in rules.jurisdictions][: len(ALL)] == ALL
    assert [j.name for j in rules.jurisdictions][len(ALL) :] == [
        "Ontario",
        "British Columbia",
        "Poland",
        "Malta",
        "Lithuania",
    ]
    assert all(j.law.title and j.law.citation and j.sources for j in rules.jurisdictions)
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
        "O. Reg. 476/24",
        "SBC 2023, c. 18",
        "Legal Notice 112 of 2025",
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
        ("Colorado Springs, Colorado", ["Colorado"], ["Colorado Springs", "Colorado"]),
        ("San Francisco, California", ["California"], ["San Francisco", "California"]),
        ("Los Angeles, CA", ["California"], ["Los Angeles", "CA"]),
        ("Seattle, WA", ["Washington State"], ["Seattle", "WA"]),
        ("Washington", ["Washington State"], ["Washington"]),
        ("Albany, New York", ["New York State"], ["New York"]),
        ("Brooklyn, NY", ["New York State", "New York City"], ["Brooklyn", "NY"]),
        ("New York, NY", ["New York State", "New York City"], ["New York", "NY"]),
        ("NYC (Manhattan)", ["New York State", "New York City"], ["NYC", "Manhattan"]),
        ("Jersey City, NJ", ["Jersey City", "New Jersey"], ["Jersey City", "NJ"]),
        ("Honolulu, HI", ["Hawaii"], ["Honolulu", "HI"]),
        ("Washington, DC", ["Washington, DC"], ["Washington", "DC"]),
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
        "Ontario, California",  # the Californian city: no range asked below 15 employees
        "Ontario, OR",
        "London, UK",
        "Columbia, Missouri",
        "British Columbia Road",
        "Washington County, Oregon",
        "Kansas City, Missouri",
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
    finding = only(no_range(location, employee_count=10))
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
    # Every US jurisdiction but Jersey City, whose ordinance is silent on remote roles.
    assert finding.data["jurisdictions"] == [n for n in ALL if n != "Jersey City"]
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


@pytest.mark.parametrize("applicants", ["Mexico", "Latin America", "Anywhere in Asia", "us"])
def test_remote_open_elsewhere_is_a_warning(applicants):
    finding = only(
        no_range("Paris, France", workplace_type="remote", applicant_location=applicants)
    )
    assert finding.severity == Severity.WARNING


def test_applicant_location_counts_only_for_remote_jobs():
    finding = only(no_range("Paris, France", workplace_type="hybrid", applicant_location="USA"))
    assert finding.severity == Severity.WARNING


def test_remote_job_located_in_a_jurisdiction_names_both():
    finding = only(no_range("New York, NY", workplace_type="remote", applicant_location="Vermont"))
    assert finding.data["jurisdictions"] == ["New York State", "New York City", "Vermont"]
    assert [p.field for p in finding.places] == ["location", "location", "applicant_location"]


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


# Ontario, British Columbia, the EU: the rules as data (issue 16)

ONTARIO_DAY = datetime.date(2026, 3, 2)


def cad(low, high, **kw):
    return salary(low, high, currency="CAD", **kw)


def posted(location="Toronto, ON", *, on=ONTARIO_DAY, employees=120, **kw):
    kw.setdefault("compensation", cad(100000, 140000))
    return document(location=location, date_posted=on, employee_count=employees, **kw)


def errors(findings):
    return [f for f in findings if f.severity == Severity.ERROR]


def test_done_when_a_toronto_posting_with_a_60000_wide_range_is_flagged_under_ontario():
    findings = pay.check(posted(compensation=cad(100000, 160000)))
    (finding,) = errors(findings)
    assert finding.message.startswith("Ontario: the range is CAD 60,000 wide; at most CAD 50,000")
    assert "O. Reg. 476/24" in finding.message
    assert finding.data == {
        "jurisdiction": "ca-on",
        "rule": "2026-01-01",
        "verdict": "fail",
        "problem": "max_range_width",
    }


@pytest.mark.parametrize(
    "location",
    ["Toronto, ON", "Ottawa, Ontario", "Toronto", "Toronto, CA", "London, ON", "Remote – Ontario"],
)
def test_ontario_must_match(location):
    [result] = pay.evaluate_rules(posted(location), on=ONTARIO_DAY)
    assert result.jurisdiction.id == "ca-on" and result.applies and result.passed


@pytest.mark.parametrize(
    "location",
    ["Ontario, California", "Ontario, CA", "Ontario, OR", "London, UK", "London", "Paris, France"],
)
def test_ontario_must_not_match(location):
    ids = [r.jurisdiction.id for r in pay.evaluate_rules(posted(location), on=ONTARIO_DAY)]
    assert "ca-on" not in ids


def test_an_office_address_is_matched_field_by_field():
    from jdbuilder.document import Address, Office

    office = Office("Toronto office", Address(locality="Toronto", region="ON", country="CA"))
    doc = posted("", office=office, compensation=cad(100000, 160000))
    [result] = pay.evaluate_rules(doc, on=ONTARIO_DAY)
    assert result.jurisdiction.id == "ca-on" and result.verdict == "fail"
    by_name = Office("HQ", Address(locality="Ottawa", region="Ontario", country="CA"))
    assert [
        r.jurisdiction.id for r in pay.evaluate_rules(posted("", office=by_name), on=ONTARIO_DAY)
    ] == ["ca-on"]
    californian = Office("West", Address(locality="Ontario", region="CA", country="US"))
    ids = [
        r.jurisdiction.id
        for r in pay.evaluate_rules(posted("", office=californian), on=ONTARIO_DAY)
    ]
    assert ids == ["us-ca"]


@pytest.mark.parametrize(("employees", "applies"), [(24, False), (25, True), (None, True)])
def test_ontario_asks_employers_of_25_or_more(employees, applies):
    doc = posted(employees=employees, compensation=cad(100000, 160000))
    [result] = pay.evaluate_rules(doc, on=ONTARIO_DAY)
    assert result.applies is applies
    assert bool(errors(pay.check(doc))) is applies
    if employees == 24:
        assert "25 or more employees; the organization has 24" in result.reason
    if employees is None:
        assert "not known" in result.reason
        assert "treated as covered" in errors(pay.check(doc))[0].message


@pytest.mark.parametrize(
    ("on", "flagged"),
    [(datetime.date(2025, 12, 31), False), (datetime.date(2026, 1, 1), True)],
)
def test_ontario_rule_is_in_force_from_2026(on, flagged):
    doc = posted(on=on, compensation=cad(100000, 160000))
    assert bool(errors(pay.check(doc))) is flagged
    assert bool(pay.evaluate_rules(doc, on=on)) is flagged


def test_ontario_without_a_range_is_an_error_naming_the_law():
    finding = only(errors(pay.check(posted(compensation=None))))
    assert finding.data["jurisdiction_ids"] == ["ca-on"]
    assert "Employment Standards Act, 2000" in finding.message
    assert [p.text for p in finding.places] == ["Toronto", "ON"]


def test_ontario_exempts_postings_above_200000_and_compares_yearly():
    [result] = pay.evaluate_rules(posted(compensation=cad(180000, 240000)), on=ONTARIO_DAY)
    assert not result.applies and "Exempt" in result.reason
    assert errors(pay.check(posted(compensation=cad(180000, 240000)))) == []
    hourly = posted(compensation=cad("40.00", "70.00", period="HOUR"))  # 62,400 a year wide
    (finding,) = errors(pay.check(hourly))
    assert "CAD 62,400 wide a year; at most CAD 50,000" in finding.message


def test_a_cap_in_another_currency_is_a_warning_not_a_comparison():
    doc = posted(compensation=salary(100000, 180000, currency="USD"))
    caps = [f for f in pay.check(doc) if f.data.get("problem") == "currency"]
    (finding,) = caps
    assert finding.severity == Severity.WARNING
    assert "cannot compare" in finding.message


@pytest.mark.parametrize(
    "location", ["Vancouver, BC", "Vancouver, British Columbia", "Victoria, B.C.", "Vancouver"]
)
def test_british_columbia_must_match(location):
    finding = only(errors(pay.check(posted(location, compensation=None, employees=3))))
    assert finding.data["jurisdiction_ids"] == ["ca-bc"]  # every employer, however small


@pytest.mark.parametrize(
    "location", ["Columbia, Missouri", "British Columbia Road", "Vancouver, WA", "Victoria"]
)
def test_british_columbia_must_not_match(location):
    ids = [r.jurisdiction.id for r in pay.evaluate_rules(posted(location), on=ONTARIO_DAY)]
    assert "ca-bc" not in ids


def test_british_columbia_before_november_2023_asked_nothing():
    doc = posted("Vancouver, BC", on=datetime.date(2023, 10, 31), compensation=None)
    assert only(pay.check(doc)).severity == Severity.WARNING


def test_remote_open_to_canada_reaches_ontario_and_british_columbia():
    doc = posted("Remote", workplace_type="remote", applicant_location="Canada", compensation=None)
    finding = only(errors(pay.check(doc)))
    assert finding.data["from_applicant_location"] == ["Ontario", "British Columbia"]
    assert finding.places == (Place("applicant_location", 0, 6, "Canada"),)


@pytest.mark.parametrize(
    ("location", "expected"),
    [
        ("Washington", ["us-wa"]),
        ("Seattle, WA", ["us-wa"]),
        ("Washington County, Oregon", []),
        ("Vancouver, WA", ["us-wa"]),
        ("Kansas City, Missouri", []),
    ],
)
def test_washington_state_is_not_its_namesakes(location, expected):
    found = pay.evaluate_rules(posted(location), on=ONTARIO_DAY)
    assert [r.jurisdiction.id for r in found] == expected


def test_jersey_city_does_not_reach_remote_applicants():
    doc = posted(
        "Remote", workplace_type="remote", applicant_location="Jersey City, NJ", compensation=None
    )
    results = {r.jurisdiction.id: r for r in pay.evaluate_rules(doc, on=ONTARIO_DAY)}
    assert not results["us-nj-jersey-city"].applies
    assert results["us-nj"].applies and not results["us-nj"].passed


# The EU directive where transposed


def test_poland_without_pay_is_a_reminder_not_a_failure():
    doc = posted("Warsaw, Poland", compensation=None)
    (finding,) = pay.check(doc)
    assert finding.severity == Severity.WARNING
    assert "must be given before the interview" in finding.message
    assert finding.data["jurisdiction"] == "eu-pl"
    [result] = pay.evaluate_rules(doc, on=ONTARIO_DAY)
    assert result.applies and result.passed and result.verdict == "warn"


@pytest.mark.parametrize("title", ["Salesman", "Senior Chairman of the Board", "Head Waitress"])
def test_poland_fails_a_gendered_title(title):
    doc = posted("Kraków, PL", title=title, compensation=salary(9000, 12000, currency="PLN"))
    (finding,) = errors(pay.check(doc))
    assert finding.data["problem"] == "gender_neutral_title"
    assert finding.places[0].field == "title"
    assert title[finding.places[0].start : finding.places[0].end] == finding.places[0].text


def test_a_gendered_title_is_fine_where_no_rule_asks():
    assert errors(pay.check(posted("Denver, Colorado", title="Salesman"))) == []
    assert errors(pay.check(posted("Warsaw", title="Salesperson"))) == []


def test_poland_before_its_law_asked_nothing():
    doc = posted("Warsaw", on=datetime.date(2025, 12, 23), title="Salesman", compensation=None)
    assert only(pay.check(doc)).data == {"jurisdictions": []}  # the general warning


def test_malta_reminds_that_pay_is_due_before_employment():
    (finding,) = pay.check(posted("Valletta, MT", compensation=None))
    assert finding.severity == Severity.INFO
    assert "before employment starts" in finding.message


def test_remote_open_to_the_eu_reaches_its_transposing_states():
    doc = posted(
        "Remote",
        workplace_type="remote",
        applicant_location="Anywhere in the EU",
        compensation=None,
    )
    ids = [r.jurisdiction.id for r in pay.evaluate_rules(doc, on=ONTARIO_DAY)]
    assert ids == ["eu-pl", "eu-mt", "eu-lt"]
    assert only(errors(pay.check(doc))).data["jurisdiction_ids"] == ["eu-lt"]


def test_evaluate_rules_lists_passes_too():
    results = pay.evaluate_rules(posted("Brooklyn, NY", compensation=salary()), on=ONTARIO_DAY)
    assert [(r.jurisdiction.id, r.applies, r.passed) for r in results] == [
        ("us-ny", True, True),
        ("us-ny-nyc", True, True),
    ]
    assert results[0].reason.startswith("The posting gives what the rule asks for")


def test_benefits_missing_where_asked_is_a_warning():
    findings = pay.check(posted("Denver, Colorado", compensation=salary(), benefits=()))
    (finding,) = findings
    assert finding.severity == Severity.WARNING and "benefits" in finding.message
    assert finding.data["problem"] == "benefits"  # the preview links it to the benefits field
