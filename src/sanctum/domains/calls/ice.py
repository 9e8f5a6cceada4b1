"""ICE servers for browsers: STUN from the settings, and TURN with time-limited credentials.

The TURN REST API scheme coturn implements with `use-auth-secret`: the username is
`{expiry unix time}:{user id}` and the credential is base64(HMAC-SHA1(static-auth-secret, username)),
so the server stores no per-user password and a leaked credential stops working at its expiry.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid

from pydantic import BaseModel, Field

from sanctum.settings import CallSettings


class IceServer(BaseModel):
    urls: list[str]
    username: str | None = None
    credential: str | None = None


class IceServers(BaseModel):
    ice_servers: list[IceServer]
    ttl_seconds: int = Field(description="How long the TURN credentials work; fetch again before a call after that.")


def turn_credential(secret: str, user_id: uuid.UUID, now: float, ttl_seconds: int) -> tuple[str, str]:
    username = f"{int(now) + ttl_seconds}:{user_id}"
    digest = hmac.new(secret.encode(), username.encode(), hashlib.sha1).digest()
    return username, base64.b64encode(digest).decode()


def ice_servers(settings: CallSettings, user_id: uuid.UUID, now: float) -> IceServers:
    servers = [IceServer(urls=list(settings.stun_urls))] if settings.stun_urls else []
    if settings.turn_urls and settings.turn_secret is not None:
        secret = settings.turn_secret.get_secret_value()
        username, credential = turn_credential(secret, user_id, now, settings.turn_ttl_seconds)
        servers.append(IceServer(urls=list(settings.turn_urls), username=username, credential=credential))
    return IceServers(ice_servers=servers, ttl_seconds=settings.turn_ttl_seconds)
