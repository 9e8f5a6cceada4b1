"""Notifications that matter, from chat: reactions to your message (aggregated), replies in your threads,
DM and group messages (one per conversation until read, none when already read), and viewing a
conversation or a post marks what is about it read."""

from __future__ import annotations

import uuid
from typing import Any

from tests.integration.chat.chat_api import Person
from tests.integration.notifications.notifications_api import Instance, Reader


def kinds(items: list[dict[str, Any]]) -> list[str]:
    return [item["kind"] for item in items]


async def view(reader: Reader, subject: str) -> int:
    return int((await reader.ok("POST", "/api/notifications/read-subject", json={"subject": subject}))["unread"])


async def test_reactions_to_a_message_make_one_aggregated_notification_for_its_author(instance: Instance) -> None:
    alice, bob, carol = await instance.person(), await instance.person(), await instance.person()
    room = await alice.create_room("Party")
    await bob.join(room["id"])
    await carol.join(room["id"])
    sent = await alice.send(room["id"], "We shipped!")

    await bob.react(room["id"], sent["id"], "🎉")
    await alice.react(room["id"], sent["id"], "🎉")  # her own: nobody to tell
    await instance.settle()
    await carol.react(room["id"], sent["id"], "🚀")
    await bob.react(room["id"], sent["id"], "🚀")  # bob again: counted once
    await instance.settle()

    [item] = await alice.items()
    assert item["kind"] == "reaction" and item["actor_count"] == 2
    assert item["text"] == f"{carol.username} and 1 other reacted 🚀 to your message"
    assert item["data"]["room_id"] == room["id"] and item["data"]["message_id"] == str(sent["id"])
    assert await alice.unread() == 1
    assert await bob.items() == [] and await carol.items() == []


async def test_a_thread_reply_tells_the_threads_author_and_everyone_who_replied_in_it(instance: Instance) -> None:
    alice, bob, carol = await instance.person(), await instance.person(), await instance.person()
    room = await alice.create_room("Threads")
    await bob.join(room["id"])
    await carol.join(room["id"])
    parent = await alice.send(room["id"], "Thoughts?")

    await bob.reply(room["id"], parent["id"], "Yes")
    await instance.settle()
    await carol.reply(room["id"], parent["id"], "Me too")
    await instance.settle()

    [to_alice] = await alice.items()
    assert (to_alice["kind"], to_alice["actor_count"]) == ("thread_reply", 2)
    assert to_alice["text"] == f"{carol.username} and 1 other replied to your message"
    [to_bob] = await bob.items()
    assert to_bob["text"] == f"{carol.username} replied in a thread you replied in"
    assert await carol.items() == []


async def test_a_dm_notifies_once_per_conversation_until_read_then_again(instance: Instance) -> None:
    alice, bob = await instance.person(), await instance.person()
    dm = await alice.dm(bob)

    first = await alice.send(dm["id"], "hi")
    await alice.send(dm["id"], "are you there?")
    await instance.settle()
    [item] = await bob.items()
    assert (item["kind"], item["text"], item["read"]) == ("message", f"{alice.username} sent you a message", False)
    assert item["data"] == {"room_id": dm["id"], "message_id": str(first["id"]), "room_kind": "dm"}
    assert await bob.unread() == 1

    assert await view(bob, f"room:{dm['id']}") == 0  # opening the conversation
    assert (await bob.items())[0]["read"] is True
    await alice.send(dm["id"], "ping")
    await instance.settle()
    [again] = await bob.items()
    assert again["id"] == item["id"] and again["read"] is False and again["actor_count"] == 1
    assert await alice.items() == []


async def test_no_message_notification_for_a_message_already_read(instance: Instance) -> None:
    alice, bob = await instance.person(), await instance.person()
    dm = await alice.dm(bob)
    sent = await alice.send(dm["id"], "you are reading this")
    await instance.settle()
    await Person.mark_read(bob, dm["id"], sent["id"])  # bob has the conversation open
    assert await view(bob, f"room:{dm['id']}") == 0

    # A job for the message that runs only now (slower than bob's reading) finds it read: no news.
    await instance.notifier.message(
        to=bob.uuid, by=alice.uuid, room_id=uuid.UUID(dm["id"]), message_id=sent["id"], room_kind="dm"
    )
    await instance.settle()

    [item] = await bob.items()
    assert item["read"] is True
    assert await bob.unread() == 0


async def test_a_group_message_notifies_every_other_member_and_a_mention_only_once(instance: Instance) -> None:
    alice, bob, carol = await instance.person(), await instance.person(), await instance.person()
    group = await alice.create_room("Trio", kind="group", member_ids=[bob.id, carol.id])

    await alice.send(group["id"], f"hey @{bob.username}")
    await instance.settle()

    assert kinds(await bob.items()) == ["mention"]
    [to_carol] = await carol.items()
    assert to_carol["text"] == f"{alice.username} wrote in a group"
    public = await alice.create_room("Open")
    await carol.join(public["id"])
    await alice.send(public["id"], "no DM-style notice in a public room")
    await instance.settle()
    assert len(await carol.items()) == 1


async def test_viewing_a_subject_marks_only_that_subject_read_and_refuses_others(instance: Instance) -> None:
    alice, bob = await instance.person(), await instance.person()
    one, two = await alice.dm(bob), await alice.create_room("Two", kind="group", member_ids=[bob.id])
    await alice.send(one["id"], "one")
    await alice.send(two["id"], "two")
    await instance.settle()
    assert await bob.unread() == 2

    assert await view(bob, f"room:{one['id']}") == 1
    assert await view(alice, f"room:{two['id']}") == 0  # alice has nothing about it: bob's stays
    assert await bob.unread() == 1
    for bad in ["room:", "user:abc", "room:a b", "post:" + "x" * 65, 42]:
        response = await bob.call("POST", "/api/notifications/read-subject", json={"subject": bad})
        assert response.status_code == 422, bad
