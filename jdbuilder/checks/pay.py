"""Pay transparency: no pay range, a range the law requires, a range too wide to inform.

Severity:
- No range, and the job's location or (for remote jobs) where applicants may live falls in a
  jurisdiction that requires a range in postings: ERROR naming the jurisdiction and its law.
- No range otherwise: WARNING (candidates skip postings without pay).
- A range whose maximum is more than twice its minimum: WARNING.

Locations are read with the rules in data/pay_transparency.toml (see its comments). Decisions:
- The job's own location always counts, remote or not: a remote job run from a New York office
  or one that could be done in Colorado is covered there.
- For remote jobs, "where applicants may live" also counts. "United States", "US", "USA",
  "North America", "Worldwide" and the like reach every listed jurisdiction, so a remote job open
  across the US without a range is an ERROR: Colorado's law, for one, covers remote jobs that
  could be done in Colorado. A listed state named there ("Colorado or Utah") counts too. For
  jobs that are not remote the field is not shown in the posting and is ignored.
- "Washington" alone is Washington State; "Washington, DC" and "District of Columbia" are DC.
  "New York" alone is New York State (whose law covers the city as well); "New York, NY", "NYC",
  "Manhattan", "Brooklyn" are New York City and New York State.
- A namesake is no match: a pattern inside an `elsewhere` entry ("Boulder City"), or a city
  followed by another state ("Washington, PA", "Manhattan, Kansas", "Denver, PA").
- ", CA" is California unless the location also names Canada or a Canadian province or city
  ("Toronto, CA"); "Ontario, CA" (a California city) is therefore read as Canada, a missed
  ERROR that still leaves the WARNING for a missing range.
- Employer-size thresholds differ by law and are unknown here, so the check asks every employer.

Places: the location is not one of `text_fields`; its places use field "location" (and
"applicant_location" for the remote case) with offsets into `document.location`
(`document.applicant_location`).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from jdbuilder.checks.findings import Finding, Place, Severity
from jdbuilder.document import Document

DATA = Path(__file__).parent / "data" / "pay_transparency.toml"
KIND = "pay"
MAX_RATIO = Decimal(2)  # a maximum above twice the minimum tells a candidate little


@dataclass(frozen=True)
class Jurisdiction:
    name: str
    kind: str  # "state", "city" or "district"
    law: str
    home: str  # USPS code of the state it lies in (its own code for states and DC)


@dataclass(frozen=True)
class Match:
    jurisdiction: Jurisdiction | None  # None: a namesake elsewhere, which only hides matches
    start: int
    end: int

    def inside(self, other: Match) -> bool:
        """Strictly inside: `other` covers this match and is longer."""
        covers = other.start <= self.start and self.end <= other.end
        return covers and other.end - other.start > self.end - self.start


def _words(pattern: str) -> str:
    """`pattern` as a regex on word boundaries, any run of spaces matching any whitespace."""
    parts = [r"\s+".join(map(re.escape, part.split())) for part in pattern.split(",")]
    body = r",\s*".join(parts)
    return rf"(?<!\w){body}(?!\w)"


def _names(patterns: list[str]) -> re.Pattern[str]:
    longest_first = sorted(patterns, key=len, reverse=True)
    return re.compile("|".join(_words(p) for p in longest_first), re.IGNORECASE)


def _codes(codes: list[str], *, after_comma: bool) -> re.Pattern[str]:
    """Upper-case tokens (case-sensitive: "co", "us" are words), optionally after a comma."""
    lead = r",\s*" if after_comma else r"(?<!\w)"
    return re.compile(rf"{lead}(?P<code>{'|'.join(map(re.escape, codes))})(?!\w)")


@dataclass(frozen=True)
class Rules:
    jurisdictions: tuple[Jurisdiction, ...]
    names: tuple[tuple[Jurisdiction, re.Pattern[str]], ...]
    codes: dict[str, Jurisdiction]
    code_pattern: re.Pattern[str]
    elsewhere: re.Pattern[str]
    canada: tuple[re.Pattern[str], re.Pattern[str]]
    united_states: tuple[re.Pattern[str], re.Pattern[str]]
    next_code: re.Pattern[str]  # ", PA" right after a match
    next_name: re.Pattern[str]  # ", Pennsylvania" right after a match
    state_codes: dict[str, str]  # lower-case state name -> code

    def find(self, text: str) -> list[Match]:
        """The listed jurisdictions `text` names, namesakes removed, in text order."""
        found: list[Match] = []
        for jurisdiction, pattern in self.names:
            for m in pattern.finditer(text):
                if self._followed_by_other_state(text, m, jurisdiction):
                    continue
                found.append(Match(jurisdiction, m.start(), m.end()))
        ca_is_canada = self._names_canada(text)
        for m in self.code_pattern.finditer(text):
            if m["code"] == "CA" and ca_is_canada:
                continue
            found.append(Match(self.codes[m["code"]], m.start("code"), m.end("code")))
        found += [Match(None, m.start(), m.end()) for m in self.elsewhere.finditer(text)]
        # A match inside a longer match is part of that longer name: "Washington" in
        # "Washington, DC", "New York" in "New York City", "Boulder" in "Boulder City".
        kept = [
            m for m in found if m.jurisdiction is not None and not any(m.inside(o) for o in found)
        ]
        return sorted(kept, key=lambda m: (m.start, m.end))

    def _followed_by_other_state(
        self, text: str, match: re.Match[str], jurisdiction: Jurisdiction
    ) -> bool:
        """Whether `match` is a namesake town in another state ("Denver, PA", "Manhattan, KS").

        A state's own name ("Washington", "Colorado") is only a town when a code follows
        ("Washington, PA"): "Washington, Oregon, California" is a list of states.
        """
        if code := self.next_code.match(text, match.end()):
            return code["state"] != jurisdiction.home
        if " ".join(match[0].split()).lower() in self.state_codes:
            return False
        if name := self.next_name.match(text, match.end()):
            return self.state_codes[" ".join(name["state"].split()).lower()] != jurisdiction.home
        return False

    def _names_canada(self, text: str) -> bool:
        names, codes = self.canada
        return bool(names.search(text) or codes.search(text))

    def reaches_united_states(self, text: str) -> list[tuple[int, int]]:
        names, codes = self.united_states
        spans = [m.span() for m in names.finditer(text)]
        spans += [m.span("code") for m in codes.finditer(text)]
        return sorted(spans)


@cache
def rules() -> Rules:
    data = tomllib.loads(DATA.read_text(encoding="utf-8"))
    states: dict[str, str] = data["states"]
    jurisdictions = tuple(
        Jurisdiction(name=j["name"], kind=j["kind"], law=j["law"], home=j.get("code") or j["state"])
        for j in data["jurisdictions"]
    )
    by_name = {j.name: j for j in jurisdictions}
    codes = {j["code"]: by_name[j["name"]] for j in data["jurisdictions"] if "code" in j}
    state_names = sorted(states.values(), key=len, reverse=True)
    return Rules(
        jurisdictions=jurisdictions,
        names=tuple((by_name[j["name"]], _names(j["patterns"])) for j in data["jurisdictions"]),
        codes=codes,
        code_pattern=_codes(list(codes), after_comma=True),
        elsewhere=_names(data["elsewhere"]["patterns"]),
        canada=(
            _names(data["canada"]["names"]),
            _codes(data["canada"]["codes"], after_comma=True),
        ),
        united_states=(
            _names(data["united_states"]["names"]),
            _codes(data["united_states"]["codes"], after_comma=False),
        ),
        # Codes in capitals only ("Washington, in" is no state); names in any case.
        next_code=re.compile(rf"\s*,\s*(?P<state>{'|'.join(states)})(?!\w)"),
        next_name=re.compile(
            rf"\s*,\s*(?P<state>{'|'.join(_words(n) for n in state_names)})", re.IGNORECASE
        ),
        state_codes={name.lower(): code for code, name in states.items()},
    )


def jurisdictions_in(text: str) -> tuple[list[Jurisdiction], list[Match]]:
    """The listed jurisdictions `text` names (a city brings its state), in data order."""
    r = rules()
    matches = r.find(text)
    named = {m.jurisdiction for m in matches if m.jurisdiction is not None}
    for j in list(named):
        if j.kind == "city":
            named.add(r.codes[j.home])
    return [j for j in r.jurisdictions if j in named], matches


def _join(names: list[str]) -> str:
    if len(names) <= 2:
        return " and ".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def _places(field: str, text: str, spans: list[tuple[int, int]]) -> list[Place]:
    unique = sorted(set(spans))
    return [Place(field, start, end, text[start:end]) for start, end in unique]


def _missing_range(document: Document) -> Finding:
    r = rules()
    at_location, location_matches = jurisdictions_in(document.location)
    places = _places("location", document.location, [(m.start, m.end) for m in location_matches])
    parts: list[str] = []
    if at_location:
        names = [j.name for j in at_location]
        laws = "; ".join(j.law for j in at_location)
        verb = "requires" if len(names) == 1 else "require"
        parts.append(
            f"This job is in {document.location}, and {_join(names)} {verb} job postings to "
            f"show a pay range ({laws})."
        )

    for_applicants: list[Jurisdiction] = []
    applicants = document.applicant_location
    if document.is_remote and applicants.strip():
        us_spans = r.reaches_united_states(applicants)
        if us_spans:
            for_applicants = list(r.jurisdictions)
            examples = ", ".join(j.name for j in r.jurisdictions[:4])
            parts.append(
                f'Remote applicants may live in "{applicants.strip()}", which includes places '
                f"whose laws require a pay range in postings (e.g. {examples} and "
                f"{len(r.jurisdictions) - 4} more); Colorado's, for one, covers remote jobs that "
                "could be done there."
            )
            places += _places("applicant_location", applicants, us_spans)
        else:
            named, matches = jurisdictions_in(applicants)
            for_applicants = named
            if named:
                laws = "; ".join(j.law for j in named)
                parts.append(
                    f"It is open to remote applicants in {_join([j.name for j in named])}, "
                    f"where the law requires job postings to show a pay range ({laws})."
                )
                places += _places(
                    "applicant_location", applicants, [(m.start, m.end) for m in matches]
                )

    reached = [j for j in r.jurisdictions if j in at_location or j in for_applicants]
    if not reached:
        return Finding(
            kind=KIND,
            severity=Severity.WARNING,
            message=(
                "The posting gives no pay range. Many candidates skip postings without pay, and "
                "a growing number of places (such as Colorado, California and New York) require "
                "one by law."
            ),
            suggestion="Add the salary range you expect to pay: a minimum and a maximum.",
            data={"jurisdictions": []},
        )
    return Finding(
        kind=KIND,
        severity=Severity.ERROR,
        message=" ".join([*parts, "This posting gives no pay range."]),
        places=tuple(places),
        suggestion=(
            "Add the salary range you in good faith expect to pay: a minimum and a maximum."
        ),
        data={
            "jurisdictions": [j.name for j in reached],
            "laws": {j.name: j.law for j in reached},
            "from_location": [j.name for j in at_location],
            "from_applicant_location": [j.name for j in for_applicants],
        },
    )


def _wide_range(document: Document) -> Finding | None:
    pay = document.compensation
    if pay is None or pay.maximum <= 0:
        return None
    # A zero minimum is infinitely wide; otherwise compare without rounding.
    if pay.minimum > 0 and pay.maximum <= MAX_RATIO * pay.minimum:
        return None
    ratio = float(pay.maximum / pay.minimum) if pay.minimum > 0 else None
    times = f"{ratio:.1f} times" if ratio is not None else "far above"
    return Finding(
        kind=KIND,
        severity=Severity.WARNING,
        message=(
            f"The pay range {pay.text} is very wide: its top is {times} its bottom. Candidates "
            "read a range this wide as no real information, and laws that require a range "
            "expect a good-faith estimate."
        ),
        suggestion="Narrow the range to what you expect to pay for this level of the role.",
        data={
            "minimum": str(pay.minimum),
            "maximum": str(pay.maximum),
            "ratio": None if ratio is None else round(ratio, 2),
            "limit": float(MAX_RATIO),
        },
    )


def check(document: Document) -> list[Finding]:
    if document.compensation is None:
        return [_missing_range(document)]
    wide = _wide_range(document)
    return [wide] if wide else []
