"""A preview image, re-encoded: decoded by Pillow from the bytes (never the name or the header),
bounded in pixels, shrunk to fit `MAX_SIDE`, and written anew as JPEG (PNG when it has transparency),
so no metadata, no script and no polyglot of the original reaches a browser.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

MAX_SIDE = 640
MAX_PIXELS = 25_000_000  # decoding more is a decompression bomb, whatever the file's size
FORMATS = frozenset({"JPEG", "PNG", "GIF", "WEBP"})
IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})


@dataclass(frozen=True)
class Encoded:
    data: bytes
    content_type: str
    width: int
    height: int


class NotAnImage(Exception):
    pass


def reencode(data: bytes) -> Encoded:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=sorted(FORMATS)) as source:
                if source.width * source.height > MAX_PIXELS or source.width < 1 or source.height < 1:
                    raise NotAnImage("too many pixels")
                source.draft("RGB", (MAX_SIDE, MAX_SIDE))
                image = source.convert("RGBA")
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError, Warning) as exc:
        raise NotAnImage(str(exc)) from exc
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    out = io.BytesIO()
    lowest_alpha = image.getchannel("A").getextrema()[0]
    if isinstance(lowest_alpha, int | float) and lowest_alpha < 255:  # some transparency: keep it
        image.save(out, "PNG", optimize=True)
        kind = "image/png"
    else:
        image.convert("RGB").save(out, "JPEG", quality=82, optimize=True)
        kind = "image/jpeg"
    return Encoded(out.getvalue(), kind, image.width, image.height)
