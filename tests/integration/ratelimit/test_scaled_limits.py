"""Scaled mode: the counters are in Redis, so instances share one allowance; without Redis each instance
counts in memory, and writes still succeed or get a clean 429."""

from __future__ import annotations

import pytest

from tests.conftest import ClientFactory, ScaledServers, SettingsFactory
from tests.factories import register_user
from tests.integration.chat.chat_api import Person
from tests.support.http import rate_limited
from tests.support.settings import rate_limits

pytestmark = pytest.mark.scaled_only


async def test_one_account_spread_over_two_instances_gets_one_allowance(
    make_client: ClientFactory, make_settings: SettingsFactory
) -> None:
    settings = make_settings(rate_limits=rate_limits(chat_message="4/minute"))
    a_http, b_http = await make_client(settings), await make_client(settings)
    user = await register_user(a_http)
    on_a, on_b = Person(a_http, user), Person(b_http, user)
    room = await on_a.create_room("shared")
    for n in range(2):
        await on_a.send(room["id"], f"via a {n}")
        await on_b.send(room["id"], f"via b {n}")

    refused = [await on_a.call("POST", f"/api/rooms/{room['id']}/messages", json={"body": "a5"})]
    refused.append(await on_b.call("POST", f"/api/rooms/{room['id']}/messages", json={"body": "b5"}))

    for response in refused:
        rate_limited(response, "chat_message", 60)


async def test_with_redis_down_writes_are_still_limited_in_memory_and_never_fail(
    make_client: ClientFactory, make_settings: SettingsFactory, scaled_servers: ScaledServers
) -> None:
    http = await make_client(make_settings(rate_limits=rate_limits(room_create="3/minute")))
    alice = Person(http, await register_user(http))
    await alice.create_room("before the outage")

    async with scaled_servers.stopped(scaled_servers.redis):
        during = [await alice.call("POST", "/api/rooms", json={"name": f"r{n}", "kind": "public"}) for n in range(4)]

    # Memory counts from zero: three allowed, then a clean refusal (the Redis count of one is not known here).
    assert [r.status_code for r in during] == [201, 201, 201, 429]
    rate_limited(during[3], "room_create", 60)
