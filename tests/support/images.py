"""Images and hostile files made in memory for the upload tests (no fixtures on disk)."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image, PngImagePlugin

GPS_IFD = 0x8825


def png(width: int = 64, height: int = 48, color: tuple[int, int, int] = (200, 30, 30), **info: str) -> bytes:
    """A PNG, with text chunks (`info`) and an EXIF block naming a GPS position."""
    picture = Image.new("RGB", (width, height), color)
    text = PngImagePlugin.PngInfo()
    for key, value in info.items():
        text.add_text(key, value)
    out = io.BytesIO()
    picture.save(out, "PNG", pnginfo=text, exif=_exif())
    return out.getvalue()


def jpeg_with_gps(width: int = 80, height: int = 60) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (10, 120, 200)).save(out, "JPEG", exif=_exif())
    return out.getvalue()


def gif() -> bytes:
    out = io.BytesIO()
    Image.new("P", (16, 16), 1).save(out, "GIF")
    return out.getvalue()


def _exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # Make
    exif.get_ifd(GPS_IFD)[2] = (48.0, 51.0, 24.0)  # GPSLatitude
    return exif


def png_claiming(width: int, height: int) -> bytes:
    """A small PNG whose header claims a huge canvas (a decompression bomb's shape)."""
    data = bytearray(png(4, 4))
    ihdr = struct.pack(">II", width, height) + bytes(data[24:29])
    data[16:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    return bytes(data)


HTML_AS_PNG = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
SVG_WITH_SCRIPT = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
    b"<script>alert(document.domain)</script><rect width='10' height='10'/></svg>"
)
