"""The pay-transparency rules file: its validation names each fault, and the shipped file is
valid."""

from __future__ import annotations

import copy
import datetime
import tomllib

import pytest

from jdbuilder.checks.pay_rules import DATA, PayRulesError, load, parse, pay_rules

SHIPPED = tomllib.loads(DATA.read_text(encoding="utf-8"))


def minimal() -> dict:
    return {
        "version": 1,
        "updated": datetime.date(2026, 1, 1),
        "jurisdictions": [
            {
                "id": "ca-on",
                "name": "Ontario",
                "kind": "province",
                "law": {"title": "ESA", "citation": "s. 8.1"},
                "sources": ["https://www.ontario.ca/laws/regulation/240476"],
                "places": [
                    {
                        "id": "ca-on",
                        "kind": "province",
                        "name": "Ontario",
                        "codes": ["ON"],
                        "within": "ca",
                    },
                    {"id": "ca-on-toronto", "kind": "city", "name": "Toronto", "within": "ca-on"},
                ],
                "rules": [
                    {
                        "effective": datetime.date(2026, 1, 1),
                        "min_employees": 25,
                        "disclose": ["pay_range"],
                        "remote": "if_performed_there",
                        "remote_note": "Work performed in Ontario.",
                    }
                ],
            }
        ],
        "places": [{"id": "ca", "kind": "country", "name": "Canada", "codes": ["CA"]}],
    }


def fault(data: dict) -> str:
    with pytest.raises(PayRulesError) as error:
        parse(data)
    return str(error.value)


def test_the_shipped_file_is_valid_and_versioned():
    rules = pay_rules()
    assert rules.version >= 2 and rules.updated >= datetime.date(2026, 1, 1)
    assert pay_rules() is rules  # cached
    ontario = rules.jurisdiction("ca-on").rule_on(datetime.date(2026, 6, 1))
    assert ontario.min_employees == 25
    assert ontario.max_range_width.amount == 50000 and ontario.max_range_width.currency == "CAD"
    assert ontario.max_pay_exempt.amount == 200000
    assert rules.jurisdiction("ca-bc").rule_on(datetime.date(2024, 1, 1)).min_employees == 0


def test_a_minimal_file_parses():
    rules = parse(minimal())
    assert [j.id for j in rules.jurisdictions] == ["ca-on"]
    assert [m.place.id for m in rules.find("Toronto, ON")] == ["ca-on-toronto", "ca-on"]


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        (lambda d: d, "the file: unknown key(s) colour"),
        (lambda d: d["jurisdictions"][0], "jurisdiction ca-on: unknown key(s) colour"),
        (lambda d: d["jurisdictions"][0]["places"][1], "place 2: unknown key(s) colour"),
        (lambda d: d["jurisdictions"][0]["rules"][0], "rule 1: unknown key(s) colour"),
        (lambda d: d["places"][0], "place #1: unknown key(s) colour"),
    ],
)
def test_unknown_keys_anywhere_are_named(where, expected):
    data = minimal()
    where(data)["colour"] = "red"
    assert expected in fault(data)


@pytest.mark.parametrize(
    ("path", "key", "expected"),
    [
        ((), "version", "the file: missing key(s) version"),
        (("jurisdictions", 0), "law", "jurisdiction ca-on: missing key(s) law"),
        (("jurisdictions", 0, "rules", 0), "remote", "rule 1: missing key(s) remote"),
        (("jurisdictions", 0, "places", 1), "kind", "place 2: missing key(s) kind"),
    ],
)
def test_missing_keys_are_named(path, key, expected):
    data = minimal()
    table = data
    for step in path:
        table = table[step]
    del table[key]
    assert expected in fault(data)


def test_unknown_disclose_values_are_named():
    data = minimal()
    data["jurisdictions"][0]["rules"][0]["disclose"] = ["pay_range", "pay_slip"]
    assert "unknown disclose value(s) pay_slip" in fault(data)


def test_unknown_remote_value_is_named():
    data = minimal()
    data["jurisdictions"][0]["rules"][0]["remote"] = "sometimes"
    assert "unknown remote value 'sometimes'" in fault(data)


def test_overlapping_periods_of_one_jurisdiction_are_refused():
    data = minimal()
    first = data["jurisdictions"][0]["rules"][0]
    later = {**copy.deepcopy(first), "effective": datetime.date(2027, 1, 1)}
    data["jurisdictions"][0]["rules"].append(later)
    assert "the rules from 2026-01-01 and from 2027-01-01 overlap" in fault(data)
    first["until"] = datetime.date(2027, 1, 1)  # the same day: still overlapping
    assert "overlap" in fault(data)
    first["until"] = datetime.date(2026, 12, 31)
    rules = parse(data)
    ontario = rules.jurisdiction("ca-on")
    assert ontario.rule_on(datetime.date(2026, 12, 31)) is ontario.rules[0]
    assert ontario.rule_on(datetime.date(2027, 1, 1)) is ontario.rules[1]


def test_a_place_named_twice_needs_qualifying():
    data = minimal()
    data["places"].append({"id": "ca-toronto-2", "kind": "city", "name": "Toronto", "within": "ca"})
    assert "'toronto' names two city places; mark all but one qualified_only" in fault(data)
    data["places"][-1]["within"] = "ca-on"
    data["places"][-1]["qualified_only"] = True
    assert "'toronto' names two city places within the same place" in fault(data)
    data["places"][-1]["within"] = "ca"  # qualified, and elsewhere: allowed
    rules = parse(data)
    assert [m.place.id for m in rules.find("Toronto")] == ["ca-on-toronto"]
    # Different kinds may share a spelling: the province and a city named Ontario.
    data["places"].append({"id": "ca-ontario", "kind": "city", "name": "Ontario", "within": "ca"})
    assert [m.place.id for m in parse(data).find("Ontario")] == ["ca-on"]


def test_a_code_naming_two_places_of_one_kind_is_refused():
    data = minimal()
    data["places"].append({"id": "xx", "kind": "country", "name": "Elsewhere", "codes": ["CA"]})
    assert "'CA' names two country places" in fault(data)


def test_a_within_that_names_nothing_is_refused():
    data = minimal()
    data["jurisdictions"][0]["places"][1]["within"] = "ca-qc"
    assert "place ca-on-toronto: within 'ca-qc' names no place" in fault(data)


def test_a_jurisdiction_place_outside_its_territory_is_refused():
    data = minimal()
    data["jurisdictions"][0]["places"][1]["within"] = "ca"
    assert "does not lie within ca-on" in fault(data)


@pytest.mark.parametrize("value", ["2026-01-01", 20260101, datetime.datetime(2026, 1, 1)])
def test_bad_dates_are_refused(value):
    data = minimal()
    data["jurisdictions"][0]["rules"][0]["effective"] = value
    assert "effective: expected a date" in fault(data)


def test_until_before_effective_is_refused():
    data = minimal()
    data["jurisdictions"][0]["rules"][0]["until"] = datetime.date(2025, 1, 1)
    assert "is before effective" in fault(data)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"min_employees": -1}, "min_employees must be a whole number"),
        ({"max_range_width": {"amount": 50000, "currency": "cad"}}, "not an ISO 4217 code"),
        ({"max_range_width": {"amount": 0, "currency": "CAD"}}, "must be a positive number"),
        ({"disclose": []}, "disclose names nothing"),
    ],
)
def test_bad_values_in_a_rule_are_named(change, expected):
    data = minimal()
    data["jurisdictions"][0]["rules"][0].update(change)
    assert expected in fault(data)


def test_other_faults():
    data = minimal()
    data["jurisdictions"][0]["kind"] = "planet"
    assert "unknown kind 'planet'" in fault(data)
    data = minimal()
    data["jurisdictions"][0]["sources"] = ["see the law"]
    assert "http(s) URL" in fault(data)
    data = minimal()
    data["jurisdictions"].append(copy.deepcopy(data["jurisdictions"][0]))
    assert "the id is used twice" in fault(data)
    data = minimal()
    data["gendered_titles"] = {"Sales Man": "salesperson"}
    assert "must be one lower-case word" in fault(data)
    with pytest.raises(PayRulesError, match="not valid TOML"):
        load("version = ")


def test_the_shipped_file_with_a_fault_added_is_refused():
    data = copy.deepcopy(SHIPPED)
    data["jurisdictions"][0]["rules"][0]["disclose"].append("shoe_size")
    assert "jurisdiction us-co rule 1: unknown disclose value(s) shoe_size" in fault(data)
