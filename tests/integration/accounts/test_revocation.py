"""Revoked access tokens are refused on the very next request, on every instance, with or without Redis."""

from __future__ import annotations

import pytest

from tests.conftest import ClientFactory, ScaledServers, SettingsFactory
from tests.factories import login, register_user
from tests.support.http import error_of
from tests.support.metrics import sample_value


async def test_logout_all_on_one_instance_refuses_the_token_on_another_at_once(
    make_client: ClientFactory, make_settings: SettingsFactory
) -> None:
    settings = make_settings()
    instance_a, instance_b = await make_client(settings), await make_client(settings)
    user = await register_user(instance_a)
    assert (await instance_b.get("/api/users/me", headers=user.headers)).status_code == 200

    assert (await instance_a.post("/api/auth/logout-all", headers=user.headers)).status_code == 200

    error_of(await instance_b.get("/api/users/me", headers=user.headers), 401, "SESSION_REVOKED")


@pytest.mark.scaled_only
async def test_logout_while_redis_is_down_refuses_the_token_and_login_still_works(
    make_client: ClientFactory, scaled_servers: ScaledServers
) -> None:
    client = await make_client()
    user = await register_user(client)
    errors_before = await sample_value(client, "redis_errors_total", operation="ratelimit")

    async with scaled_servers.stopped(scaled_servers.redis):
        tokens = await login(client, user.username)
        assert (await client.post("/api/auth/logout", headers=tokens.headers)).status_code == 204
        error_of(await client.get("/api/users/me", headers=tokens.headers), 401, "SESSION_REVOKED")
        assert (await client.get("/api/users/me", headers=user.headers)).status_code == 200

    assert await sample_value(client, "redis_errors_total", operation="ratelimit") > errors_before
