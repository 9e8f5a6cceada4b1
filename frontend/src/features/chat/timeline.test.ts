import { describe, expect, it } from 'vitest';

import { ALICE, BOB, event, message } from './testing';
import {
  applyEventToMessage,
  emptyTimeline,
  myLastMessageId,
  timelineReducer,
  toggleReaction,
  type Timeline,
  type TimelineAction,
} from './timeline';

const run = (actions: TimelineAction[], start: Timeline = emptyTimeline(null)) => actions.reduce(timelineReducer, start);
const ids = (t: Timeline) => t.messages.map((m) => m.id);

describe('the message list reducer', () => {
  it('keeps messages in id order without duplicates, whatever order pages and events arrive in', () => {
    const t = run([
      { type: 'event', event: event('message.created', message(12)), me: ALICE.id },
      { type: 'loaded', messages: [message(11), message(10), message(12)], hasMore: true },
      { type: 'event', event: event('message.created', message(12)), me: ALICE.id },
      { type: 'older', page: { items: [message(9), message(8)], has_more: false, has_newer: false, next_before: null } },
      { type: 'merge', messages: [message(13), message(12)] },
    ]);
    expect(ids(t)).toEqual([8, 9, 10, 11, 12, 13]);
    expect(t.hasMore).toBe(false);
    expect(t.loaded).toBe(true);
  });

  it('keeps thread replies out of the room and room messages out of a thread', () => {
    const reply = message(20, { parent_message_id: 10 });
    const room = run([{ type: 'loaded', messages: [message(10)], hasMore: false }, { type: 'event', event: event('message.created', reply), me: BOB.id }]);
    expect(ids(room)).toEqual([10]);
    const thread = run(
      [{ type: 'loaded', messages: [], hasMore: false }, { type: 'event', event: event('message.created', reply), me: BOB.id }, { type: 'event', event: event('message.created', message(21)), me: BOB.id }],
      emptyTimeline(10),
    );
    expect(ids(thread)).toEqual([20]);
  });

  it('applies a thread summary to the parent, never taking a reply count back', () => {
    let t = run([{ type: 'loaded', messages: [message(10, { reply_count: 1 })], hasMore: false }]);
    t = run([{ type: 'event', event: event('message.updated', { id: 10, reply_count: 3, last_reply_at: '2026-01-01T13:00:00Z' }), me: BOB.id }], t);
    expect(t.messages[0]).toMatchObject({ reply_count: 3, last_reply_at: '2026-01-01T13:00:00Z', body: 'message 10' });
    t = run([{ type: 'event', event: event('message.updated', { id: 10, reply_count: 2, last_reply_at: '2026-01-01T12:30:00Z' }), me: BOB.id }], t);
    expect(t.messages[0]).toMatchObject({ reply_count: 3 });
  });

  it('an edit replaces the content and keeps my own reaction flags (the event carries none)', () => {
    const mine = message(10, { reactions: [{ emoji: '👍', count: 2, me: true }] });
    let t = run([{ type: 'loaded', messages: [mine], hasMore: false }]);
    const edited = message(10, {
      body: 'new',
      html: '<p>new</p>',
      edited_at: '2026-01-01T12:05:00Z',
      reactions: [
        { emoji: '👍', count: 2, me: false },
        { emoji: '🎉', count: 1, me: false },
      ],
    });
    t = run([{ type: 'event', event: event('message.updated', edited), me: BOB.id }], t);
    expect(t.messages[0]).toMatchObject({ body: 'new', html: '<p>new</p>', edited_at: '2026-01-01T12:05:00Z' });
    expect(t.messages[0]?.reactions).toEqual([
      { emoji: '👍', count: 2, me: true },
      { emoji: '🎉', count: 1, me: false },
    ]);
  });

  it('a deletion drops the content for good, even if an older copy shows up later', () => {
    let t = run([{ type: 'loaded', messages: [message(10, { reactions: [{ emoji: '👍', count: 1, me: false }] })], hasMore: false }]);
    t = run([{ type: 'event', event: event('message.deleted', { id: 10, room_id: 'r', parent_message_id: null, removed_by_moderator: false }), me: BOB.id }], t);
    expect(t.messages[0]).toMatchObject({ deleted: true, body: '', html: '', reactions: [] });
    t = run([{ type: 'merge', messages: [message(10)] }], t);
    expect(t.messages[0]).toMatchObject({ deleted: true, body: '', html: '' });
    // Edits and reactions after the deletion change nothing.
    t = run(
      [
        { type: 'event', event: event('message.updated', message(10, { body: 'back?' })), me: BOB.id },
        { type: 'event', event: event('reaction.added', { message_id: 10, emoji: '👍', user_id: BOB.id, count: 1 }), me: BOB.id },
      ],
      t,
    );
    expect(t.messages[0]).toMatchObject({ deleted: true, body: '', reactions: [] });
  });

  it('reaction events set the count, mark mine, and remove an emoji at zero; replays change nothing', () => {
    let t = run([{ type: 'loaded', messages: [message(10)], hasMore: false }]);
    const added = event('reaction.added', { message_id: 10, emoji: '🎉', user_id: BOB.id, count: 1 });
    t = run([{ type: 'event', event: added, me: BOB.id }], t);
    expect(t.messages[0]?.reactions).toEqual([{ emoji: '🎉', count: 1, me: true }]);
    t = run([{ type: 'event', event: event('reaction.added', { message_id: 10, emoji: '🎉', user_id: ALICE.id, count: 2 }), me: BOB.id }], t);
    expect(t.messages[0]?.reactions).toEqual([{ emoji: '🎉', count: 2, me: true }]);
    const again = run([{ type: 'event', event: event('reaction.added', { message_id: 10, emoji: '🎉', user_id: ALICE.id, count: 2 }), me: BOB.id }], t);
    expect(again.messages[0]?.reactions).toEqual([{ emoji: '🎉', count: 2, me: true }]);
    t = run([{ type: 'event', event: event('reaction.removed', { message_id: 10, emoji: '🎉', user_id: BOB.id, count: 1 }), me: BOB.id }], t);
    expect(t.messages[0]?.reactions).toEqual([{ emoji: '🎉', count: 1, me: false }]);
    t = run([{ type: 'event', event: event('reaction.removed', { message_id: 10, emoji: '🎉', user_id: ALICE.id, count: 0 }), me: BOB.id }], t);
    expect(t.messages[0]?.reactions).toEqual([]);
  });

  it('toggling my reaction locally adds, counts and removes it', () => {
    const m = message(1, { reactions: [{ emoji: '👍', count: 1, me: false }] });
    const once = toggleReaction(m, '👍');
    expect(once.reactions).toEqual([{ emoji: '👍', count: 2, me: true }]);
    expect(toggleReaction(once, '👍').reactions).toEqual([{ emoji: '👍', count: 1, me: false }]);
    expect(toggleReaction(m, '🔥').reactions).toEqual([
      { emoji: '👍', count: 1, me: false },
      { emoji: '🔥', count: 1, me: true },
    ]);
    expect(toggleReaction(toggleReaction(message(2), '🔥'), '🔥').reactions).toEqual([]);
  });

  it('an optimistic send is replaced by the confirmed message, whether the answer or the event comes first', () => {
    const pending = { clientId: 'c1', body: 'hi', createdAt: '2026-01-01T12:00:00Z', status: 'sending' as const };
    const confirmed = message(30, { client_id: 'c1', author: ALICE, body: 'hi' });
    let t = run([{ type: 'loaded', messages: [message(29)], hasMore: false }, { type: 'send', pending }]);
    expect(t.pending).toHaveLength(1);
    const viaEvent = run([{ type: 'event', event: event('message.created', confirmed), me: ALICE.id }, { type: 'sent', clientId: 'c1', message: confirmed }], t);
    const viaAnswer = run([{ type: 'sent', clientId: 'c1', message: confirmed }, { type: 'event', event: event('message.created', confirmed), me: ALICE.id }], t);
    for (const after of [viaEvent, viaAnswer]) {
      expect(after.pending).toEqual([]);
      expect(ids(after)).toEqual([29, 30]);
    }
    // Someone else's message with the same client id does not confirm mine.
    const other = run([{ type: 'event', event: event('message.created', message(31, { client_id: 'c1', author: BOB })), me: ALICE.id }], t);
    expect(other.pending).toHaveLength(1);
    // Failure, retry (same client id), discard.
    t = run([{ type: 'failed', clientId: 'c1' }], t);
    expect(t.pending[0]?.status).toBe('failed');
    t = run([{ type: 'retry', clientId: 'c1' }], t);
    expect(t.pending[0]).toMatchObject({ status: 'sending', clientId: 'c1' });
    expect(run([{ type: 'discard', clientId: 'c1' }], t).pending).toEqual([]);
  });

  it('events for messages that are not loaded are ignored without a new state', () => {
    const t = run([{ type: 'loaded', messages: [message(10)], hasMore: false }]);
    for (const e of [
      event('message.updated', { id: 99, reply_count: 1, last_reply_at: null }),
      event('message.deleted', { id: 99, room_id: 'r', parent_message_id: null, removed_by_moderator: false }),
      event('reaction.added', { message_id: 99, emoji: '👍', user_id: BOB.id, count: 1 }),
      event('member.joined', { user_id: BOB.id }),
    ]) {
      expect(timelineReducer(t, { type: 'event', event: e, me: ALICE.id })).toBe(t);
    }
  });

  it('applies events to a message held alone (a thread parent) and finds my last message', () => {
    const parent = message(10);
    const updated = applyEventToMessage(parent, event('message.updated', { id: 10, reply_count: 2, last_reply_at: null }), ALICE.id);
    expect(updated.reply_count).toBe(2);
    expect(applyEventToMessage(parent, event('message.updated', { id: 11, reply_count: 2, last_reply_at: null }), ALICE.id)).toBe(parent);
    expect(applyEventToMessage(parent, event('message.deleted', { id: 10, room_id: 'r', parent_message_id: null, removed_by_moderator: false }), ALICE.id).deleted).toBe(true);
    const list = [message(1, { author: ALICE }), message(2, { author: BOB }), message(3, { author: ALICE, deleted: true }), message(4, { author: BOB })];
    expect(myLastMessageId(list, ALICE.id)).toBe(1);
    expect(myLastMessageId(list, 'nobody')).toBeNull();
  });
});
