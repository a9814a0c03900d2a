"""Images for the logo tests (made with Pillow, or by hand where Pillow would refuse to), and
Documents with the organization's parts for the renderer tests."""

from __future__ import annotations

import io
import random
import struct
import zlib
from typing import Any

from PIL import Image
from PIL.PngImagePlugin import PngInfo

from jdbuilder.document import Document
from jdbuilder.snapshots import read_snapshot
from tests.support.documents import POSTED, make_snapshot


def image_bytes(
    format: str = "PNG",
    *,
    size: tuple[int, int] = (40, 20),
    mode: str = "RGB",
    noisy: bool = False,
    **save: Any,
) -> bytes:
    """A real image; `noisy` fills it with random pixels, so it compresses badly (big files)."""
    if noisy:
        rng = random.Random(13)
        bands = len(mode)
        data = bytes(rng.randrange(256) for _ in range(size[0] * size[1] * bands))
        image = Image.frombytes(mode, size, data)
    else:
        image = Image.new(mode, size, (31, 78, 121, 255)[: len(mode)] if mode != "L" else 90)
        # A second colour, so re-encoding has something to keep.
        for x in range(min(size[0], 10)):
            image.putpixel((x, 0), (255, 212, 0, 128)[: len(mode)] if mode != "L" else 200)
    out = io.BytesIO()
    image.save(out, format=format, **save)
    return out.getvalue()


def png_bytes(**kwargs: Any) -> bytes:
    return image_bytes("PNG", **kwargs)


def jpeg_bytes(**kwargs: Any) -> bytes:
    return image_bytes("JPEG", **kwargs)


def png_with_metadata() -> bytes:
    """A PNG carrying a text chunk with a script in it and an ICC profile."""
    info = PngInfo()
    info.add_text("Comment", "<script>alert('logo')</script>")
    info.add_text("Author", "Someone Private")
    return png_bytes(pnginfo=info, icc_profile=b"\x00" * 128 + b"FAKE-ICC-PROFILE")


def jpeg_with_exif() -> bytes:
    """A JPEG with EXIF (camera, GPS-like text, orientation) and a comment."""
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x0110] = "Model X"  # Model
    exif[0x0131] = "PhotoEditor 9"  # Software
    return jpeg_bytes(exif=exif.tobytes(), comment=b"<script>alert(1)</script>")


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def declared_png(width: int, height: int) -> bytes:
    """A tiny PNG whose header declares `width` × `height` (a decompression bomb when large):
    the IDAT holds a few bytes only, so nothing but the header is plausible."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + _chunk(b"IEND", b"")
    )


SVG = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(1)</script><rect width='10' height='10'/></svg>"
)
HTML_PAYLOAD = b"<html><body><script>alert('polyglot')</script></body></html>"


def zip_payload() -> bytes:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("META-INF/MANIFEST.MF", "Main-Class: Evil\n")
        archive.writestr("Evil.class", b"\xca\xfe\xba\xbe-payload")
    return out.getvalue()


def branded_snapshot(
    *,
    colour: str = "#1f4e79",
    logo: dict[str, Any] | None = None,
    website: str = "https://acme.example",
    office: dict[str, Any] | None = None,
    department: str | None = "Platform",
    posting: dict[str, Any] | None = None,
    **overrides: Any,
) -> dict[str, Any]:
    """make_snapshot with the organization part take_snapshot writes."""
    return make_snapshot(
        posting=posting,
        organization={"name": "Acme Analytics", "website": website, "colour": colour, "logo": logo},
        department={"name": department} if department else None,
        office=office,
        **overrides,
    )


DENVER = {
    "name": "Denver",
    "street_address": "1 Main Street",
    "locality": "Denver",
    "region": "CO",
    "postal_code": "80202",
    "country": "US",
    "remote_only": False,
}
REMOTE_US = {
    "name": "Remote, US",
    "street_address": "",
    "locality": "",
    "region": "",
    "postal_code": "",
    "country": "US",
    "remote_only": True,
}
LOGO_SHA = "a" * 64


def logo_part(content: bytes, *, media_type: str = "image/png", size=(40, 20)) -> dict[str, Any]:
    return {
        "sha256": LOGO_SHA,
        "media_type": media_type,
        "width": size[0],
        "height": size[1],
        "path": f"/company/logo/{LOGO_SHA}.png",
    }


def branded_document(
    *,
    logo: bytes | None = None,
    logo_meta: dict[str, Any] | None = None,
    date_posted=POSTED,
    **snapshot: Any,
) -> Document:
    """A Document with colour, department, office and (if `logo` is given) a logo, described by
    `logo_meta` (the snapshot's logo part; a PNG of 40 × 20 by default)."""
    if logo is not None:
        snapshot["logo"] = logo_meta or logo_part(logo)
    return read_snapshot(branded_snapshot(**snapshot), date_posted=date_posted, logo=logo)
