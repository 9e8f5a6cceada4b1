// A list of messages (a room's top level, or one thread's replies) kept in id order, and how
// REST pages, live events and optimistic sends change it. Pure, so it is tested without a DOM.
//
// Every change is idempotent: an event already reflected in a page (or a page that overlaps what
// is shown) changes nothing, so pages and events may arrive in any order around a (re)subscribe.
import type { Message, MessagePage, MessagePatch, Reaction, ReactionEventData, RoomEvent } from './types';

/** A message sent from this tab that the server has not confirmed yet. */
export interface PendingMessage {
  clientId: string;
  body: string;
  createdAt: string;
  status: 'sending' | 'failed';
  attachments?: string[];
}

export interface Timeline {
  /** `null`: the room's top level; a message id: that thread's replies. */
  parentId: number | null;
  /** Oldest first, unique ids. */
  messages: Message[];
  pending: PendingMessage[];
  /** Older messages exist beyond `messages[0]` (top level only). */
  hasMore: boolean;
  loaded: boolean;
}

export type TimelineAction =
  /** The newest page (or a thread's replies): merged into whatever events already added. */
  | { type: 'loaded'; messages: Message[]; hasMore: boolean }
  /** An older page from the `before` cursor. */
  | { type: 'older'; page: MessagePage }
  /** Messages from anywhere (a catch-up `after` fetch, a REST answer): merged by id. */
  | { type: 'merge'; messages: Message[] }
  | { type: 'event'; event: RoomEvent; me: string }
  | { type: 'send'; pending: PendingMessage }
  | { type: 'sent'; clientId: string; message: Message }
  | { type: 'failed'; clientId: string }
  | { type: 'retry'; clientId: string }
  | { type: 'discard'; clientId: string }
  /** A local change shown before the server answers (a reaction toggle, an edit). */
  | { type: 'patch'; id: number; patch: (message: Message) => Message };

export function emptyTimeline(parentId: number | null = null): Timeline {
  return { parentId, messages: [], pending: [], hasMore: false, loaded: false };
}

const belongs = (timeline: Timeline, message: Message) => (message.parent_message_id ?? null) === timeline.parentId;

/** Merges messages into an id-ordered list; a message already there is replaced by the newer copy. */
export function mergeMessages(current: Message[], incoming: Message[]): Message[] {
  if (incoming.length === 0) return current;
  const byId = new Map(current.map((m) => [m.id, m]));
  let changed = false;
  for (const message of incoming) {
    const existing = byId.get(message.id);
    if (existing === message) continue;
    // A deletion is final: an older copy (a stale page) never brings the content back.
    byId.set(message.id, existing?.deleted && !message.deleted ? existing : message);
    changed = true;
  }
  if (!changed) return current;
  return [...byId.values()].sort((a, b) => a.id - b.id);
}

function updateOne(messages: Message[], id: number, change: (message: Message) => Message): Message[] {
  const index = messages.findIndex((m) => m.id === id);
  if (index < 0) return messages;
  const current = messages[index] as Message;
  const next = change(current);
  if (next === current) return messages;
  const copy = messages.slice();
  copy[index] = next;
  return copy;
}

/** What a deleted message keeps: its place, author and time; never its content. */
export function asDeleted(message: Message, byModerator = false): Message {
  return { ...message, deleted: true, removed_by_moderator: byModerator, body: '', html: '', reactions: [], mentions: [] };
}

/**
 * Applies `message.updated`: the full message after an edit (whose reactions carry no `me`, as the
 * event is the same for everyone: keep ours), or a thread summary `{id, reply_count, last_reply_at}`.
 */
export function applyPatch(message: Message, patch: MessagePatch): Message {
  if (message.deleted) return message;
  const next: Message = { ...message, ...patch };
  if (patch.reactions) {
    next.reactions = patch.reactions.map((r) => ({ ...r, me: message.reactions.find((m) => m.emoji === r.emoji)?.me ?? false }));
  }
  // Reply counts only grow: an older summary arriving late does not take one back.
  if (patch.reply_count !== undefined && patch.reply_count < message.reply_count) {
    next.reply_count = message.reply_count;
    next.last_reply_at = message.last_reply_at;
  }
  return next;
}

/** Applies a reaction event: `count` is the new total for that emoji (so replays are harmless). */
export function applyReaction(message: Message, data: ReactionEventData, added: boolean, me: string): Message {
  if (message.deleted) return message;
  const mine = data.user_id === me;
  const index = message.reactions.findIndex((r) => r.emoji === data.emoji);
  const reactions = message.reactions.slice();
  if (data.count <= 0) {
    if (index < 0) return message;
    reactions.splice(index, 1);
  } else if (index < 0) {
    reactions.push({ emoji: data.emoji, count: data.count, me: mine ? added : false });
  } else {
    const current = reactions[index] as Reaction;
    reactions[index] = { ...current, count: data.count, me: mine ? added : (current.me ?? false) };
  }
  return { ...message, reactions };
}

/** Flips my reaction locally (before the server answers). */
export function toggleReaction(message: Message, emoji: string): Message {
  const existing = message.reactions.find((r) => r.emoji === emoji);
  if (existing?.me) {
    const count = existing.count - 1;
    return {
      ...message,
      reactions:
        count <= 0
          ? message.reactions.filter((r) => r.emoji !== emoji)
          : message.reactions.map((r) => (r.emoji === emoji ? { ...r, count, me: false } : r)),
    };
  }
  if (existing) {
    return { ...message, reactions: message.reactions.map((r) => (r.emoji === emoji ? { ...r, count: r.count + 1, me: true } : r)) };
  }
  return { ...message, reactions: [...message.reactions, { emoji, count: 1, me: true }] };
}

function applyEvent(timeline: Timeline, event: RoomEvent, me: string): Timeline {
  switch (event.type) {
    case 'message.created': {
      const message = event.data;
      if (!belongs(timeline, message)) return timeline;
      const pending =
        message.client_id && message.author?.id === me
          ? timeline.pending.filter((p) => p.clientId !== message.client_id)
          : timeline.pending;
      const messages = mergeMessages(timeline.messages, [message]);
      if (messages === timeline.messages && pending === timeline.pending) return timeline;
      return { ...timeline, messages, pending };
    }
    case 'message.updated': {
      const messages = updateOne(timeline.messages, event.data.id, (m) => applyPatch(m, event.data));
      return messages === timeline.messages ? timeline : { ...timeline, messages };
    }
    case 'message.deleted': {
      const byModerator = Boolean((event.data as { removed_by_moderator?: boolean }).removed_by_moderator);
      const messages = updateOne(timeline.messages, event.data.id, (m) => (m.deleted ? m : asDeleted(m, byModerator)));
      return messages === timeline.messages ? timeline : { ...timeline, messages };
    }
    case 'reaction.added':
    case 'reaction.removed': {
      const added = event.type === 'reaction.added';
      const messages = updateOne(timeline.messages, event.data.message_id, (m) => applyReaction(m, event.data, added, me));
      return messages === timeline.messages ? timeline : { ...timeline, messages };
    }
    default:
      return timeline;
  }
}

export function timelineReducer(timeline: Timeline, action: TimelineAction): Timeline {
  switch (action.type) {
    case 'loaded':
      return {
        ...timeline,
        messages: mergeMessages(
          timeline.messages,
          action.messages.filter((m) => belongs(timeline, m)),
        ),
        hasMore: action.hasMore,
        loaded: true,
      };
    case 'older':
      return {
        ...timeline,
        messages: mergeMessages(
          timeline.messages,
          action.page.items.filter((m) => belongs(timeline, m)),
        ),
        hasMore: action.page.has_more,
      };
    case 'merge': {
      const mine = new Set(action.messages.map((m) => m.client_id).filter(Boolean));
      const messages = mergeMessages(
        timeline.messages,
        action.messages.filter((m) => belongs(timeline, m)),
      );
      const pending = mine.size ? timeline.pending.filter((p) => !mine.has(p.clientId)) : timeline.pending;
      return messages === timeline.messages && pending === timeline.pending ? timeline : { ...timeline, messages, pending };
    }
    case 'event':
      return applyEvent(timeline, action.event, action.me);
    case 'send':
      if (timeline.pending.some((p) => p.clientId === action.pending.clientId)) return timeline;
      return { ...timeline, pending: [...timeline.pending, action.pending] };
    case 'sent':
      return {
        ...timeline,
        pending: timeline.pending.filter((p) => p.clientId !== action.clientId),
        messages: belongs(timeline, action.message) ? mergeMessages(timeline.messages, [action.message]) : timeline.messages,
      };
    case 'failed':
    case 'retry': {
      const status = action.type === 'failed' ? 'failed' : 'sending';
      return { ...timeline, pending: timeline.pending.map((p) => (p.clientId === action.clientId ? { ...p, status } : p)) };
    }
    case 'discard':
      return { ...timeline, pending: timeline.pending.filter((p) => p.clientId !== action.clientId) };
    case 'patch': {
      const messages = updateOne(timeline.messages, action.id, action.patch);
      return messages === timeline.messages ? timeline : { ...timeline, messages };
    }
  }
}

/** The newest confirmed message of the list, for catch-up fetches and read marks. */
export function newestId(messages: readonly Message[]): number | null {
  return messages.length ? (messages[messages.length - 1] as Message).id : null;
}

/** The id of my newest message, for "Delivered" / "Read" under it in a DM. */
export function myLastMessageId(messages: readonly Message[], me: string): number | null {
  for (let i = messages.length - 1; i >= 0; i -= 1) {
    const m = messages[i] as Message;
    if (m.kind === 'user' && !m.deleted && m.author?.id === me) return m.id;
  }
  return null;
}

/** A client id for an optimistic send: the same one is reused for retries (idempotent on the server). */
export function newClientId(): string {
  if (typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return `c${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}`;
}

/** Applies an event to a single message held apart from a list (a thread's parent). */
export function applyEventToMessage(message: Message, event: RoomEvent, me: string): Message {
  switch (event.type) {
    case 'message.updated':
      return event.data.id === message.id ? applyPatch(message, event.data) : message;
    case 'message.deleted':
      return event.data.id === message.id && !message.deleted ? asDeleted(message) : message;
    case 'reaction.added':
    case 'reaction.removed':
      return event.data.message_id === message.id ? applyReaction(message, event.data, event.type === 'reaction.added', me) : message;
    default:
      return message;
  }
}
