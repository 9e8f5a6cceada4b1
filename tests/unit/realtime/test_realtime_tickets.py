"""In-process WebSocket tickets: random, bound to a user and session, single use, short-lived, stored by digest."""

from __future__ import annotations

import uuid

from sanctum.core.security import token_digest
from sanctum.realtime.tickets import MemoryTicketStore, TicketOwner


def age(store: MemoryTicketStore, seconds: float) -> None:
    """Move every ticket `seconds` closer to its expiry, as if that much time had passed."""
    store._tickets = {digest: (owner, expires - seconds) for digest, (owner, expires) in store._tickets.items()}


def owner() -> TicketOwner:
    return TicketOwner(uuid.uuid4(), uuid.uuid4())


async def test_ticket_is_consumed_by_its_first_use() -> None:
    store = MemoryTicketStore()
    user = owner()
    ticket = await store.issue(user.user_id, user.session_id)

    assert await store.consume(ticket) == user
    assert await store.consume(ticket) is None


async def test_tickets_are_random_and_bound_to_their_user() -> None:
    store = MemoryTicketStore()
    alice, bob = owner(), owner()
    for_alice = await store.issue(alice.user_id, alice.session_id)
    for_bob = await store.issue(bob.user_id, bob.session_id)

    assert for_alice != for_bob and len(for_alice) >= 32
    assert await store.consume(for_bob) == bob
    assert await store.consume(for_alice) == alice


async def test_forged_ticket_is_refused() -> None:
    store = MemoryTicketStore()
    await store.issue(uuid.uuid4(), uuid.uuid4())

    assert await store.consume("forged") is None
    assert await store.consume("") is None


async def test_ticket_expires_after_its_ttl() -> None:
    store = MemoryTicketStore(ttl_seconds=30)
    user = owner()
    fresh, stale = await store.issue(user.user_id, user.session_id), await store.issue(user.user_id, user.session_id)

    age(store, 29)
    assert await store.consume(fresh) == user
    age(store, 1)
    assert await store.consume(stale) is None


async def test_only_the_digest_is_kept() -> None:
    store = MemoryTicketStore()
    ticket = await store.issue(uuid.uuid4(), uuid.uuid4())

    kept = store._tickets
    assert ticket not in kept
    assert token_digest(ticket) in kept


async def test_expired_tickets_are_pruned_so_the_store_stays_bounded() -> None:
    store = MemoryTicketStore(ttl_seconds=1)
    for _ in range(1100):
        await store.issue(uuid.uuid4(), uuid.uuid4())
    age(store, 2)

    live = await store.issue(uuid.uuid4(), uuid.uuid4())

    assert len(store._tickets) == 1
    assert await store.consume(live) is not None
