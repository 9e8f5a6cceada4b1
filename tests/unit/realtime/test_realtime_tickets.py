"""In-process WebSocket tickets: random, bound to a user, single use, short-lived, stored by digest."""

from __future__ import annotations

import uuid

from sanctum.core.security import token_digest
from sanctum.realtime.tickets import MemoryTicketStore


def age(store: MemoryTicketStore, seconds: float) -> None:
    """Move every ticket `seconds` closer to its expiry, as if that much time had passed."""
    store._tickets = {digest: (user, expires - seconds) for digest, (user, expires) in store._tickets.items()}


async def test_ticket_is_consumed_by_its_first_use() -> None:
    store = MemoryTicketStore()
    user = uuid.uuid4()
    ticket = await store.issue(user)

    assert await store.consume(ticket) == user
    assert await store.consume(ticket) is None


async def test_tickets_are_random_and_bound_to_their_user() -> None:
    store = MemoryTicketStore()
    alice, bob = uuid.uuid4(), uuid.uuid4()
    for_alice, for_bob = await store.issue(alice), await store.issue(bob)

    assert for_alice != for_bob and len(for_alice) >= 32
    assert await store.consume(for_bob) == bob
    assert await store.consume(for_alice) == alice


async def test_forged_ticket_is_refused() -> None:
    store = MemoryTicketStore()
    await store.issue(uuid.uuid4())

    assert await store.consume("forged") is None
    assert await store.consume("") is None


async def test_ticket_expires_after_its_ttl() -> None:
    store = MemoryTicketStore(ttl_seconds=30)
    user = uuid.uuid4()
    fresh, stale = await store.issue(user), await store.issue(user)

    age(store, 29)
    assert await store.consume(fresh) == user
    age(store, 1)
    assert await store.consume(stale) is None


async def test_only_the_digest_is_kept() -> None:
    store = MemoryTicketStore()
    ticket = await store.issue(uuid.uuid4())

    kept = store._tickets
    assert ticket not in kept
    assert token_digest(ticket) in kept


async def test_expired_tickets_are_pruned_so_the_store_stays_bounded() -> None:
    store = MemoryTicketStore(ttl_seconds=1)
    for _ in range(1100):
        await store.issue(uuid.uuid4())
    age(store, 2)

    live = await store.issue(uuid.uuid4())

    assert len(store._tickets) == 1
    assert await store.consume(live) is not None
