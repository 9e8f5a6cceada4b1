"""What an upload is, decided from its bytes alone, and the clean copy of an image that is served.

Rules: the type comes from the leading bytes (`filetype`), never from the name or the client's
Content-Type. Only four raster formats count as images (JPEG, PNG, GIF, WebP): they are decoded with
Pillow, refused past `max_image_pixels` before any pixel is decoded (a decompression bomb), turned
upright, and re-encoded from their pixels alone, so EXIF (GPS positions), comments, text chunks and
anything appended to the file (a polyglot) are gone; a GIF keeps its first frame. Everything else is
an opaque file served as a download: its type is one of a short list of inert types, or
`application/octet-stream` (HTML and SVG among them: they are never served as what they are).
Pure and blocking: the service runs it on a thread.
"""

from __future__ import annotations

import io
import re
import unicodedata
import warnings
from dataclasses import dataclass

import filetype
from PIL import Image, ImageOps, UnidentifiedImageError

from sanctum.core.errors import AppError, ErrorCode, ValidationFailed

# Pillow's own guard, raised to an error for anything past the limit the service passes in.
warnings.simplefilter("error", Image.DecompressionBombWarning)

IMAGE_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/gif": "png", "image/webp": "webp"}
_OUTPUT = {"image/jpeg": ("JPEG", "image/jpeg"), "image/webp": ("WEBP", "image/webp")}
# Sniffed types served under their own name (still as downloads): none of them runs in a browser.
INERT_TYPES = frozenset(
    {
        "application/pdf",
        "application/zip",
        "application/gzip",
        "application/x-tar",
        "application/x-7z-compressed",
        "audio/mpeg",
        "audio/ogg",
        "audio/x-wav",
        "audio/x-flac",
        "video/mp4",
        "video/webm",
        "video/quicktime",
        "image/bmp",
        "image/tiff",
        "image/heic",
        "image/avif",
    }
)
OPAQUE = "application/octet-stream"


class ImageTooLarge(AppError):
    status_code = 422
    code = ErrorCode.IMAGE_TOO_LARGE
    message = "This image has too many pixels."


class NotAnImage(AppError):
    status_code = 415
    code = ErrorCode.NOT_AN_IMAGE
    message = "This is not a JPEG, PNG, GIF or WebP image."


@dataclass(frozen=True, slots=True)
class Rendition:
    data: bytes
    content_type: str
    width: int
    height: int


@dataclass(frozen=True, slots=True)
class Examined:
    """An upload as it will be stored: the bytes to keep (an image's clean copy), their type, and a
    thumbnail when it is an image."""

    data: bytes
    content_type: str
    name: str
    image: Rendition | None = None
    thumbnail: Rendition | None = None


def clean_name(name: str) -> str:
    """A file name to show and to offer in Content-Disposition: the last path part, no control or
    format characters, NFC, at most 120 characters; "file" when nothing is left."""
    name = unicodedata.normalize("NFC", name.replace("\\", "/").rsplit("/", 1)[-1])
    name = "".join(c for c in name if unicodedata.category(c)[0] not in ("C",) and c not in '"<>:|?*')
    name = re.sub(r"\s+", " ", name).strip(" .")
    return name[:120] or "file"


def sniff(data: bytes) -> str | None:
    kind = filetype.guess(data[:8192])
    return str(kind.mime) if kind is not None else None


def examine(
    data: bytes, name: str, *, max_pixels: int, thumbnail_side: int, image_only_side: int | None = None
) -> Examined:
    """The stored form of an upload. `image_only_side` (avatars, icons): refuse anything but an image
    and keep it at most that many pixels on a side, with no thumbnail."""
    sniffed = sniff(data)
    name = clean_name(name)
    if sniffed not in IMAGE_TYPES:
        if image_only_side is not None:
            raise NotAnImage()
        return Examined(data, sniffed if sniffed in INERT_TYPES else OPAQUE, name)
    picture = _decode(data, max_pixels)
    if image_only_side is not None:
        picture.thumbnail((image_only_side, image_only_side))
        image = _encode(picture, sniffed)
        return Examined(image.data, image.content_type, _renamed(name, image.content_type), image=image)
    image = _encode(picture, sniffed)
    small = picture.copy()
    small.thumbnail((thumbnail_side, thumbnail_side))
    thumbnail = _encode(small, "image/jpeg" if small.mode in ("RGB", "L") else "image/png")
    return Examined(image.data, image.content_type, _renamed(name, image.content_type), image, thumbnail)


def _decode(data: bytes, max_pixels: int) -> Image.Image:
    try:
        with Image.open(io.BytesIO(data)) as opened:
            # The header's canvas size, checked before a single pixel is decoded.
            if opened.width * opened.height > max_pixels:
                raise ImageTooLarge(details={"width": opened.width, "height": opened.height, "max_pixels": max_pixels})
            opened.seek(0)
            opened.load()
            upright = ImageOps.exif_transpose(opened) or opened
            picture = upright.convert("RGBA" if _has_alpha(upright) else "RGB")
    except AppError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageTooLarge(details={"max_pixels": max_pixels}) from exc
    except (OSError, SyntaxError, ValueError, EOFError, UnidentifiedImageError) as exc:
        raise ValidationFailed(
            "This image is damaged and cannot be read.", fields={"file": "is not a readable image"}
        ) from exc
    return picture


def _has_alpha(picture: Image.Image) -> bool:
    return picture.mode in ("RGBA", "LA", "PA") or (picture.mode == "P" and "transparency" in picture.info)


def _encode(picture: Image.Image, sniffed: str) -> Rendition:
    fmt, content_type = _OUTPUT.get(sniffed, ("PNG", "image/png"))
    if fmt == "JPEG" and picture.mode != "RGB":
        picture = picture.convert("RGB")
    out = io.BytesIO()
    # Saved from pixels with no `exif`, `icc_profile` or text: no metadata survives.
    options = {"quality": 85} if fmt in ("JPEG", "WEBP") else {"optimize": True}
    picture.save(out, fmt, **options)
    return Rendition(out.getvalue(), content_type, picture.width, picture.height)


def _renamed(name: str, content_type: str) -> str:
    """The name with the extension of what is stored (`photo.gif` stored as PNG reads `photo.png`)."""
    extension = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}[content_type]
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return f"{stem}.{extension}"
