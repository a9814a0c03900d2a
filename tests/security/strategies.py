"""Hypothesis strategies for the security tests: hostile form values, and hostile variations of
a form as the browser would post it (a dict of field name -> list of values, as `page_fields`
reads a page).

Every value is valid Unicode text: a UTF-8 request body cannot carry a lone surrogate, so the
strategies draw from all Unicode scalar values instead (control characters included).
"""

from __future__ import annotations

import operator
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

# Hypothesis keeps caches (Unicode tables, constants) in ./.hypothesis by default: keep them out
# of the repository. The fuzz tests also run with database=None, so no examples are stored.
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "jdbuilder-hypothesis")

FormData = dict[str, list[str]]

# Characters that break naive code: NUL and other C0 controls, DEL, C1 controls (NEL), no-break
# space, line and paragraph separators, zero-width and bidi controls, BOM, non-characters.
CONTROL_CHARS = (
    "\x00\x01\x07\x08\t\n\x0b\x0c\r\x1b\x1f\x7f\x80\x85\x9f\xa0"
    "\u2028\u2029\u200b\u200d\u200e\u202e\u2066\u3000\ufeff\ufffe\uffff"
)
NUMBER_EDGES = [
    "0",
    "-0",
    "-1",
    "+7",
    "  7  ",
    "1.0",
    "1,5",
    "1_000",
    "0x10",
    "1e3",
    "1e9999",
    "-1e9999",
    "1E-999",
    "NaN",
    "-NaN",
    "sNaN",
    "Infinity",
    "-inf",
    "9" * 40,
    "9" * 400,
    "2147483648",
    "9223372036854775808",
    "-9223372036854775809",
    "\u0661\u0662",  # Arabic-Indic digits: int() accepts them
    "\uff11",  # fullwidth 1
    "1\x00",
]
DATE_EDGES = [
    "2024-02-30",
    "2023-02-29",
    "0000-00-00",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "-2030-01-01",
    "2030-1-1",
    "31/12/2030",
    "12/31/2030",
    "2030-12-31T23:59:59",
    "2030-12-31 00:00",
    "20301231",
    "1970-01-01",
    "2038-01-19",
    "today",
]
MARKUP = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{ request }}",
    "{% debug %}",
    "%s%s%s%n",
    "{0.__class__}",
    "'; DROP TABLE jdbuilder_jobdescription; --",
    "../../../../etc/passwd",
    "file:///etc/passwd",
    "http://169.254.169.254/latest/meta-data/",
    "javascript:alert(1)",
    "url(http://evil.example/x)",
    "</style><style>*{}</style>",
    "\\",
    "%00",
    "%",
    "_",
]
EMPTY = ["", " ", "\n", "\r\n", "\t \r\n", "\u3000", "\u200b"]

any_char = st.characters(codec="utf-8")  # every scalar value, no surrogates


def text_values() -> st.SearchStrategy[str]:
    return st.one_of(
        st.text(any_char, max_size=40),
        st.text(st.sampled_from(CONTROL_CHARS), min_size=1, max_size=8),
        st.text(st.one_of(st.sampled_from(CONTROL_CHARS), any_char), max_size=30),
    )


def number_values() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(NUMBER_EDGES),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
        st.integers().map(str),
        st.floats().map(str),  # nan, inf, -0.0, 1e+308, 5e-324
        st.decimals().map(str),  # NaN, sNaN, Infinity, 1E+1000
    )


def date_values() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(DATE_EDGES), st.dates().map(lambda date: date.isoformat()))


def huge_values() -> st.SearchStrategy[str]:
    """A few long values: past every max_length, past every line cap."""
    return st.builds(
        operator.mul,
        st.sampled_from(["a", "\n", "a\n", " ", "\u00e9", "\U0001f600", "<b>", "\x00", "\r\n-\n"]),
        st.sampled_from([301, 2_001, 70_000]),
    )


def hostile_values(pool: Sequence[str] = ()) -> st.SearchStrategy[str]:
    """One form value: text, numbers, dates, markup, empty or huge, or one of `pool` (values
    the real form would accept, so a mutation can also be a plausible choice)."""
    strategies = [
        text_values(),
        number_values(),
        date_values(),
        st.sampled_from(MARKUP),
        st.sampled_from(EMPTY),
        huge_values(),
    ]
    if pool:
        strategies.insert(0, st.sampled_from(sorted(set(pool))))
    return st.one_of(strategies)


# What one mutation does to the form. "steady" touches the fields that are normally kept so the
# post reaches validation (the wizard's management form and version); "flood" repeats a key past
# DATA_UPLOAD_MAX_NUMBER_FIELDS (1000) or past a form's own caps.
OPERATIONS = ("set", "set", "pool", "pool", "drop", "repeat", "many", "extra", "steady", "flood")


def mutated(
    base: FormData,
    *,
    steady: Iterable[str] = (),
    extra_names: Iterable[str] = (),
    pool: Iterable[str] = (),
    max_changes: int = 6,
) -> st.SearchStrategy[FormData]:
    """`base` with up to `max_changes` hostile changes: values replaced by hostile ones or by
    other plausible values, keys dropped, repeated (lists), flooded, or added.

    The strategies it draws from are built here, once, not in every example: building (and
    validating) them again for each draw cost more than the draws themselves."""
    steady = sorted(set(steady))
    pool = sorted({value for values in base.values() for value in values} | set(pool))
    values = hostile_values(pool)
    names = sorted(name for name in base if name not in steady)
    extra = st.one_of(
        st.sampled_from(sorted(set(extra_names) | {"x", "__proto__", "csrfmiddlewaretoken"})),
        st.text(any_char, min_size=1, max_size=20),
    )
    changes = st.integers(min_value=0, max_value=max_changes)
    operations = st.sampled_from(OPERATIONS)
    steady_names = st.sampled_from(steady)
    other_names = st.sampled_from(names)
    pool_values = st.sampled_from(pool)
    short = st.one_of(pool_values, text_values()) if pool else text_values()
    floods = st.sampled_from([51, 201, 1001])
    one_to_three = st.lists(values, min_size=1, max_size=3)
    one_or_two = st.lists(values, min_size=1, max_size=2)
    up_to_eight = st.lists(values, max_size=8)

    @st.composite
    def mutation(draw) -> FormData:
        data = {name: list(vals) for name, vals in base.items()}
        for _ in range(draw(changes)):
            operation = draw(operations)
            if operation == "extra" or not names:
                data[draw(extra)] = draw(one_to_three)
                continue
            if operation == "steady":
                if not steady:
                    continue
                name = draw(steady_names)
                if draw(st.booleans()):
                    data.pop(name, None)
                else:
                    data[name] = draw(one_or_two)
                continue
            name = draw(other_names)
            if operation == "drop":
                data.pop(name, None)
            elif operation == "set":
                data[name] = [draw(values)]
            elif operation == "pool":
                data[name] = [draw(pool_values)]
            elif operation == "repeat":
                data[name] = data.get(name, []) + draw(one_to_three)
            elif operation == "many":
                data[name] = draw(up_to_eight)
            elif operation == "flood":
                data[name] = [draw(short)] * draw(floods)
        return data

    return mutation()


def encodings() -> st.SearchStrategy[str]:
    """How the body is sent: as the browser sends these forms, or as multipart."""
    return st.sampled_from(["urlencoded", "multipart"])
