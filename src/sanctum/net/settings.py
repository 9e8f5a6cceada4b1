"""The settings group of link previews and their guarded fetcher (PREVIEWS__...), part of `Settings`
(kept here, beside the fetcher it bounds)."""

from __future__ import annotations

from pydantic import BaseModel, Field, IPvAnyNetwork


class PreviewSettings(BaseModel):
    """Link previews (PREVIEWS__...); the fetcher's rules are in docs/previews.md."""

    # Networks the fetcher may reach although they are not public (tests: ["127.0.0.1/32"]; an
    # intranet). Empty in production: every loopback, private, link-local... address is refused.
    allow_networks: list[IPvAnyNetwork] = Field(default_factory=list, max_length=50)
    cache_hours: float = Field(24.0, ge=0, le=24 * 30)
    # A page or oEmbed answer is read up to this many bytes, an image up to `max_image_bytes`.
    max_page_bytes: int = Field(1_048_576, ge=1_024, le=16_777_216)
    max_image_bytes: int = Field(5_242_880, ge=1_024, le=33_554_432)
    # The whole fetch of one URL, redirects included.
    timeout_seconds: float = Field(8.0, gt=0, le=60)
    # A host that timed out or cut the connection this many times in a row is not fetched from for
    # `host_reset_seconds` (resilience/hosts.py), then tried once again.
    host_failures: int = Field(3, ge=1, le=100)
    host_reset_seconds: float = Field(300.0, gt=0, le=86_400)
