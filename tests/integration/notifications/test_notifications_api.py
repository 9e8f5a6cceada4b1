"""The notifications API in both modes: list (cursor), unread count, mark read, authorization, and
notifications arriving through the job queue from the notifier and from chat mentions."""

from __future__ import annotations

import uuid

from tests.integration.notifications.notifications_api import Instance


async def test_a_friend_request_becomes_an_unread_notification_that_can_be_marked_read(instance: Instance) -> None:
    alice, bob = await instance.person(), await instance.person()
    await instance.notifier.friend_request(to=bob.uuid, by=alice.uuid)
    await instance.settle()

    [item] = await bob.items()
    assert item["kind"] == "friend_request"
    assert item["actor"]["username"] == alice.username and item["actor_count"] == 1
    assert item["text"] == f"{alice.username} sent you a friend request"
    assert item["read"] is False and item["data"] == {}
    assert await bob.unread() == 1
    assert await alice.items() == [] and await alice.unread() == 0

    marked = await bob.mark_read(item["id"])
    assert marked["read"] is True and marked["id"] == item["id"]
    assert await bob.unread() == 0
    assert (await bob.mark_read(item["id"]))["read"] is True  # again is fine


async def test_mark_all_read_clears_the_count_and_only_the_callers(instance: Instance) -> None:
    alice, bob, carol = await instance.person(), await instance.person(), await instance.person()
    await instance.notifier.friend_request(to=bob.uuid, by=alice.uuid)
    await instance.notifier.friend_request(to=bob.uuid, by=carol.uuid)
    await instance.notifier.friend_accepted(to=carol.uuid, by=bob.uuid)
    await instance.settle()
    assert await bob.unread() == 2

    assert await bob.mark_all_read() == 0
    assert await bob.unread() == 0
    assert all(item["read"] for item in await bob.items())
    assert await carol.unread() == 1
    [accepted] = await carol.items()
    assert accepted["text"] == f"{bob.username} accepted your friend request"


async def test_the_list_pages_by_cursor_newest_first_without_gaps_or_repeats(instance: Instance) -> None:
    bob = await instance.person()
    senders = [await instance.person() for _ in range(5)]
    for sender in senders:
        await instance.notifier.friend_request(to=bob.uuid, by=sender.uuid)
        await instance.settle()  # one at a time: a known order

    seen: list[str] = []
    cursor = None
    while True:
        page = await bob.notifications(limit=2, **({"cursor": cursor} if cursor else {}))
        assert len(page["items"]) <= 2
        seen += [item["actor"]["username"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [sender.username for sender in reversed(senders)]


async def test_someone_elses_notification_is_not_found_and_bad_input_is_a_clear_4xx(instance: Instance) -> None:
    alice, bob = await instance.person(), await instance.person()
    await instance.notifier.friend_request(to=bob.uuid, by=alice.uuid)
    await instance.settle()
    [item] = await bob.items()

    response = await alice.call("POST", f"/api/notifications/{item['id']}/read")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "NOTIFICATION_NOT_FOUND"
    assert (await bob.items())[0]["read"] is False
    response = await bob.call("GET", "/api/notifications", params={"cursor": "not-a-cursor"})
    assert response.status_code == 422 and response.json()["error"]["fields"] == {"cursor": "is not a valid cursor"}
    response = await bob.call("GET", "/api/notifications", params={"limit": 0})
    assert response.status_code == 422
    assert (await instance.http.get("/api/notifications")).status_code == 401
    assert (await instance.http.get("/api/notifications/unread-count")).status_code == 401


async def test_nobody_is_notified_of_their_own_action_or_by_a_deleted_account(instance: Instance) -> None:
    alice, bob = await instance.person(), await instance.person()
    await instance.notifier.comment(post_author=alice.uuid, by=alice.uuid, post_id=1, comment_id=2)
    await instance.notifier.comment(post_author=None, by=alice.uuid, post_id=1, comment_id=3)
    await instance.notifier.comment(post_author=bob.uuid, by=uuid.uuid4(), post_id=1, comment_id=4)
    await instance.settle()
    assert await alice.items() == [] and await bob.items() == []


async def test_comments_replies_and_game_invites_carry_their_subject_ids(instance: Instance) -> None:
    alice, bob = await instance.person(), await instance.person()
    post, comment, reply = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    await instance.notifier.comment(post_author=bob.uuid, by=alice.uuid, post_id=post, comment_id=comment)
    await instance.settle()
    await instance.notifier.reply(
        comment_author=bob.uuid, by=alice.uuid, post_id=post, comment_id=comment, reply_id=reply
    )
    await instance.settle()
    await instance.notifier.game_invite(to=bob.uuid, by=alice.uuid, game_id=7, game="connect_four")
    await instance.settle()

    invite, replied, commented = await bob.items()
    assert (commented["kind"], commented["data"]) == ("comment", {"post_id": str(post), "comment_id": str(comment)})
    assert commented["text"] == f"{alice.username} commented on your post"
    assert replied["data"] == {"post_id": str(post), "comment_id": str(comment), "reply_id": str(reply)}
    assert replied["text"] == f"{alice.username} replied to your comment"
    assert invite["data"] == {"game_id": "7", "game": "connect_four"}
    assert invite["text"] == f"{alice.username} invited you to play connect_four"


async def test_a_chat_mention_notifies_through_a_job_and_the_mentions_list_still_works(instance: Instance) -> None:
    alice, bob = await instance.person(), await instance.person()
    room = await alice.create_room("Mentions")
    await bob.join(room["id"])
    sent = await alice.send(room["id"], f"hello @{bob.username}")
    await instance.settle()

    [item] = await bob.items()
    assert item["kind"] == "mention" and item["actor"]["username"] == alice.username
    assert item["data"] == {"room_id": room["id"], "message_id": str(sent["id"])}
    mentions = await bob.ok("GET", "/api/users/me/mentions")
    assert [m["message"]["id"] for m in mentions["items"]] == [sent["id"]]
