import { describe, expect, it } from 'vitest';

import { buildItems } from './items';
import { ALICE, BOB, message } from './testing';
import { firstUnreadId, needsOlderForDivider, unreadLabel } from './unread';

describe('the unread divider', () => {
  const history = [
    message(1, { author: BOB }),
    message(2, { author: ALICE }),
    message(3, { author: ALICE }),
    message(4, { author: BOB, deleted: true }),
    message(5, { author: BOB, kind: 'system', body: 'Bob joined the room' }),
    message(6, { author: BOB }),
  ];

  it('goes before the first message after the read mark that is not mine and not deleted', () => {
    expect(firstUnreadId(history, 1, ALICE.id)).toBe(5);
    expect(firstUnreadId(history, 5, ALICE.id)).toBe(6);
    expect(firstUnreadId(history, 0, ALICE.id)).toBe(1);
    // For Bob, Alice's messages are the unread ones.
    expect(firstUnreadId(history, 1, BOB.id)).toBe(2);
  });

  it('is not shown when everything was read, or for someone without a read mark (a visitor)', () => {
    expect(firstUnreadId(history, 6, ALICE.id)).toBeNull();
    expect(firstUnreadId(history, 100, ALICE.id)).toBeNull();
    expect(firstUnreadId(history, null, ALICE.id)).toBeNull();
    expect(firstUnreadId(history, undefined, ALICE.id)).toBeNull();
    expect(firstUnreadId([], 0, ALICE.id)).toBeNull();
  });

  it('is rendered exactly once, right before that message', () => {
    const items = buildItems({ messages: history, unreadId: firstUnreadId(history, 5, ALICE.id), me: ALICE.id, now: new Date('2026-01-01T18:00:00Z') });
    const kinds = items.map((i) => (i.kind === 'message' || i.kind === 'system' ? `${i.kind}:${i.message.id}` : i.kind));
    expect(kinds.filter((k) => k === 'unread')).toHaveLength(1);
    expect(kinds[kinds.indexOf('unread') + 1]).toBe('message:6');
    expect(buildItems({ messages: history, unreadId: null }).some((i) => i.kind === 'unread')).toBe(false);
  });

  it('asks for older pages only while the oldest loaded message is already unread', () => {
    const page = [message(51), message(52)];
    expect(needsOlderForDivider(page, true, 10)).toBe(true);
    expect(needsOlderForDivider(page, true, 50)).toBe(false); // 51 is the first unread: it is loaded
    expect(needsOlderForDivider(page, true, 60)).toBe(false);
    expect(needsOlderForDivider(page, false, 10)).toBe(false); // nothing older exists
    expect(needsOlderForDivider(page, true, null)).toBe(false);
    expect(needsOlderForDivider([], true, 10)).toBe(false);
  });

  it('badges count up to 99, then say 99+', () => {
    expect(unreadLabel(0)).toBeNull();
    expect(unreadLabel(-1)).toBeNull();
    expect(unreadLabel(1)).toBe('1');
    expect(unreadLabel(99)).toBe('99');
    expect(unreadLabel(100)).toBe('99+');
    expect(unreadLabel(5000)).toBe('99+');
  });
});

describe('list items', () => {
  it('groups consecutive messages of one author within five minutes, and sets system lines apart', () => {
    const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 12, 0, 0) + s * 1000).toISOString();
    const items = buildItems({
      messages: [
        message(1, { author: ALICE, created_at: at(0) }),
        message(2, { author: ALICE, created_at: at(60) }),
        message(3, { author: ALICE, created_at: at(60 + 5 * 60) }),
        message(4, { author: BOB, created_at: at(400) }),
        message(5, { author: BOB, kind: 'system', created_at: at(401) }),
        message(6, { author: BOB, created_at: at(402) }),
      ],
      now: new Date(Date.UTC(2026, 0, 1, 18)),
    });
    const shape = items.map((i) => (i.kind === 'message' ? `${i.message.id}${i.continued ? '+' : ''}` : i.kind));
    expect(shape).toEqual(['day', '1', '2+', '3', '4', 'system', '6']);
  });

  it('starts a new day with a separator, and puts pending sends last', () => {
    const items = buildItems({
      messages: [message(1, { created_at: '2026-01-01T10:00:00' }), message(2, { created_at: '2026-01-02T10:00:00' })],
      pending: [{ clientId: 'c', body: 'hi', createdAt: '2026-01-02T10:01:00', status: 'sending' }],
      me: ALICE.id,
      now: new Date('2026-01-02T12:00:00'),
    });
    expect(items.map((i) => i.kind)).toEqual(['day', 'message', 'day', 'message', 'pending']);
    expect(items.filter((i) => i.kind === 'day').map((i) => (i.kind === 'day' ? i.label : ''))).toEqual(['Yesterday', 'Today']);
    // My message right before: the pending one continues it.
    expect(items.at(-1)).toMatchObject({ kind: 'pending', continued: true });
  });
});
