"""The pure parts of link previews: which links, what a page says, what an image becomes."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from sanctum.domains.previews.images import NotAnImage, reencode
from sanctum.domains.previews.links import first_links
from sanctum.domains.previews.parse import merge_oembed, parse_page
from tests.support.web_targets import png


def test_the_first_three_distinct_links_outside_code_are_previewed() -> None:
    text = (
        "see https://a.example/x, and (https://b.example/y). `https://code.example/` "
        "```\nhttps://fenced.example/\n``` [c](https://c.example/z) https://a.example/x https://d.example/"
    )
    assert first_links(text) == ["https://a.example/x", "https://b.example/y", "https://c.example/z"]
    assert first_links("no links, ftp://x.example/ nor javascript:alert(1)") == []


def test_open_graph_wins_over_the_title_and_text_is_cleaned_and_cut() -> None:
    page = (
        b"<html><head><title>Plain</title><meta property=og:title content='OG\x07 title'>"
        b"<meta name=description content='" + b"long " * 200 + b"'><meta property=og:image content='/i.png'>"
        b"<link rel=alternate type=application/json+oembed href='https://o.example/e.json'></head></html>"
    )
    meta = parse_page(page, None, "https://site.example/a/b")

    assert meta.title == "OG title"
    assert len(meta.description) == 300 and meta.description.endswith("…")
    assert meta.image_url == "https://site.example/i.png"
    assert meta.oembed_url == "https://o.example/e.json"
    merged = merge_oembed(meta, b'{"provider_name": "Provider", "title": "ignored"}', "https://o.example/")
    assert merged.site_name == "Provider" and merged.title == "OG title"
    assert merge_oembed(meta, b"not json", "https://o.example/") == meta


def test_a_page_without_open_graph_falls_back_to_its_title_and_ignores_script_urls() -> None:
    meta = parse_page(
        "<title> Caf\u00e9 menu </title><meta property=og:image content='javascript:alert(1)'>".encode("latin-1"),
        "latin-1",
        "https://x.example/",
    )
    assert meta.title == "Caf\u00e9 menu" and meta.image_url is None


def test_an_image_is_re_encoded_shrunk_and_stripped() -> None:
    out = io.BytesIO()
    Image.new("RGB", (2000, 1000), (10, 20, 30)).save(out, "JPEG", exif=b"Exif\x00\x00secret")
    encoded = reencode(out.getvalue())

    assert encoded.content_type == "image/jpeg" and (encoded.width, encoded.height) == (640, 320)
    assert b"secret" not in encoded.data
    assert reencode(png()).content_type == "image/jpeg"


@pytest.mark.parametrize(
    "data",
    [
        b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
        b"<html><body>not an image</body></html>",
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 50,  # a PNG signature and nothing after
    ],
)
def test_what_is_not_a_raster_image_is_refused(data: bytes) -> None:
    with pytest.raises(NotAnImage):
        reencode(data)


def test_a_decompression_bomb_is_refused_from_its_header() -> None:
    out = io.BytesIO()
    Image.new("1", (6000, 6000)).save(out, "PNG")  # small file, 36 million pixels
    with pytest.raises(NotAnImage):
        reencode(out.getvalue())
