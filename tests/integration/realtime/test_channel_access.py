"""A sanctum's channels obey its membership live: a member who leaves or is removed stops getting
every channel's events at once (`unsubscribed`, reason `revoked`), on every instance, and cannot
resume; members who stay get everything; a new channel is announced to members on their own topic."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import SCALED
from tests.integration.realtime.live import LiveServer, ServerFactory
from tests.integration.realtime.test_ws_access import frames_until_quiet, person, revoked


@pytest.fixture
async def instances(make_server: ServerFactory) -> tuple[LiveServer, LiveServer]:
    """(where changes are made, where the readers' sockets are): one instance embedded, two scaled."""
    first = await make_server()
    return (first, await make_server(first.settings)) if SCALED else (first, first)


def bodies(frames: list[dict[str, Any]], topic: str) -> list[str]:
    return [f["data"]["body"] for f in frames if f.get("topic") == topic and f["type"] == "message.created"]


@pytest.mark.parametrize("how", ["leaves", "is removed"])
async def test_losing_the_sanctum_stops_every_channel_at_once_and_others_keep_them(
    instances: tuple[LiveServer, LiveServer], how: str
) -> None:
    here, there = instances
    alice, bob, carol = await person(here), await person(here), await person(here)
    sanctum = await alice.create_sanctum("Garden", "private")
    for reader in (bob, carol):
        await alice.add_to_sanctum(sanctum["slug"], reader.id)
    bobs, carols = await there.connect(bob.user), await there.connect(carol.user)
    await bobs.subscribe(f"user:{bob.id}")
    seeds = await alice.ok("POST", f"/api/sanctums/{sanctum['slug']}/channels", 201, json={"name": "Seeds"})
    topic = f"room:{seeds['id']}"
    announced = await bobs.recv()  # before subscribing to the channel: it is news on bob's own topic
    for socket in (bobs, carols):
        await socket.subscribe(topic)
    await alice.send(seeds["id"], "before")

    if how == "leaves":
        await bob.leave_sanctum(sanctum["slug"])
    else:
        await alice.remove_from_sanctum(sanctum["slug"], bob.id)
    await alice.send(seeds["id"], "after")

    bob_saw = await frames_until_quiet(bobs)
    assert (announced["type"], announced["topic"], announced["data"]) == (
        "room.added",
        f"user:{bob.id}",
        {"room_id": seeds["id"]},
    )
    assert revoked(topic) in bob_saw
    assert bodies(bob_saw, topic) == ["before"]
    assert "after" not in str(bob_saw[bob_saw.index(revoked(topic)) :])
    carol_saw = await frames_until_quiet(carols)
    assert bodies(carol_saw, topic) == ["before", "after"]
    assert all(f.get("reason") != "revoked" for f in carol_saw)
    resume = await bobs.request({"type": "subscribe", "topic": topic, "since": 0})
    assert resume["type"] == "error" and resume["error"]["code"] == "FORBIDDEN"


async def test_an_outsider_cannot_subscribe_to_a_channel(instances: tuple[LiveServer, LiveServer]) -> None:
    here, there = instances
    alice, outsider = await person(here), await person(here)
    sanctum = await alice.create_sanctum("Open", "public")
    seeds = await alice.ok("POST", f"/api/sanctums/{sanctum['slug']}/channels", 201, json={"name": "Seeds"})
    socket = await there.connect(outsider.user)

    answer = await socket.request({"type": "subscribe", "topic": f"room:{seeds['id']}"})

    assert answer["type"] == "error" and answer["error"]["code"] == "FORBIDDEN"
