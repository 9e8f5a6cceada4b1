"""Login and register are rate limited per IP and per account: in memory embedded, in Redis scaled."""

from __future__ import annotations

import httpx
import pytest

from sanctum.main import create_app
from tests.conftest import ClientFactory, SettingsFactory
from tests.factories import DEFAULT_PASSWORD, register_user, unique_username
from tests.support.http import rate_limited
from tests.support.settings import rate_limits

LOGIN = "/api/auth/login"
REGISTER = "/api/auth/register"


async def attempt_login(client: httpx.AsyncClient, login: str, password: str = DEFAULT_PASSWORD) -> httpx.Response:
    return await client.post(LOGIN, json={"login": login, "password": password})


async def test_login_over_the_per_ip_limit_returns_429_with_retry_after(
    make_client: ClientFactory, make_settings: SettingsFactory
) -> None:
    app = create_app(make_settings(rate_limits=rate_limits(login_per_ip="3/minute")))
    client = await make_client(app=app, client_ip="203.0.113.7")
    other_ip = await make_client(app=app, client_ip="198.51.100.9")
    user = await register_user(other_ip)
    for name in ("first", "second", "third"):
        assert (await attempt_login(client, name)).status_code == 401

    refused = await attempt_login(client, user.username)

    rate_limited(refused, "login_per_ip", 60)
    assert (await attempt_login(other_ip, user.username)).status_code == 200


async def test_login_over_the_per_account_limit_returns_429_whatever_the_ip(
    make_client: ClientFactory, make_settings: SettingsFactory
) -> None:
    app = create_app(make_settings(rate_limits=rate_limits(login_per_account="2/minute")))
    clients = [await make_client(app=app, client_ip=f"192.0.2.{n}") for n in (1, 2, 3)]
    target = await register_user(clients[0])
    bystander = await register_user(clients[0])
    # register_user logged the target in once already.
    assert (await attempt_login(clients[1], target.username, "wrong-guess-1")).status_code == 401

    refused = await attempt_login(clients[2], target.username)

    rate_limited(refused, "login_per_account", 60)
    assert (await attempt_login(clients[2], bystander.username)).status_code == 200


async def test_register_over_the_per_ip_limit_returns_429_with_retry_after(
    make_client: ClientFactory, make_settings: SettingsFactory
) -> None:
    app = create_app(make_settings(rate_limits=rate_limits(register_per_ip="2/hour")))
    client = await make_client(app=app, client_ip="203.0.113.8")
    other_ip = await make_client(app=app, client_ip="198.51.100.10")
    for _ in range(2):
        await register_user(client)

    name = unique_username()
    refused = await client.post(
        REGISTER, json={"username": name, "email": f"{name}@example.com", "password": DEFAULT_PASSWORD}
    )

    rate_limited(refused, "register_per_ip", 3600)
    assert (await client.get(f"/api/users/{name}")).status_code == 404
    await register_user(other_ip, name)


@pytest.mark.scaled_only
async def test_rate_limit_counters_are_shared_by_every_instance(
    make_client: ClientFactory, make_settings: SettingsFactory
) -> None:
    settings = make_settings(rate_limits=rate_limits(login_per_account="3/minute"))
    instance_a, instance_b = await make_client(settings), await make_client(settings)
    user = await register_user(instance_a)
    assert (await attempt_login(instance_b, user.username)).status_code == 200
    assert (await attempt_login(instance_a, user.username)).status_code == 200

    refused = await attempt_login(instance_b, user.username)

    rate_limited(refused, "login_per_account", 60)
