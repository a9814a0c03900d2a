"""The brand colour reaches CSS only through brand.py: checked, normalised, readable."""

from __future__ import annotations

import itertools

import pytest

from jdbuilder.organization.brand import (
    DEFAULT_COLOUR,
    brand_colours,
    brand_css,
    contrast_ratio,
    normalized_colour,
    relative_luminance,
    safe_colour,
    text_colour_on,
)


def test_a_valid_colour_becomes_declarations_with_readable_text():
    assert brand_css("#1f4e79") == "--jd-brand:#1f4e79;--jd-on-brand:#ffffff"
    assert brand_css("#ffd400") == "--jd-brand:#ffd400;--jd-on-brand:#000000"


def test_upper_case_is_normalised_to_the_same_colour():
    assert normalized_colour("#1F4E79") == "#1f4e79"
    assert brand_css("#ABCDEF").startswith("--jd-brand:#abcdef;")


@pytest.mark.parametrize(
    "bad",
    [
        "#fff",
        "red",
        "#12345g",
        "#123456;}body{",
        "#123456 ",
        " #123456",
        "123456",
        "#1234567",
        "",
        None,
        42,
        "#１２３４５６",  # full-width digits: not ASCII hex
        "#123456\n",
        "url(javascript:x)",
    ],
)
def test_anything_else_falls_back_to_the_default_and_is_never_echoed(bad):
    assert normalized_colour(bad) is None
    assert safe_colour(bad) == DEFAULT_COLOUR
    css = brand_css(bad)
    assert css == brand_css(DEFAULT_COLOUR)
    assert brand_colours(bad).stylesheet == brand_colours(DEFAULT_COLOUR).stylesheet


def test_the_stylesheet_rule_names_the_colour_by_its_checked_digits():
    colours = brand_colours("#0A7F3C")
    assert colours.class_name == "jd-brand-0a7f3c"
    assert colours.stylesheet == ".jd-brand-0a7f3c{--jd-brand:#0a7f3c;--jd-on-brand:#ffffff}\n"
    assert brand_colours("#123456;}body{").class_name == f"jd-brand-{DEFAULT_COLOUR[1:]}"


def test_contrast_ratio_matches_wcag_reference_values():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1.0)
    # WCAG's own example pairs: #777777 on white is just under 4.5:1.
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)
    # Symmetric.
    assert contrast_ratio("#1f4e79", "#ffffff") == contrast_ratio("#ffffff", "#1f4e79")
    assert relative_luminance("#ffffff") == pytest.approx(1.0)
    assert relative_luminance("#000000") == pytest.approx(0.0)


def test_the_text_colour_is_white_on_dark_and_black_on_light():
    assert text_colour_on("#000000") == "#ffffff"
    assert text_colour_on("#1f4e79") == "#ffffff"
    assert text_colour_on("#ffffff") == "#000000"
    assert text_colour_on("#ffff00") == "#000000"
    assert text_colour_on("#777777") == "#000000"  # white would be 4.48:1


STEPS = ("00", "33", "66", "77", "80", "99", "aa", "cc", "ff")


@pytest.mark.parametrize("red", STEPS)
def test_every_colour_of_a_sweep_keeps_aa_contrast(red):
    for green, blue in itertools.product(STEPS, repeat=2):
        colour = f"#{red}{green}{blue}"
        colours = brand_colours(colour)
        assert contrast_ratio(colours.colour, colours.text) >= 4.5, colour


def test_the_hardest_greys_keep_aa_contrast():
    # Around luminance 0.18 white and black are closest: every grey there still passes.
    for value in range(0x70, 0x90):
        colour = f"#{value:02x}{value:02x}{value:02x}"
        assert contrast_ratio(colour, text_colour_on(colour)) >= 4.5, colour
