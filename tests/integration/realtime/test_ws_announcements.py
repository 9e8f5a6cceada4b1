"""Announcements: administrators send them over the socket, every signed-in user may watch them."""

from __future__ import annotations

import uuid

from sanctum.domains.accounts.schemas import RegisterRequest
from sanctum.domains.accounts.service import ClientInfo
from tests.factories import DEFAULT_PASSWORD, RegisteredUser, login
from tests.integration.realtime.live import LiveServer


async def an_admin(server: LiveServer) -> RegisteredUser:
    """An administrator, made as `sanctum create-admin` makes one (there is no API for it)."""
    name = f"admin_{uuid.uuid4().hex[:8]}"
    email = f"{name}@example.com"
    request = RegisterRequest(username=name, email=email, password=DEFAULT_PASSWORD)
    user = await server.app.state.services.accounts.register(request, ClientInfo("test", "test"), is_admin=True)
    tokens = await login(server.http, name)
    return RegisteredUser(id=str(user.id), username=name, email=email, password=DEFAULT_PASSWORD, tokens=tokens)


async def test_an_admins_persistent_announcement_reaches_watchers_and_is_replayed_on_resume(server: LiveServer) -> None:
    admin, reader = await an_admin(server), await server.register()
    watching = await server.connect(reader)
    await watching.subscribe("announcements")
    sending = await server.connect(admin)

    text = "Maintenance at 22:00 \U0001f469\u200d\U0001f4bb"  # a ZWJ emoji, which the text policy keeps
    await sending.send({"type": "announce", "topic": "announcements", "data": {"text": text}, "persist": True})

    live = await watching.expect("announcement", topic="announcements")
    assert live["data"] == {"text": text, "by": admin.id, "sent_at": None}
    later = await server.connect(reader)
    replayed = (await later.subscribe("announcements", since=live["seq"] - 1))["replayed"]
    assert [(e["seq"], e["data"]) for e in replayed] == [(live["seq"], live["data"])]


async def test_an_ephemeral_announcement_carries_no_seq(server: LiveServer) -> None:
    admin, reader = await an_admin(server), await server.register()
    watching = await server.connect(reader)
    await watching.subscribe("announcements")
    sending = await server.connect(admin)

    await sending.send({"type": "announce", "topic": "announcements", "data": {"text": "Hello"}})

    frame = await watching.expect("announcement", topic="announcements")
    assert "seq" not in frame and frame["data"]["text"] == "Hello"


async def test_someone_who_is_not_an_admin_is_refused_and_nothing_is_announced(server: LiveServer) -> None:
    user = await server.register()
    client = await server.connect(user)

    answer = await client.request(
        {"type": "announce", "topic": "announcements", "data": {"text": "I am in charge"}, "cid": "a1"}
    )

    assert answer["type"] == "error" and answer["cid"] == "a1"
    assert answer["error"]["code"] == "FORBIDDEN"


async def test_an_announcement_that_breaks_its_model_is_a_bad_message_naming_the_field(server: LiveServer) -> None:
    admin = await an_admin(server)
    client = await server.connect(admin)

    for data, field in (
        ({"text": ""}, "data.text"),
        ({"text": "\u200b\u2800 "}, "data.text"),
        ({"nothing": 1}, "data.text"),
        ("not an object", "data"),
    ):
        answer = await client.request({"type": "announce", "topic": "announcements", "data": data, "cid": "x"})
        assert answer["error"]["code"] == "BAD_MESSAGE", (data, answer)
        assert answer["error"]["details"] == {"field": field}, (data, answer)
