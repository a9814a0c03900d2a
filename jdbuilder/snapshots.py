"""The snapshot: the JSON a revision keeps. Written here, read here, and nowhere else.

A snapshot holds every text the document shows, copied from the catalog when the draft is
turned into a revision, so a later catalog edit never changes a document already issued.

- `write_snapshot` makes one from a draft's choices and the catalog rows they name (the caller
  loads those rows: `jdbuilder.documents.build.take_snapshot`);
- `read_snapshot` turns one into the `Document` every page, export and check reads;
- `summarize` gives the few values a list row shows, and `SnapshotPath` names the keys that
  queries filter and sort on (`JobDescription.objects.library(...)`).

Nothing here touches the database.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from itertools import groupby
from typing import Any

from jdbuilder.document import (
    Address,
    Branding,
    Compensation,
    Document,
    Group,
    Office,
    PayBand,
    SkillLine,
    Trace,
    clean,
)
from jdbuilder.drafts import MAX_EXPERIENCE_YEARS, DraftChoices
from jdbuilder.vocabulary import EducationLevel, EmploymentType, Seniority, WorkplaceType
from roles.models import ProficiencyLevel, Role, Skill, TaskArea, Tool

SNAPSHOT_SCHEMA = 1
# Where a responsibility or tool without a task area sorts: after the five areas.
NO_AREA_POSITION = 99


class SnapshotPath:
    """Keys of the snapshot as Django JSON lookups (`snapshot__<path>`)."""

    TITLE = "title"
    ROLE_NAME = "role__name"
    ROLE_SLUG = "role__slug"
    COMPANY_NAME = "posting__company_name"
    LOCATION = "posting__location"
    WORKPLACE_TYPE = "posting__workplace_type"
    EMPLOYMENT_TYPE = "posting__employment_type"
    # What the library's free-text search reads: what its rows show.
    SEARCHED = (TITLE, ROLE_NAME, COMPANY_NAME, LOCATION)


def write_snapshot(
    *,
    public_id: str,
    revision: int,
    title: str,
    seniority: str,
    role: Role,
    works_with: Sequence[str],
    chosen: DraftChoices,
    task_skills: Mapping[int, Sequence[int]],
    areas: Mapping[int, TaskArea],
    levels: Sequence[ProficiencyLevel],
    skills: Mapping[int, Skill],
    tools: Mapping[int, Tool],
    organization: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The snapshot of a draft whose chosen ids name the catalog rows given, with what
    `organization` gives of the company (`OrganizationContent.snapshot_part`: its name, website,
    colour and logo, the department, the office's address and the pay band). `task_skills`: each
    catalog task's exercised skills (traceability), by id.

    A skill or level removed from the catalog since it was chosen is left out; a tool removed
    keeps the name it was chosen under.
    """
    level_by_rank = {level.rank: level for level in levels}
    responsibilities = []
    for item in chosen.responsibilities:
        area = areas.get(item.area) if item.area is not None else None
        responsibilities.append(
            {
                "area": area.name if area else "Other",
                "area_position": area.position if area else NO_AREA_POSITION,
                "text": item.text,
                "custom": item.is_custom,
                # The skills the catalog says this task exercises, by name (none for the
                # manager's own responsibilities).
                "skills": [
                    skills[pk].name
                    for pk in (task_skills.get(item.task, ()) if item.task is not None else ())
                    if pk in skills
                ],
            }
        )
    skill_lines = []
    for item in chosen.skills:
        skill, level = skills.get(item.skill), level_by_rank.get(item.level)
        if skill is None or level is None:
            continue
        skill_lines.append(
            {
                "name": skill.name,
                "category": skill.category,
                "level_rank": level.rank,
                "level_name": level.name,
                "level_descriptor": level.descriptor,
                "importance": item.importance,
                # The O*NET Content Model element, where the catalog knows it ("" if not).
                "onet_element_id": skill.onet_element_id,
            }
        )
    tool_lines = []
    for item in chosen.tools:
        tool = tools.get(item.tool) if item.tool is not None else None
        tool_lines.append(
            {
                "name": tool.name if tool else item.name,
                "area": tool.area.name if tool else None,
                "area_position": tool.area.position if tool else NO_AREA_POSITION,
            }
        )
    return {
        "schema": SNAPSHOT_SCHEMA,
        "public_id": public_id,
        "revision": revision,
        "title": title,
        "seniority": seniority,
        "seniority_label": Seniority(seniority).label,
        "role": {
            "name": role.name,
            "slug": role.slug,
            "onet_code": role.onet_code,
            "works_with": list(works_with),
        },
        "scale": [level.name for level in levels],
        "responsibilities": responsibilities,
        # Responsibilities carry the skills they exercise (snapshots before this do not).
        "traced": True,
        "skills": skill_lines,
        "tools": tool_lines,
        "posting": _posting_texts(chosen),
        **(organization or {}),
    }


def required_skill_count(snapshot: Mapping[str, Any]) -> int:
    """How many skills `snapshot` lists as required (what a revision stores beside it)."""
    skills = snapshot.get("skills") or []
    return sum(1 for s in skills if isinstance(s, dict) and s.get("importance") == "required")


def _posting_texts(chosen: DraftChoices) -> dict[str, Any]:
    # The department and office are kept by name and address (organization part), not by id.
    posting = chosen.posting.to_json()
    posting.pop("department", None)
    posting.pop("office", None)
    # The optional requirements, kept only as values the reader accepts.
    posting["education_requirement"] = _education(posting.get("education_requirement"))
    posting["experience_years"] = _experience_years(posting.get("experience_years"))
    return posting


def _education(value: Any) -> str:
    """A vocabulary.EducationLevel value, or "" (not stated, or not one we know)."""
    return value if isinstance(value, str) and value in EducationLevel.values else ""


def _experience_years(value: Any) -> int | None:
    """Whole years from 0 to MAX_EXPERIENCE_YEARS, or None (the seniority's default)."""
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if 0 <= value <= MAX_EXPERIENCE_YEARS else None


def read_snapshot(
    snapshot: Mapping[str, Any],
    *,
    date_posted: datetime.date | None = None,
    logo: bytes | None = None,
) -> Document:
    """The Document of `snapshot`, every string cleaned of characters that are not text.

    `logo` is the content of the logo the snapshot names (the caller loads it).
    """
    snapshot = _cleaned(snapshot)
    posting = snapshot.get("posting", {})
    low, high = _decimal(posting.get("salary_min")), _decimal(posting.get("salary_max"))
    compensation = None
    if low is not None and high is not None:
        compensation = Compensation(
            minimum=low,
            maximum=high,
            currency=posting.get("salary_currency", ""),
            period=posting.get("salary_period", "YEAR"),
        )
    closing = posting.get("closing_date")
    workplace = posting.get("workplace_type", "")
    employment = posting.get("employment_type", "")
    return Document(
        public_id=snapshot["public_id"],
        revision=snapshot["revision"],
        title=snapshot["title"],
        seniority_label=snapshot["seniority_label"],
        seniority=snapshot.get("seniority", ""),
        role_name=snapshot["role"]["name"],
        onet_code=snapshot["role"].get("onet_code", ""),
        summary=posting.get("summary", ""),
        company_name=posting.get("company_name", ""),
        about_company=posting.get("about_company", ""),
        responsibilities=_grouped(
            snapshot["responsibilities"], key="area", value="text", fallback="Other"
        ),
        traces=_traces(snapshot["responsibilities"]) if snapshot.get("traced") else None,
        required_skills=_skill_lines(snapshot["skills"], required=True),
        nice_to_have_skills=_skill_lines(snapshot["skills"], required=False),
        scale=tuple(snapshot["scale"]),
        tools=_grouped(snapshot["tools"], key="area", value="name", fallback="Other tools"),
        works_with=tuple(snapshot["role"].get("works_with", [])),
        compensation=compensation,
        location=posting.get("location", ""),
        workplace_type=workplace,
        workplace_type_label=_label(WorkplaceType, workplace),
        applicant_location=posting.get("applicant_location", ""),
        employment_type=employment,
        employment_type_label=_label(EmploymentType, employment),
        benefits=_lines(posting.get("benefits", "")),
        equal_opportunity=posting.get("equal_opportunity", ""),
        how_to_apply=posting.get("how_to_apply", ""),
        closing_date=datetime.date.fromisoformat(closing) if closing else None,
        date_posted=date_posted,
        about_team=posting.get("about_team", ""),
        department=(snapshot.get("department") or {}).get("name", ""),
        office=_office(snapshot.get("office")),
        company_website=(snapshot.get("organization") or {}).get("website", ""),
        branding=_branding(snapshot.get("organization"), logo),
        pay_band=_pay_band(snapshot.get("pay_band")),
        # Snapshots written before these fields existed read as "not stated".
        education_requirement=_education(posting.get("education_requirement")),
        months_of_experience=_months(posting.get("experience_years")),
        employee_count=_count((snapshot.get("organization") or {}).get("employee_count")),
    )


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _traces(items: list[dict]) -> tuple[Trace, ...]:
    """Each responsibility with the skills it exercises, in the document's order (that of
    `_grouped`: by task area, chosen order within one)."""
    ordered = sorted(
        enumerate(items), key=lambda pair: (pair[1].get("area_position", NO_AREA_POSITION), pair[0])
    )
    return tuple(
        Trace(
            text=item["text"],
            skills=tuple(name for name in item.get("skills", []) if isinstance(name, str)),
            custom=bool(item.get("custom")),
        )
        for _, item in ordered
    )


def _months(years: Any) -> int | None:
    checked = _experience_years(years)
    return None if checked is None else checked * 12


def logo_sha256(snapshot: Mapping[str, Any]) -> str | None:
    """The digest of the logo `snapshot` names, if any: the logo to load for read_snapshot."""
    logo = (snapshot.get("organization") or {}).get("logo")
    return logo["sha256"] if logo else None


def _office(office: Mapping[str, Any] | None) -> Office | None:
    if not office:
        return None
    address = Address(
        street_address=office.get("street_address", ""),
        locality=office.get("locality", ""),
        region=office.get("region", ""),
        postal_code=office.get("postal_code", ""),
        country=office.get("country", ""),
    )
    remote_only = office.get("remote_only", False)
    return Office(name=office["name"], address=address, remote_only=remote_only)


def _branding(organization: Mapping[str, Any] | None, logo: bytes | None) -> Branding | None:
    if not organization or not organization.get("colour"):
        return None
    named = organization.get("logo") or {}
    present = bool(named) and logo is not None
    return Branding(
        colour=organization["colour"],
        logo=logo if present else None,
        logo_media_type=named.get("media_type", "") if present else "",
        logo_width=named.get("width", 0) if present else 0,
        logo_height=named.get("height", 0) if present else 0,
        logo_path=named.get("path", "") if present else "",
    )


def _pay_band(band: Mapping[str, Any] | None) -> PayBand | None:
    if not band:
        return None
    low, high = _decimal(band.get("minimum")), _decimal(band.get("maximum"))
    if low is None or high is None:
        return None
    return PayBand(
        minimum=low,
        maximum=high,
        currency=band.get("currency", ""),
        period=band.get("period", "YEAR"),
        scope=band.get("scope", ""),
    )


@dataclass(frozen=True)
class Summary:
    """What a list row shows of a snapshot, with the labels of its codes."""

    title: str
    role_name: str
    company_name: str
    location: str
    workplace_type: str
    employment_type: str


def summarize(snapshot: Mapping[str, Any] | None) -> Summary:
    snapshot = snapshot or {}
    posting = snapshot.get("posting", {})
    return Summary(
        title=snapshot.get("title", ""),
        role_name=snapshot.get("role", {}).get("name", ""),
        company_name=posting.get("company_name", ""),
        location=posting.get("location", ""),
        workplace_type=_label(WorkplaceType, posting.get("workplace_type", "")),
        employment_type=_label(EmploymentType, posting.get("employment_type", "")),
    )


def _label(choices: type[WorkplaceType] | type[EmploymentType], value: str) -> str:
    return dict(choices.choices).get(value, "")


def _cleaned(value: Any) -> Any:
    """Every string of a snapshot cleaned, so no renderer meets a character HTML forbids."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, dict):
        return {key: _cleaned(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_cleaned(item) for item in value]
    return value


def _decimal(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip(" -•\t") for line in text.splitlines() if line.strip(" -•\t"))


def _skill_lines(skills: list[dict], *, required: bool) -> tuple[SkillLine, ...]:
    wanted = "required" if required else "nice_to_have"
    chosen = [s for s in skills if s["importance"] == wanted]
    chosen.sort(key=lambda s: (-s["level_rank"], s["name"]))
    return tuple(
        SkillLine(
            name=s["name"],
            level_name=s["level_name"],
            level_descriptor=s["level_descriptor"],
            level_rank=s["level_rank"],
            category=s["category"],
            required=required,
            onet_element_id=s.get("onet_element_id") or "",
        )
        for s in chosen
    )


def _grouped(items: list[dict], *, key: str, value: str, fallback: str) -> tuple[Group, ...]:
    ordered = sorted(
        enumerate(items),
        key=lambda pair: (pair[1].get(f"{key}_position", NO_AREA_POSITION), pair[0]),
    )
    return tuple(
        Group(heading=heading or fallback, items=tuple(item[value] for _, item in rows))
        for heading, rows in groupby(ordered, key=lambda pair: pair[1].get(key))
    )
