"""The O*NET mapping rules: levels, importance, skill categories and the area heuristics."""

from decimal import Decimal
from pathlib import Path

import pytest

from roles.onet.mapping import (
    TASK_AREA_KEYWORDS,
    TOOL_AREA_KEYWORDS,
    importance_for,
    level_rank_for,
    skill_category_for,
    task_area_for,
    tool_area_for,
)

DOCS = Path(__file__).resolve().parents[3] / "docs" / "onet-import.md"


@pytest.mark.parametrize(
    ("level", "steps", "rank"),
    [
        ("0", 5, 1),  # the bottom of O*NET's scale is still our first step
        ("1.40", 5, 1),  # 1.4 / 7 * 5 = 1 exactly
        ("1.41", 5, 2),
        ("4.20", 5, 3),  # exactly 3: no float rounding up to 4
        ("4.21", 5, 4),
        ("5.75", 5, 5),
        ("7", 5, 5),
        ("2.33", 3, 1),  # the same formula on a three-step scale: bands of 7 / 3
        ("2.34", 3, 2),
        ("4.67", 3, 3),
        ("6.00", 1, 1),  # a one-step scale
        ("2.00", 7, 2),  # seven steps: rank = ceil(LV)
    ],
)
def test_level_maps_onto_any_number_of_steps(level: str, steps: int, rank: int):
    assert level_rank_for(Decimal(level), steps) == rank


@pytest.mark.parametrize(
    ("value", "importance"),
    [
        ("5", "required"),
        ("3.50", "required"),
        ("3.49", "nice_to_have"),
        ("2.50", "nice_to_have"),
        ("2.49", None),
        ("1", None),
    ],
)
def test_importance_thresholds(value: str, importance: str | None):
    assert importance_for(Decimal(value)) == importance


@pytest.mark.parametrize(
    ("name", "category"),
    [
        ("Speaking", "communication"),
        ("Active Listening", "communication"),
        ("writing", "communication"),
        ("Negotiation", "business"),
        ("Management of Financial Resources", "business"),
        ("Time Management", "business"),
        ("Programming", "technical"),
        ("Critical Thinking", "technical"),
        ("A skill O*NET adds later", "technical"),
    ],
)
def test_skill_categories(name: str, category: str):
    assert skill_category_for(name) == category


@pytest.mark.parametrize(
    ("text", "area"),
    [
        ("Clean and manipulate raw data using statistical software.", "data-engineering"),
        (
            "Compile, sort, and verify the accuracy of data before it is entered.",
            "data-engineering",
        ),
        (
            "Test, validate, and reformulate models to ensure accurate prediction of outcomes.",
            "modeling",
        ),
        ("Deploy new releases to production environments.", "deployment"),
        ("Confer with clients regarding their requirements.", "business-analysis"),
        ("Maintain network security and server backups.", "ai-infrastructure"),
        ("Store completed documents in appropriate locations.", "business-analysis"),  # default
        ("Store data on the system.", "data-engineering"),  # a tie: the earlier area wins
    ],
)
def test_task_area_heuristic(text: str, area: str):
    assert task_area_for(text) == area


@pytest.mark.parametrize(
    ("commodity", "area"),
    [
        ("Data base management system software", "data-engineering"),
        ("Analytical or scientific software", "modeling"),
        ("Object or component oriented development software", "deployment"),
        ("Spreadsheet software", "business-analysis"),
        ("Business intelligence and data analysis software", "business-analysis"),
        ("Operating system software", "ai-infrastructure"),
        ("Desktop computers", "ai-infrastructure"),
        ("Photocopiers", "ai-infrastructure"),  # default
    ],
)
def test_tool_area_heuristic(commodity: str, area: str):
    assert tool_area_for(commodity) == area


def test_docs_list_every_keyword():
    docs = DOCS.read_text(encoding="utf-8")
    for keywords in (TASK_AREA_KEYWORDS, TOOL_AREA_KEYWORDS):
        for area, stems in keywords.items():
            assert area in docs
            for stem in stems:
                assert f"`{stem}`" in docs, stem
