"""Realtime events of notifications, persistent (with seq) on the recipient's `user:{id}` topic.

- notification.created {notification: NotificationRead, unread}: a new notification.
- notification.updated {notification: NotificationRead, unread}: an aggregated one changed (a new liker);
  it is unread again and moves to the top.
- notification.read {ids: [...] | all: true, unread}: read state changed (another tab, another device).
"""

from __future__ import annotations

NOTIFICATION_CREATED = "notification.created"
NOTIFICATION_UPDATED = "notification.updated"
NOTIFICATION_READ = "notification.read"
