"""Pay bands from CSV: every fault of a file named with its line, nothing written when there is
one, and bands created or updated by scope (with history) when there is none."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jdbuilder.organization import band_import
from jdbuilder.organization.band_import import (
    BandImportError,
    import_bands_file,
    read_bands,
)
from jdbuilder.organization.models import PayBand
from roles.models import CatalogVersion, Role
from tests.factories import OfficeFactory, PayBandFactory, RoleGroupFactory, StaffFactory

HEADER = "role,role_group,seniority,office,country,region,minimum,maximum,currency,period"


@pytest.fixture
def setup(catalog):
    engineer = Role.objects.get(slug="software-engineer")
    Role.objects.filter(pk=engineer.pk).update(onet_code="15-1252.00")
    scientist = Role.objects.get(slug="data-scientist")
    return {
        "engineer": engineer,
        "scientist": scientist,
        "denver": OfficeFactory(name="Denver", region="CO", country="US"),
        "group": RoleGroupFactory(name="Data roles", roles=[scientist]),
    }


def csv(*lines: str, header: str = HEADER) -> bytes:
    return "\r\n".join([header, *lines]).encode("utf-8")


GOOD = csv(
    "software-engineer,,Senior,Denver,,,150000,190000,USD,YEAR",
    '15-1252.00,,,,US,CO,"140,000",180000.50,usd,per year',
    "software-engineer,,junior,,DE,,55000,70000,EUR,yearly",
    ",Data roles,,,,,60,90,USD,hourly",
)


def faults_of(data: bytes, name: str = "bands.csv") -> list[str]:
    with pytest.raises(BandImportError) as refused:
        read_bands(filename=name, data=data)
    return refused.value.faults


def only_fault(data: bytes) -> str:
    faults = faults_of(data)
    assert len(faults) == 1, faults
    return faults[0]


# A good file


def test_a_good_file_creates_every_band(setup):
    before = CatalogVersion.objects.current()
    counts = import_bands_file(filename="bands.csv", data=GOOD)
    assert (counts.created, counts.updated, counts.unchanged) == (4, 0, 0)
    denver = PayBand.objects.get(office=setup["denver"])
    assert (denver.role, denver.seniority, denver.minimum, denver.maximum) == (
        setup["engineer"],
        "senior",
        150000,
        190000,
    )
    colorado = PayBand.objects.get(region="CO")
    assert colorado.role == setup["engineer"]  # by its O*NET code
    assert (colorado.country, colorado.minimum, colorado.maximum) == (
        "US",
        140000,
        Decimal("180000.50"),
    )
    assert colorado.currency == "USD" and colorado.period == "YEAR"
    germany = PayBand.objects.get(country="DE")
    assert (germany.seniority, germany.currency) == ("junior", "EUR")
    group = PayBand.objects.get(role_group=setup["group"])
    assert (group.role, group.seniority, group.period) == (None, "", "HOUR")
    assert group.history.get().history_type == "+"
    assert CatalogVersion.objects.current() != before  # drafts see the new bands


def test_a_byte_order_mark_columns_in_any_order_and_case_and_blank_rows(setup):
    data = "\ufeff" + "\n".join(
        [
            "Period,Currency,Maximum,Minimum,Role,Seniority",
            "HOUR,USD,80,60,software-engineer,Mid-level",
            ",,,,,",
            "",
        ]
    )
    rows = read_bands(filename="b.csv", data=data.encode("utf-8"))
    assert [(r.line, r.seniority, r.period, r.minimum) for r in rows] == [(2, "mid", "HOUR", 60)]


def test_importing_again_updates_changed_bands_with_history_and_leaves_the_rest(setup):
    staff = StaffFactory()
    import_bands_file(filename="bands.csv", data=GOOD)
    changed = GOOD.replace(b"150000,190000", b"155000,195000")
    counts = import_bands_file(filename="bands-2025.csv", data=changed, user=staff)
    assert (counts.created, counts.updated, counts.unchanged) == (0, 1, 3)
    assert PayBand.objects.count() == 4
    denver = PayBand.objects.get(office=setup["denver"])
    assert (denver.minimum, denver.maximum) == (155000, 195000)
    latest, first = denver.history.order_by("-history_id")
    assert latest.history_type == "~" and latest.history_user == staff
    assert latest.history_change_reason == "Imported from bands-2025.csv"
    assert (first.minimum, first.maximum) == (150000, 190000)
    assert PayBand.objects.get(country="DE").history.count() == 1  # unchanged: no new record


def test_an_existing_band_made_in_the_admin_is_updated_by_its_scope(setup):
    band = PayBandFactory(role=setup["engineer"], seniority="senior", office=setup["denver"])
    counts = import_bands_file(filename="b.csv", data=GOOD)
    assert (counts.created, counts.updated) == (3, 1)
    band.refresh_from_db()
    assert band.minimum == 150000


# Files that are refused whole


def test_an_empty_file(setup):
    assert faults_of(b"") == ["bands.csv: the file is empty"]
    assert faults_of(b"\xef\xbb\xbf \r\n") == ["bands.csv: the file is empty"]


def test_a_header_without_rows(setup):
    assert faults_of(csv()) == ["bands.csv: no bands below the header"]


def test_a_file_not_in_utf8_names_the_line(setup):
    data = csv(
        "software-engineer,,,,,,1,2,USD,YEAR", "software-engineer,,,M\xfcnchen,,,1,2,EUR,YEAR"
    )
    latin1 = data.decode("utf-8").encode("latin-1")
    [fault] = faults_of(latin1)
    assert fault.startswith("bands.csv line 3: not UTF-8")


def test_no_header_row(setup):
    fault = only_fault(b"software-engineer,,,,,,1,2,USD,YEAR\n")
    assert fault.startswith("bands.csv line 1: no header row")


def test_semicolons_are_not_the_delimiter(setup):
    fault = only_fault(HEADER.replace(",", ";").encode() + b"\nsoftware-engineer;;;;;;1;2;USD;YEAR")
    assert (
        fault == "bands.csv line 1: the columns must be separated by commas, not semicolons or tabs"
    )


def test_an_unknown_column(setup):
    fault = only_fault(csv("software-engineer,,,,,,1,2,USD,YEAR,x", header=HEADER + ",bonus"))
    assert fault.startswith('bands.csv line 1: unknown column "bonus"')


def test_missing_columns(setup):
    faults = faults_of(b"role,minimum,maximum\nsoftware-engineer,1,2\n")
    assert faults == [
        'bands.csv line 1: missing column "currency"',
        'bands.csv line 1: missing column "period"',
    ]
    faults = faults_of(b"seniority,minimum,maximum,currency,period\n,1,2,USD,YEAR\n")
    assert faults == ['bands.csv line 1: missing column "role" (or "role_group")']


def test_a_column_twice(setup):
    fault = only_fault(csv("a,,,,,,1,2,USD,YEAR,b", header=HEADER + ",role"))
    assert fault == 'bands.csv line 1: column "role" appears twice'


def test_a_file_too_large(setup, monkeypatch):
    monkeypatch.setattr(band_import, "MAX_BYTES", 100)
    assert faults_of(GOOD) == ["bands.csv: the file is larger than 100 bytes"]
    assert band_import.size_text(2 * 1024 * 1024) == "2 MB"
    assert PayBand.objects.count() == 0


def test_too_many_rows(setup, monkeypatch):
    monkeypatch.setattr(band_import, "MAX_ROWS", 3)
    rows = [f"software-engineer,,,,US,R{n},1,2,USD,YEAR" for n in range(4)]
    assert faults_of(csv(*rows)) == ["bands.csv line 5: more than 3 rows; split the file"]


def test_a_broken_quote(setup):
    [fault] = faults_of(csv('software-engineer,,,,,,"1"x,2,USD,YEAR'))
    assert fault.startswith("bands.csv line 2: ")


# Bad rows: each fault named with its line


@pytest.mark.parametrize(
    ("row", "fault"),
    [
        ("nobody,,,,,,1,2,USD,YEAR", 'no role "nobody" in the catalog'),
        (",Nobody's group,,,,,1,2,USD,YEAR", 'no role group "Nobody\'s group"'),
        ("software-engineer,Data roles,,,,,1,2,USD,YEAR", "a role or a role group, not both"),
        (",,,,,,1,2,USD,YEAR", "no role and no role group"),
        ("software-engineer,,,Atlantis,,,1,2,USD,YEAR", 'no office "Atlantis"'),
        ("software-engineer,,,Denver,US,,1,2,USD,YEAR", "an office or a country and region"),
        ("software-engineer,,,,,CO,1,2,USD,YEAR", 'region "CO" needs a country'),
        ("software-engineer,,,,XX,,1,2,USD,YEAR", 'country "XX" is no ISO 3166'),
        ("software-engineer,,,,,,200,100,USD,YEAR", "minimum 200 is above maximum 100"),
        ("software-engineer,,,,,,-5,100,USD,YEAR", "minimum -5 is negative"),
        ("software-engineer,,,,,,abc,100,USD,YEAR", 'minimum "abc" is not a number'),
        ('software-engineer,,,,,,1,"1,00",USD,YEAR', 'maximum "1,00" is not a number'),
        ("software-engineer,,,,,,1.234,2,USD,YEAR", 'minimum "1.234" is not a number'),
        ("software-engineer,,,,,,1,99999999999,USD,YEAR", "maximum 99999999999 is too large"),
        ("software-engineer,,,,,,,2,USD,YEAR", "no minimum"),
        ("software-engineer,,,,,,1,2,DOLLARS,YEAR", 'currency "DOLLARS" is no ISO 4217'),
        ("software-engineer,,,,,,1,2,XAU,YEAR", 'currency "XAU" is no ISO 4217'),
        ("software-engineer,,,,,,1,2,,YEAR", "no currency"),
        ("software-engineer,,,,,,1,2,USD,fortnightly", 'period "fortnightly" is none of'),
        ("software-engineer,,,,,,1,2,USD,", "no period"),
        ("software-engineer,,guru,,,,1,2,USD,YEAR", 'seniority "guru" is none of Junior'),
        ("software-engineer,,,,,,1,2,USD", "9 values, but the header names 10 columns"),
    ],
)
def test_each_bad_row_is_named_with_its_line(setup, row, fault):
    good = "software-engineer,,,,,,1,2,USD,YEAR"
    data = csv(good.replace(",,,,,,", ",,senior,,,,"), row)
    faults = faults_of(data, "pay.csv")
    assert len(faults) == 1, faults
    assert faults[0].startswith("pay.csv line 3: "), faults[0]
    assert fault in faults[0]


def test_every_fault_of_every_line_is_named(setup):
    data = csv(
        "nobody,,,,,,1,2,USD,YEAR",
        "software-engineer,,,,,,1,2,USD,YEAR",
        "software-engineer,,guru,,,,3,1,EURO,YEAR",
    )
    faults = faults_of(data)
    assert faults[0].startswith("bands.csv line 2: no role")
    assert [f.split(":")[0] for f in faults[1:]] == ["bands.csv line 4"] * 3
    assert any("guru" in f for f in faults) and any("EURO" in f for f in faults)
    assert any("above maximum" in f for f in faults)


def test_a_quoted_cell_with_a_line_break_counts_as_one_spreadsheet_row(setup):
    data = csv(
        'software-engineer,,,,US,"Colorado\nfront range",1,2,USD,YEAR', "nobody,,,,,,1,2,USD,YEAR"
    )
    [fault] = faults_of(data)
    assert fault.startswith("bands.csv line 3: no role")


def test_the_same_scope_twice_names_both_lines(setup):
    data = csv(
        "software-engineer,,Senior,Denver,,,1,2,USD,YEAR",
        "software-engineer,,,,US,,1,2,USD,YEAR",
        "15-1252.00,,senior,denver,,,3,4,USD,YEAR",  # the same band, named differently
    )
    assert only_fault(data) == (
        "bands.csv line 4: the same band (role, seniority and place) as line 2"
    )


def test_one_bad_row_writes_nothing(setup):
    PayBandFactory(role=setup["engineer"], seniority="senior", office=setup["denver"], minimum=1)
    before = CatalogVersion.objects.current()
    bad = GOOD + b"\r\nsoftware-engineer,,,,,,abc,2,USD,YEAR"
    with pytest.raises(BandImportError) as refused:
        import_bands_file(filename="bands.csv", data=bad)
    assert refused.value.faults == [
        'bands.csv line 6: minimum "abc" is not a number (write it as 120000 or 120,000.50)'
    ]
    assert PayBand.objects.count() == 1
    assert PayBand.objects.get().minimum == 1
    assert CatalogVersion.objects.current() == before


def test_a_failed_write_leaves_nothing(setup, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(band_import, "_update", fail)
    PayBandFactory(role=setup["engineer"], seniority="senior", office=setup["denver"], minimum=1)
    with pytest.raises(RuntimeError):
        import_bands_file(filename="bands.csv", data=GOOD)
    assert PayBand.objects.count() == 1  # the three new bands were rolled back
    assert PayBand.objects.get().minimum == 1


def test_faults_stop_being_listed_after_a_cap(setup, monkeypatch):
    monkeypatch.setattr(band_import, "MAX_FAULTS", 3)
    faults = faults_of(csv(*["nobody,,,,,,1,2,USD,YEAR"] * 10))
    assert len(faults) == 4
    assert faults[-1] == "bands.csv: stopped after 3 faults"


def test_digits_of_other_scripts_are_not_numbers(setup):
    fault = only_fault(csv("software-engineer,,,,,,\u0661\u0662,2,USD,YEAR"))
    assert "is not a number" in fault


def test_a_huge_cell_is_quoted_short(setup):
    fault = only_fault(csv(f"{'x' * 5000},,,,,,1,2,USD,YEAR"))
    assert len(fault) < 200 and fault.count("x") < 70
