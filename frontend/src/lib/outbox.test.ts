import { beforeEach, describe, expect, it } from 'vitest';

import { addToOutbox, clearOutboxes, outboxKey, readOutbox, removeFromOutbox } from './outbox';

const entry = (clientId: string, body = `body of ${clientId}`) => ({ clientId, body, createdAt: '2026-12-03T12:00:00Z' });

describe('the outbox', () => {
  beforeEach(() => window.localStorage.clear());

  it('keeps unsent messages per person, room and thread, in the order typed, each once', () => {
    const room = outboxKey('me', 'r1', null);
    const thread = outboxKey('me', 'r1', 7);
    addToOutbox(room, entry('a'));
    addToOutbox(room, entry('b'));
    addToOutbox(room, entry('a'));
    addToOutbox(thread, entry('c'));

    expect(readOutbox(room).map((e) => e.clientId)).toEqual(['a', 'b']);
    expect(readOutbox(thread).map((e) => e.clientId)).toEqual(['c']);
    expect(readOutbox(outboxKey('someone else', 'r1', null))).toEqual([]);
  });

  it('forgets what the server confirmed, and everything on log-out', () => {
    const room = outboxKey('me', 'r1', null);
    addToOutbox(room, entry('a'));
    addToOutbox(room, entry('b'));
    window.localStorage.setItem('unrelated', 'kept');

    removeFromOutbox(room, ['a']);
    expect(readOutbox(room).map((e) => e.clientId)).toEqual(['b']);
    removeFromOutbox(room, ['b']);
    expect(window.localStorage.getItem(room)).toBeNull();

    addToOutbox(room, entry('c'));
    clearOutboxes();
    expect(readOutbox(room)).toEqual([]);
    expect(window.localStorage.getItem('unrelated')).toBe('kept');
  });

  it('ignores what it cannot read instead of failing the room', () => {
    const room = outboxKey('me', 'r1', null);
    window.localStorage.setItem(room, '{not json');
    expect(readOutbox(room)).toEqual([]);
    window.localStorage.setItem(room, JSON.stringify([{ clientId: 1 }, entry('ok')]));
    expect(readOutbox(room).map((e) => e.clientId)).toEqual(['ok']);
  });
});
