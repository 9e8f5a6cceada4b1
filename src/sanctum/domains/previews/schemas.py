"""Wire models of link previews: the card a message carries."""

from __future__ import annotations

from pydantic import BaseModel, Field

from sanctum.domains.accounts.schemas import Strict


class LinkPreview(BaseModel):
    """The card of one link: what its page says about itself (Open Graph, oEmbed, or its title)."""

    url: str = Field(description="The link as written in the message.")
    title: str
    description: str
    site_name: str
    image_url: str | None = Field(
        description="The page's image, re-encoded and served by Sanctum (never the original host)."
    )
    image_width: int | None
    image_height: int | None


class LinkPreviewsUpdate(Strict):
    enabled: bool = Field(description="False removes the message's cards and makes none again for it.")
