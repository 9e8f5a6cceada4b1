// Pure rules of the notifications screens: where an item leads and how read state changes a list.
import type { components } from '../../api/generated/schema';
import type { LinePart } from '../../components/ui';

export type Notification = components['schemas']['NotificationRead'];
export type NotificationPage = components['schemas']['NotificationPage'];
export interface PagedNotifications {
  pages: NotificationPage[];
  pageParams: unknown[];
}

/** The loaded pages with `ids` (or every item) marked read. */
export function markRead(data: PagedNotifications, ids: readonly number[] | 'all'): PagedNotifications {
  return {
    ...data,
    pages: data.pages.map((page) => ({
      ...page,
      items: page.items.map((n) => (ids === 'all' || ids.includes(n.id) ? { ...n, read: true } : n)),
    })),
  };
}

/** Where a notification leads: the message, the post, the person or the game it is about. */
export function notificationLink(n: Notification): string {
  const d = n.data;
  switch (n.kind) {
    case 'mention':
    case 'reaction':
    case 'message':
    case 'missed_call':
      return d.room_id ? `/chat/${d.room_id}` : '/chat';
    case 'thread_reply':
      return d.room_id ? `/chat/${d.room_id}${d.parent_id ? `?thread=${d.parent_id}` : ''}` : '/chat';
    case 'post_mention':
    case 'comment':
    case 'reply':
    case 'like':
      return d.post_id ? `/posts/${d.post_id}` : '/';
    case 'game_invite':
      return d.game_id ? `/games/${d.game_id}` : '/games';
    default:
      return n.actor ? `/u/${n.actor.username}` : '/friends';
  }
}

/** What a notification is about, as the server names it: viewing that marks the notification read. */
export function notificationSubject(n: Notification): string | null {
  const d = n.data;
  if (d.room_id) return `room:${d.room_id}`;
  if (d.post_id) return `post:${d.post_id}`;
  if (d.game_id) return `game:${d.game_id}`;
  return null;
}

/**
 * The sentence with its actor's name isolated: the server starts it with their display name (or
 * username), which must not reorder the words after it (docs/text.md).
 */
export function notificationLine(n: Notification): LinePart[] {
  const who = n.actor ? n.actor.display_name || n.actor.username : '';
  return who && n.text.startsWith(who) ? [{ user: who }, n.text.slice(who.length)] : [n.text];
}
