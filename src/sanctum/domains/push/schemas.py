"""Wire models of Web Push: a browser's subscription as `PushSubscription.toJSON()` gives it, and what a
push notification carries (the service worker reads it)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from sanctum.domains.accounts.schemas import Strict

B64URL = r"^[A-Za-z0-9_-]+={0,2}$"


class PushKeys(Strict):
    p256dh: str = Field(min_length=80, max_length=100, pattern=B64URL, description="The browser's P-256 key.")
    auth: str = Field(min_length=16, max_length=32, pattern=B64URL, description="The 16-byte auth secret.")


class PushSubscriptionCreate(Strict):
    endpoint: str = Field(min_length=12, max_length=2048, pattern=r"^https?://\S+$")
    expirationTime: int | None = Field(None, ge=0, le=2**53, description="Ignored (as browsers send it).")
    keys: PushKeys


class PushSubscriptionRemove(Strict):
    endpoint: str = Field(min_length=1, max_length=2048)


class PushSubscriptionRead(BaseModel):
    id: int
    endpoint: str
    created_at: datetime


class PushSubscriptionList(BaseModel):
    items: list[PushSubscriptionRead]


class VapidKey(BaseModel):
    public_key: str = Field(
        description="The server's VAPID public key (base64url, uncompressed P-256 point): "
        "`applicationServerKey` for `PushManager.subscribe`."
    )


class PushMessage(BaseModel):
    """The decrypted body of every push (JSON): what the service worker shows and opens."""

    title: str
    body: str
    url: str = Field(description="The app path to open on click, e.g. /chat/<room id>.")
    tag: str = Field(description="Notifications with one tag replace each other (one per conversation).")
    kind: str
