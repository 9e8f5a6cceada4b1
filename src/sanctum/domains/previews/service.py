"""Link previews: the cards of a message's links (fetched, cached 24 h), and their images.

Rules: a URL's card is fetched through the guarded client (`sanctum.net.fetch`, docs/previews.md), as
HTML only, then its oEmbed JSON if the page advertises one and its image (through the same client),
which is re-encoded here and stored, so browsers load it from Sanctum. A URL that gave no card (refused,
failed, not HTML, no title) is remembered as such for an hour; a card for `cache_hours`. No database
session is open while the network is waited on. `enabled_for` is the one place that decides whether
a user's messages get cards (their preference; a feature flag goes there too).
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from sanctum.cache import Cache
from sanctum.core.clock import utcnow
from sanctum.db.database import Database
from sanctum.domains.preferences.service import PreferenceService
from sanctum.domains.previews.images import IMAGE_TYPES, NotAnImage, reencode
from sanctum.domains.previews.parse import merge_oembed, parse_page
from sanctum.domains.previews.repository import PreviewRepository
from sanctum.domains.previews.schemas import LinkPreview
from sanctum.net.fetch import FetchRefused, GuardedClient
from sanctum.net.settings import PreviewSettings
from sanctum.observability.logging import get_logger

log = get_logger("sanctum.previews")

NO_CARD_SECONDS = 3600.0
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
JSON_TYPES = frozenset({"application/json", "application/json+oembed", "text/json"})
IMAGE_PATH = "/api/previews/images/"


class CachedCard(BaseModel):
    """What the cache keeps of one URL: its card, or None (it gave none)."""

    card: LinkPreview | None = None


@dataclass(frozen=True)
class PreviewImageFile:
    content_type: str
    data: bytes


class PreviewService:
    def __init__(
        self,
        db: Database,
        cache: Cache,
        client: GuardedClient,
        preferences: PreferenceService,
        settings: PreviewSettings,
    ) -> None:
        self._db, self._client, self._preferences, self._settings = db, client, preferences, settings
        self._cache = cache
        self._repo = PreviewRepository()

    async def enabled_for(self, db: AsyncSession, user_id: uuid.UUID | None) -> bool:
        """Whether the messages of `user_id` get link previews (the one decision point)."""
        return user_id is not None and await self._preferences.link_previews(db, user_id)

    async def cards(self, urls: list[str]) -> list[LinkPreview]:
        """The cards of `urls` that have one, in order (cached, else fetched now)."""
        found: list[LinkPreview] = []
        for url in urls:
            card = await self.card(url)
            if card is not None:
                found.append(card)
        return found

    async def card(self, url: str) -> LinkPreview | None:
        key = f"c:link_preview:{hashlib.sha256(url.encode()).hexdigest()}"
        raw = await self._cache.get(key)
        if raw is not None:
            try:
                return CachedCard.model_validate_json(raw).card
            except ValueError:
                pass
        card = await self._fetch_card(url)
        ttl = self._settings.cache_hours * 3600 if card is not None else NO_CARD_SECONDS
        if ttl > 0:
            await self._cache.set(key, CachedCard(card=card).model_dump_json().encode(), ttl)
        return card

    async def _fetch_card(self, url: str) -> LinkPreview | None:
        try:
            page = await self._client.fetch(
                url, accept=HTML_TYPES.__contains__, max_bytes=self._settings.max_page_bytes
            )
        except FetchRefused as exc:
            log.info("link_preview_refused", reason=exc.reason)
            return None
        meta = parse_page(page.body, page.charset, page.url)
        if meta.oembed_url:
            try:
                answer = await self._client.fetch(
                    meta.oembed_url, accept=JSON_TYPES.__contains__, max_bytes=self._settings.max_page_bytes
                )
                meta = merge_oembed(meta, answer.body, answer.url)
            except FetchRefused as exc:
                log.info("link_preview_oembed_refused", reason=exc.reason)
        if not meta.title:
            return None
        image = await self._image(meta.image_url) if meta.image_url else None
        return LinkPreview(
            url=url,
            title=meta.title,
            description=meta.description,
            site_name=meta.site_name,
            image_url=f"{IMAGE_PATH}{image[0]}" if image else None,
            image_width=image[1] if image else None,
            image_height=image[2] if image else None,
        )

    async def _image(self, url: str) -> tuple[uuid.UUID, int, int] | None:
        try:
            fetched = await self._client.fetch(
                url, accept=IMAGE_TYPES.__contains__, max_bytes=self._settings.max_image_bytes
            )
            encoded = reencode(fetched.body)
        except (FetchRefused, NotAnImage) as exc:
            log.info("link_preview_image_refused", reason=getattr(exc, "reason", "not_an_image"))
            return None
        async with self._db.writer() as db:
            image_id = await self._repo.add_image(
                db, encoded.data, encoded.content_type, encoded.width, encoded.height, utcnow()
            )
        return image_id, encoded.width, encoded.height

    async def image(self, image_id: uuid.UUID) -> PreviewImageFile | None:
        async with self._db.reader() as db:
            found = await self._repo.image(db, image_id)
        return PreviewImageFile(*found) if found is not None else None
