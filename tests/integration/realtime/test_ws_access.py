"""Live events obey every change of access, on every topic and (scaled) every instance.

The same story for each change: a reader who loses the right gets `unsubscribed` (reason `revoked`)
after the events published before the change and none after, REST says 404 like the socket, a resume
with `since` is refused, and someone who keeps the right still gets everything in order. In scaled
mode the people watching are on another instance than the one the change is made on.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

import pytest

from sanctum.core.events import make_event
from sanctum.realtime.connection import Connection
from sanctum.realtime.protocol import ProtocolError
from sanctum.realtime.topics import ACCESS_EVENT, access_topic
from tests.conftest import SCALED
from tests.integration.realtime.live import LiveServer, ServerFactory, WsClient
from tests.support.social_api import Member

QUIET = 0.5  # seconds without a frame: nothing more is coming


@pytest.fixture
async def instances(make_server: ServerFactory) -> tuple[LiveServer, LiveServer]:
    """(where changes are made, where the readers' sockets are): one instance embedded, two scaled."""
    first = await make_server()
    return (first, await make_server(first.settings)) if SCALED else (first, first)


async def person(server: LiveServer) -> Member:
    return Member(server.http, await server.register())


async def frames_until_quiet(client: WsClient) -> list[dict[str, Any]]:
    frames = []
    while True:
        try:
            frames.append(await client.recv(QUIET))
        except TimeoutError:
            return frames


def revoked(topic: str) -> dict[str, Any]:
    return {"type": "unsubscribed", "topic": topic, "reason": "revoked"}


async def a_sanctum_with_a_post(
    owner: Member, *readers: Member, visibility: str = "public"
) -> tuple[dict[str, Any], dict[str, Any]]:
    sanctum = await owner.create_sanctum("Garden", visibility)
    for reader in readers:
        await owner.add_to_sanctum(sanctum["slug"], reader.id)
    return sanctum, await owner.post("hello", sanctum)


@pytest.mark.parametrize("visibility", ["private", "public"])
@pytest.mark.parametrize("how", ["leaves", "is removed"])
async def test_leaving_a_sanctum_stops_what_rest_stops_at_once_and_others_keep_everything(
    instances: tuple[LiveServer, LiveServer], how: str, visibility: str
) -> None:
    here, there = instances
    alice, bob, carol = await person(here), await person(here), await person(here)
    sanctum, post = await a_sanctum_with_a_post(alice, bob, carol, visibility=visibility)
    post_topic, room_topic = f"post:{post['id']}", f"room:{sanctum['room_id']}"
    bobs, carols = await there.connect(bob.user), await there.connect(carol.user)
    for socket in (bobs, carols):
        await socket.subscribe(post_topic)
        await socket.subscribe(room_topic)
    await alice.comment(post["id"], "before")

    if how == "leaves":
        await bob.leave_sanctum(sanctum["slug"])
    else:
        await alice.remove_from_sanctum(sanctum["slug"], bob.id)
    await alice.comment(post["id"], "after")
    await alice.send(sanctum["room_id"], "after, in the room")

    # The room is the members'; the post stays readable to everyone signed in only in a public sanctum.
    post_status = (await bob.call("GET", f"/api/posts/{post['id']}")).status_code
    assert post_status == (200 if visibility == "public" else 404)
    bob_saw = await frames_until_quiet(bobs)
    comments = [f["data"]["comment"]["body"] for f in bob_saw if f["type"] == "comment.created"]
    assert comments == (["before", "after"] if visibility == "public" else ["before"])
    assert (revoked(post_topic) in bob_saw) == (visibility == "private")
    assert revoked(room_topic) in bob_saw
    after_revoke = bob_saw[bob_saw.index(revoked(room_topic)) :]
    assert not [f for f in after_revoke if f.get("topic") == room_topic and f["type"] == "message.created"]
    carol_saw = await frames_until_quiet(carols)
    assert [f["data"]["comment"]["body"] for f in carol_saw if f["type"] == "comment.created"] == ["before", "after"]
    assert any(f["type"] == "message.created" and f["data"]["body"] == "after, in the room" for f in carol_saw)
    assert all(f.get("reason") != "revoked" for f in carol_saw)
    resume = await bobs.request({"type": "subscribe", "topic": room_topic, "since": 0})
    assert resume["type"] == "error" and resume["error"]["code"] == "FORBIDDEN"


async def test_a_sanctum_turning_private_stops_its_posts_for_non_members_only(
    instances: tuple[LiveServer, LiveServer],
) -> None:
    here, there = instances
    alice, member, outsider = await person(here), await person(here), await person(here)
    sanctum, post = await a_sanctum_with_a_post(alice, member, visibility="public")
    topic = f"post:{post['id']}"
    members, outsiders = await there.connect(member.user), await there.connect(outsider.user)
    await members.subscribe(topic)
    await outsiders.subscribe(topic)

    await alice.update_sanctum(sanctum["slug"], visibility="private")
    await alice.comment(post["id"], "members only now")
    await alice.ok("PATCH", f"/api/posts/{post['id']}", json={"body": "a secret edit"})

    outsider_saw = await frames_until_quiet(outsiders)
    assert outsider_saw == [revoked(topic)]
    member_saw = await frames_until_quiet(members)
    assert [f["type"] for f in member_saw] == ["comment.created", "post.updated"]
    assert member_saw[1]["data"]["body"] == "a secret edit"
    assert (await outsider.call("GET", f"/api/posts/{post['id']}")).status_code == 404
    resume = await outsiders.request({"type": "subscribe", "topic": topic, "since": 0})
    assert resume["error"]["code"] == "FORBIDDEN"


@pytest.mark.parametrize("kind", ["public", "group"])
async def test_leaving_a_room_or_group_stops_it_and_the_others_keep_it(
    instances: tuple[LiveServer, LiveServer], kind: str
) -> None:
    here, there = instances
    alice, bob, carol = await person(here), await person(here), await person(here)
    room = await alice.create_room("talk", kind, member_ids=[bob.id, carol.id] if kind == "group" else [])
    if kind == "public":
        await bob.join(room["id"])
        await carol.join(room["id"])
    topic = f"room:{room['id']}"
    bobs, carols = await there.connect(bob.user), await there.connect(carol.user)
    await bobs.subscribe(topic)
    await carols.subscribe(topic)

    await bob.leave(room["id"])
    await alice.send(room["id"], "after bob left")

    bob_saw = await frames_until_quiet(bobs)
    assert revoked(topic) in bob_saw
    assert not [f for f in bob_saw[bob_saw.index(revoked(topic)) :] if f["type"] == "message.created"]
    assert any(
        f["type"] == "message.created" and f["data"]["body"] == "after bob left"
        for f in await frames_until_quiet(carols)
    )


async def test_logout_closes_the_sockets_of_that_session_only(instances: tuple[LiveServer, LiveServer]) -> None:
    here, there = instances
    bob = await person(here)
    ending = await there.connect(bob.user)
    other = await here.register()  # another account, to check nobody else's socket closes
    others = await there.connect(other)

    assert (await bob.call("POST", "/api/auth/logout")).status_code == 204

    code, reason = await ending.closed()
    assert (code, reason) == (4401, "the session has ended")
    await others.send({"type": "ping"})
    assert (await others.expect("pong"))["type"] == "pong"


@pytest.mark.parametrize("how", ["logout-all", "account deletion"])
async def test_ending_every_session_closes_every_socket_of_the_user(
    instances: tuple[LiveServer, LiveServer], how: str
) -> None:
    here, there = instances
    bob = await person(here)
    first, second = await there.connect(bob.user), await here.connect(bob.user)

    if how == "logout-all":
        assert (await bob.call("POST", "/api/auth/logout-all")).status_code == 200
    else:
        response = await bob.call("DELETE", "/api/users/me", json={"password": bob.user.password})
        assert response.status_code == 204

    assert (await first.closed())[0] == 4401
    assert (await second.closed())[0] == 4401


async def test_a_subscribe_authorized_just_before_a_change_is_asked_again_and_refused(server: LiveServer) -> None:
    """The race no socket test can time: the change lands between a subscriber's authorization and its
    entry into a topic this instance already holds."""
    topics = server.gateway.topics
    topic = f"room:{uuid.uuid4()}"
    holder, late = uuid.uuid4(), uuid.uuid4()

    async def sent(_message: Any) -> None:
        return None

    def connection(user: uuid.UUID) -> Connection:
        return Connection(sent, user, max_queue=16, max_buffer_bytes=1 << 20, connection_id=user.hex[:16])

    async def scopes() -> frozenset[str]:
        return frozenset({topic})

    async def yes() -> bool:
        return True

    asked: list[uuid.UUID] = []

    async def no_longer() -> bool:
        asked.append(late)
        return False

    held = connection(holder)
    assert await topics.subscribe(
        held, topic, "chat", scopes=scopes, since=None, cid=None, authorized_at=time.monotonic(), reauthorize=yes
    )
    authorized_at = time.monotonic()
    topics.on_access_changed(make_event(access_topic(topic), ACCESS_EVENT, {"user_id": str(late)}))

    with pytest.raises(ProtocolError) as refused:
        await topics.subscribe(
            connection(late),
            topic,
            "chat",
            scopes=scopes,
            since=None,
            cid=None,
            authorized_at=authorized_at,
            reauthorize=no_longer,
        )
    assert refused.value.code == "FORBIDDEN" and asked == [late]
    # Authorized after the change, a subscriber is not asked again.
    other = connection(uuid.uuid4())
    assert await topics.subscribe(
        other, topic, "chat", scopes=scopes, since=None, cid=None, authorized_at=time.monotonic(), reauthorize=no_longer
    )
    assert asked == [late]
