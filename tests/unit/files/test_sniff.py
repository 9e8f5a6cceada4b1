"""The upload corpus: what the bytes are decides what is stored and how it is served (files/sniff.py)."""

from __future__ import annotations

import io
import zipfile

import pytest
from PIL import Image

from sanctum.core.errors import AppError
from sanctum.domains.files.sniff import OPAQUE, clean_name, examine
from tests.support.images import GPS_IFD, HTML_AS_PNG, SVG_WITH_SCRIPT, gif, jpeg_with_gps, png, png_claiming

LIMITS = {"max_pixels": 40_000_000, "thumbnail_side": 32}


def refused(data: bytes, name: str, **options: object) -> AppError:
    with pytest.raises(AppError) as caught:
        examine(data, name, **{**LIMITS, **options})  # type: ignore[arg-type]
    return caught.value


def test_html_named_png_is_an_opaque_file_not_an_image() -> None:
    found = examine(HTML_AS_PNG, "cat.png", **LIMITS)
    assert (found.content_type, found.image, found.thumbnail, found.name) == (OPAQUE, None, None, "cat.png")


def test_svg_with_script_is_an_opaque_file_and_never_an_image() -> None:
    found = examine(SVG_WITH_SCRIPT, "logo.svg", **LIMITS)
    assert (found.content_type, found.image) == (OPAQUE, None)
    assert refused(SVG_WITH_SCRIPT, "logo.svg", image_only_side=64).code == "NOT_AN_IMAGE"


def test_an_image_is_re_encoded_without_exif_gps_or_text_chunks_and_gets_a_thumbnail() -> None:
    original = png(300, 200, Comment="<script>alert(1)</script>")
    assert b"SpyCam" in original and b"<script>" in original

    found = examine(original, "photo.png", **LIMITS)

    assert found.content_type == "image/png" and b"SpyCam" not in found.data and b"<script>" not in found.data
    with Image.open(io.BytesIO(found.data)) as stored:
        assert stored.size == (300, 200) and not stored.getexif() and "Comment" not in stored.info
    assert found.thumbnail is not None and (found.thumbnail.width, found.thumbnail.height) == (32, 21)


def test_a_jpeg_loses_its_gps_position() -> None:
    original = jpeg_with_gps()
    with Image.open(io.BytesIO(original)) as before:
        assert before.getexif().get_ifd(GPS_IFD)

    found = examine(original, "holiday.jpeg", **LIMITS)

    with Image.open(io.BytesIO(found.data)) as after:
        assert after.format == "JPEG" and not after.getexif().get_ifd(GPS_IFD) and not after.getexif()
    assert found.name == "holiday.jpg"


def test_polyglots_lose_what_was_hidden_behind_the_image() -> None:
    payload = io.BytesIO()
    with zipfile.ZipFile(payload, "w") as archive:
        archive.writestr("evil.html", "<script>alert(1)</script>")
    jpeg_zip = jpeg_with_gps() + payload.getvalue()
    gif_html = gif() + b"<script>alert(1)</script>"

    for data, name in ((jpeg_zip, "a.jpg"), (gif_html, "b.gif")):
        found = examine(data, name, **LIMITS)
        assert found.image is not None
        assert b"PK\x03\x04" not in found.data and b"<script>" not in found.data
    assert examine(gif_html, "b.gif", **LIMITS).content_type == "image/png"


def test_a_decompression_bomb_is_refused_from_its_header_before_any_pixel_is_decoded() -> None:
    bomb = png_claiming(100_000, 100_000)  # 10 gigapixels declared, a few dozen bytes of data

    error = refused(bomb, "bomb.png")

    assert (error.status_code, error.code) == (422, "IMAGE_TOO_LARGE")
    assert refused(png(300, 300), "big.png", max_pixels=50_000).code == "IMAGE_TOO_LARGE"


def test_a_damaged_image_is_refused_with_422() -> None:
    damaged = png(50, 50)[:60]
    assert (refused(damaged, "broken.png").status_code, refused(damaged, "broken.png").code) == (
        422,
        "VALIDATION_FAILED",
    )


def test_an_avatar_is_kept_at_most_its_side_and_has_no_thumbnail() -> None:
    found = examine(png(1000, 500), "me.png", image_only_side=100, **LIMITS)
    assert found.image is not None and (found.image.width, found.image.height) == (100, 50)
    assert found.thumbnail is None


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\me\\report.pdf", "report.pdf"),
        ('a"b<c>\u202e\x00.txt', "abc.txt"),
        ("...", "file"),
    ],
)
def test_a_file_name_keeps_its_last_part_without_control_or_quote_characters(given: str, kept: str) -> None:
    assert clean_name(given) == kept
