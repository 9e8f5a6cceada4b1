"""Realtime events of notifications, persistent (with seq) on the recipient's `user:{id}` topic, and
presence (ephemeral) on `presence:{id}`.
"""

from __future__ import annotations

import uuid
from typing import Literal

from sanctum.core.events import EventData, EventKind
from sanctum.domains.notifications.schemas import NotificationRead

USER = "user:{id}"


class NotificationChanged(EventData):
    notification: NotificationRead
    unread: int


class SomeRead(EventData):
    ids: list[int]
    unread: int


class AllRead(EventData):
    all: Literal[True]
    unread: int


class Presence(EventData):
    user_id: uuid.UUID
    status: Literal["online", "offline"]


NOTIFICATION_CREATED: EventKind[NotificationChanged] = EventKind(
    "notification.created", NotificationChanged, USER, "A new notification."
)
NOTIFICATION_UPDATED: EventKind[NotificationChanged] = EventKind(
    "notification.updated",
    NotificationChanged,
    USER,
    "An aggregated notification changed (a new liker): unread again, and first in the list.",
)
NOTIFICATION_READ: EventKind[SomeRead | AllRead] = EventKind(
    "notification.read", SomeRead | AllRead, USER, "Read state changed (on another tab or device)."
)
PRESENCE: EventKind[Presence] = EventKind(
    "presence", Presence, "presence:{id}", "A user came online or went offline.", persistent=False
)
EVENTS = (NOTIFICATION_CREATED, NOTIFICATION_UPDATED, NOTIFICATION_READ, PRESENCE)
