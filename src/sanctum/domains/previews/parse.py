"""What an HTML page says about itself, read with selectolax (the Lexbor HTML5 parser).

Rule: Open Graph first (`og:title`, `og:description`, `og:image`, `og:site_name`), then Twitter cards,
then `<title>` and `<meta name=description>`; the oEmbed JSON link when the page advertises one. Text is
stripped of control characters, collapsed and cut; URLs are resolved against the page's own URL. Only
the first `MAX_PARSED` bytes are parsed (the head is at the start).
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

from selectolax.lexbor import LexborHTMLParser

MAX_PARSED = 512 * 1024
LIMITS = {"title": 200, "description": 300, "site_name": 100}
_SPACE = re.compile(r"\s+")
_META_CHARSET = re.compile(rb"<meta[^>]+charset=[\"']?([a-zA-Z0-9_-]{1,40})", re.IGNORECASE)


@dataclass(frozen=True)
class PageMeta:
    title: str = ""
    description: str = ""
    site_name: str = ""
    image_url: str | None = None
    oembed_url: str | None = None


def clean(text: str | None, limit: int) -> str:
    """Printable text on one line, at most `limit` characters (an ellipsis when cut)."""
    if not text:
        return ""
    kept = "".join(c if unicodedata.category(c)[0] != "C" else " " for c in text)
    kept = _SPACE.sub(" ", kept).strip()
    return kept if len(kept) <= limit else kept[: limit - 1].rstrip() + "…"


def _http_url(value: str | None, base: str) -> str | None:
    if not value:
        return None
    url = urljoin(base, value.strip())
    return url if url.lower().startswith(("http://", "https://")) and len(url) <= 2048 else None


def decode(body: bytes, charset: str | None) -> str:
    """The page's text: the header's charset, else the page's `<meta charset>`, else UTF-8."""
    head = body[:MAX_PARSED]
    if charset is None:
        found = _META_CHARSET.search(head[:4096])
        charset = found.group(1).decode("ascii") if found else "utf-8"
    try:
        return head.decode(charset, errors="replace")
    except LookupError:
        return head.decode("utf-8", errors="replace")


def parse_page(body: bytes, charset: str | None, base_url: str) -> PageMeta:
    tree = LexborHTMLParser(decode(body, charset))
    meta: dict[str, str] = {}
    for node in tree.css("meta"):
        key = (node.attributes.get("property") or node.attributes.get("name") or "").strip().lower()
        content = node.attributes.get("content")
        if key and content and key not in meta:
            meta[key] = content
    title_node = tree.css_first("title")
    oembed = None
    for link in tree.css("link[rel]"):
        rel = (link.attributes.get("rel") or "").lower()
        kind = (link.attributes.get("type") or "").lower()
        if "alternate" in rel and kind == "application/json+oembed":
            oembed = _http_url(link.attributes.get("href"), base_url)
            break
    title = meta.get("og:title") or meta.get("twitter:title") or (title_node.text() if title_node else "")
    description = meta.get("og:description") or meta.get("twitter:description") or meta.get("description")
    image = meta.get("og:image:secure_url") or meta.get("og:image") or meta.get("twitter:image")
    return PageMeta(
        title=clean(title, LIMITS["title"]),
        description=clean(description, LIMITS["description"]),
        site_name=clean(meta.get("og:site_name"), LIMITS["site_name"]),
        image_url=_http_url(image, base_url),
        oembed_url=oembed,
    )


def merge_oembed(page: PageMeta, body: bytes, base_url: str) -> PageMeta:
    """The page's card completed by its oEmbed answer (title, provider, thumbnail): the page wins."""
    try:
        data: Any = json.loads(body)
    except ValueError:
        return page
    if not isinstance(data, dict):
        return page

    def text(key: str) -> str:
        value = data.get(key)
        return value if isinstance(value, str) else ""

    return PageMeta(
        title=page.title or clean(text("title"), LIMITS["title"]),
        description=page.description or clean(text("author_name"), LIMITS["description"]),
        site_name=page.site_name or clean(text("provider_name"), LIMITS["site_name"]),
        image_url=page.image_url or _http_url(text("thumbnail_url"), base_url),
        oembed_url=page.oembed_url,
    )
