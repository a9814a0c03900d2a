"""Documents built from plain snapshots, without the database: for the renderer tests."""

from __future__ import annotations

import datetime
from typing import Any

from jdbuilder.document import Document
from jdbuilder.snapshots import read_snapshot
from tests.factories import full_posting

POSTED = datetime.date(2030, 1, 15)


def make_snapshot(*, posting: dict[str, Any] | None = None, **overrides: Any) -> dict[str, Any]:
    """A finalized JD's snapshot as take_snapshot writes it, with realistic content."""
    snapshot: dict[str, Any] = {
        "schema": 1,
        "public_id": "0b7f0c38-8d39-4c55-9a55-1b2a3c4d5e6f",
        "revision": 1,
        "title": "Senior Software Engineer",
        "seniority": "senior",
        "seniority_label": "Senior",
        "role": {
            "name": "Software Engineer",
            "slug": "software-engineer",
            "onet_code": "15-1252.00",
            "works_with": ["Designers", "Product managers"],
        },
        "responsibilities": [
            {"area": "Build", "area_position": 1, "text": "Design services", "custom": False},
            {"area": "Build", "area_position": 1, "text": "Write tests", "custom": False},
            {"area": "Operate", "area_position": 2, "text": "Run on call", "custom": False},
        ],
        "skills": [
            {
                "name": "Python",
                "category": "technical",
                "level_rank": 4,
                "level_name": "Advanced",
                "level_descriptor": "Leads work on complex problems.",
                "importance": "required",
            },
            {
                "name": "Go",
                "category": "technical",
                "level_rank": 2,
                "level_name": "Working",
                "level_descriptor": "Applies it with some guidance.",
                "importance": "nice_to_have",
            },
        ],
        "scale": ["Awareness", "Working", "Practitioner", "Advanced", "Expert"],
        "tools": [
            {"name": "Git", "area": "Source control", "area_position": 1},
            {"name": "Kafka", "area": None, "area_position": 99},
        ],
        "posting": full_posting(**{"closing_date": "2030-02-28", **(posting or {})}),
    }
    snapshot.update(overrides)
    return snapshot


def make_document(
    *, date_posted: datetime.date | None = POSTED, posting: dict | None = None, **overrides: Any
) -> Document:
    return read_snapshot(make_snapshot(posting=posting, **overrides), date_posted=date_posted)


REMOTE = {"workplace_type": "remote", "applicant_location": "United States"}
