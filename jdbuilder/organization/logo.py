"""The logo upload: only a real PNG or JPEG, small, re-encoded and stripped before it is kept.

What a file is comes from decoding it with Pillow (PNG and JPEG decoders only), never from its
name or the content type the browser sent. In order: at most MAX_BYTES read; SVG refused with its
own message; the header read and the size checked (at most MAX_SIDE px a side) before a single
pixel is decoded, with Pillow's decompression-bomb guard turned into a refusal; `verify()`, then
a fresh open and `load()` (a truncated file fails here); the pixels copied into a new image with
no metadata at all (no EXIF, ICC profile, text chunks or comments) and encoded again: PNG stays
PNG (RGB or RGBA), JPEG stays JPEG (RGB). Whatever rode along (an appended HTML page, ZIP or
script, a comment) is not in the new bytes. The EXIF orientation is applied first, so a photo
taken sideways still shows upright once its EXIF is gone.

`checked_logo` returns a Logo: the stored row when one with the same re-encoded bytes exists
(by sha256), else a new, unsaved one; `stored_logo` saves it (reusing a row written meanwhile).
Checking saves nothing, so a form that fails on another field leaves no row behind.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from jdbuilder.organization.models import Logo

MAX_BYTES = 2 * 1024 * 1024
MAX_SIDE = 2000
# Pillow's own guard: a warning above this many pixels, an error above twice as many. Both are
# refused (see _opened); our side limit is far below it anyway.
MAX_PIXELS = MAX_SIDE * MAX_SIDE
# The re-encoded file may be a little larger than the upload; not without bound.
MAX_STORED_BYTES = 2 * MAX_BYTES
JPEG_QUALITY = 90
FORMATS = {
    "PNG": ("image/png", "PNG"),
    "JPEG": ("image/jpeg", "JPEG"),
    "MPO": ("image/jpeg", "JPEG"),
}

MESSAGES = {
    "svg": "SVG logos are not accepted: upload a PNG or JPEG.",
    "not_image": "This file is not a PNG or JPEG image: upload a PNG or JPEG.",
    "truncated": "This image is incomplete or damaged (perhaps truncated): upload it again.",
    "too_large": "The logo may be at most 2 MB; this file is larger.",
    "too_many_pixels": "A logo may be at most 2,000 pixels a side; this one is {width} × {height}.",
    "bomb": "This image declares far too many pixels: a logo may be at most 2,000 pixels a side.",
    "empty": "The file is empty: upload a PNG or JPEG.",
    "stored_too_large": "This image is too detailed to keep as a logo: upload a smaller one.",
}


def _refuse(code: str, **params: object) -> ValidationError:
    return ValidationError(MESSAGES[code].format(**params), code=code)


@dataclass(frozen=True)
class _Encoded:
    content: bytes
    media_type: str
    width: int
    height: int


def _read(upload: bytes | IO[bytes]) -> bytes:
    """At most MAX_BYTES + 1 bytes of the upload: one more tells it is too large."""
    if isinstance(upload, bytes | bytearray | memoryview):
        data = bytes(upload)
    else:
        size = getattr(upload, "size", None)
        if isinstance(size, int) and size > MAX_BYTES:
            raise _refuse("too_large")
        if hasattr(upload, "seek"):
            upload.seek(0)
        data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise _refuse("too_large")
    if not data:
        raise _refuse("empty")
    return data


def _looks_like_svg(data: bytes) -> bool:
    """SVG, plain or gzipped (.svgz): judged from its start, only to give the clearer message."""
    head = data[:4096]
    if head[:2] == b"\x1f\x8b":
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(data)) as unzipped:
                head = unzipped.read(4096)
        except (OSError, EOFError):
            return False
    head = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith(b"<") and b"<svg" in head


def _opened(data: bytes) -> Image.Image:
    """The image's header, read by the PNG or JPEG decoder; no pixel decoded yet."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=["PNG", "JPEG"])
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise _refuse("bomb") from error
        except UnidentifiedImageError as error:
            raise _refuse("not_image") from error
        except (OSError, SyntaxError, ValueError, EOFError) as error:
            raise _refuse("truncated") from error
    if image.format not in FORMATS:
        raise _refuse("not_image")
    return image


def _decoded(data: bytes) -> Image.Image:
    image = _opened(data)
    width, height = image.size
    if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
        raise _refuse("too_many_pixels", width=f"{width:,}", height=f"{height:,}")
    if width < 1 or height < 1:
        raise _refuse("not_image")
    try:
        image.verify()
    except Exception as error:  # verify raises whatever the decoder met: all mean "damaged"
        raise _refuse("truncated") from error
    # verify() leaves the image unusable: open again and decode every pixel. A truncated file
    # fails here, with truncated loading off (see _strict_loading).
    image = _opened(data)
    try:
        with _strict_loading():
            image.load()
    except Exception as error:
        raise _refuse("truncated") from error
    return image


_loading = threading.Lock()


@contextmanager
def _strict_loading() -> Iterator[None]:
    """Pillow's truncated-image tolerance off while a logo decodes. WeasyPrint turns it on for
    the whole process when it is imported (weasyprint/images.py), which would let a truncated
    logo pass as an image with grey where its pixels are missing."""
    with _loading:
        saved = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = saved


def _re_encoded(image: Image.Image) -> _Encoded:
    media_type, encoder = FORMATS[image.format]
    try:
        upright = ImageOps.exif_transpose(image) or image
    except Exception:  # a broken orientation tag: keep the pixels as stored
        upright = image
    mode = "RGBA" if encoder == "PNG" and image.has_transparency_data else "RGB"
    try:
        converted = upright.convert(mode)
    except ValueError as error:  # a pixel format Pillow cannot turn into RGB (rare)
        raise _refuse("not_image") from error
    # A new image from the pixels alone: nothing of the original's `info` comes along.
    clean = Image.frombytes(mode, converted.size, converted.tobytes())
    out = io.BytesIO()
    if encoder == "PNG":
        clean.save(out, format="PNG", optimize=False, compress_level=9)
    else:
        clean.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    content = out.getvalue()
    if len(content) > MAX_STORED_BYTES:
        raise _refuse("stored_too_large")
    return _Encoded(content, media_type, clean.width, clean.height)


def checked_logo(upload: bytes | IO[bytes]) -> Logo:
    """The upload as a Logo, or ValidationError saying what is wrong with it.

    Returns the stored Logo with the same re-encoded bytes if there is one, else a new unsaved
    Logo (save it with `stored_logo`). `upload` is bytes or a file (a Django UploadedFile).
    """
    data = _read(upload)
    if _looks_like_svg(data):
        raise _refuse("svg")
    encoded = _re_encoded(_decoded(data))
    sha256 = hashlib.sha256(encoded.content).hexdigest()
    existing = Logo.objects.filter(sha256=sha256).first()
    if existing is not None:
        return existing
    return Logo(
        sha256=sha256,
        content=encoded.content,
        media_type=encoded.media_type,
        width=encoded.width,
        height=encoded.height,
    )


def stored_logo(logo: Logo) -> Logo:
    """`logo` saved, or the row with its sha256 if one was written since it was checked."""
    if logo.pk is not None:
        return logo
    try:
        with transaction.atomic():
            logo.save()
        return logo
    except IntegrityError:
        return Logo.objects.get(sha256=logo.sha256)


__all__ = ["MAX_BYTES", "MAX_SIDE", "MESSAGES", "checked_logo", "stored_logo"]
