"""Which characters the PDF can draw: those the fonts we ship (static/fonts) have a glyph for.

The PDF uses only our DejaVu Sans, regular and bold (jdbuilder/documents/pdf.py keeps every host
font out of its sight), so a character outside their character maps would come out as a blank
box (.notdef, which PDF/UA-1 forbids). The step forms refuse such characters with
`validate_drawable`; the PDF renderer replaces any that reach it by another way with
`REPLACEMENT` (docs/fonts.md).

A character counts as drawable when both faces map it: any text may be set in bold (titles,
headings), and the two faces differ only in rare mathematical letters and private-use points.
Text is judged as the Document will hold it (`jdbuilder.document.clean`): control characters,
lone surrogates and noncharacters are dropped there and a Word line break (U+000B, U+2028)
becomes "\n", so none of them is reported to the manager, who could not see them anyway.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from functools import cache, lru_cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from fontTools.ttLib import TTFont

from jdbuilder.document import clean

FONT_FILES = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")
# What the PDF shows instead of a character it cannot draw; both faces have it.
REPLACEMENT = "\ufffd"
# Line breaks and tabs are layout, not glyphs.
LAYOUT = frozenset("\t\n\r")
# Never drawn: controls, lone surrogates, private-use and unassigned points, and the line and
# paragraph separators (clean() makes them "\n"; Pango draws U+2028 as .notdef).
NEVER_DRAWN = frozenset({"Cc", "Cs", "Co", "Cn", "Zl", "Zp"})
# At most this many characters named in a message; the rest are counted.
NAMED_IN_MESSAGE = 5


def font_dir() -> Path:
    """The directory of the fonts we ship: print.css's @font-face rules, the PDF's only fonts."""
    return Path(settings.BASE_DIR) / "static" / "fonts"


@cache
def _cmap(name: str) -> frozenset[int]:
    """The code points one font maps to a glyph; read once per process (about 40 ms a font)."""
    with TTFont(font_dir() / name, lazy=True) as font:
        return frozenset(font.getBestCmap())


@cache
def drawable_code_points() -> frozenset[int]:
    """Code points both our faces (regular and bold) have a glyph for."""
    regular, bold = (_cmap(name) for name in FONT_FILES)
    return regular & bold


# Default-ignorable code points as HarfBuzz has them (hb-unicode.hh): joiners, direction marks,
# the soft hyphen, variation selectors, the BOM, tags. It draws nothing for them, so they need no
# glyph (ZWJ/ZWNJ matter in Arabic and Persian). Not every format character (category Cf) is one:
# U+0600 ARABIC NUMBER SIGN and its kind are visible marks, which DejaVu does not have.
IGNORABLE = (
    (0x00AD, 0x00AD),
    (0x034F, 0x034F),
    (0x061C, 0x061C),
    (0x17B4, 0x17B5),
    (0x180B, 0x180E),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x206F),
    (0xFE00, 0xFE0F),
    (0xFEFF, 0xFEFF),
    (0xFFF0, 0xFFF8),
    (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
)


def preload() -> None:
    """Read the fonts' character maps now (about 45 ms), e.g. while the app server starts,
    rather than on the first step a manager saves in each new worker."""
    drawable_code_points()


def _ignorable(char: str) -> bool:
    point = ord(char)
    return any(low <= point <= high for low, high in IGNORABLE)


# Bounded: typed text may hold any of a million code points.
@lru_cache(maxsize=8192)
def is_drawable(char: str) -> bool:
    """Whether the PDF can show `char` (one character) with our fonts."""
    if char in LAYOUT:
        return True
    if unicodedata.category(char) in NEVER_DRAWN:
        return False
    if _ignorable(char):
        return True
    points = drawable_code_points()
    if ord(char) in points:
        return True
    # HarfBuzz draws a precomposed letter from its parts when the font has only those.
    parts = unicodedata.normalize("NFD", char)
    return parts != char and all(ord(part) in points for part in parts)


def _distinct(text: str) -> Iterator[str]:
    seen: set[str] = set()
    for char in text:
        if char not in seen:
            seen.add(char)
            yield char


def undrawable(text: str) -> list[str]:
    """The distinct characters of `text` the PDF cannot draw, in order of first appearance;
    `text` as the Document will hold it (what clean() drops or turns into "\n" is not one)."""
    return [char for char in _distinct(clean(text)) if not is_drawable(char)]


def describe(char: str) -> str:
    """A character as a message names it: quoted when it has a visible shape of its own, with
    its code point when a reader may not see it (emoji, symbols, controls, marks)."""
    code = f"U+{ord(char):04X}"
    category = unicodedata.category(char)
    if category[0] in "CZM":
        return code  # invisible or combining: quoting it would show nothing useful
    if category[0] == "L" or category[0] == "N":
        return f"\u201c{char}\u201d"
    return f"\u201c{char}\u201d ({code})"


def undrawable_message(chars: list[str]) -> str:
    """The sentence naming `chars` (at most NAMED_IN_MESSAGE of them, the rest counted)."""
    named = ", ".join(describe(char) for char in chars[:NAMED_IN_MESSAGE])
    rest = len(chars) - NAMED_IN_MESSAGE
    more = f" and {rest} more" if rest > 0 else ""
    if len(chars) == 1:
        return f"The PDF cannot show this character: {named}. Remove it or write it another way."
    return (
        f"The PDF cannot show these characters: {named}{more}. "
        "Remove them or write them another way."
    )


def validate_drawable(value: str) -> None:
    """A form validator: refuses text with characters the PDF cannot draw, naming them."""
    if not isinstance(value, str):
        return
    chars = undrawable(value)
    if chars:
        raise ValidationError(
            undrawable_message(chars), code="undrawable", params={"characters": "".join(chars)}
        )


def drawable_text(text: str) -> str:
    """`text` with every character the PDF cannot draw replaced by REPLACEMENT (one each).

    For text that did not come through the forms (an old revision, an import, a test): the PDF
    shows a visible, real glyph instead of a .notdef box or a host font's glyph.
    """
    bad = {char for char in set(text) if not is_drawable(char)}  # each distinct character once
    if not bad:
        return text
    return text.translate({ord(char): REPLACEMENT for char in bad})


__all__ = [
    "REPLACEMENT",
    "drawable_code_points",
    "drawable_text",
    "font_dir",
    "is_drawable",
    "preload",
    "undrawable",
    "undrawable_message",
    "validate_drawable",
]
