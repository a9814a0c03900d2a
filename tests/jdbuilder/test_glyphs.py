"""Which characters the PDF can draw with the fonts we ship, and the validator the forms use."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from jdbuilder import glyphs
from jdbuilder.glyphs import (
    REPLACEMENT,
    drawable_code_points,
    drawable_text,
    is_drawable,
    undrawable,
    validate_drawable,
)

# Scripts DejaVu Sans draws, regular and bold; Arabic and Persian are shaped by HarfBuzz.
DRAWABLE = {
    "latin": "Senior Data Engineer, Acme Analytics (Denver), 40 h/week",
    "accented": "Résumé: Ärzte, Çağrı, Łódź, Škoda, Ñandú, Ørsted, façade, naïve, Þór, ẞ",
    "greek": "Μηχανικός λογισμικού",
    "cyrillic": "Инженер-программист, Київ",
    "arabic": "مهندس برمجيات أول في فريق البيانات",
    "arabic with marks": "مُهَنْدِس",
    "persian": "مهندس نرم\u200cافزار، خانۀ ما",  # a zero-width non-joiner and U+06C0
    "hebrew": "מהנדס תוכנה",
    "typography": "“Quotes” ‘single’ – en — em … • € £ ¥ ₹ © ™ ° ± × ½",
    "spaces": "a\u00a0b\u2009c\u202fd",
    "layout": "line one\nline two\r\n\tindented",
    "combining": "e\u0301 n\u0303",
    "emoji DejaVu has": "😀 ☺ ☃ ❤\ufe0f ✓ ★",
    "format characters": "a\u200db\u200ec\u200fd\u00ade\ufefff",
}


@pytest.mark.parametrize("text", DRAWABLE.values(), ids=DRAWABLE.keys())
def test_text_in_the_scripts_our_fonts_have_is_drawable(text):
    assert undrawable(text) == []
    validate_drawable(text)  # no error
    assert drawable_text(text) == text


def test_cjk_is_not_drawable_each_character_once_in_order():
    assert undrawable("Engineer 你好，世界 你好") == ["你", "好", "，", "世", "界"]
    assert undrawable("ソフトウェア") == ["ソ", "フ", "ト", "ウ", "ェ", "ア"]
    assert undrawable("소프트웨어")[:2] == ["소", "프"]


def test_most_emoji_are_not_drawable():
    assert undrawable("Launch 🚀 👍 🎉 ✅ 🔥 💼") == ["🚀", "👍", "🎉", "✅", "🔥", "💼"]
    # A skin tone or a joiner does not make an emoji drawable; the joiner itself needs no glyph.
    assert undrawable("👍🏽") == ["👍", "🏽"]
    assert undrawable("👩\u200d💻") == ["👩", "💻"]


@pytest.mark.parametrize(
    "char",
    ["\ue000", "\U000f0000", "\U000e0000", "\u0378"],
    ids=["private use", "plane 15", "unassigned", "unassigned BMP"],
)
def test_private_use_and_unassigned_points_are_not_drawable(char):
    assert not is_drawable(char)
    assert undrawable(f"a{char}b") == [char]


@pytest.mark.parametrize(
    "char",
    ["\x01", "\x7f", "\x85", "\x0b", "\u2028", "\u2029", "\udc00", "\U0010ffff"],
    ids=["C0", "DEL", "C1", "Word line break", "LS", "PS", "lone surrogate", "noncharacter"],
)
def test_what_the_document_drops_or_breaks_is_not_reported(char):
    """document.clean() removes these or makes them "\n" before any renderer sees them: the
    manager is not told about characters they cannot see. The renderer never draws one."""
    assert undrawable(f"a{char}b") == []
    validate_drawable(f"line{char}line")
    assert not is_drawable(char)
    assert drawable_text(f"a{char}b") == f"a{REPLACEMENT}b"


def test_a_character_only_the_regular_face_has_is_not_drawable():
    """Titles and headings are bold: a character must be in both faces."""
    sans_serif_a = "\U0001d5a0"  # MATHEMATICAL SANS-SERIF CAPITAL A: regular face only
    assert ord(sans_serif_a) in glyphs._cmap("DejaVuSans.ttf")
    assert ord(sans_serif_a) not in glyphs._cmap("DejaVuSans-Bold.ttf")
    assert undrawable(sans_serif_a) == [sans_serif_a]


def test_a_precomposed_letter_is_drawable_from_its_parts():
    """U+06C0 is not in DejaVu's cmap, but U+06D5 and U+0654 are: HarfBuzz composes it."""
    assert 0x06C0 not in drawable_code_points()
    assert is_drawable("\u06c0")


def test_the_fonts_are_read_once():
    assert drawable_code_points() is drawable_code_points()
    assert {0x41, 0x0628, 0x03A9, 0x0416} <= drawable_code_points()
    assert 0x4F60 not in drawable_code_points()


class TestValidateDrawable:
    def test_the_message_names_the_characters(self):
        with pytest.raises(ValidationError) as caught:
            validate_drawable("Engineer 你好 🚀")
        error = caught.value
        assert error.code == "undrawable"
        assert error.params == {"characters": "你好🚀"}
        assert error.messages == [
            "The PDF cannot show these characters: “你”, “好”, “🚀” (U+1F680). "
            "Remove them or write them another way."
        ]

    def test_one_character(self):
        with pytest.raises(ValidationError) as caught:
            validate_drawable("Team 🚀🚀🚀")
        assert caught.value.messages == [
            "The PDF cannot show this character: “🚀” (U+1F680). Remove it or write it another way."
        ]

    def test_invisible_characters_are_named_by_code_point_only(self):
        with pytest.raises(ValidationError) as caught:
            validate_drawable("a\u3000b\ue000c\u0e31")  # ideographic space, private use, Thai mark
        assert caught.value.messages == [
            "The PDF cannot show these characters: U+3000, U+E000, U+0E31. "
            "Remove them or write them another way."
        ]

    def test_the_message_names_a_few_and_counts_the_rest(self):
        with pytest.raises(ValidationError) as caught:
            validate_drawable("软件工程师和数据")
        (message,) = caught.value.messages
        assert message.startswith(
            "The PDF cannot show these characters: “软”, “件”, “工”, “程”, “师”"
        )
        assert " and 3 more." in message
        assert "数" not in message
        assert caught.value.params == {"characters": "软件工程师和数据"}

    def test_empty_and_drawable_text_pass(self):
        validate_drawable("")
        validate_drawable("Ingénieur logiciel, مهندس")

    def test_a_value_that_is_not_text_is_left_to_the_field(self):
        validate_drawable(None)  # type: ignore[arg-type]
        validate_drawable(42)  # type: ignore[arg-type]

    def test_it_works_as_a_form_field_validator(self):
        from django import forms

        class Form(forms.Form):
            summary = forms.CharField(validators=[validate_drawable])

        form = Form(data={"summary": "Build 你的 data 🚀"})
        assert not form.is_valid()
        assert form.errors["summary"] == [
            "The PDF cannot show these characters: “你”, “的”, “🚀” (U+1F680). "
            "Remove them or write them another way."
        ]
        assert Form(data={"summary": "Build مرحبا data"}).is_valid()


def test_drawable_text_replaces_each_undrawable_character():
    assert drawable_text("Hi 你好 🚀!\n") == f"Hi {REPLACEMENT}{REPLACEMENT} {REPLACEMENT}!\n"
    assert drawable_text("") == ""
    assert is_drawable(REPLACEMENT)


def test_the_seed_catalog_and_our_document_templates_are_drawable():
    """What the app itself puts in a PDF never needs the replacement character."""
    root = Path(__file__).resolve().parents[2]
    for path in [root / "roles/data/catalog.toml", *sorted(root.glob("templates/documents/*"))]:
        assert undrawable(path.read_text(encoding="utf-8")) == [], path


def test_preload_reads_the_fonts():
    drawable_code_points.cache_clear()
    glyphs.preload()
    assert drawable_code_points.cache_info().currsize == 1
