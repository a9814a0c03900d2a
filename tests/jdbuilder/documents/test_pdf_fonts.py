"""The PDF's fonts: only ours are ever embedded, whatever the host has and whatever the text is.

Latin, Greek, Cyrillic and Arabic (shaped by HarfBuzz) are drawn with our DejaVu Sans; a
character it cannot draw that reaches the renderer without the forms (which refuse it) is drawn
as U+FFFD, never with a host font and never as .notdef.
"""

from __future__ import annotations

import io
import logging
import os
import re
from dataclasses import replace
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils.html import escape
from fontTools.ttLib import TTFont
from weasyprint.text.fonts import FontConfiguration

from jdbuilder.documents import pdf
from jdbuilder.documents.pdf import render_pdf
from jdbuilder.glyphs import LAYOUT, REPLACEMENT, drawable_code_points, font_dir, is_drawable
from tests.jdbuilder.documents.pdf_reading import fonts_of, reader_for
from tests.support.documents import make_document

OUR_FONTS = {"JD-Sans", "JD-Sans-Bold"}
HOST_FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts")
GREEK, CYRILLIC = "Μηχανικός λογισμικού", "Инженер-программист"
ARABIC = "مهندس برمجيات في فريق البيانات"
ACCENTED = "Ingénieure données, Łódź, Ærø"


def many_scripts(**changes):
    """A Document with Latin, accented, Greek, Cyrillic and Arabic text, in bold and regular."""
    texts = {
        "title": f"Data Engineer {GREEK} {ARABIC}",
        "company_name": f"Acme {CYRILLIC}",
        "summary": f"{ACCENTED}. {GREEK}. {CYRILLIC}. {ARABIC}.",
        "benefits": (ARABIC, "بببب", GREEK),
    }
    return replace(make_document(), **{**texts, **changes})


def font_names(content: bytes) -> set[str]:
    return {str(font["/BaseFont"]).split("+", 1)[-1] for font in fonts_of(reader_for(content))}


def embedded_programs(content: bytes) -> dict[str, TTFont]:
    """Each font's embedded TrueType program, by font name."""
    programs = {}
    for font in fonts_of(reader_for(content)):
        described = font["/DescendantFonts"][0].get_object()
        data = described["/FontDescriptor"].get_object()["/FontFile2"].get_object().get_data()
        programs[str(font["/BaseFont"]).split("+", 1)[-1]] = TTFont(io.BytesIO(data))
    return programs


def to_unicode(font) -> dict[int, str]:
    """glyph id -> text, from a font's /ToUnicode CMap (bfchar and bfrange entries)."""
    cmap = font["/ToUnicode"].get_object().get_data().decode("latin-1")
    mapping: dict[int, str] = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
        for glyph, text in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            mapping[int(glyph, 16)] = bytes.fromhex(text).decode("utf-16-be")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.S):
        for start, end, text in re.findall(
            r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block
        ):
            first = ord(bytes.fromhex(text).decode("utf-16-be"))
            for offset, glyph in enumerate(range(int(start, 16), int(end, 16) + 1)):
                mapping[glyph] = chr(first + offset)
    return mapping


@pytest.fixture(scope="module")
def scripts_pdf() -> bytes:
    return render_pdf(many_scripts())


def test_many_scripts_embed_only_our_fonts(scripts_pdf):
    assert font_names(scripts_pdf) == OUR_FONTS
    # The programs are DejaVu Sans (subset, glyph ids kept): the family name says so.
    for program in embedded_programs(scripts_pdf).values():
        assert program["name"].getDebugName(1) == "DejaVu Sans"


def test_many_scripts_are_real_text(scripts_pdf):
    text = "".join(page.extract_text() for page in reader_for(scripts_pdf).pages)
    for words in (GREEK, CYRILLIC, ACCENTED, "Acme"):
        assert words in text
    for word in ARABIC.split():
        assert word in text


def test_arabic_is_shaped_with_dejavu(scripts_pdf):
    """ "بببب" is drawn with beh's initial, medial and final forms, not four isolated behs:
    several glyphs of our font stand for U+0628, none of them the isolated one."""
    fonts = fonts_of(reader_for(scripts_pdf))
    regular = next(f for f in fonts if str(f["/BaseFont"]).split("+", 1)[-1] == "JD-Sans")
    behs = {glyph for glyph, text in to_unicode(regular).items() if text == "\u0628"}
    dejavu = TTFont(font_dir() / "DejaVuSans.ttf")
    names = {dejavu.getGlyphName(glyph) for glyph in behs}
    assert {"uniFE91", "uniFE92", "uniFE90"} <= names  # initial, medial, final
    assert dejavu.getBestCmap()[0x0628] not in names


def test_many_scripts_draw_no_notdef(caplog):
    caplog.set_level(logging.WARNING, logger="weasyprint")
    render_pdf(many_scripts(about_company="Fresh render, not the fixture's"))
    assert [r.getMessage() for r in caplog.records if "notdef" in r.getMessage()] == []


CJK = "数据工程师"
EMOJI = "🚀👍"


def slipped_document():
    return many_scripts(title=f"Engineer {CJK}", summary=f"Summary {CJK} {EMOJI} {GREEK}")


@pytest.fixture(scope="module")
def slipped() -> bytes:
    return render_pdf(slipped_document())


def test_every_character_glyphs_accepts_is_drawn_in_both_faces(caplog):
    """glyphs.py and the renderer agree: each of the ~5,800 characters the validator lets
    through (joiners, variation selectors and letters HarfBuzz composes included) is drawn
    with our fonts, regular and bold, and none as .notdef."""
    # Our fonts have nothing past plane 1; plane 14 holds the tags and variation selectors.
    assert max(drawable_code_points()) < 0x20000
    points = [*range(0x20000), *range(0xE0000, 0xE1000)]
    accepted = [chr(point) for point in points if is_drawable(chr(point))]
    assert len(accepted) > 5000
    line = escape(" ".join(char for char in accepted if char not in LAYOUT))
    markup = f"<html lang=en><body><p>{line}</p><p><b>{line}</b></p></body></html>"
    caplog.set_level(logging.WARNING, logger="weasyprint")
    content = pdf.html_to_pdf(markup, make_document(), "a4")
    assert [r.getMessage() for r in caplog.records if "notdef" in r.getMessage()] == []
    assert font_names(content) == OUR_FONTS


class TestTextTheFormsWouldRefuse:
    """CJK and emoji slipped into a Document (an old revision, a catalog text): still our fonts
    only, and U+FFFD, a real glyph of ours, where each such character was."""

    def test_only_our_fonts(self, slipped):
        assert font_names(slipped) == OUR_FONTS

    def test_each_character_is_drawn_as_the_replacement_character(self, slipped):
        text = "".join(page.extract_text() for page in reader_for(slipped).pages)
        assert f"Summary {REPLACEMENT * 5} {REPLACEMENT * 2} {GREEK}" in text
        assert CJK not in text and "🚀" not in text
        assert "Engineer " + REPLACEMENT * 5 in text

    def test_no_notdef(self, caplog):
        caplog.set_level(logging.WARNING, logger="weasyprint")
        render_pdf(many_scripts(summary=f"{CJK} {EMOJI}"))
        assert [r.getMessage() for r in caplog.records if "notdef" in r.getMessage()] == []

    def test_the_same_bytes_on_every_render(self, slipped):
        assert render_pdf(slipped_document()) == slipped

    def test_a_character_reference_in_markup_is_replaced_too(self):
        document = make_document()
        markup = "<html lang=en><body><p>Ref &#x6570;&#x636E; &#x1F680; ok</p></body></html>"
        content = pdf.html_to_pdf(markup, document, "a4")
        assert font_names(content) == {"JD-Sans"}
        assert (
            f"Ref {REPLACEMENT * 2} {REPLACEMENT} ok" in reader_for(content).pages[0].extract_text()
        )


def test_markup_that_names_host_fonts_still_gets_ours():
    """With the host's fontconfig, this markup embeds DejaVu Serif and DejaVu Sans Mono (Debian's
    fonts-dejavu); with ours there is nothing by those names to find."""
    markup = (
        "<html lang=en><body>"
        "<p style=\"font-family: 'DejaVu Serif', 'Liberation Serif', 'Noto Sans CJK SC', serif\">"
        "Serif</p><p style='font-family: monospace'>Mono</p><p style='font-family: emoji'>x</p>"
        "</body></html>"
    )
    content = pdf.html_to_pdf(markup, make_document(), "a4")
    assert font_names(content) == {"JD-Sans"}
    assert "SerifMonox" in reader_for(content).pages[0].extract_text().replace("\n", "")


class TestFontConfiguration:
    def test_the_renderer_sees_no_host_font(self):
        assert pdf.host_font_count(pdf._font_config()) == 0

    def test_the_check_would_see_host_fonts(self):
        """Without our fonts.conf, fontconfig lists the host's fonts (when it has any)."""
        if not any(Path(path).is_dir() for path in HOST_FONT_DIRS):
            pytest.skip("this host has no fonts to see")
        assert pdf.host_font_count(FontConfiguration()) > 0

    def test_the_environment_is_put_back(self, monkeypatch):
        monkeypatch.setenv("FONTCONFIG_FILE", "/etc/fonts/fonts.conf")
        monkeypatch.setenv("FONTCONFIG_SYSROOT", "/somewhere")
        monkeypatch.delenv("FONTCONFIG_PATH", raising=False)
        with pdf._our_fontconfig():
            assert os.environ["FONTCONFIG_FILE"] == str(pdf.FONTS_CONF)
            assert "FONTCONFIG_SYSROOT" not in os.environ
        assert os.environ["FONTCONFIG_FILE"] == "/etc/fonts/fonts.conf"
        assert os.environ["FONTCONFIG_SYSROOT"] == "/somewhere"
        assert "FONTCONFIG_PATH" not in os.environ

    def test_a_server_setting_fontconfig_file_does_not_matter(self, monkeypatch):
        monkeypatch.setenv("FONTCONFIG_FILE", "/etc/fonts/fonts.conf")
        assert pdf.host_font_count(pdf._font_config.__wrapped__()) == 0

    def test_a_missing_fonts_conf_is_refused_not_replaced_by_the_hosts(self, monkeypatch, tmp_path):
        """Without its file fontconfig would fall back to the host's font directories."""
        monkeypatch.setattr(pdf, "FONTS_CONF", tmp_path / "missing.conf")
        with pytest.raises(ImproperlyConfigured, match="font configuration is missing"):
            pdf._font_config.__wrapped__()

    def test_fonts_conf_names_no_directory_and_includes_nothing(self):
        text = pdf.FONTS_CONF.read_text(encoding="utf-8")
        body = re.sub(r"<!--.*?-->", "", text, flags=re.S)
        assert not re.search(r"<(dir|include|cachedir)\b", body)
