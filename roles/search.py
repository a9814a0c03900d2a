"""How role search compares text: one folding for the stored search texts and for the query.

Pure functions, no models: `roles.models` stores `search_text_of(...)` per role and searches it
with `search_key(query)`, a plain substring test on both SQLite and PostgreSQL. Folding in Python
makes the search ignore case for every letter alike on both: SQLite's LIKE folds only ASCII, and
PostgreSQL's LOWER follows the server's locale.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

# Turkish: dotless ı and dotted İ are the same letter as i for a search, whatever the casing
# ("İ".casefold() is "i" + U+0307 COMBINING DOT ABOVE; "ı".casefold() stays "ı").
_TURKISH_I = str.maketrans({"ı": "i"})
_COMBINING_DOT_ABOVE = "\u0307"

# Lines of a stored text are separated by a newline, which a folded query never contains
# (white space is folded to single spaces), so a query never matches across two titles.
LINE_SEPARATOR = "\n"


def search_key(text: str) -> str:
    """`text` as search compares it: Unicode-normalized (NFKC), case-folded, Turkish i's
    merged, white space folded to single spaces, NUL dropped (PostgreSQL refuses it)."""
    text = text.replace("\x00", " ")
    if text.isascii():  # the common case, and for ASCII all of the below is lower()
        return " ".join(text.lower().split())
    folded = unicodedata.normalize("NFKC", text).casefold()
    folded = folded.translate(_TURKISH_I).replace("i" + _COMBINING_DOT_ABOVE, "i")
    # Folding can leave decomposed letters (e.g. "ǰ"): compose them again, as stored.
    return " ".join(unicodedata.normalize("NFKC", folded).split())


def search_text_of(name: str, titles: Iterable[str]) -> str:
    """The stored search text of a role: its name and each alternate title, folded, one a line."""
    lines = [search_key(name), *(search_key(title) for title in titles)]
    return LINE_SEPARATOR.join(line for line in lines if line)


def matches(key: str, text: str) -> bool:
    """Whether a folded query `key` is in `text` as the database search decides it."""
    return key in search_key(text)
