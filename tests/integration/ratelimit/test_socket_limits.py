"""Socket commands spend the same named limits as HTTP routes: a refusal is an error frame with the
limit and `retry_after`, and the socket stays open."""

from __future__ import annotations

from tests.conftest import SettingsFactory
from tests.integration.realtime.test_ws_announcements import an_admin
from tests.support.live import ServerFactory, sample
from tests.support.settings import rate_limits


async def test_an_admin_over_the_announcement_limit_gets_an_error_frame_and_keeps_the_socket(
    make_server: ServerFactory, make_settings: SettingsFactory
) -> None:
    server = await make_server(make_settings(rate_limits=rate_limits(announcement="2/minute")))
    admin, reader = await an_admin(server), await server.register()
    watching = await server.connect(reader)
    await watching.subscribe("announcements")
    sending = await server.connect(admin)
    before = sample("rate_limited_total", limit="announcement")

    for n in range(2):
        await sending.send({"type": "announce", "topic": "announcements", "data": {"text": f"notice {n}"}})
        assert (await watching.expect("announcement"))["data"]["text"] == f"notice {n}"
    answer = await sending.request(
        {"type": "announce", "topic": "announcements", "data": {"text": "one too many"}, "cid": "a3"}
    )

    assert answer["type"] == "error" and answer["cid"] == "a3"
    assert answer["error"]["code"] == "RATE_LIMITED"
    assert answer["error"]["details"]["limit"] == "announcement"
    assert 1 <= answer["error"]["details"]["retry_after"] <= 61
    assert sample("rate_limited_total", limit="announcement") == before + 1
    await sending.send({"type": "ping"})
    assert await sending.expect("pong") == {"type": "pong"}


async def test_the_sockets_own_message_bucket_names_its_limit(make_server: ServerFactory) -> None:
    server = await make_server(messages_per_second=0.5, message_burst=1, max_strikes=100)
    client = await server.connect(await server.register())

    await client.send({"type": "ping"})
    await client.send({"type": "ping"})
    replies = [await client.recv(), await client.recv()]

    assert replies[0] == {"type": "pong"}
    assert replies[1]["error"]["code"] == "RATE_LIMITED"
    assert replies[1]["error"]["details"] == {"limit": "ws_messages", "retry_after": 2}
