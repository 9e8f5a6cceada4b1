"""The hub registry: each topic prefix and each client message type belongs to exactly one hub."""

from __future__ import annotations

import re
import uuid

import pytest

from sanctum.domains.announcements.hub import SystemHub
from sanctum.domains.notifications.hub import NotificationsHub
from sanctum.realtime.hub import Command, Hub, HubRegistry, Sender
from sanctum.realtime.protocol import ClientMessage, ProtocolError, TopicCommand, validate_command
from sanctum.realtime.publisher import Publisher


async def on_typing(publisher: Publisher, sender: Sender, command: TopicCommand) -> None:
    return None


def hub(name: str, *prefixes: str, handles: tuple[str, ...] = ()) -> Hub:
    made = Hub()
    made.name = name
    made.prefixes = prefixes
    made.handlers = dict.fromkeys(handles, Command(TopicCommand, on_typing, limit=None))
    return made


async def no_admins(user_id: uuid.UUID) -> bool:
    return False


def test_registry_routes_topics_by_prefix_and_message_types_by_handler() -> None:
    registry = HubRegistry()
    chat, games = hub("chat", "room:", "dm:", handles=("typing.start",)), hub("games", "game:")
    registry.register(chat)
    registry.register(games)

    assert registry.hub_for_topic("room:42") is chat
    assert registry.hub_for_topic("dm:7") is chat
    assert registry.hub_for_topic("game:1") is games
    assert registry.hub_for_topic("call:1") is None
    assert registry.hub_for_topic("room") is None
    assert registry.handler_for("typing.start") == (chat, chat.handlers["typing.start"])
    assert registry.handler_for("typing.stop") is None
    assert registry.hubs == [chat, games]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (("room:",), ("room:",)),
        (("room:",), ("room:vip:",)),
        (("room:vip:",), ("room:",)),
        (("dm:", "room:"), ("game:", "room")),
    ],
)
def test_registering_a_prefix_that_overlaps_another_hubs_is_an_error(
    first: tuple[str, ...], second: tuple[str, ...]
) -> None:
    registry = HubRegistry()
    registry.register(hub("chat", *first))

    with pytest.raises(ValueError, match="overlaps hub chat"):
        registry.register(hub("other", *second))

    assert [h.name for h in registry.hubs] == ["chat"]


def test_registering_a_message_type_another_hub_handles_is_an_error() -> None:
    registry = HubRegistry()
    registry.register(hub("chat", "room:", handles=("typing.start",)))

    with pytest.raises(ValueError, match=re.escape("'typing.start' is already handled by chat")):
        registry.register(hub("calls", "call:", handles=("ring", "typing.start")))

    assert registry.handler_for("ring") is None
    assert registry.hub_for_topic("call:1") is None


def test_notifications_and_system_hubs_register_side_by_side() -> None:
    registry = HubRegistry()
    notifications, system = NotificationsHub(), SystemHub(no_admins)

    registry.register(notifications)
    registry.register(system)

    assert registry.hub_for_topic(f"user:{uuid.uuid4()}") is notifications
    assert registry.hub_for_topic(f"presence:{uuid.uuid4()}") is notifications
    assert registry.hub_for_topic("announcements") is system


async def test_notifications_hub_lets_only_the_owner_watch_their_user_topic_and_anyone_watch_presence() -> None:
    notifications = NotificationsHub()
    me, someone = uuid.uuid4(), uuid.uuid4()

    assert await notifications.authorize(me, f"user:{me}")
    assert not await notifications.authorize(me, f"user:{someone}")
    assert not await notifications.authorize(me, "user:not-a-uuid")
    assert not await notifications.authorize(me, "user:")
    assert await notifications.authorize(me, f"presence:{someone}")
    assert not await notifications.authorize(me, "presence:nobody")


async def test_a_hub_by_default_authorizes_nothing() -> None:
    assert not await Hub().authorize(uuid.uuid4(), "anything:1")


async def only_admins(user_id: uuid.UUID) -> bool:
    return True


@pytest.mark.parametrize("text", ["\u200b\u3164", " \u2800 ", "ring\x07"])
async def test_an_announcement_that_shows_nothing_or_holds_a_control_character_is_refused(text: str) -> None:
    command = SystemHub(only_admins).handlers["announce"]
    raw = {"type": "announce", "topic": "announcements", "data": {"text": text}}
    message = ClientMessage(type="announce", topic="announcements", cid=None, raw=raw)

    # Refused by the command's model, before the handler (and anything it would publish) runs.
    with pytest.raises(ProtocolError, match=r"`data.text`: .*(An announcement must show something|U\+0007)"):
        validate_command(command.model, message)
