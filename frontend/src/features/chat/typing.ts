// Who is typing, as a line of text, and how often this client tells others it is typing.
import type { LinePart } from '../../components/ui';
import type { TypingEventData } from './types';

/** An indicator disappears after this much silence from that person (docs/chat.md). */
export const TYPING_TTL_MS = 5_000;
/** This client sends `typing.start` at most this often while someone types. */
export const TYPING_SEND_INTERVAL_MS = 500;

export interface Typist {
  userId: string;
  name: string;
  expiresAt: number;
}

/** Applies a `typing` event (never about `me`: other tabs of mine are not "someone typing"). */
export function applyTyping(typists: readonly Typist[], data: TypingEventData, me: string, now: number): Typist[] {
  if (data.user_id === me) return typists as Typist[];
  const others = typists.filter((t) => t.userId !== data.user_id);
  if (data.state === 'stop') return others.length === typists.length ? (typists as Typist[]) : others;
  const name = data.display_name || data.username || 'Someone';
  const existing = typists.find((t) => t.userId === data.user_id);
  const entry = { userId: data.user_id, name, expiresAt: now + TYPING_TTL_MS };
  // Keep the order people started in, so the line does not reshuffle on every event.
  return existing ? typists.map((t) => (t.userId === data.user_id ? entry : t)) : [...typists, entry];
}

/** Someone's message arrived: they are no longer typing it. */
export function removeTypist(typists: readonly Typist[], userId: string | undefined): Typist[] {
  if (!userId || !typists.some((t) => t.userId === userId)) return typists as Typist[];
  return typists.filter((t) => t.userId !== userId);
}

export function pruneTypists(typists: readonly Typist[], now: number): Typist[] {
  const alive = typists.filter((t) => t.expiresAt > now);
  return alive.length === typists.length ? (typists as Typist[]) : alive;
}

/** When the next indicator expires, to schedule the next prune. */
export function nextExpiry(typists: readonly Typist[]): number | null {
  return typists.length ? Math.min(...typists.map((t) => t.expiresAt)) : null;
}

/** "Alice is typing…", "Alice and Bob are typing…", "Several people are typing…" (names isolated). */
export function typingLine(typists: readonly Typist[]): LinePart[] | null {
  const [first, second] = typists;
  if (!first) return null;
  if (!second) return [{ user: first.name }, ' is typing…'];
  if (typists.length === 2) return [{ user: first.name }, ' and ', { user: second.name }, ' are typing…'];
  return ['Several people are typing…'];
}

/**
 * Paces this client's `typing.start` / `typing.stop`: at most one start per interval while the
 * person types, and one stop when they send or leave the composer (only after a start).
 * `send` returns whether the message went out; one that could not go out is tried again on the
 * next keystroke instead of waiting a whole interval.
 */
export class TypingSender {
  private lastStart = Number.NEGATIVE_INFINITY;
  private active = false;

  constructor(
    private readonly send: (state: 'start' | 'stop') => boolean,
    private readonly now: () => number = () => Date.now(),
    private readonly interval = TYPING_SEND_INTERVAL_MS,
  ) {}

  /** The person typed (call on every change of a non-empty draft). */
  typed(): void {
    const now = this.now();
    if (now - this.lastStart < this.interval) return;
    if (this.send('start')) {
      this.lastStart = now;
      this.active = true;
    }
  }

  /** They sent, cleared the draft or left the composer. */
  stopped(): void {
    if (!this.active) return;
    this.active = false;
    this.lastStart = Number.NEGATIVE_INFINITY;
    this.send('stop');
  }
}
