import { describe, expect, it } from 'vitest';

import { lineText } from '../../components/ui';
import { applyReceipt, receiptStatus } from './receipts';
import { applyReadState, applyRoomListEvent, deletionAffectsUnread, mergeFetchedRooms, previewText, sortRooms, stripMarkdown } from './roomList';
import { ALICE, BOB, event, message } from './testing';
import type { MyRoom, Room } from './types';

function room(id: string, at: string, overrides: Partial<Room> = {}): Room {
  return {
    id,
    kind: 'public',
    name: id,
    topic: '',
    description: '',
    sanctum_id: null,
    position: 0,
    member_count: 2,
    created_at: '2026-01-01T00:00:00Z',
    last_activity_at: at,
    dm_user: null,
    my_role: 'member',
    my_permissions: [],
    my_muted_until: null,
    pinned_message_ids: [],
    slow_mode_seconds: 0,
    system_messages_unread: false,
    last_read_message_id: 0,
    receipts: [],
    ...overrides,
  };
}

function entry(id: string, at: string, unread = 0, overrides: Partial<Room> = {}): MyRoom {
  return { room: room(id, at, overrides), unread_count: unread, last_message: null };
}

const ctx = { me: ALICE.id, activeRoomId: null };

function preview(entry: MyRoom, me: string): string {
  return lineText(previewText(entry, me));
}

describe('the live room list', () => {
  const list = sortRooms([entry('a', '2026-01-01T10:00:00Z'), entry('b', '2026-01-01T11:00:00Z'), entry('c', '2026-01-01T09:00:00Z')]);

  it('is ordered by latest activity', () => {
    expect(list.map((e) => e.room.id)).toEqual(['b', 'a', 'c']);
  });

  it('a new message moves its room to the top, sets the preview and counts it unread', () => {
    const m = message(7, { author: BOB, created_at: '2026-01-01T12:00:00Z', body: 'hello **there**' });
    const next = applyRoomListEvent(list, 'c', event('message.created', m), ctx);
    expect(next.map((e) => e.room.id)).toEqual(['c', 'b', 'a']);
    expect(next[0]).toMatchObject({ unread_count: 1, last_message: { id: 7 } });
    expect(preview(next[0] as MyRoom, ALICE.id)).toBe('Bob: hello there');
    // Who said it and what they said are each isolated from the other.
    expect(previewText(next[0] as MyRoom, ALICE.id)).toEqual([{ user: 'Bob' }, ': ', { user: 'hello there' }]);
    // The same event again (a replay) is not counted twice.
    expect(applyRoomListEvent(next, 'c', event('message.created', m), ctx)).toBe(next);
  });

  it('my own messages, replies and the room on screen do not count as unread', () => {
    const mine = applyRoomListEvent(list, 'a', event('message.created', message(8, { author: ALICE, created_at: '2026-01-01T12:00:00Z' })), ctx);
    expect(mine[0]).toMatchObject({ unread_count: 0 });
    expect(preview(mine[0] as MyRoom, ALICE.id)).toBe('You: message 8');
    const reply = applyRoomListEvent(list, 'a', event('message.created', message(9, { author: BOB, parent_message_id: 1 })), ctx);
    expect(reply).toBe(list);
    const open = applyRoomListEvent(list, 'a', event('message.created', message(10, { author: BOB, created_at: '2026-01-01T12:00:00Z' })), {
      me: ALICE.id,
      activeRoomId: 'a',
    });
    expect(open[0]).toMatchObject({ unread_count: 0, last_message: { id: 10 } });
  });

  it('system lines are not unread unless the room counts them', () => {
    const line = message(13, { author: BOB, kind: 'system', body: 'Bob joined the room', created_at: '2026-01-01T12:00:00Z' });
    const quiet = applyRoomListEvent(list, 'a', event('message.created', line), ctx);
    expect(quiet[0]).toMatchObject({ unread_count: 0, last_message: { id: 13 } });
    const counting = list.map((e) => (e.room.id === 'a' ? { ...e, room: { ...e.room, system_messages_unread: true } } : e));
    expect(applyRoomListEvent(counting, 'a', event('message.created', line), ctx)[0]).toMatchObject({ unread_count: 1 });
  });

  it('counts stop at 100 (shown as 99+)', () => {
    const full = [entry('a', '2026-01-01T10:00:00Z', 100)];
    const next = applyRoomListEvent(full, 'a', event('message.created', message(11, { author: BOB })), ctx);
    expect(next[0]?.unread_count).toBe(100);
  });

  it('edits and deletions update the preview; a deletion after the read mark asks for a recount', () => {
    const withLast = applyRoomListEvent(list, 'a', event('message.created', message(12, { author: BOB, created_at: '2026-01-01T12:00:00Z' })), ctx);
    const edited = applyRoomListEvent(withLast, 'a', event('message.updated', message(12, { author: BOB, body: 'edited' })), ctx);
    expect(preview(edited[0] as MyRoom, ALICE.id)).toBe('Bob: edited');
    expect(deletionAffectsUnread(edited, 'a', 12)).toBe(true);
    const deleted = applyRoomListEvent(edited, 'a', event('message.deleted', { id: 12, room_id: 'a', parent_message_id: null, removed_by_moderator: false }), ctx);
    expect(preview(deleted[0] as MyRoom, ALICE.id)).toBe('Message deleted');
    expect(deletionAffectsUnread(list, 'a', 12)).toBe(false); // nothing unread there
  });

  it('follows renames and member counts, and drops a room I left in another tab', () => {
    const renamed = applyRoomListEvent(list, 'b', event('room.updated', { id: 'b', name: 'Bee', topic: 'buzz', description: '', slow_mode_seconds: 0 }), ctx);
    expect(renamed[0]?.room).toMatchObject({ name: 'Bee', topic: 'buzz' });
    const joined = applyRoomListEvent(list, 'b', event('member.joined', { user_id: BOB.id }), ctx);
    expect(joined[0]?.room.member_count).toBe(3);
    const left = applyRoomListEvent(joined, 'b', event('member.left', { user_id: BOB.id }), ctx);
    expect(left[0]?.room.member_count).toBe(2);
    const gone = applyRoomListEvent(list, 'b', event('member.left', { user_id: ALICE.id }), ctx);
    expect(gone.map((e) => e.room.id)).toEqual(['a', 'c']);
  });

  it('takes unread counts from read answers and from my own receipts (read in another tab)', () => {
    const unread = [{ ...entry('d', '2026-01-01T10:00:00Z', 3, { kind: 'dm' }), last_message: message(20, { author: BOB }) }];
    expect(applyReadState(unread, { room_id: 'd', last_read_message_id: 19, unread_count: 1 })[0]).toMatchObject({
      unread_count: 1,
      room: { last_read_message_id: 19 },
    });
    const read = applyRoomListEvent(unread, 'd', event('receipt.updated', { user_id: ALICE.id, last_read_message_id: 20, last_delivered_message_id: 20 }), ctx);
    expect(read[0]?.unread_count).toBe(0);
    const theirs = applyRoomListEvent(unread, 'd', event('receipt.updated', { user_id: BOB.id, last_read_message_id: 5, last_delivered_message_id: 9 }), ctx);
    expect(theirs[0]?.room.receipts).toEqual([{ user_id: BOB.id, last_read_message_id: 5, last_delivered_message_id: 9 }]);
  });

  it('a refetch that left before the latest event does not undo it', () => {
    const cached = applyRoomListEvent(list, 'c', event('message.created', message(40, { author: BOB, created_at: '2026-01-01T12:00:00Z' })), ctx);
    const stale = list.map((e) => (e.room.id === 'c' ? { ...e, last_message: message(39, { author: BOB }) } : e));
    const merged = mergeFetchedRooms(cached, stale);
    expect(merged[0]).toMatchObject({ room: { id: 'c' }, last_message: { id: 40 }, unread_count: 1 });
    // A fresh answer (as new as what is cached, or newer) wins as it is.
    const fresh = cached.map((e) => (e.room.id === 'c' ? { ...e, unread_count: 0 } : e));
    expect(mergeFetchedRooms(cached, fresh)).toBe(fresh);
    expect(mergeFetchedRooms(undefined, fresh)).toBe(fresh);
  });

  it('previews are plain text', () => {
    expect(stripMarkdown('**bold** _it_ `code` [link](https://x.test) ~~gone~~\n- item')).toBe('bold it code link gone item');
    expect(preview({ ...entry('e', '2026-01-01T10:00:00Z'), last_message: message(1, { kind: 'system', body: 'Bob joined the room' }) }, ALICE.id)).toBe(
      'Bob joined the room',
    );
    expect(preview(entry('f', '2026-01-01T10:00:00Z', 0, { topic: 'All about f' }), ALICE.id)).toBe('All about f');
  });
});

describe('DM receipts', () => {
  const me = ALICE.id;
  it('is sent, then delivered, then read, from the other person’s watermarks', () => {
    let receipts = [{ user_id: BOB.id, last_delivered_message_id: 4, last_read_message_id: 3 }];
    expect(receiptStatus(5, receipts, me)).toBe('sent');
    receipts = applyReceipt(receipts, { user_id: BOB.id, last_delivered_message_id: 5, last_read_message_id: 3 }, me);
    expect(receiptStatus(5, receipts, me)).toBe('delivered');
    receipts = applyReceipt(receipts, { user_id: BOB.id, last_delivered_message_id: 5, last_read_message_id: 5 }, me);
    expect(receiptStatus(5, receipts, me)).toBe('read');
    // A late, older event does not take a receipt back; my own receipts are not shown.
    receipts = applyReceipt(receipts, { user_id: BOB.id, last_delivered_message_id: 4, last_read_message_id: 3 }, me);
    expect(receiptStatus(5, receipts, me)).toBe('read');
    expect(applyReceipt(receipts, { user_id: me, last_delivered_message_id: 9, last_read_message_id: 9 }, me)).toBe(receipts);
    expect(receiptStatus(5, [], me)).toBe('sent');
  });
});
