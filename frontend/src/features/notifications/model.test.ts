import { describe, expect, it } from 'vitest';

import { markRead, notificationLine, notificationLink, type Notification, type PagedNotifications } from './model';

function item(id: number, overrides: Partial<Notification> = {}): Notification {
  return {
    id,
    kind: 'friend_request',
    actor: { id: 'u1', username: 'alice', display_name: 'Alice', bio: '', avatar_url: null, created_at: '2026-01-01T00:00:00Z', is_bot: false },
    actor_count: 1,
    text: 'Alice sent you a friend request',
    data: {},
    read: false,
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
    ...overrides,
  };
}

const paged = (...pages: Notification[][]): PagedNotifications => ({
  pages: pages.map((items) => ({ items, next_cursor: null })),
  pageParams: pages.map(() => undefined),
});

describe('markRead', () => {
  it('marks only the given ids read, across pages', () => {
    const out = markRead(paged([item(3), item(2)], [item(1)]), [2, 1]);
    expect(out.pages.map((p) => p.items.map((n) => n.read))).toEqual([[false, true], [true]]);
  });

  it('marks everything read for "all" and leaves the input untouched', () => {
    const input = paged([item(2)], [item(1)]);
    const out = markRead(input, 'all');
    expect(out.pages.flatMap((p) => p.items).every((n) => n.read)).toBe(true);
    expect(input.pages[0]?.items[0]?.read).toBe(false);
  });
});

describe('notificationLink', () => {
  it('leads to the subject of each kind', () => {
    expect(notificationLink(item(1, { kind: 'mention', data: { room_id: 'r1', message_id: '5' } }))).toBe('/chat/r1');
    expect(notificationLink(item(1, { kind: 'like', data: { target: 'comment', target_id: 'c', post_id: 'p9' } }))).toBe('/posts/p9');
    expect(notificationLink(item(1, { kind: 'game_invite', data: { game_id: 'g1', game: 'connect_four' } }))).toBe('/games/g1');
    expect(notificationLink(item(1))).toBe('/u/alice');
    expect(notificationLink(item(1, { actor: null }))).toBe('/friends');
  });
});

describe('notificationLine', () => {
  it('isolates the actor name the sentence starts with, and nothing else', () => {
    expect(notificationLine(item(1))).toEqual([{ user: 'Alice' }, ' sent you a friend request']);
    expect(notificationLine(item(2, { actor: null, text: 'A deleted user liked your post' }))).toEqual(['A deleted user liked your post']);
  });
});
