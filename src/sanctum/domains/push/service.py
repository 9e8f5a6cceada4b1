"""Web Push: the server's VAPID key pair, browsers' subscriptions, and the job that pushes.

Rules: a user subscribes their own browser (one endpoint belongs to the account that subscribed it
last); only endpoints of the browsers' push services are accepted (webpush.endpoint_problem). A push
is queued by the notifier after its commit (`queue`) and sent by the `push.deliver` job, never inside a
request. The job sends nothing while the user has a live socket on any instance (they see the in-app
notification), and removes every subscription whose push service answers 404 or 410 (expired or
unsubscribed). The VAPID key pair is made once (`sanctum vapid-keys`, or the first time it is needed)
and kept in `server_keys`, so every instance and worker signs with the same key.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

import httpx
import orjson

from sanctum.core.clock import utcnow
from sanctum.core.errors import ErrorCode, QuotaExceeded, ValidationFailed
from sanctum.db.database import Database
from sanctum.db.unit_of_work import UnitOfWork
from sanctum.domains.push import webpush
from sanctum.domains.push.repository import PushRepository, PushSubscriptionRow
from sanctum.domains.push.schemas import (
    PushMessage,
    PushSubscriptionCreate,
    PushSubscriptionList,
    PushSubscriptionRead,
    VapidKey,
)
from sanctum.jobs import JobQueue, Payload, PermanentJobError
from sanctum.observability.logging import get_logger
from sanctum.observability.metrics import PUSH_SENT
from sanctum.resilience.breaker import Breakers
from sanctum.settings_groups import PushSettings

log = get_logger("sanctum.push")

JOB = "push.deliver"
VAPID_KEY = "vapid"
IsOnline = Callable[[uuid.UUID], Awaitable[bool]]


def url_of(kind: str, data: Mapping[str, str]) -> tuple[str, str]:
    """The app path a click opens, and the tag that makes newer pushes about it replace older ones."""
    if "room_id" in data:
        return f"/chat/{data['room_id']}", f"room:{data['room_id']}"
    if "game_id" in data:
        return f"/games/rooms/{data['game_id']}", f"game:{data['game_id']}"
    if "post_id" in data:
        return f"/posts/{data['post_id']}", f"post:{data['post_id']}"
    if kind.startswith("friend_"):
        return "/friends", "friends"
    return "/notifications", kind


def _read(row: PushSubscriptionRow) -> PushSubscriptionRead:
    return PushSubscriptionRead(id=row.id, endpoint=row.endpoint, created_at=row.created_at)


class PushService:
    def __init__(
        self,
        db: Database,
        settings: PushSettings,
        jobs: JobQueue,
        is_online: IsOnline,
        breakers: Breakers | None = None,
    ) -> None:
        self._db = db
        self._breakers = breakers or Breakers()
        self._settings = settings
        self._jobs = jobs
        self._is_online = is_online
        self._repo = PushRepository()
        self._signer: webpush.VapidSigner | None = None
        self._lock = asyncio.Lock()

    # -- keys ---------------------------------------------------------------------------------

    async def signer(self) -> webpush.VapidSigner:
        """The VAPID key pair, made and stored the first time any instance needs it."""
        if self._signer is None:
            async with self._lock:
                if self._signer is None:
                    async with self._db.writer() as db:
                        pem = await self._repo.key(db, VAPID_KEY)
                        if pem is None:
                            await self._repo.add_key(db, VAPID_KEY, webpush.generate_vapid_pem(), utcnow())
                            pem = await self._repo.key(db, VAPID_KEY)
                    assert pem is not None
                    self._signer = webpush.VapidSigner(pem, self._settings.subject)
        return self._signer

    async def public_key(self) -> VapidKey:
        return VapidKey(public_key=(await self.signer()).public_key)

    # -- subscriptions ------------------------------------------------------------------------

    async def subscribe(self, user_id: uuid.UUID, body: PushSubscriptionCreate) -> PushSubscriptionRead:
        problem = webpush.endpoint_problem(body.endpoint, self._settings)
        if problem is not None:
            raise ValidationFailed(problem, code=ErrorCode.PUSH_ENDPOINT_REFUSED, fields={"endpoint": problem})
        problem = webpush.client_key_problem(body.keys.p256dh, body.keys.auth)
        if problem is not None:
            raise ValidationFailed(problem, fields={"keys": problem})
        limit = self._settings.max_subscriptions_per_user
        async with self._db.writer() as db:
            existing = await self._repo.by_endpoint(db, user_id, body.endpoint)
            if existing is None and await self._repo.count(db, user_id) >= limit:
                raise QuotaExceeded("push_subscriptions", limit, f"At most {limit} browsers can be subscribed.")
            await self._repo.upsert(db, user_id, body.endpoint, body.keys.p256dh, body.keys.auth, utcnow())
            row = await self._repo.by_endpoint(db, user_id, body.endpoint)
        assert row is not None
        return _read(row)

    async def unsubscribe(self, user_id: uuid.UUID, endpoint: str) -> None:
        async with self._db.writer() as db:
            await self._repo.remove(db, user_id, endpoint)

    async def subscriptions(self, user_id: uuid.UUID) -> PushSubscriptionList:
        async with self._db.reader() as db:
            return PushSubscriptionList(items=[_read(row) for row in await self._repo.of_user(db, user_id)])

    # -- pushing ------------------------------------------------------------------------------

    def queue(self, db: UnitOfWork, to: uuid.UUID, kind: str, text: str, data: Mapping[str, str]) -> None:
        """The notification job's push hook: queue a push in its unit of work, through the outbox, so a
        crash right after the notification commits still pushes it."""
        url, tag = url_of(kind, data)
        payload: Payload = {"to": str(to), "kind": kind, "body": text, "url": url, "tag": tag}
        self._jobs.enqueue_after_commit(db, JOB, payload)

    async def deliver(self, payload: Mapping[str, Any]) -> None:
        """The job: post the message to each of the user's browsers unless they are online now."""
        try:
            to = uuid.UUID(str(payload["to"]))
            message = PushMessage(
                title="Sanctum",
                body=str(payload["body"])[:500],
                url=str(payload["url"])[:300],
                tag=str(payload["tag"])[:100],
                kind=str(payload["kind"])[:32],
            )
        except (KeyError, ValueError) as exc:
            raise PermanentJobError(f"bad push payload: {exc!r}") from exc
        async with self._db.reader() as db:
            subscriptions = await self._repo.of_user(db, to)
        if not subscriptions:
            return
        if await self._is_online(to):
            PUSH_SENT.labels("skipped_online").inc()
            return
        signer = await self.signer()
        body = orjson.dumps(message.model_dump())
        async with httpx.AsyncClient(timeout=self._settings.timeout_seconds, trust_env=False) as client:
            results = await asyncio.gather(*(self._post(client, signer, row, body) for row in subscriptions))
        gone = [row.id for row, alive in zip(subscriptions, results, strict=True) if not alive]
        if gone:
            async with self._db.writer() as db:
                await self._repo.remove_ids(db, gone)
            log.info("push_subscriptions_removed", user_id=str(to), count=len(gone))

    async def _post(
        self, client: httpx.AsyncClient, signer: webpush.VapidSigner, row: PushSubscriptionRow, body: bytes
    ) -> bool:
        """Post to one browser; False when its subscription is gone (404/410) and must be removed."""
        if webpush.endpoint_problem(row.endpoint, self._settings) is not None:
            return False  # allowed once, no longer (the setting changed)
        headers = {
            "Authorization": signer.authorization(row.endpoint),
            "Content-Encoding": "aes128gcm",
            "Content-Type": "application/octet-stream",
            "TTL": str(self._settings.ttl_seconds),
            "Urgency": "normal",
        }
        # One breaker per push service: a hanging one costs a timeout a few times, then nothing.
        breaker = self._breakers.named(f"push:{urlsplit(row.endpoint).hostname or 'unknown'}")
        if not breaker.allow():
            PUSH_SENT.labels("circuit_open").inc()
            return True
        try:
            encrypted = webpush.encrypt(body, row.p256dh, row.auth)
            response = await client.post(row.endpoint, content=encrypted, headers=headers)
        except (httpx.HTTPError, ValueError) as exc:
            if isinstance(exc, httpx.HTTPError):
                breaker.failure()
            PUSH_SENT.labels("failed").inc()
            log.warning("push_failed", subscription=row.id, error=repr(exc))
            return True
        if response.status_code >= 500:
            breaker.failure()
        else:
            breaker.success()
        if response.status_code in (404, 410):
            PUSH_SENT.labels("gone").inc()
            return False
        if response.status_code >= 400:
            PUSH_SENT.labels("failed").inc()
            log.warning("push_refused", subscription=row.id, status=response.status_code)
            return True
        PUSH_SENT.labels("sent").inc()
        return True


def register_jobs(queue: JobQueue, service: PushService) -> None:
    queue.register(JOB, service.deliver)
