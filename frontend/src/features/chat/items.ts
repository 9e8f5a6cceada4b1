// What the message list renders, in order: day separators, the unread divider, system lines and
// messages (a message right after another from the same person, within a few minutes, is shown
// as a continuation, without avatar and name).
import type { PendingMessage } from './timeline';
import type { Message } from './types';

export type ListItem =
  | { kind: 'day'; key: string; label: string }
  | { kind: 'unread'; key: 'unread' }
  | { kind: 'system'; key: string; message: Message }
  | { kind: 'message'; key: string; message: Message; continued: boolean }
  | { kind: 'pending'; key: string; pending: PendingMessage; continued: boolean };

/** Messages closer than this from the same author are grouped. */
export const GROUP_WINDOW_MS = 5 * 60_000;

function dayKey(iso: string): string {
  const d = new Date(iso);
  return `${d.getFullYear()}-${d.getMonth() + 1}-${d.getDate()}`;
}

/** "Today", "Yesterday", "Monday 17 November", "17 November 2024". */
export function dayLabel(iso: string, now: Date = new Date(), locale?: string): string {
  const d = new Date(iso);
  const startOf = (x: Date) => new Date(x.getFullYear(), x.getMonth(), x.getDate()).getTime();
  const days = Math.round((startOf(now) - startOf(d)) / 86_400_000);
  if (days === 0) return 'Today';
  if (days === 1) return 'Yesterday';
  if (days > 1 && days < 7) return d.toLocaleDateString(locale, { weekday: 'long', day: 'numeric', month: 'long' });
  return d.toLocaleDateString(locale, {
    day: 'numeric',
    month: 'long',
    year: d.getFullYear() === now.getFullYear() ? undefined : 'numeric',
  });
}

/** "14:05" in the reader's locale. */
export function timeLabel(iso: string, locale?: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' });
}

export function buildItems(options: {
  messages: readonly Message[];
  pending?: readonly PendingMessage[];
  /** The message the "New messages" divider goes before (null: none). */
  unreadId?: number | null;
  me?: string;
  now?: Date;
  /** A day separator before the very first message (a thread under its parent does without). */
  leadingDay?: boolean;
}): ListItem[] {
  const { messages, pending = [], unreadId = null, me, now = new Date(), leadingDay = true } = options;
  const items: ListItem[] = [];
  let lastDay: string | null = null;
  let previous: Message | null = null;
  for (const message of messages) {
    const day = dayKey(message.created_at);
    if (day !== lastDay) {
      if (lastDay !== null || leadingDay) items.push({ kind: 'day', key: `day-${day}`, label: dayLabel(message.created_at, now) });
      lastDay = day;
      previous = null;
    }
    if (message.id === unreadId) {
      items.push({ kind: 'unread', key: 'unread' });
      previous = null;
    }
    if (message.kind === 'system') {
      items.push({ kind: 'system', key: `m${message.id}`, message });
      previous = null;
      continue;
    }
    const continued =
      previous !== null &&
      !previous.deleted &&
      !message.deleted &&
      previous.author?.id === message.author?.id &&
      Date.parse(message.created_at) - Date.parse(previous.created_at) < GROUP_WINDOW_MS;
    // Keyed by client id when there is one, so a confirmed send replaces its pending row in place.
    items.push({ kind: 'message', key: message.client_id ? `c${message.client_id}` : `m${message.id}`, message, continued });
    previous = message;
  }
  let lastWasMine = previous !== null && me !== undefined && previous.author?.id === me;
  for (const p of pending) {
    const day = dayKey(p.createdAt);
    if (day !== lastDay) {
      if (lastDay !== null || leadingDay) items.push({ kind: 'day', key: `day-${day}`, label: dayLabel(p.createdAt, now) });
      lastDay = day;
      lastWasMine = false;
    }
    items.push({ kind: 'pending', key: `c${p.clientId}`, pending: p, continued: lastWasMine });
    lastWasMine = true;
  }
  return items;
}
