"""The brand colour -> CSS: the one way a colour reaches a stylesheet.

A colour is accepted only as "#" and six hex digits; upper case is normalised to lower case (the
same colour, and the result is still exactly seven known characters). Anything else, "#fff",
"red", "#12345g", "#123456;}body{", falls back to DEFAULT_COLOUR: the input itself never reaches
CSS. The text on the colour is white or black, whichever contrasts more; by WCAG 2.x relative
luminance one of the two always reaches at least 4.58:1, so AA (4.5:1) holds for every colour.
(A softer dark such as #111111 would not: for mid colours it drops to about 4.35:1.)

Pure: no settings, no database. The app pages get the CSS from `organization:brand_css`, the
HTML export inlines it, the PDF hands it to WeasyPrint as a stylesheet string.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DEFAULT_COLOUR = "#1f4e79"
WHITE = "#ffffff"
DARK = "#000000"
AA_CONTRAST = 4.5
_HEX = re.compile(r"#[0-9a-f]{6}")


def normalized_colour(colour: object) -> str | None:
    """`colour` as "#rrggbb" in lower case, or None when it is not exactly that shape."""
    if not isinstance(colour, str):
        return None
    lowered = colour.lower()
    return lowered if _HEX.fullmatch(lowered) else None


def safe_colour(colour: object) -> str:
    """`colour` normalised, or DEFAULT_COLOUR when it is not a valid #rrggbb."""
    return normalized_colour(colour) or DEFAULT_COLOUR


def relative_luminance(colour: str) -> float:
    """WCAG 2.x relative luminance of a valid "#rrggbb" (0 black, 1 white)."""
    hex_colour = safe_colour(colour)
    channels = []
    for start in (1, 3, 5):
        value = int(hex_colour[start : start + 2], 16) / 255
        channels.append(value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4)
    red, green, blue = channels
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2.x contrast ratio between two colours, from 1 (none) to 21 (black on white)."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def text_colour_on(colour: str) -> str:
    """White or black: whichever reads better on `colour` (always at least 4.5:1)."""
    background = safe_colour(colour)
    if contrast_ratio(background, WHITE) >= contrast_ratio(background, DARK):
        return WHITE
    return DARK


@dataclass(frozen=True)
class BrandColours:
    colour: str  # the checked background colour, "#rrggbb"
    text: str  # the text colour on it

    @property
    def key(self) -> str:
        """The six hex digits: names the colour in a class and a URL."""
        return self.colour[1:]

    @property
    def class_name(self) -> str:
        return f"jd-brand-{self.key}"

    @property
    def declarations(self) -> str:
        return f"--jd-brand:{self.colour};--jd-on-brand:{self.text}"

    @property
    def stylesheet(self) -> str:
        """One rule: the custom properties on the document that carries `class_name`."""
        return f".{self.class_name}{{{self.declarations}}}\n"


def brand_colours(colour: object) -> BrandColours:
    """The checked colour (or the default) and the text colour that goes on it."""
    checked = safe_colour(colour)
    return BrandColours(colour=checked, text=text_colour_on(checked))


def brand_css(colour: object) -> str:
    """CSS declarations for `colour`: "--jd-brand:#rrggbb;--jd-on-brand:#ffffff|#000000"."""
    return brand_colours(colour).declarations


__all__ = [
    "DEFAULT_COLOUR",
    "BrandColours",
    "brand_colours",
    "brand_css",
    "contrast_ratio",
    "normalized_colour",
    "relative_luminance",
    "safe_colour",
    "text_colour_on",
]
