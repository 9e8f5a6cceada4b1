"""Web Push end to end: a browser subscribes, a DM to its user (who has no socket open) reaches the
local push service encrypted for that browser alone and signed with the server's VAPID key; a push
service answering 410 gets its subscription removed; endpoints outside the push services are refused."""

from __future__ import annotations

import asyncio
import uuid

from sanctum.main import create_app
from sanctum.settings_groups import PushSettings, ResilienceSettings
from tests.conftest import ClientFactory, SettingsFactory
from tests.integration.chat.chat_api import people
from tests.integration.notifications.notifications_api import Instance
from tests.support.live import LiveServer
from tests.support.metrics import sample_value
from tests.support.push_endpoint import BrowserKeys, PushEndpoint, verify_vapid


async def test_a_dm_is_pushed_encrypted_and_signed_and_a_410_removes_that_subscription(
    instance: Instance, push_endpoint: PushEndpoint
) -> None:
    alice, bob = await instance.person(), await instance.person()
    laptop, old_phone = BrowserKeys(), BrowserKeys()
    push_endpoint.statuses["/push/old-phone"] = 410
    vapid = (await bob.ok("GET", "/api/push/vapid-key"))["public_key"]
    for keys, path in ((laptop, "/push/laptop"), (old_phone, "/push/old-phone")):
        created = await bob.ok("POST", "/api/push/subscriptions", 201, json=keys.subscription(push_endpoint.url + path))
        assert created["endpoint"] == push_endpoint.url + path

    dm = await alice.dm(bob)
    await alice.send(dm["id"], "are you there?")
    await instance.settle()

    [delivered] = push_endpoint.to("/push/laptop")
    assert delivered.headers["content-encoding"] == "aes128gcm" and delivered.headers["ttl"] == "86400"
    claims = verify_vapid(delivered.headers["authorization"], push_endpoint.url)
    assert claims["k"] == vapid and claims["sub"].startswith("mailto:")
    message = laptop.decrypt(delivered.body)
    assert message == {
        "title": "Sanctum",
        "body": f"{alice.username} sent you a message",
        "url": f"/chat/{dm['id']}",
        "tag": f"room:{dm['id']}",
        "kind": "message",
    }
    assert b"are you there" not in delivered.body and alice.username.encode() not in delivered.body
    [refused] = push_endpoint.to("/push/old-phone")
    assert old_phone.decrypt(refused.body)["url"] == f"/chat/{dm['id']}"  # each browser gets its own encryption
    left = (await bob.ok("GET", "/api/push/subscriptions"))["items"]
    assert [s["endpoint"] for s in left] == [push_endpoint.url + "/push/laptop"]

    await bob.ok("POST", "/api/push/subscriptions/remove", 204, json={"endpoint": push_endpoint.url + "/push/laptop"})
    assert (await bob.ok("GET", "/api/push/subscriptions"))["items"] == []


async def test_a_friend_request_push_opens_the_friends_page_and_alices_own_browser_gets_nothing(
    instance: Instance, push_endpoint: PushEndpoint
) -> None:
    alice, bob = await instance.person(), await instance.person()
    bobs, alices = BrowserKeys(), BrowserKeys()
    await bob.ok("POST", "/api/push/subscriptions", 201, json=bobs.subscription(push_endpoint.url + "/push/bob"))
    await alice.ok("POST", "/api/push/subscriptions", 201, json=alices.subscription(push_endpoint.url + "/push/alice"))

    await alice.ok("POST", "/api/friends/requests", json={"user_id": bob.id})
    await instance.settle()

    assert [r.path for r in push_endpoint.received] == ["/push/bob"]
    message = bobs.decrypt(push_endpoint.received[0].body)
    assert message["url"] == "/friends" and message["body"] == f"{alice.username} sent you a friend request"


async def test_endpoints_outside_the_push_services_and_bad_keys_are_refused(instance: Instance) -> None:
    bob = await instance.person()
    keys = BrowserKeys()
    for endpoint in ("http://169.254.169.254/latest", "https://evil.example/push", "http://user:pw@127.0.0.1/x"):
        response = await bob.call("POST", "/api/push/subscriptions", json=keys.subscription(endpoint))
        assert response.status_code == 422, endpoint
        assert response.json()["error"]["code"] == "PUSH_ENDPOINT_REFUSED"
    bad = keys.subscription("http://127.0.0.1:9/push")
    bad["keys"]["p256dh"] = "B" * 87
    response = await bob.call("POST", "/api/push/subscriptions", json=bad)
    assert response.status_code == 422 and response.json()["error"]["code"] == "VALIDATION_FAILED"


async def test_nothing_is_pushed_while_the_user_has_a_socket_open_and_it_is_once_it_closes(
    live: LiveServer, push_endpoint: PushEndpoint
) -> None:
    alice, bob = await people(live.http, 2)
    keys = BrowserKeys()
    await bob.ok("POST", "/api/push/subscriptions", 201, json=keys.subscription(push_endpoint.url + "/push/bob"))
    ws = await live.connect(bob.user)
    dm = await alice.dm(bob)

    await alice.send(dm["id"], "you are online")
    await live.app.state.services.jobs.settle()
    assert push_endpoint.received == []

    await ws.close()
    gateway = live.app.state.services.gateway
    for _ in range(500):  # the server notices the close on its own time
        if not await gateway.is_online(uuid.UUID(bob.id)):
            break
        await asyncio.sleep(0.02)
    carol = (await people(live.http, 1))[0]
    other = await carol.dm(bob)
    await carol.send(other["id"], "now you are not")
    await live.app.state.services.jobs.settle()
    [pushed] = push_endpoint.received
    assert keys.decrypt(pushed.body)["tag"] == f"room:{other['id']}"


async def test_a_push_service_failing_opens_its_breaker_and_the_next_pushes_are_skipped_not_sent(
    make_settings: SettingsFactory, make_client: ClientFactory, push_endpoint: PushEndpoint
) -> None:
    push = PushSettings(allowed_hosts=["127.0.0.1"], allow_http=True)
    app = create_app(make_settings(push=push, resilience=ResilienceSettings(breaker_reset_seconds=120)))
    instance = Instance(app, await make_client(app=app))
    bob = await instance.person()
    push_endpoint.statuses["/push/laptop"] = 503
    await bob.ok(
        "POST", "/api/push/subscriptions", 201, json=BrowserKeys().subscription(push_endpoint.url + "/push/laptop")
    )
    skipped_before = await sample_value(instance.http, "push_notifications_total", outcome="circuit_open")

    for _ in range(5):  # one push each: five people write to bob for the first time
        someone = await instance.person()
        await someone.send((await someone.dm(bob))["id"], "are you there?")
        await instance.settle()

    ready = (await instance.http.get("/health/ready")).json()
    skipped = await sample_value(instance.http, "push_notifications_total", outcome="circuit_open")
    assert len(push_endpoint.to("/push/laptop")) == 3  # RESILIENCE__BREAKER_FAILURES 5xx in a row, then none for 120 s
    assert ready["breakers"]["push:127.0.0.1"] == "open" and skipped - skipped_before == 2
    # The subscription is kept: a service that is down is not a browser that unsubscribed.
    assert len((await bob.ok("GET", "/api/push/subscriptions"))["items"]) == 1
