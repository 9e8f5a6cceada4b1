"""HTTP routes of Web Push: the server's public key and the caller's browser subscriptions."""

from __future__ import annotations

from fastapi import Response

from sanctum.api.routing import DomainRouter
from sanctum.api.schemas import ERROR_RESPONSES
from sanctum.domains.accounts.deps import CurrentActor, per_account
from sanctum.domains.push.deps import PushServiceDep
from sanctum.domains.push.schemas import (
    PushSubscriptionCreate,
    PushSubscriptionList,
    PushSubscriptionRead,
    PushSubscriptionRemove,
    VapidKey,
)

push = DomainRouter(prefix="/api/push", tags=["push"], responses=ERROR_RESPONSES)


@push.get("/vapid-key", response_model=VapidKey)
async def get_vapid_key(actor: CurrentActor, service: PushServiceDep) -> VapidKey:
    """The server's VAPID public key, for `PushManager.subscribe({applicationServerKey})`."""
    return await service.public_key()


@push.get("/subscriptions", response_model=PushSubscriptionList)
async def list_push_subscriptions(actor: CurrentActor, service: PushServiceDep) -> PushSubscriptionList:
    """The caller's subscribed browsers."""
    return await service.subscriptions(actor.id)


@push.post(
    "/subscriptions",
    status_code=201,
    response_model=PushSubscriptionRead,
    dependencies=[per_account("push_subscription")],
)
async def subscribe_push(
    body: PushSubscriptionCreate, actor: CurrentActor, service: PushServiceDep
) -> PushSubscriptionRead:
    """Subscribe this browser (the JSON of its `PushSubscription`); again updates its keys."""
    return await service.subscribe(actor.id, body)


@push.post("/subscriptions/remove", status_code=204, dependencies=[per_account("push_subscription")])
async def unsubscribe_push(body: PushSubscriptionRemove, actor: CurrentActor, service: PushServiceDep) -> Response:
    """Unsubscribe a browser of the caller by its endpoint (not subscribed is fine)."""
    await service.unsubscribe(actor.id, body.endpoint)
    return Response(status_code=204)
