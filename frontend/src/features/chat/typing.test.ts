import { describe, expect, it } from 'vitest';

import { lineText } from '../../components/ui';
import { ALICE, BOB } from './testing';
import { applyTyping, nextExpiry, pruneTypists, removeTypist, TYPING_TTL_MS, TypingSender, typingLine, type Typist } from './typing';
import type { TypingEventData } from './types';

const CAROL = { id: 'c0000000-0000-4000-8000-000000000003', username: 'carol', display_name: 'Carol' };
const ME = 'me-0000';

function text(line: ReturnType<typeof typingLine>): string | null {
  return line && lineText(line);
}

function typing(user: { id: string; username: string; display_name: string }, state: 'start' | 'stop' = 'start'): TypingEventData {
  return { user_id: user.id, username: user.username, display_name: user.display_name, state };
}

describe('who is typing', () => {
  it('reads "X is typing…", "X and Y are typing…", then "Several people are typing…"', () => {
    let list: Typist[] = [];
    expect(typingLine(list)).toBeNull();
    list = applyTyping(list, typing(ALICE), ME, 0);
    expect(text(typingLine(list))).toBe('Alice is typing…');
    list = applyTyping(list, typing(BOB), ME, 100);
    expect(text(typingLine(list))).toBe('Alice and Bob are typing…');
    expect(typingLine(list)).toEqual([{ user: 'Alice' }, ' and ', { user: 'Bob' }, ' are typing…']);
    list = applyTyping(list, typing(CAROL), ME, 200);
    expect(text(typingLine(list))).toBe('Several people are typing…');
    list = applyTyping(list, typing(BOB, 'stop'), ME, 300);
    expect(text(typingLine(list))).toBe('Alice and Carol are typing…');
  });

  it('uses the username when there is no display name, and never shows me', () => {
    expect(text(typingLine(applyTyping([], { ...typing(ALICE), display_name: '' }, ME, 0)))).toBe('alice is typing…');
    expect(applyTyping([], { ...typing(ALICE), user_id: ME }, ME, 0)).toEqual([]);
  });

  it('each indicator expires 5 s after that person’s last event', () => {
    let list = applyTyping([], typing(ALICE), ME, 0);
    list = applyTyping(list, typing(BOB), ME, 2_000);
    expect(nextExpiry(list)).toBe(TYPING_TTL_MS);
    // Alice keeps typing: her indicator is renewed, and keeps its place in the line.
    list = applyTyping(list, typing(ALICE), ME, 4_000);
    expect(list.map((t) => t.name)).toEqual(['Alice', 'Bob']);
    expect(pruneTypists(list, 4_999)).toBe(list);
    expect(text(typingLine(pruneTypists(list, 7_000)))).toBe('Alice is typing…');
    expect(pruneTypists(list, 9_000)).toEqual([]);
    expect(nextExpiry([])).toBeNull();
  });

  it('a message from someone ends their indicator at once', () => {
    const list = applyTyping(applyTyping([], typing(ALICE), ME, 0), typing(BOB), ME, 0);
    expect(text(typingLine(removeTypist(list, ALICE.id)))).toBe('Bob is typing…');
    expect(removeTypist(list, 'someone-else')).toBe(list);
  });
});

describe('TypingSender', () => {
  function harness(online = () => true) {
    let now = 0;
    const sent: { at: number; state: string }[] = [];
    const sender = new TypingSender(
      (state) => {
        if (!online()) return false;
        sent.push({ at: now, state });
        return true;
      },
      () => now,
    );
    return { sender, sent, at: (t: number) => (now = t) };
  }

  it('sends typing.start at most once per 500 ms while typing', () => {
    const h = harness();
    for (let t = 0; t <= 2_000; t += 50) {
      h.at(t);
      h.sender.typed();
    }
    expect(h.sent.map((s) => s.at)).toEqual([0, 500, 1_000, 1_500, 2_000]);
    expect(h.sent.every((s) => s.state === 'start')).toBe(true);
  });

  it('sends typing.stop once on send or blur, only after a start, and starts again at once after it', () => {
    const h = harness();
    h.sender.stopped();
    expect(h.sent).toEqual([]);
    h.at(100);
    h.sender.typed();
    h.at(200);
    h.sender.stopped();
    h.sender.stopped();
    h.at(250);
    h.sender.typed(); // a new message: no 500 ms wait after a stop
    expect(h.sent).toEqual([
      { at: 100, state: 'start' },
      { at: 200, state: 'stop' },
      { at: 250, state: 'start' },
    ]);
  });

  it('a start that could not go out is tried again on the next keystroke', () => {
    let up = false;
    const h = harness(() => up);
    h.at(0);
    h.sender.typed();
    up = true;
    h.at(50);
    h.sender.typed();
    expect(h.sent).toEqual([{ at: 50, state: 'start' }]);
  });
});
