"""Messages over REST: send, history paging, threads, edit, delete, reactions and mentions."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from sqlalchemy import select

from sanctum.domains.chat.models import MessageEdit
from sanctum.main import create_app
from tests.conftest import ClientFactory, SettingsFactory
from tests.integration.chat.chat_api import Person, ids, people, user_messages
from tests.support.http import error_of

# -- sending -----------------------------------------------------------------------------------


async def test_send_renders_markdown_and_returns_both_the_raw_body_and_the_html(client: httpx.AsyncClient) -> None:
    alice, bob = await people(client, 2)
    room = await alice.create_room("Markdown")
    body = "**bold** _it_ ~~gone~~ `code` [site](https://example.com)\n\n- one\n- two\n\n```\nx < y\n```"

    sent = await alice.send(room["id"], body)

    assert sent["body"] == body
    assert sent["html"] == (
        '<p><strong>bold</strong> <em>it</em> <s>gone</s> <code>code</code> <a href="https://example.com"'
        ' rel="noopener noreferrer nofollow">site</a></p>\n<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n'
        "<pre><code>x &lt; y\n</code></pre>"
    )
    assert sent["kind"] == "user" and sent["author"]["id"] == alice.id and sent["room_id"] == room["id"]
    assert (sent["reply_count"], sent["edited_at"], sent["deleted"], sent["reactions"]) == (0, None, False, [])
    assert (await bob.message(room["id"], sent["id"]))["html"] == sent["html"]


async def test_a_message_has_1_to_4000_characters(client: httpx.AsyncClient) -> None:
    [alice] = await people(client, 1)
    room = await alice.create_room("Lengths")
    path = f"/api/rooms/{room['id']}/messages"

    for body in ("a" * 4000, "😀" * 4000):
        assert (await alice.send(room["id"], body))["body"] == body
    for body in ("a" * 4001, "😀" * 4001, ""):
        error_of(await alice.call("POST", path, json={"body": body}), 422, "VALIDATION_FAILED")

    assert [len(m["body"]) for m in user_messages(await alice.newest(room["id"]))] == [4000, 4000]


async def test_a_retried_send_with_the_same_client_id_returns_the_first_message(client: httpx.AsyncClient) -> None:
    alice, bob = await people(client, 2)
    room = await alice.create_room("Retries")
    await bob.join(room["id"])

    first = await alice.send(room["id"], "only once", client_id="c-1")
    retry = await alice.send(room["id"], "only once", status=200, client_id="c-1")
    changed_body = await alice.send(room["id"], "different text", status=200, client_id="c-1")
    bobs = await bob.send(room["id"], "same id, other author", client_id="c-1")

    assert retry == first and changed_body == first
    assert first["client_id"] == "c-1"
    assert bobs["id"] != first["id"]
    assert ids(user_messages(await alice.newest(room["id"]))) == [bobs["id"], first["id"]]
    assert await bob.unread(room["id"]) == 1

    path = f"/api/rooms/{room['id']}/messages"
    racing = await asyncio.gather(*(alice.call("POST", path, json={"body": "x", "client_id": "k"}) for _ in range(6)))

    assert sorted(r.status_code for r in racing) == [200] * 5 + [201], [r.text for r in racing]
    assert len({r.json()["id"] for r in racing}) == 1
    assert len(user_messages(await alice.newest(room["id"]))) == 3


# -- history -----------------------------------------------------------------------------------


async def _fill(sender: Person, room_id: str, count: int) -> list[int]:
    return [(await sender.send(room_id, f"message {n}"))["id"] for n in range(count)]


async def test_history_is_newest_first_and_pages_back_with_before(client: httpx.AsyncClient) -> None:
    [alice] = await people(client, 1)
    room = await alice.create_room("Paging")
    created_line = (await alice.newest(room["id"]))[0]["id"]
    sent = await _fill(alice, room["id"], 12)
    everything = [*reversed(sent), created_line]

    first = await alice.history(room["id"], limit=5)
    second = await alice.history(room["id"], limit=5, before=first["next_before"])
    third = await alice.history(room["id"], limit=5, before=second["next_before"])

    assert ids(first["items"]) == everything[:5] and first["has_more"] is True
    assert first["next_before"] == everything[4]
    assert ids(second["items"]) == everything[5:10] and second["has_more"] is True
    assert ids(third["items"]) == everything[10:] and third["has_more"] is False and third["next_before"] is None


async def test_history_pages_stay_stable_when_messages_arrive_between_them(client: httpx.AsyncClient) -> None:
    alice, bob = await people(client, 2)
    room = await alice.create_room("Busy")
    await bob.join(room["id"])
    older = await _fill(alice, room["id"], 8)

    first = await bob.history(room["id"], limit=4)
    newer = await _fill(alice, room["id"], 3)
    second = await bob.history(room["id"], limit=4, before=first["next_before"])
    between = await bob.history(room["id"], after=older[0], before=older[5])

    assert ids(first["items"]) == older[:3:-1]
    assert ids(second["items"]) == older[3::-1]
    assert not set(ids(second["items"])) & set(newer)
    assert ids(between["items"]) == older[4:0:-1]
    for params in ({"limit": 101}, {"limit": 0}, {"before": -1}, {"after": "x"}):
        response = await bob.call("GET", f"/api/rooms/{room['id']}/messages", params=params)
        error_of(response, 422, "VALIDATION_FAILED")


async def test_after_returns_what_came_since_without_skipping_when_more_than_limit_arrived(
    client: httpx.AsyncClient,
) -> None:
    alice, bob = await people(client, 2)
    room = await alice.create_room("Catching up")
    await bob.join(room["id"])
    seen = (await bob.newest(room["id"]))[0]["id"]
    missed = await _fill(alice, room["id"], 10)

    collected: list[int] = []
    pages = []
    cursor = seen
    while True:
        page = await bob.history(room["id"], after=cursor, limit=4)
        pages.append(page)
        assert ids(page["items"]) == sorted(ids(page["items"]), reverse=True)  # newest first
        collected.extend(reversed(ids(page["items"])))
        if not page["has_more"]:
            break
        cursor = page["items"][0]["id"]

    assert collected == missed
    assert [len(p["items"]) for p in pages] == [4, 4, 2]
    assert ids(pages[0]["items"]) == missed[3::-1]  # the oldest four after the cursor, not the newest four


# -- threads -----------------------------------------------------------------------------------


async def test_replies_form_a_thread_and_the_parent_shows_count_and_last_reply_time(client: httpx.AsyncClient) -> None:
    alice, bob = await people(client, 2)
    room = await alice.create_room("Threads")
    await bob.join(room["id"])
    parent = await alice.send(room["id"], "question?")

    first = await bob.reply(room["id"], parent["id"], "answer 1")
    second = await alice.send(room["id"], "answer 2", parent_message_id=parent["id"])
    thread = await bob.thread(room["id"], parent["id"])
    shown = await bob.message(room["id"], parent["id"])

    assert first["parent_message_id"] == parent["id"] == second["parent_message_id"]
    assert ids(thread["replies"]) == [first["id"], second["id"]]  # oldest first
    assert thread["parent"]["id"] == parent["id"] and thread["has_more"] is False
    assert thread["parent"]["reply_count"] == 2 == shown["reply_count"]
    assert shown["last_reply_at"] == second["created_at"] == thread["parent"]["last_reply_at"]
    # Replies live in the thread, not in the room's history.
    assert not {first["id"], second["id"]} & set(ids(await bob.newest(room["id"])))

    third = await bob.reply(room["id"], parent["id"], "answer 3")
    page = await bob.thread(room["id"], parent["id"], limit=2)
    rest = await bob.thread(room["id"], parent["id"], limit=2, after=page["next_after"])

    assert ids(page["replies"]) == [first["id"], second["id"]] and page["has_more"] is True
    assert page["next_after"] == second["id"]
    assert ids(rest["replies"]) == [third["id"]] and rest["has_more"] is False and rest["next_after"] is None


async def test_replying_to_a_reply_or_to_another_rooms_message_is_422(client: httpx.AsyncClient) -> None:
    [alice] = await people(client, 1)
    room = await alice.create_room("Flat threads")
    other = await alice.create_room("Other")
    parent = await alice.send(room["id"], "parent")
    reply = await alice.reply(room["id"], parent["id"], "reply")
    foreign = await alice.send(other["id"], "elsewhere")
    base = f"/api/rooms/{room['id']}/messages"

    error_of(await alice.call("POST", f"{base}/{reply['id']}/replies", json={"body": "x"}), 422, "VALIDATION_FAILED")
    error_of(
        await alice.call("POST", base, json={"body": "x", "parent_message_id": reply["id"]}), 422, "VALIDATION_FAILED"
    )
    error_of(await alice.call("POST", f"{base}/{foreign['id']}/replies", json={"body": "x"}), 422, "VALIDATION_FAILED")
    error_of(await alice.call("GET", f"{base}/{reply['id']}/thread"), 404, "MESSAGE_NOT_FOUND")
    error_of(await alice.call("GET", f"{base}/{foreign['id']}/thread"), 404, "MESSAGE_NOT_FOUND")
    assert (await alice.thread(room["id"], parent["id"]))["parent"]["reply_count"] == 1


# -- edit and delete ---------------------------------------------------------------------------


async def test_the_author_edits_a_message_and_the_earlier_version_is_kept(
    make_client: ClientFactory, make_settings: SettingsFactory
) -> None:
    app = create_app(make_settings())
    client = await make_client(app=app)
    alice, bob = await people(client, 2)
    room = await alice.create_room("Edits")
    await bob.join(room["id"])
    sent = await alice.send(room["id"], "first *draft*")

    edited = await alice.edit(room["id"], sent["id"], "second **draft**")
    again = await alice.edit(room["id"], sent["id"], "final")
    as_bob = await bob.message(room["id"], sent["id"])

    assert (edited["body"], edited["html"]) == ("second **draft**", "<p>second <strong>draft</strong></p>")
    assert edited["edited_at"] is not None and edited["created_at"] == sent["created_at"]
    assert again["edited_at"] >= edited["edited_at"]
    assert (as_bob["body"], as_bob["html"], as_bob["edited_at"]) == ("final", "<p>final</p>", again["edited_at"])
    async with app.state.services.db.reader() as session:
        trail = (
            await session.execute(
                select(MessageEdit.body, MessageEdit.edited_by)
                .where(MessageEdit.message_id == sent["id"])
                .order_by(MessageEdit.id)
            )
        ).all()
    assert [(body, str(editor)) for body, editor in trail] == [
        ("first *draft*", alice.id),
        ("second **draft**", alice.id),
    ]


async def test_only_the_author_edits(client: httpx.AsyncClient) -> None:
    alice, bob = await people(client, 2)
    room = await alice.create_room("Mine")
    await bob.join(room["id"])
    sent = await bob.send(room["id"], "bob's words")
    system_line = (await alice.newest(room["id"]))[1]
    path = f"/api/rooms/{room['id']}/messages"

    # Not even the room's owner may put words in someone's mouth.
    error_of(await alice.call("PATCH", f"{path}/{sent['id']}", json={"body": "x"}), 403, "NOT_AUTHOR")
    error_of(await bob.call("PATCH", f"{path}/{system_line['id']}", json={"body": "x"}), 403, "NOT_AUTHOR")
    error_of(await bob.call("PATCH", f"{path}/{sent['id']}", json={"body": "a" * 4001}), 422, "VALIDATION_FAILED")
    error_of(await bob.call("PATCH", f"{path}/999999", json={"body": "x"}), 404, "MESSAGE_NOT_FOUND")
    assert (await alice.message(room["id"], sent["id"]))["body"] == "bob's words"


async def test_deleted_messages_show_as_deleted_and_their_content_is_no_longer_served(
    client: httpx.AsyncClient,
) -> None:
    alice, bob = await people(client, 2)
    room = await alice.create_room("Deletes")
    await bob.join(room["id"])
    sent = await bob.send(room["id"], f"secret for @{alice.username}")
    reply = await alice.reply(room["id"], sent["id"], "secret reply")
    await alice.react(room["id"], sent["id"], "👍")

    await bob.delete(room["id"], sent["id"])
    await alice.delete(room["id"], reply["id"])

    shown = await alice.message(room["id"], sent["id"])
    thread = await alice.thread(room["id"], sent["id"])
    assert shown["deleted"] is True
    assert (shown["body"], shown["html"], shown["reactions"], shown["mentions"]) == ("", "", [], [])
    assert thread["parent"]["deleted"] is True and thread["replies"][0]["deleted"] is True
    assert thread["parent"]["reply_count"] == 0  # only replies that are still there count
    assert thread["replies"][0]["body"] == "" and thread["replies"][0]["html"] == ""
    assert (await bob.my_room(room["id"]))["last_message"]["body"] == ""
    assert (await alice.mentions())["items"] == []
    path = f"/api/rooms/{room['id']}/messages/{sent['id']}"
    error_of(await bob.call("DELETE", path), 404, "MESSAGE_NOT_FOUND")
    error_of(await bob.call("PATCH", path, json={"body": "back"}), 404, "MESSAGE_NOT_FOUND")
    error_of(await bob.call("POST", f"{path}/reactions", json={"emoji": "👍"}), 404, "MESSAGE_NOT_FOUND")
    error_of(await bob.call("POST", f"{path}/replies", json={"body": "x"}), 422, "VALIDATION_FAILED")


async def test_a_room_moderator_deletes_others_messages_but_a_member_cannot(client: httpx.AsyncClient) -> None:
    alice, bob, carol = await people(client, 3)
    room = await alice.create_room("Moderated")
    await bob.join(room["id"])
    await carol.join(room["id"])
    bobs = await bob.send(room["id"], "spam")
    carols = await carol.send(room["id"], "fine")

    refused = await bob.call("DELETE", f"/api/rooms/{room['id']}/messages/{carols['id']}")
    await alice.delete(room["id"], bobs["id"])

    error_of(refused, 403, "NOT_AUTHOR")
    assert (await carol.message(room["id"], bobs["id"]))["deleted"] is True
    assert (await carol.message(room["id"], carols["id"]))["deleted"] is False


# -- reactions ---------------------------------------------------------------------------------


def _reactions(message: dict[str, Any]) -> list[tuple[str, int, bool]]:
    return [(r["emoji"], r["count"], r["me"]) for r in message["reactions"]]


async def test_reactions_are_idempotent_with_counts_and_whether_the_caller_reacted(client: httpx.AsyncClient) -> None:
    alice, bob = await people(client, 2)
    room = await alice.create_room("Reactions")
    await bob.join(room["id"])
    sent = await alice.send(room["id"], "react to me")
    mid = sent["id"]

    once = await alice.react(room["id"], mid, "👍")
    twice = await alice.react(room["id"], mid, "👍")
    by_bob = await bob.react(room["id"], mid, "👍")
    await bob.react(room["id"], mid, ":tada:")

    assert _reactions(once) == _reactions(twice) == [("👍", 1, True)]
    assert _reactions(by_bob) == [("👍", 2, True)]
    assert _reactions(await alice.message(room["id"], mid)) == [("👍", 2, True), (":tada:", 1, False)]
    assert _reactions(await bob.message(room["id"], mid)) == [("👍", 2, True), (":tada:", 1, True)]

    removed = await alice.unreact(room["id"], mid, "👍")
    removed_again = await alice.unreact(room["id"], mid, "👍")
    never_added = await alice.unreact(room["id"], mid, "🎉")

    assert _reactions(removed) == _reactions(removed_again) == _reactions(never_added)
    assert _reactions(removed) == [("👍", 1, False), (":tada:", 1, False)]
    assert _reactions(await bob.message(room["id"], mid)) == [("👍", 1, True), (":tada:", 1, True)]


async def test_identical_reactions_sent_at_once_all_succeed_and_count_once(client: httpx.AsyncClient) -> None:
    alice, bob = await people(client, 2)
    room = await alice.create_room("Race")
    await bob.join(room["id"])
    sent = await alice.send(room["id"], "tap tap")
    path = f"/api/rooms/{room['id']}/messages/{sent['id']}/reactions"

    replies = await asyncio.gather(*(bob.call("POST", path, json={"emoji": "🔥"}) for _ in range(8)))

    assert [r.status_code for r in replies] == [200] * 8
    assert {tuple(map(tuple, _reactions(r.json()))) for r in replies} == {(("🔥", 1, True),)}
    assert _reactions(await alice.message(room["id"], sent["id"])) == [("🔥", 1, False)]


async def test_a_reaction_must_be_an_emoji_and_reacting_requires_joining(client: httpx.AsyncClient) -> None:
    alice, bob = await people(client, 2)
    room = await alice.create_room("Emoji")
    sent = await alice.send(room["id"], "x")
    path = f"/api/rooms/{room['id']}/messages/{sent['id']}/reactions"

    for emoji in ["a", "<b>", "👍 👍", "", ":Nope:", "x" * 40, "\u200b", "é", "\u202e👍"]:
        error_of(await alice.call("POST", path, json={"emoji": emoji}), 422, "VALIDATION_FAILED")
    error_of(await bob.call("POST", path, json={"emoji": "👍"}), 403, "NOT_A_MEMBER")
    missing = f"/api/rooms/{room['id']}/messages/999999/reactions"
    error_of(await alice.call("POST", missing, json={"emoji": "👍"}), 404, "MESSAGE_NOT_FOUND")

    assert (await alice.message(room["id"], sent["id"]))["reactions"] == []


# -- mentions ----------------------------------------------------------------------------------


async def test_mentions_resolve_to_people_who_can_see_the_room_and_are_listed_for_them(
    client: httpx.AsyncClient,
) -> None:
    alice, bob, carol, dave = await people(client, 4)
    public = await alice.create_room("Public")
    private = await alice.create_room("Private", kind="private")
    await alice.invite(private["id"], bob.id)

    in_public = await alice.send(public["id"], f"hi @{bob.username} and @{carol.username.upper()}!")
    in_private = await alice.send(
        private["id"], f"@{bob.username} @{dave.username} @{alice.username} @nobody_here mail {dave.username}@x.org"
    )

    assert sorted(in_public["mentions"]) == sorted([bob.username, carol.username])
    assert in_private["mentions"] == [bob.username]  # dave can't see the room; self and unknown names are ignored
    bobs = await bob.mentions()
    assert [(m["message"]["id"], m["room_id"], m["room_name"]) for m in bobs["items"]] == [
        (in_private["id"], private["id"], "Private"),
        (in_public["id"], public["id"], "Public"),
    ]
    assert [m["message"]["id"] for m in (await carol.mentions())["items"]] == [in_public["id"]]
    assert (await dave.mentions())["items"] == [] and (await alice.mentions())["items"] == []


async def test_mentions_page_back_and_disappear_once_the_room_is_out_of_sight(client: httpx.AsyncClient) -> None:
    alice, bob = await people(client, 2)
    room = await alice.create_room("Private", kind="private")
    await alice.invite(room["id"], bob.id)
    sent = [(await alice.send(room["id"], f"@{bob.username} {n}"))["id"] for n in range(3)]

    first = await bob.mentions(limit=2)
    second = await bob.mentions(limit=2, before=first["next_before"])
    await bob.leave(room["id"])

    assert [m["message"]["id"] for m in first["items"]] == sent[:0:-1] and first["next_before"] == sent[1]
    assert [m["message"]["id"] for m in second["items"]] == [sent[0]] and second["next_before"] is None
    assert (await bob.mentions())["items"] == []
