"""Reading and validating a release: missing files, and malformed lines named by file and line.

Each test runs the command; a malformed release is refused whole, and nothing changes.
"""

import pytest
from django.core.management import CommandError

from roles.models import Role, Tool
from roles.onet.files import read_release
from tests.roles.onet.helpers import CODES, edit, line_of, run, snapshot


def test_missing_optional_files_are_noted(catalog, release):
    (release / "Technology Skills.txt").unlink()
    (release / "Tools Used.txt").unlink()
    out = run(release)
    assert "Note: Technology Skills.txt not found" in out
    assert "Note: Tools Used.txt not found" in out
    assert Role.objects.filter(onet_code__in=CODES).count() == 4
    assert not Tool.objects.filter(roles__onet_code__in=CODES).exists()


def test_each_skill_is_read_with_its_content_model_element_id(release):
    found = read_release(release)
    assert found.skill_elements["Programming"] == "2.B.3.e"
    assert found.skill_elements["Mathematics"] == "2.A.1.e"
    assert list(found.skill_elements) == found.skill_names  # every skill, in file order
    assert len(found.skill_names) == 35


# fmt: off
MALFORMED = [
    # (file, old text, new text, message fragment)
    ("Skills.txt", "\tN\tn/a\t08/2023\tAnalyst\n", "\tN\tn/a\t08/2023\n",
     "14 columns, expected 15"),
    ("Alternate Titles.txt", "15-2051.00\tData Scientists\tData Scientist\t",
     "15-2051\tData Scientists\tData Scientist\t", "bad O*NET-SOC code '15-2051'"),
    ("Skills.txt", "Persuasion\tIM\tImportance\t3.12", "Persuasion\tIM\tImportance\tthree",
     "Data Value 'three' is not a number"),
    ("Skills.txt", "Persuasion\tIM\tImportance\t3.12", "Persuasion\tIM\tImportance\tNaN",
     "Data Value 'NaN' is not a number"),
    ("Skills.txt", "Persuasion\tIM\tImportance", "Persuasion\tXX\tImportance",
     "Scale ID 'XX' is not IM or LV"),
    ("Skills.txt", "Persuasion\tLV\tLevel\t3.00", "Persuasion\tLV\tLevel\t7.50",
     "Data Value 7.50 is outside 0-7 for LV"),
    ("Skills.txt", "Persuasion\tLV\tLevel\t3.00", "Persuasion\tIM\tLevel\t3.00",
     "second IM rating of Persuasion"),
    ("Alternate Titles.txt", "15-2051.00\tData Scientists\tData Scientist\t",
     "15-2099.00\tData Scientists\tData Scientist\t", "unknown occupation 15-2099.00"),
    ("Task Statements.txt", "15-1252.00\tSoftware Developers\t16987",
     "15-1252.00\tSoftware Engineers\t16987", "title 'Software Engineers' of 15-1252.00 differs"),
    ("Task Statements.txt", "cost constraints.\tCore", "cost constraints.\tOptional",
     "Task Type 'Optional' is not Core or Supplemental"),
    ("Technology Skills.txt", "Microsoft Word\t43232104", "Microsoft Word\t4323210X",
     "Commodity Code '4323210X' is not 8 digits"),
    ("Technology Skills.txt", "Word processing software\tY\tY", "Word processing software\tYes\tY",
     "Hot Technology 'Yes' is not Y or N"),
    ("Tools Used.txt", "Ten key calculators\t44101807\tCalculators",
     "Ten key calculators\t44101807\t", "empty 'Commodity Title'"),
    ("Occupation Data.txt", "43-9021.00\tData Entry Keyers",
     "15-1252.00\tData Entry Keyers", "occupation 15-1252.00 listed twice"),
]
# fmt: on


@pytest.mark.parametrize(
    ("name", "old", "new", "message"), MALFORMED, ids=[case[3] for case in MALFORMED]
)
def test_malformed_line_is_named_and_nothing_loads(catalog, release, name, old, new, message):
    edit(release, name, old, new)
    number = line_of(release, name, new.strip("\n") or old)
    before = snapshot()
    with pytest.raises(CommandError) as error:
        run(release)
    assert f"{name} line {number}: {message}" in str(error.value)
    assert "nothing changed" in str(error.value)
    assert snapshot() == before
    assert not Role.objects.filter(onet_code__in=CODES).exists()


def test_header_is_checked_exactly(catalog, release):
    edit(release, "Task Statements.txt", "Task Type\t", "Type\t")
    with pytest.raises(CommandError, match=r"Task Statements.txt line 1: header is not the O\*NET"):
        run(release)
    assert not Role.objects.filter(onet_code__in=CODES).exists()


def test_lone_rating_is_refused(catalog, release):
    lines = (release / "Skills.txt").read_text(encoding="utf-8").splitlines(keepends=True)
    number = next(i for i, line in enumerate(lines, 1) if "\tWriting\tLV\t" in line)
    del lines[number - 1]
    (release / "Skills.txt").write_text("".join(lines), encoding="utf-8")
    message = rf"Skills.txt line {number - 1}: Writing of 15-1211.00 has an IM rating but no LV"
    with pytest.raises(CommandError, match=message):
        run(release)


def test_not_utf8_is_refused(catalog, release):
    path = release / "Occupation Data.txt"
    path.write_bytes(path.read_bytes().replace(b"Keyers", b"Key\xe9rs", 1))
    with pytest.raises(CommandError, match=r"Occupation Data.txt line 5: not UTF-8"):
        run(release)


def test_missing_required_file_is_named(catalog, release):
    (release / "Skills.txt").unlink()
    with pytest.raises(CommandError, match=r"Skills.txt: missing from"):
        run(release)
    with pytest.raises(CommandError, match=r"not a folder"):
        run(release / "nowhere")
