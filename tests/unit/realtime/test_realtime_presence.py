"""The in-process connection registry: per-user socket counts with a limit."""

from __future__ import annotations

import uuid

from sanctum.realtime.presence import MemoryConnectionRegistry


async def test_registry_accepts_sockets_up_to_the_limit_and_refuses_the_next() -> None:
    registry = MemoryConnectionRegistry()
    user = uuid.uuid4()

    results = [await registry.add(user, f"c{n}", limit=3) for n in range(4)]

    assert results == [(True, 1), (True, 2), (True, 3), (False, 3)]
    assert await registry.count(user) == 3


async def test_removing_a_socket_frees_a_place_and_reports_what_is_left() -> None:
    registry = MemoryConnectionRegistry()
    user = uuid.uuid4()
    for n in range(3):
        await registry.add(user, f"c{n}", limit=3)

    assert await registry.remove(user, "c1") == 2
    assert await registry.add(user, "c3", limit=3) == (True, 3)
    assert await registry.remove(user, "c0") == 2
    assert await registry.remove(user, "c2") == 1
    assert await registry.remove(user, "c3") == 0
    assert await registry.count(user) == 0


async def test_users_are_counted_separately() -> None:
    registry = MemoryConnectionRegistry()
    alice, bob = uuid.uuid4(), uuid.uuid4()
    await registry.add(alice, "a1", limit=1)

    assert await registry.add(bob, "b1", limit=1) == (True, 1)
    assert await registry.add(alice, "a2", limit=1) == (False, 1)


async def test_removing_an_unknown_socket_is_harmless() -> None:
    registry = MemoryConnectionRegistry()
    user = uuid.uuid4()
    await registry.add(user, "c1", limit=2)

    assert await registry.remove(uuid.uuid4(), "c1") == 0
    assert await registry.remove(user, "nope") == 1
    assert await registry.count(user) == 1
    await registry.renew([(user, "c1")])
    assert await registry.count(user) == 1
