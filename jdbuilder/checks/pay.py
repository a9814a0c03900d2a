"""Pay transparency: the laws that apply to a posting (data/pay_transparency.toml), and ranges
too wide to inform.

`evaluate_rules(document, on=...)` lists every jurisdiction whose rule is in force on that day
and that the posting reaches, whether the rule applies (employer size, remote roles, a pay
exemption) and whether the posting passes it; the compliance page shows them all. `check()`
turns them into findings:

- No range where an applicable rule asks for one: one ERROR naming each jurisdiction and law.
- No range otherwise: WARNING (candidates skip postings without pay), unless an EU state only
  asks for pay before the interview, which is a WARNING reminder of its own.
- A range wider than a rule's cap (Ontario: CAD 50,000): ERROR per jurisdiction; a cap in
  another currency than the range: WARNING (cannot compare).
- A gendered title ("Salesman") where the rule asks for gender-neutral titles: ERROR.
- No benefits listed where the rule asks for them: WARNING.
- A range whose maximum is more than twice its minimum: WARNING.

Where the posting is: the office's structured address first, then the location text; for remote
jobs also where applicants may live (`applicant_location`), which reaches every jurisdiction in
or around the places it names ("United States" reaches all the US ones, "Colorado or Utah"
Colorado) unless the rule does not cover remote roles. The posting's date is
`document.date_posted` (today for a draft); the employer's size is `document.employee_count`,
and an unknown count is treated as covered, which the messages say.

Places: the location's places use field "location" (and "applicant_location"), with offsets into
`document.location` (`document.applicant_location`); a gendered title's use field "title".
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from jdbuilder.checks.findings import Finding, Place, Severity
from jdbuilder.checks.pay_rules import (
    DATA,
    DISCLOSE,
    Jurisdiction,
    Money,
    PayRules,
    PlaceMatch,
    Rule,
    pay_rules,
)
from jdbuilder.document import Compensation, Document

__all__ = ["DATA", "KIND", "RuleResult", "check", "evaluate_rules"]

KIND = "pay"
MAX_RATIO = Decimal(2)  # a maximum above twice the minimum tells a candidate little
# Amounts a period's pay is multiplied by to compare it with a yearly cap (Ontario's is
# "equivalent to $50,000 per year"): 40 hours a week, 5 days a week, 52 weeks.
PER_YEAR = {"YEAR": 1, "MONTH": 12, "WEEK": 52, "DAY": 260, "HOUR": 2080}

PASS, FAIL, WARN = "pass", "fail", "warn"


@dataclass(frozen=True)
class Problem:
    """One thing a rule asks for that the posting does not do."""

    code: str  # a DISCLOSE key, or "max_range_width" / "currency"
    severity: Severity
    message: str
    places: tuple[Place, ...] = ()


@dataclass(frozen=True)
class RuleResult:
    jurisdiction: Jurisdiction
    rule: Rule
    applies: bool
    passed: bool
    reason: str
    verdict: str = PASS  # "pass", "fail", "warn"; "pass" when it does not apply
    via: str = "location"  # or "applicant_location"
    problems: tuple[Problem, ...] = ()


@dataclass(frozen=True)
class _Reached:
    jurisdiction: Jurisdiction
    via: str
    matches: tuple[PlaceMatch, ...]


def _today() -> datetime.date:
    return timezone.localdate()


def _reached(document: Document, rules: PayRules) -> list[_Reached]:
    """The jurisdictions the posting's places reach, in data order, located ones first."""
    located: dict[str, list[PlaceMatch]] = {}
    if document.office is not None:
        for place in rules.address_places(document.office.address)[:1]:
            for j in rules.located_in(place):
                located.setdefault(j.id, [])
    for match in rules.find(document.location):
        for j in rules.located_in(match.place):
            located.setdefault(j.id, []).append(match)
    applicants: dict[str, list[PlaceMatch]] = {}
    if document.is_remote and document.applicant_location.strip():
        for match in rules.find(document.applicant_location):
            for j in rules.reached_by(match.place):
                if j.id not in located:
                    applicants.setdefault(j.id, []).append(match)
    reached = []
    for j in rules.jurisdictions:
        if j.id in located:
            reached.append(_Reached(j, "location", tuple(located[j.id])))
        elif j.id in applicants:
            reached.append(_Reached(j, "applicant_location", tuple(applicants[j.id])))
    return reached


def _yearly(amount: Decimal, pay: Compensation) -> Decimal:
    return amount * PER_YEAR.get(pay.period, 1)


def _exempt(rule: Rule, pay: Compensation | None) -> Money | None:
    cap = rule.max_pay_exempt
    if cap is None or pay is None or pay.currency != cap.currency:
        return None
    return cap if _yearly(pay.maximum, pay) > cap.amount else None


def _title_words(title: str, rules: PayRules) -> list[tuple[int, int, str]]:
    return [
        (m.start(), m.end(), m.group())
        for m in re.finditer(r"[^\W\d_]+", title)
        if m.group().casefold() in rules.gendered_titles
    ]


def _problems(document: Document, rule: Rule, name: str, rules: PayRules) -> list[Problem]:
    pay = document.compensation
    found: list[Problem] = []
    if "pay_range" in rule.disclose and pay is None:
        found.append(Problem("pay_range", Severity.ERROR, "the posting gives no pay range"))
    if "benefits" in rule.disclose and not document.benefits:
        found.append(
            Problem("benefits", Severity.WARNING, "the posting does not describe the benefits")
        )
    if "pay_before_interview" in rule.disclose and pay is None:
        found.append(
            Problem(
                "pay_before_interview",
                Severity.WARNING,
                "the posting gives no pay: the pay or its range must be given before the interview",
            )
        )
    if "pay_before_employment" in rule.disclose and pay is None:
        found.append(
            Problem(
                "pay_before_employment",
                Severity.INFO,
                "the posting gives no pay: the pay or its range must be given before "
                "employment starts",
            )
        )
    if "gender_neutral_title" in rule.disclose:
        words = _title_words(document.title, rules)
        if words:
            neutral = ", ".join(
                f'"{w}" → "{rules.gendered_titles[w.casefold()]}"' for _, _, w in words
            )
            found.append(
                Problem(
                    "gender_neutral_title",
                    Severity.ERROR,
                    f"the job title is gendered ({neutral}); the law asks for gender-neutral "
                    "titles",
                    tuple(Place("title", s, e, w) for s, e, w in words),
                )
            )
    cap = rule.max_range_width
    if cap is not None and pay is not None:
        if pay.currency != cap.currency:
            found.append(
                Problem(
                    "currency",
                    Severity.WARNING,
                    f"the range is in {pay.currency} and the cap on its width in "
                    f"{cap.currency} ({cap.text}): the check cannot compare them",
                )
            )
        else:
            width = _yearly(pay.maximum - pay.minimum, pay)
            if width > cap.amount:
                yearly = "" if pay.period == "YEAR" else " a year"
                found.append(
                    Problem(
                        "max_range_width",
                        Severity.ERROR,
                        f"the range is {Money(width, pay.currency).text} wide{yearly}; at "
                        f"most {cap.text}",
                    )
                )
    return found


def _size_reason(document: Document, rule: Rule, name: str) -> tuple[bool, str]:
    if rule.min_employees == 0:
        return True, f"{name}'s rule applies to every employer."
    count = document.employee_count
    if count is None:
        return True, (
            f"{name}'s rule applies to employers with {rule.min_employees} or more employees; "
            "the organization's employee count is not known, so it is treated as covered."
        )
    if count < rule.min_employees:
        return False, (
            f"{name}'s rule applies to employers with {rule.min_employees} or more employees; "
            f"the organization has {count}."
        )
    return True, f"The organization has {count} employees ({rule.min_employees} or more)."


def _result(
    reached: _Reached, rule: Rule, *, applies: bool, reason: str, problems: tuple[Problem, ...]
) -> RuleResult:
    verdict = PASS
    if any(p.severity == Severity.ERROR for p in problems):
        verdict = FAIL
    elif problems:
        verdict = WARN
    return RuleResult(
        jurisdiction=reached.jurisdiction,
        rule=rule,
        applies=applies,
        passed=verdict != FAIL,
        reason=reason,
        verdict=verdict,
        via=reached.via,
        problems=problems,
    )


def evaluate_rules(document: Document, *, on: datetime.date) -> list[RuleResult]:
    """Every rule in force `on` that the posting's places reach, applicable or not, in the
    data file's order."""
    rules = pay_rules()
    results = []
    for reached in _reached(document, rules):
        rule = reached.jurisdiction.rule_on(on)
        if rule is not None:
            results.append(_evaluate(document, reached, rule, rules))
    return results


def _evaluate(document: Document, reached: _Reached, rule: Rule, rules: PayRules) -> RuleResult:
    name = reached.jurisdiction.name
    if reached.via == "applicant_location" and rule.remote == "not_covered":
        note = rule.remote_note
        return _result(reached, rule, applies=False, reason=f"{name}: {note}", problems=())
    applies, size = _size_reason(document, rule, name)
    if not applies:
        return _result(reached, rule, applies=False, reason=size, problems=())
    exempt = _exempt(rule, document.compensation)
    if exempt is not None:
        reason = f"Exempt: the pay goes above {exempt.text} a year, where {name}'s rule stops."
        return _result(reached, rule, applies=False, reason=reason, problems=())
    problems = tuple(_problems(document, rule, name, rules))
    if problems:
        reason = "; ".join(p.message for p in problems)
        reason = f"{reason[:1].upper()}{reason[1:]}."
    else:
        reason = f"The posting gives what the rule asks for: {', '.join(_asks(rule))}."
    if document.employee_count is None and rule.min_employees:
        reason += " (Employee count not known: treated as covered.)"
    return _result(reached, rule, applies=True, reason=reason, problems=problems)


def _asks(rule: Rule) -> list[str]:
    asks = [DISCLOSE[item] for item in rule.disclose]
    if rule.max_range_width is not None:
        asks.append(f"a range at most {rule.max_range_width.text} wide")
    return asks


# ---- Findings ---------------------------------------------------------------------------------


def _join(names: list[str]) -> str:
    if len(names) <= 2:
        return " and ".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def _places(field: str, matches: list[PlaceMatch]) -> list[Place]:
    unique = sorted({(m.start, m.end, m.text) for m in matches})
    return [Place(field, start, end, text) for start, end, text in unique]


def _rule_data(result: RuleResult) -> dict[str, str]:
    return {
        "jurisdiction": result.jurisdiction.id,
        "rule": result.rule.effective.isoformat(),
        "verdict": result.verdict,
    }


def _missing_range(document: Document, failing: list[RuleResult]) -> Finding:
    at_location = [r for r in failing if r.via == "location"]
    for_applicants = [r for r in failing if r.via == "applicant_location"]
    parts: list[str] = []
    places: list[Place] = []
    rules = pay_rules()
    if at_location:
        names = [r.jurisdiction.name for r in at_location]
        laws = "; ".join(r.jurisdiction.law.title for r in at_location)
        verb = "requires" if len(names) == 1 else "require"
        where = document.location or (
            ", ".join(document.office.address.lines) if document.office else ""
        )
        parts.append(
            f"This job is in {where}, and {_join(names)} {verb} job postings to show a pay "
            f"range ({laws})."
        )
        located = [
            m
            for r in at_location
            for m in rules.find(document.location)
            if r.jurisdiction in rules.located_in(m.place)
        ]
        places += _places("location", located)
    if for_applicants:
        applicants = document.applicant_location.strip()
        matches = rules.find(document.applicant_location)
        broad = any(len(rules.reached_by(m.place)) > 2 for m in matches)
        names = [r.jurisdiction.name for r in for_applicants]
        if broad and len(names) > 4:
            parts.append(
                f'Remote applicants may live in "{applicants}", which includes places whose laws '
                f"require a pay range in postings (e.g. {', '.join(names[:4])} and "
                f"{len(names) - 4} more); Colorado's, for one, covers remote jobs that could be "
                "done there."
            )
        else:
            laws = "; ".join(r.jurisdiction.law.title for r in for_applicants)
            parts.append(
                f"It is open to remote applicants in {_join(names)}, where the law requires "
                f"job postings to show a pay range ({laws})."
            )
        reaching = [
            m
            for m in matches
            if any(r.jurisdiction in rules.reached_by(m.place) for r in for_applicants)
        ]
        places += _places("applicant_location", reaching)
    if document.employee_count is None and any(r.rule.min_employees for r in failing):
        parts.append(
            "The organization's employee count is not known, so the size thresholds are "
            "treated as met."
        )
    return Finding(
        kind=KIND,
        severity=Severity.ERROR,
        message=" ".join([*parts, "This posting gives no pay range."]),
        places=tuple(places),
        suggestion="Add the salary range you in good faith expect to pay: a minimum and a maximum.",
        data={
            "jurisdictions": [r.jurisdiction.name for r in failing],
            "jurisdiction_ids": [r.jurisdiction.id for r in failing],
            "laws": {r.jurisdiction.name: r.jurisdiction.law.title for r in failing},
            "from_location": [r.jurisdiction.name for r in at_location],
            "from_applicant_location": [r.jurisdiction.name for r in for_applicants],
            "rules": [_rule_data(r) for r in failing],
            "employee_count_known": document.employee_count is not None,
        },
    )


def _no_range_warning() -> Finding:
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


def _rule_finding(result: RuleResult, problem: Problem) -> Finding:
    j = result.jurisdiction
    unknown = ""
    if (
        problem.severity == Severity.ERROR
        and result.rule.min_employees
        and "not known" in (result.reason)
    ):
        unknown = " The organization's employee count is not known, so it is treated as covered."
    suggestions = {
        "max_range_width": "Narrow the range to the cap, or state one expected amount.",
        "currency": "State the range in the currency of the place, or check the width by hand.",
        "gender_neutral_title": "Use the neutral form of the title.",
        "benefits": "List the main benefits in the posting.",
        "pay_before_interview": "Add the range, or make sure candidates get it in writing "
        "before the interview.",
        "pay_before_employment": "Add the range, or give it in writing before the contract.",
    }
    return Finding(
        kind=KIND,
        severity=problem.severity,
        message=f"{j.name}: {problem.message} ({j.law.title}; {j.law.citation}).{unknown}",
        places=problem.places,
        suggestion=suggestions.get(problem.code, ""),
        data={**_rule_data(result), "problem": problem.code},
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
    results = [
        r for r in evaluate_rules(document, on=document.date_posted or _today()) if r.applies
    ]
    findings: list[Finding] = []
    if document.compensation is None:
        failing = [r for r in results if any(p.code == "pay_range" for p in r.problems)]
        reminded = any(
            p.code in ("pay_before_interview", "pay_before_employment")
            for r in results
            for p in r.problems
        )
        if failing:
            findings.append(_missing_range(document, failing))
        elif not reminded:
            findings.append(_no_range_warning())
    benefits = [r for r in results if any(p.code == "benefits" for p in r.problems)]
    if benefits:
        names = [r.jurisdiction.name for r in benefits]
        findings.append(
            Finding(
                kind=KIND,
                severity=Severity.WARNING,
                message=(
                    f"{_join(names)} ask{'s' * (len(names) == 1)} job postings to describe the "
                    f"benefits ({'; '.join(r.jurisdiction.law.title for r in benefits)}); this "
                    "posting lists none."
                ),
                suggestion="List the main benefits in the posting.",
                data={
                    "problem": "benefits",
                    "jurisdictions": names,
                    "rules": [_rule_data(r) for r in benefits],
                },
            )
        )
    for result in results:
        for problem in result.problems:
            if problem.code not in ("pay_range", "benefits"):
                findings.append(_rule_finding(result, problem))
    wide = _wide_range(document)
    if wide:
        findings.append(wide)
    return findings
