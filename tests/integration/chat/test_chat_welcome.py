"""A welcoming room: system lines for joins and leaves that are not unread noise (unless the room asks),
and the welcome bot's one greeting on a first join of a sanctum, posted by a background job."""

from __future__ import annotations

from tests.integration.chat.chat_api import people, user_messages
from tests.support.live import LiveServer
from tests.support.social_api import members


async def test_system_lines_are_not_unread_unless_the_room_counts_them(server: LiveServer) -> None:
    alice, bob, carol = await people(server.http, 3)
    room = await alice.create_room("Quiet lobby")
    sent = await alice.send(room["id"], "hello")
    await alice.mark_read(room["id"], sent["id"])

    await bob.join(room["id"])
    await bob.leave(room["id"])
    quiet = (await alice.unread(room["id"]), await alice.mark_read(room["id"], sent["id"]))
    updated = await alice.update_room(room["id"], system_messages_unread=True)
    await carol.join(room["id"])
    counted = await alice.unread(room["id"])
    lines = [m["body"] for m in await alice.newest(room["id"]) if m["kind"] == "system"]

    assert quiet[0] == 0 and quiet[1]["unread_count"] == 0
    assert updated["system_messages_unread"] is True
    assert counted == 3  # the two lines before, and Carol joining
    assert lines[:3] == [
        f"{carol.user.username} joined the room",
        f"{bob.user.username} left the room",
        f"{bob.user.username} joined the room",
    ]


async def test_the_welcome_bot_greets_a_first_join_of_a_sanctum_once(server: LiveServer) -> None:
    owner, newcomer = await members(server.http, 2)
    sanctum = await owner.create_sanctum("Readers", description="We read books.")
    room_id = sanctum["room_id"]

    await newcomer.join_sanctum(sanctum["slug"])
    await server.app.state.services.jobs.settle()
    await newcomer.leave_sanctum(sanctum["slug"])
    await newcomer.join_sanctum(sanctum["slug"])
    await server.app.state.services.jobs.settle()
    history = await owner.newest(room_id)

    greetings = [m for m in user_messages(history) if m["author"]["is_bot"]]
    assert len(greetings) == 1
    [greeting] = greetings
    assert greeting["author"]["display_name"] == "Welcome Bot"
    assert f"Welcome to **Readers**, {newcomer.user.username}!" in greeting["body"]
    assert "We read books." in greeting["body"] and "/shrug" in greeting["body"]
    assert [m["body"] for m in history if m["kind"] == "system"][:3] == [
        f"{newcomer.user.username} joined the room",
        f"{newcomer.user.username} left the room",
        f"{newcomer.user.username} joined the room",
    ]
    bot = await owner.ok("GET", f"/api/users/{greeting['author']['username']}")
    assert bot["is_bot"] is True
    login = {"login": bot["username"], "password": "anything-at-all-1"}
    assert (await server.http.post("/api/auth/login", json=login)).status_code == 401
