"""Pay-transparency rules as data: data/pay_transparency.toml read, validated and matched.

Pure (no database): `pay_rules()` loads the file once (cached) and raises `PayRulesError`, naming
the jurisdiction, place or rule, for anything the file gets wrong. `PayRules.find(text)` reads a
free-text location as places, not substrings: the text is split into parts at commas, slashes,
brackets, dashes between spaces and "or"/"and"; each part must be a WHOLE place name, spelling or
code (codes in capitals only: "co" and "in" are words), and a part is resolved by the parts after
it ("Ontario, CA" is the Californian city; "London, ON" the Ontarian one; "Washington County,
Oregon" is a county, not the state). `PayRules.address_places(address)` does the same field by
field for an office's structured address. The decisions are in data/README.md.
"""

from __future__ import annotations

import datetime
import re
import tomllib
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

from jdbuilder.document import Address

DATA = Path(__file__).parent / "data" / "pay_transparency.toml"

# What a rule may ask a posting to disclose (the fixed vocabulary of `disclose`).
DISCLOSE = {
    "pay_range": "the pay or a pay range in the posting",
    "benefits": "a general description of the benefits",
    "pay_before_interview": "the pay or its range in the posting or before the interview",
    "pay_before_employment": "the pay or its range before employment starts",
    "gender_neutral_title": "a gender-neutral job title",
}
REMOTE = {
    "covered": "covers remote roles open to applicants there",
    "not_covered": "does not cover remote roles (only postings located there)",
    "if_performed_there": "covers work performed there, so remote roles open to applicants there",
}
JURISDICTION_KINDS = {"country", "state", "province", "county", "city", "union"}
PLACE_KINDS = {"region", "union", "country", "state", "province", "county", "city"}
# A neighbour bigger than or as big as the place after it is a list ("Washington, Oregon"); a
# smaller one not inside it is a namesake elsewhere ("Manhattan, Kansas").
RANK = {"region": 5, "union": 4, "country": 3, "state": 2, "province": 2, "county": 1, "city": 0}
# When nothing around an ambiguous part decides, a state or province reading wins (the usual last
# part of an address: ", CA" is California), then a country, then the rest.
PREFERENCE = {"state": 0, "province": 0, "country": 1, "union": 2, "region": 3, "county": 4}
PREFERENCE["city"] = 5

_JURISDICTION_KEYS = {"id", "name", "kind", "law", "sources", "note", "places", "rules"}
_JURISDICTION_REQUIRED = {"id", "name", "kind", "law", "sources", "places", "rules"}
_PLACE_KEYS = {"id", "kind", "name", "codes", "spellings", "within", "qualified_only"}
_PLACE_REQUIRED = {"id", "kind", "name"}
_RULE_KEYS = {
    "effective",
    "until",
    "min_employees",
    "disclose",
    "max_range_width",
    "max_pay_exempt",
    "remote",
    "remote_note",
    "note",
}
_RULE_REQUIRED = {"effective", "min_employees", "disclose", "remote", "remote_note"}
_TOP_KEYS = {"version", "updated", "jurisdictions", "places", "gendered_titles"}


class PayRulesError(ValueError):
    """The rules file is wrong; the message names where."""


@dataclass(frozen=True)
class Money:
    amount: Decimal
    currency: str

    @property
    def text(self) -> str:
        return (
            f"{self.currency} {int(self.amount):,}"
            if self.amount == int(self.amount)
            else (f"{self.currency} {self.amount:,.2f}")
        )


@dataclass(frozen=True)
class Law:
    title: str
    citation: str


@dataclass(frozen=True)
class Place:
    id: str
    kind: str
    name: str
    codes: tuple[str, ...] = ()
    spellings: tuple[str, ...] = ()
    within: str | None = None
    qualified_only: bool = False
    jurisdiction: str | None = None  # the id of the jurisdiction that lists it, if one does


@dataclass(frozen=True)
class Rule:
    jurisdiction: str
    effective: datetime.date
    min_employees: int
    disclose: tuple[str, ...]
    remote: str
    remote_note: str
    until: datetime.date | None = None  # the last day in force; None: still in force
    max_range_width: Money | None = None
    max_pay_exempt: Money | None = None
    note: str = ""

    def in_force(self, on: datetime.date) -> bool:
        return self.effective <= on and (self.until is None or on <= self.until)

    @property
    def label(self) -> str:
        """The period, as the page and the CSV name the rule: "from 2026-01-01"."""
        if self.until is None:
            return f"from {self.effective.isoformat()}"
        return f"{self.effective.isoformat()} to {self.until.isoformat()}"


@dataclass(frozen=True)
class Jurisdiction:
    id: str
    name: str
    kind: str
    law: Law
    sources: tuple[str, ...]
    places: tuple[Place, ...]
    rules: tuple[Rule, ...]
    note: str = ""

    @property
    def territory(self) -> Place:
        return self.places[0]

    def rule_on(self, on: datetime.date) -> Rule | None:
        return next((rule for rule in self.rules if rule.in_force(on)), None)


@dataclass(frozen=True)
class PlaceMatch:
    """A part of a location text read as `place`; `text[start:end]` is the part as written."""

    place: Place
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class _Part:
    text: str
    start: int
    end: int
    kinds: frozenset[str] | None = None  # the kinds a structured field may name


def normalized(name: str) -> str:
    """Case, accents, apostrophe forms and runs of spaces ignored: "Montréal" = "montreal"."""
    text = unicodedata.normalize("NFKD", name.replace("’", "'").replace("ʻ", "'"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.casefold().split())


@dataclass(frozen=True)
class PayRules:
    version: int
    updated: datetime.date
    jurisdictions: tuple[Jurisdiction, ...]
    places: dict[str, Place]
    gendered_titles: dict[str, str]  # gendered word (lower case) -> a neutral form
    by_name: dict[str, tuple[Place, ...]] = field(repr=False)
    by_code: dict[str, tuple[Place, ...]] = field(repr=False)

    def jurisdiction(self, jurisdiction_id: str) -> Jurisdiction:
        return next(j for j in self.jurisdictions if j.id == jurisdiction_id)

    def chain(self, place: Place) -> Iterator[Place]:
        """`place`, then what it lies within, outwards."""
        current: Place | None = place
        while current is not None:
            yield current
            current = self.places[current.within] if current.within else None

    def is_within(self, inner: Place, outer: Place) -> bool:
        """Strictly inside."""
        return any(p.id == outer.id for p in list(self.chain(inner))[1:])

    def located_in(self, place: Place) -> list[Jurisdiction]:
        """The jurisdictions a job at `place` is in (a city brings its state and country)."""
        ids = {p.id for p in self.chain(place)}
        return [j for j in self.jurisdictions if j.territory.id in ids]

    def reached_by(self, place: Place) -> list[Jurisdiction]:
        """The jurisdictions where applicants living somewhere in `place` may live."""
        return [
            j
            for j in self.jurisdictions
            if j.territory.id == place.id
            or self.is_within(j.territory, place)
            or self.is_within(place, j.territory)
        ]

    # Reading locations

    def find(self, text: str) -> list[PlaceMatch]:
        """The places a free-text location names, in text order (unknown parts skipped)."""
        return self._resolve(list(_parts(text, self)))

    def address_places(self, address: Address) -> list[Place]:
        """The places an office's structured address names, field by field (ISO country code,
        region name or code, locality), most specific first."""
        fields = [
            (address.locality, frozenset({"city", "county"})),
            (address.region, frozenset({"state", "province", "county"})),
            (address.country, frozenset({"country"})),
        ]
        parts = [_Part(" ".join(v.split()), 0, 0, kinds) for v, kinds in fields if v.strip()]
        return [m.place for m in reversed(self._resolve(parts))]

    def candidates(self, part: _Part) -> list[Place]:
        found = list(self.by_code.get(part.text.strip(), ()))
        found += [p for p in self.by_name.get(normalized(part.text), ()) if p not in found]
        if part.kinds is not None:
            found = [p for p in found if p.kind in part.kinds]
        return found

    def _resolve(self, parts: list[_Part]) -> list[PlaceMatch]:
        """Each part read by the parts after it (right to left): a place inside the next one
        wins, then the next one named again, then a list of like places; with nothing after it,
        a place that does not need qualifying, preferring the reading that the part before it
        fits inside."""
        chosen: list[PlaceMatch] = []
        context: Place | None = None
        for index in range(len(parts) - 1, -1, -1):
            part = parts[index]
            left = self.candidates(parts[index - 1]) if index > 0 else []
            best: tuple[tuple[int, int, int], Place] | None = None
            for place in self.candidates(part):
                tier = self._tier(place, context)
                if tier is None:
                    continue
                fits = 0 if any(self.is_within(other, place) for other in left) else 1
                score = (tier, fits, PREFERENCE[place.kind])
                if best is None or score < best[0]:
                    best = (score, place)
            if best is not None:
                context = best[1]
                chosen.append(PlaceMatch(best[1], part.start, part.end, part.text))
        return sorted(chosen, key=lambda m: (m.start, m.end))

    def _tier(self, place: Place, context: Place | None) -> int | None:
        if context is None:
            return None if place.qualified_only else 0
        if self.is_within(place, context):
            return 0
        if place.id == context.id:
            return 1
        if not place.qualified_only and RANK[place.kind] >= RANK[context.kind]:
            return 2
        return None


# ---- Splitting a location into parts ----------------------------------------------------------

_SEPARATORS = re.compile(r"[,;/|()\[\]•·]|[–—]|\s-\s|\s+(?:or|and)\s+|\s*&\s*|\s\+\s", re.I)
_FILLER = {
    "remote",
    "remotely",
    "fully",
    "hybrid",
    "onsite",
    "on-site",
    "office",
    "based",
    "anywhere",
    "in",
    "the",
    "only",
    "from",
    "within",
    "across",
    "greater",
    "area",
    "metro",
    "hq",
    "headquarters",
    "near",
    "any",
    "preferred",
    "residents",
    "applicants",
    "candidates",
    "eligible",
    "work",
}
_POSTAL = re.compile(r"^(?:\d[\d-]*|[A-Z]\d[A-Z]|\d[A-Z]\d)$")
_WORD = re.compile(r"\S+")


def _parts(text: str, rules: PayRules) -> Iterator[_Part]:
    start = 0
    for sep in [*_SEPARATORS.finditer(text), None]:
        end = len(text) if sep is None else sep.start()
        yield from _cores(text, start, end, rules)
        if sep is not None:
            start = sep.end()


def _cores(text: str, start: int, end: int, rules: PayRules) -> Iterator[_Part]:
    """The place name in text[start:end]: as written, else without postal codes and filler
    words at its ends, else with a trailing code split off ("Seattle WA")."""
    words = [(m.start() + start, m.end() + start) for m in _WORD.finditer(text[start:end])]
    while words and _POSTAL.match(text[words[-1][0] : words[-1][1]]):
        words.pop()
    while words and _POSTAL.match(text[words[0][0] : words[0][1]]):
        words.pop(0)
    if not words:
        return
    whole = _Part(text[words[0][0] : words[-1][1]], words[0][0], words[-1][1])
    if rules.candidates(whole):
        yield whole
        return
    inner = list(words)
    while inner and _word(text, inner[0]) in _FILLER:
        inner.pop(0)
    while inner and _word(text, inner[-1]) in _FILLER:
        inner.pop()
    if not inner:
        return
    core = _Part(text[inner[0][0] : inner[-1][1]], inner[0][0], inner[-1][1])
    if rules.candidates(core) or len(inner) == 1:
        yield core
        return
    last = _Part(text[inner[-1][0] : inner[-1][1]], inner[-1][0], inner[-1][1])
    if last.text.isupper() and rules.by_code.get(last.text):
        yield _Part(text[inner[0][0] : inner[-2][1]], inner[0][0], inner[-2][1])
        yield last
    else:
        yield core


def _word(text: str, span: tuple[int, int]) -> str:
    return text[span[0] : span[1]].casefold().strip(".:")


# ---- Loading and validating -------------------------------------------------------------------


def _keys(table: Any, where: str, allowed: set[str], required: set[str]) -> dict[str, Any]:
    if not isinstance(table, dict):
        raise PayRulesError(f"{where}: expected a table")
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise PayRulesError(f"{where}: unknown key(s) {', '.join(unknown)}")
    missing = sorted(required - set(table))
    if missing:
        raise PayRulesError(f"{where}: missing key(s) {', '.join(missing)}")
    return table


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise PayRulesError(f"{where}: expected a non-empty text")
    return value


def _texts(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise PayRulesError(f"{where}: expected a list of texts")
    return tuple(_text(item, where) for item in value)


def _date(value: Any, where: str) -> datetime.date:
    if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
        raise PayRulesError(f"{where}: expected a date (YYYY-MM-DD), got {value!r}")
    return value


def _money(value: Any, where: str) -> Money:
    table = _keys(value, where, {"amount", "currency"}, {"amount", "currency"})
    try:
        amount = Decimal(str(table["amount"]))
    except InvalidOperation:
        raise PayRulesError(f"{where}: amount {table['amount']!r} is not a number") from None
    if isinstance(table["amount"], bool) or amount <= 0:
        raise PayRulesError(f"{where}: amount must be a positive number")
    currency = _text(table["currency"], where)
    if not re.fullmatch(r"[A-Z]{3}", currency):
        raise PayRulesError(f"{where}: currency {currency!r} is not an ISO 4217 code")
    return Money(amount, currency)


def _place(raw: Any, where: str, jurisdiction: str | None) -> Place:
    table = _keys(raw, where, _PLACE_KEYS, _PLACE_REQUIRED)
    kind = _text(table["kind"], where)
    if kind not in PLACE_KINDS:
        raise PayRulesError(f"{where}: unknown kind {kind!r}")
    qualified = table.get("qualified_only", False)
    if not isinstance(qualified, bool):
        raise PayRulesError(f"{where}: qualified_only must be true or false")
    return Place(
        id=_text(table["id"], where),
        kind=kind,
        name=_text(table["name"], where),
        codes=_texts(table.get("codes", []), f"{where} codes"),
        spellings=_texts(table.get("spellings", []), f"{where} spellings"),
        within=_text(table["within"], where) if "within" in table else None,
        qualified_only=qualified,
        jurisdiction=jurisdiction,
    )


def _rule(raw: Any, where: str, jurisdiction: str) -> Rule:
    table = _keys(raw, where, _RULE_KEYS, _RULE_REQUIRED)
    disclose = _texts(table["disclose"], f"{where} disclose")
    unknown = [item for item in disclose if item not in DISCLOSE]
    if unknown:
        raise PayRulesError(
            f"{where}: unknown disclose value(s) {', '.join(unknown)} "
            f"(known: {', '.join(DISCLOSE)})"
        )
    if not disclose:
        raise PayRulesError(f"{where}: disclose names nothing")
    remote = _text(table["remote"], where)
    if remote not in REMOTE:
        raise PayRulesError(
            f"{where}: unknown remote value {remote!r} (known: {', '.join(REMOTE)})"
        )
    minimum = table["min_employees"]
    if isinstance(minimum, bool) or not isinstance(minimum, int) or minimum < 0:
        raise PayRulesError(f"{where}: min_employees must be a whole number, 0 or more")
    effective = _date(table["effective"], f"{where} effective")
    until = _date(table["until"], f"{where} until") if "until" in table else None
    if until is not None and until < effective:
        raise PayRulesError(f"{where}: until {until} is before effective {effective}")
    return Rule(
        jurisdiction=jurisdiction,
        effective=effective,
        until=until,
        min_employees=minimum,
        disclose=disclose,
        max_range_width=(
            _money(table["max_range_width"], f"{where} max_range_width")
            if "max_range_width" in table
            else None
        ),
        max_pay_exempt=(
            _money(table["max_pay_exempt"], f"{where} max_pay_exempt")
            if "max_pay_exempt" in table
            else None
        ),
        remote=remote,
        remote_note=_text(table["remote_note"], where),
        note=_text(table["note"], where) if "note" in table else "",
    )


def _check_overlaps(rules: list[Rule], where: str) -> list[Rule]:
    ordered = sorted(rules, key=lambda r: r.effective)
    for earlier, later in zip(ordered, ordered[1:], strict=False):
        if earlier.until is None or earlier.until >= later.effective:
            raise PayRulesError(
                f"{where}: the rules {earlier.label} and {later.label} overlap "
                "(give the earlier one an `until` before the later one's `effective`)"
            )
    return ordered


def _names_of(place: Place) -> Iterable[str]:
    yield place.name
    yield from place.spellings


def parse(data: dict[str, Any]) -> PayRules:
    """The rules of an already-parsed TOML document; `PayRulesError` names each fault."""
    _keys(data, "the file", _TOP_KEYS, {"version", "updated", "jurisdictions"})
    version = data["version"]
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise PayRulesError("the file: version must be a whole number, 1 or more")
    updated = _date(data["updated"], "the file: updated")

    places: dict[str, Place] = {}

    def add(place: Place, where: str) -> None:
        if place.id in places:
            raise PayRulesError(f"{where}: place id {place.id!r} is used twice")
        places[place.id] = place

    jurisdictions: list[Jurisdiction] = []
    seen_ids: set[str] = set()
    if not isinstance(data["jurisdictions"], list):
        raise PayRulesError("the file: jurisdictions must be a list of tables")
    for n, raw in enumerate(data["jurisdictions"], start=1):
        label = raw.get("id", f"#{n}") if isinstance(raw, dict) else f"#{n}"
        where = f"jurisdiction {label}"
        table = _keys(raw, where, _JURISDICTION_KEYS, _JURISDICTION_REQUIRED)
        jid = _text(table["id"], where)
        if jid in seen_ids:
            raise PayRulesError(f"{where}: the id is used twice")
        seen_ids.add(jid)
        kind = _text(table["kind"], where)
        if kind not in JURISDICTION_KINDS:
            raise PayRulesError(f"{where}: unknown kind {kind!r}")
        law = _keys(table["law"], f"{where} law", {"title", "citation"}, {"title", "citation"})
        sources = _texts(table["sources"], f"{where} sources")
        if not sources or not all(s.startswith(("https://", "http://")) for s in sources):
            raise PayRulesError(f"{where}: sources must list at least one http(s) URL")
        if not isinstance(table["places"], list) or not table["places"]:
            raise PayRulesError(f"{where}: places names nothing")
        own = [_place(p, f"{where} place {n2}", jid) for n2, p in enumerate(table["places"], 1)]
        for place in own:
            add(place, f"{where} place {place.id}")
        if not isinstance(table["rules"], list) or not table["rules"]:
            raise PayRulesError(f"{where}: rules lists no period")
        rules = [_rule(r, f"{where} rule {n2}", jid) for n2, r in enumerate(table["rules"], 1)]
        jurisdictions.append(
            Jurisdiction(
                id=jid,
                name=_text(table["name"], where),
                kind=kind,
                law=Law(_text(law["title"], where), _text(law["citation"], where)),
                sources=sources,
                note=_text(table["note"], where) if "note" in table else "",
                places=tuple(own),
                rules=tuple(_check_overlaps(rules, where)),
            )
        )
    if not isinstance(data.get("places", []), list):
        raise PayRulesError("the file: places must be a list of tables")
    for n, raw in enumerate(data.get("places", []), start=1):
        place = _place(raw, f"place #{n}", None)
        add(place, f"place {place.id}")

    # Every `within` names a place, and no chain loops.
    for place in places.values():
        seen = {place.id}
        current = place
        while current.within is not None:
            if current.within not in places:
                raise PayRulesError(f"place {current.id}: within {current.within!r} names no place")
            current = places[current.within]
            if current.id in seen:
                raise PayRulesError(f"place {place.id}: its `within` chain loops")
            seen.add(current.id)

    rules = PayRules(
        version=version,
        updated=updated,
        jurisdictions=tuple(jurisdictions),
        places=places,
        gendered_titles={},
        by_name={},
        by_code={},
    )
    for jurisdiction in jurisdictions:
        for place in jurisdiction.places[1:]:
            if not rules.is_within(place, jurisdiction.territory):
                raise PayRulesError(
                    f"jurisdiction {jurisdiction.id} place {place.id}: does not lie within "
                    f"{jurisdiction.territory.id}, the jurisdiction's first place"
                )

    by_name: dict[str, list[Place]] = {}
    by_code: dict[str, list[Place]] = {}
    for place in places.values():
        for name in {normalized(n) for n in _names_of(place)}:
            by_name.setdefault(name, []).append(place)
        for code in set(place.codes):
            by_code.setdefault(code, []).append(place)
    for spelling, named in [*by_name.items(), *by_code.items()]:
        _check_named_twice(spelling, named)

    titles = data.get("gendered_titles", {})
    if not isinstance(titles, dict):
        raise PayRulesError("gendered_titles: expected a table of word = neutral form")
    for word, neutral in titles.items():
        if not re.fullmatch(r"[a-z]+", word):
            raise PayRulesError(f"gendered_titles: {word!r} must be one lower-case word")
        _text(neutral, f"gendered_titles {word}")
    return PayRules(
        version=version,
        updated=updated,
        jurisdictions=tuple(jurisdictions),
        places=places,
        gendered_titles=dict(titles),
        by_name={k: tuple(v) for k, v in by_name.items()},
        by_code={k: tuple(v) for k, v in by_code.items()},
    )


def _check_named_twice(spelling: str, named: list[Place]) -> None:
    """One spelling may name places of different kinds ("New York": the state and the city),
    or several places of one kind if all but one need qualifying and each lies somewhere else
    ("London": England's, and Ontario's only as "London, ON")."""
    by_kind: dict[str, list[Place]] = {}
    for place in named:
        by_kind.setdefault(place.kind, []).append(place)
    for kind, same in by_kind.items():
        if len(same) < 2:
            continue
        ids = ", ".join(p.id for p in same)
        free = [p for p in same if not p.qualified_only]
        if len(free) > 1:
            raise PayRulesError(
                f"places {ids}: {spelling!r} names two {kind} places; mark all but one "
                "qualified_only"
            )
        if len({p.within for p in same}) < len(same):
            raise PayRulesError(
                f"places {ids}: {spelling!r} names two {kind} places within the same place"
            )


def load(text: str) -> PayRules:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise PayRulesError(f"the file is not valid TOML: {error}") from None
    return parse(data)


@cache
def pay_rules() -> PayRules:
    """The rules of data/pay_transparency.toml, read and validated once per process."""
    return load(DATA.read_text(encoding="utf-8"))
