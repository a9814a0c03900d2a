"""The logo upload: a real PNG or JPEG only, decided by decoding; small; re-encoded, stripped."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from jdbuilder.organization.logo import MAX_BYTES, MESSAGES, checked_logo, stored_logo
from jdbuilder.organization.models import Logo
from tests.support.organization import (
    HTML_PAYLOAD,
    SVG,
    declared_png,
    image_bytes,
    jpeg_bytes,
    jpeg_with_exif,
    png_bytes,
    png_with_metadata,
    zip_payload,
)

pytestmark = pytest.mark.django_db


def refusal(upload) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        checked_logo(upload)
    return caught.value


def decoded(logo: Logo) -> Image.Image:
    image = Image.open(io.BytesIO(bytes(logo.content)))
    image.load()
    return image


def test_a_png_is_accepted_re_encoded_as_png():
    source = png_bytes(size=(120, 60))
    logo = checked_logo(source)
    assert logo.pk is None  # checking saves nothing
    assert (logo.media_type, logo.width, logo.height) == ("image/png", 120, 60)
    image = decoded(logo)
    assert image.format == "PNG" and image.mode == "RGB"
    assert logo.sha256 == hashlib.sha256(bytes(logo.content)).hexdigest()
    assert image.getpixel((0, 0)) == Image.open(io.BytesIO(source)).convert("RGB").getpixel((0, 0))


def test_a_png_with_transparency_keeps_it():
    logo = checked_logo(png_bytes(mode="RGBA"))
    image = decoded(logo)
    assert image.mode == "RGBA"
    assert image.getpixel((0, 0))[3] == 128


def test_a_jpeg_is_accepted_re_encoded_as_jpeg():
    logo = checked_logo(jpeg_bytes(size=(300, 100)))
    assert (logo.media_type, logo.width, logo.height) == ("image/jpeg", 300, 100)
    assert logo.extension == "jpg"
    assert decoded(logo).format == "JPEG"


def test_a_png_renamed_jpg_is_taken_for_what_it_is():
    upload = SimpleUploadedFile("logo.jpg", png_bytes(), content_type="image/jpeg")
    logo = checked_logo(upload)
    assert logo.media_type == "image/png"
    assert decoded(logo).format == "PNG"


def test_a_grey_or_palette_png_becomes_rgb():
    assert decoded(checked_logo(png_bytes(mode="L"))).mode == "RGB"
    palette = Image.new("P", (8, 8), 3)
    out = io.BytesIO()
    palette.save(out, format="PNG")
    assert decoded(checked_logo(out.getvalue())).mode == "RGB"


def test_an_svg_is_refused_with_its_own_message():
    error = refusal(SimpleUploadedFile("logo.png", SVG, content_type="image/png"))
    assert error.messages == [MESSAGES["svg"]]
    assert "SVG logos are not accepted: upload a PNG or JPEG" in error.messages[0]
    assert refusal(b"\n  <svg xmlns='http://www.w3.org/2000/svg'/>").code == "svg"


def test_a_gzipped_svg_is_refused_as_svg():
    import gzip

    assert refusal(gzip.compress(SVG)).code == "svg"


@pytest.mark.parametrize(
    "data",
    [
        b"GIF89a" + b"\x00" * 50,
        b"<html><body>not an image</body></html>",
        b"%PDF-1.7\n",
        b"just some text",
    ],
    ids=["gif-header", "html", "pdf", "text"],
)
def test_other_files_are_refused_as_not_an_image(data):
    error = refusal(data)
    assert error.code == "not_image"
    assert "not a PNG or JPEG" in error.messages[0]


def test_a_real_gif_or_webp_is_refused():
    assert refusal(image_bytes("GIF")).code == "not_image"
    assert refusal(image_bytes("BMP")).code == "not_image"


def test_an_empty_file_is_refused():
    assert refusal(b"").code == "empty"


@pytest.mark.parametrize("maker", [png_bytes, jpeg_bytes], ids=["png", "jpeg"])
def test_a_truncated_file_is_refused(maker):
    whole = maker(size=(200, 200), noisy=True)
    error = refusal(whole[: len(whole) // 2])
    assert error.code == "truncated"
    assert "truncated" in error.messages[0]


def test_a_png_with_a_bad_checksum_is_refused():
    data = bytearray(png_bytes(size=(50, 50), noisy=True))
    data[60] ^= 0xFF  # inside the IDAT: its CRC no longer matches
    assert refusal(bytes(data)).code in ("truncated", "not_image")


def test_a_decompression_bomb_is_refused_before_decoding():
    # 30,000 × 30,000: 900 million pixels declared by a file of under 100 bytes.
    bomb = declared_png(30000, 30000)
    assert len(bomb) < 100
    error = refusal(bomb)
    assert error.code == "bomb"
    assert "too many pixels" in error.messages[0]


def test_an_image_above_pillows_warning_threshold_is_refused():
    # 10,000 × 10,000 = 100 M pixels: Pillow only warns (between its limit and twice it).
    assert refusal(declared_png(10000, 10000)).code == "bomb"


def test_2001_pixels_wide_is_refused_from_the_header():
    error = refusal(declared_png(2001, 10))
    assert error.code == "too_many_pixels"
    assert "2,001 × 10" in error.messages[0]
    assert refusal(png_bytes(size=(10, 2001))).code == "too_many_pixels"


def test_2000_pixels_is_allowed():
    logo = checked_logo(png_bytes(size=(2000, 20)))
    assert logo.width == 2000


def test_more_than_2_mb_is_refused_unread():
    oversized = png_bytes() + b"\x00" * MAX_BYTES
    assert refusal(oversized).code == "too_large"

    class Unreadable(io.BytesIO):
        size = MAX_BYTES + 1

        def read(self, *args):
            raise AssertionError("read although its size says it is too large")

    assert refusal(Unreadable()).code == "too_large"
    assert "2 MB" in MESSAGES["too_large"]


@pytest.mark.parametrize(
    "payload", [HTML_PAYLOAD, zip_payload(), b"<?php system($_GET['c']); ?>"], ids=str
)
def test_a_polyglot_loses_its_payload(payload):
    source = png_bytes(size=(30, 30)) + payload
    logo = checked_logo(source)
    content = bytes(logo.content)
    assert payload not in content
    assert b"<script" not in content and b"PK\x03\x04" not in content and b"<?php" not in content
    assert content.endswith(b"IEND\xaeB`\x82")  # the PNG ends where a PNG ends


def test_a_gifar_like_jpeg_with_a_zip_inside_loses_it():
    source = jpeg_bytes(size=(30, 30)) + zip_payload()
    content = bytes(checked_logo(source).content)
    assert b"PK\x03\x04" not in content and b"Evil" not in content


def test_exif_and_comments_are_stripped_from_a_jpeg():
    source = jpeg_with_exif()
    assert b"SecretCam" in source and b"<script>" in source
    logo = checked_logo(source)
    content = bytes(logo.content)
    assert b"SecretCam" not in content and b"Exif" not in content and b"<script>" not in content
    image = decoded(logo)
    assert dict(image.getexif()) == {}
    assert "comment" not in image.info and "exif" not in image.info


def test_text_chunks_and_icc_profiles_are_stripped_from_a_png():
    source = png_with_metadata()
    assert b"FAKE-ICC" in source or b"iCCP" in source
    logo = checked_logo(source)
    content = bytes(logo.content)
    for marker in (b"tEXt", b"iTXt", b"zTXt", b"iCCP", b"eXIf", b"<script>", b"Someone"):
        assert marker not in content
    assert "icc_profile" not in decoded(logo).info


def test_the_exif_orientation_is_applied_before_it_is_dropped():
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to show
    source = jpeg_bytes(size=(60, 20), exif=exif.tobytes())
    logo = checked_logo(source)
    assert (logo.width, logo.height) == (20, 60)


def test_the_result_is_re_encoded_not_the_upload():
    source = png_with_metadata()
    logo = checked_logo(source)
    assert bytes(logo.content) != source


def test_the_same_logo_uploaded_twice_reuses_its_row():
    first = stored_logo(checked_logo(png_bytes(size=(64, 32))))
    assert first.pk is not None
    # The same pixels with different metadata re-encode to the same bytes.
    info_variant = png_bytes(size=(64, 32), icc_profile=b"\x00" * 64)
    again = checked_logo(info_variant)
    assert again.pk == first.pk
    assert Logo.objects.count() == 1
    other = stored_logo(checked_logo(png_bytes(size=(65, 32))))
    assert other.pk != first.pk
    assert Logo.objects.count() == 2


def test_stored_logo_takes_a_row_written_meanwhile():
    one = checked_logo(png_bytes(size=(12, 12)))
    two = checked_logo(png_bytes(size=(12, 12)))
    assert one.pk is None and two.pk is None
    saved = stored_logo(one)
    assert stored_logo(two).pk == saved.pk
    assert Logo.objects.count() == 1


def test_a_truncated_file_is_refused_even_after_weasyprint_loosened_pillow():
    import weasyprint.images  # noqa: F401  (sets ImageFile.LOAD_TRUNCATED_IMAGES = True)
    from PIL import ImageFile

    assert ImageFile.LOAD_TRUNCATED_IMAGES is True
    whole = jpeg_bytes(size=(200, 200), noisy=True)
    assert refusal(whole[: len(whole) // 2]).code == "truncated"
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True  # put back as it was


@pytest.mark.parametrize(
    ("mode", "format", "expected"),
    [
        ("I;16", "PNG", "RGB"),
        ("1", "PNG", "RGB"),
        ("LA", "PNG", "RGBA"),
        ("P", "PNG", "RGB"),
        ("CMYK", "JPEG", "RGB"),
        ("L", "JPEG", "RGB"),
    ],
)
def test_every_pixel_format_becomes_rgb_or_rgba(mode, format, expected):
    out = io.BytesIO()
    Image.new(mode, (10, 10)).save(out, format=format)
    logo = checked_logo(out.getvalue())
    assert decoded(logo).mode == expected
    assert logo.media_type == ("image/png" if format == "PNG" else "image/jpeg")
