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
      return d.room_id ? `/chat/${d.room_id}` : '/chat';
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

/**
 * The sentence with its actor's name isolated: the server starts it with their display name (or
 * username), which must not reorder the words after it (docs/text.md).
 */
export function notificationLine(n: Notification): LinePart[] {
  const who = n.actor ? n.actor.display_name || n.actor.username : '';
  return who && n.text.startsWith(who) ? [{ user: who }, n.text.slice(who.length)] : [n.text];
}
