// The person's room list (GET /api/users/me/rooms), kept current by the events of every room in it.
import type { LinePart } from '../../components/ui';
import { asDeleted, applyPatch } from './timeline';
import type { MyRoom, ReadState, RoomEvent } from './types';

export interface ListContext {
  me: string;
  /** The room on screen right now (its messages are read as they arrive). */
  activeRoomId: string | null;
}

/** Most recent activity first (the server's order); ties broken by id so the order is stable. */
export function sortRooms(list: MyRoom[]): MyRoom[] {
  return list.slice().sort((a, b) => {
    const diff = Date.parse(b.room.last_activity_at) - Date.parse(a.room.last_activity_at);
    return diff !== 0 ? diff : a.room.id.localeCompare(b.room.id);
  });
}

function later(a: string, b: string): string {
  return Date.parse(b) > Date.parse(a) ? b : a;
}

/** Applies one event of `room:{roomId}` to the list. */
export function applyRoomListEvent(list: MyRoom[], roomId: string, event: RoomEvent, ctx: ListContext): MyRoom[] {
  const index = list.findIndex((entry) => entry.room.id === roomId);
  if (index < 0) return list;
  const entry = list[index] as MyRoom;
  let next: MyRoom = entry;
  switch (event.type) {
    case 'message.created': {
      const message = event.data;
      // Thread replies are not in the room's preview or unread count.
      if (message.parent_message_id !== null && message.parent_message_id !== undefined) return list;
      if (entry.last_message && entry.last_message.id >= message.id) return list; // already counted
      const fromMe = message.author?.id === ctx.me;
      // System lines ("Alice joined the room") are not unread noise unless the room asks for it.
      const quiet = message.kind === 'system' && !entry.room.system_messages_unread;
      const unread = fromMe || quiet || ctx.activeRoomId === roomId ? entry.unread_count : Math.min(100, entry.unread_count + 1);
      next = {
        ...entry,
        last_message: message,
        unread_count: unread,
        room: { ...entry.room, last_activity_at: later(entry.room.last_activity_at, message.created_at) },
      };
      break;
    }
    case 'message.updated':
      if (entry.last_message?.id !== event.data.id) return list;
      next = { ...entry, last_message: applyPatch(entry.last_message, event.data) };
      break;
    case 'message.deleted': {
      // The unread count may drop too (deleted messages do not count); `deletionAffectsUnread`
      // tells the caller to refetch the exact number.
      if (entry.last_message?.id !== event.data.id) return list;
      next = { ...entry, last_message: asDeleted(entry.last_message) };
      break;
    }
    case 'room.updated':
      next = { ...entry, room: { ...entry.room, name: event.data.name, topic: event.data.topic, description: event.data.description } };
      break;
    case 'member.joined':
      next = { ...entry, room: { ...entry.room, member_count: entry.room.member_count + 1 } };
      break;
    case 'member.left':
      // Left from another tab: the room is no longer ours.
      if (event.data.user_id === ctx.me) return list.filter((_, i) => i !== index);
      next = { ...entry, room: { ...entry.room, member_count: Math.max(0, entry.room.member_count - 1) } };
      break;
    case 'receipt.updated': {
      const receipt = event.data;
      if (receipt.user_id === ctx.me) {
        // Read in another tab (DMs report every move).
        const read = receipt.last_read_message_id;
        const caughtUp = entry.last_message !== null && read >= entry.last_message.id;
        next = {
          ...entry,
          room: { ...entry.room, last_read_message_id: Math.max(entry.room.last_read_message_id ?? 0, read) },
          unread_count: caughtUp ? 0 : entry.unread_count,
        };
      } else {
        const receipts = (entry.room.receipts ?? []).filter((r) => r.user_id !== receipt.user_id);
        next = { ...entry, room: { ...entry.room, receipts: [...receipts, receipt] } };
      }
      break;
    }
    default:
      return list;
  }
  const copy = list.slice();
  copy[index] = next;
  return event.type === 'message.created' ? sortRooms(copy) : copy;
}

/**
 * A refetched list, merged with what live events added while it was in flight: a room whose
 * cached last message is newer than the fetched one keeps its live preview, activity and count.
 */
export function mergeFetchedRooms(cached: MyRoom[] | undefined, fetched: MyRoom[]): MyRoom[] {
  if (!cached) return fetched;
  const live = new Map(cached.map((entry) => [entry.room.id, entry]));
  let changed = false;
  const merged = fetched.map((entry) => {
    const known = live.get(entry.room.id);
    if (!known?.last_message || (entry.last_message && entry.last_message.id >= known.last_message.id)) return entry;
    changed = true;
    return {
      ...entry,
      last_message: known.last_message,
      unread_count: known.unread_count,
      room: { ...entry.room, last_activity_at: later(entry.room.last_activity_at, known.room.last_activity_at) },
    };
  });
  return changed ? sortRooms(merged) : fetched;
}

/** Whether a deletion in this room may have changed its unread count (it was after the read mark). */
export function deletionAffectsUnread(list: readonly MyRoom[], roomId: string, messageId: number): boolean {
  const entry = list.find((e) => e.room.id === roomId);
  return entry !== undefined && entry.unread_count > 0 && messageId > (entry.room.last_read_message_id ?? 0);
}

/** The answer to POST /api/rooms/{id}/read. */
export function applyReadState(list: MyRoom[], state: ReadState): MyRoom[] {
  return list.map((entry) =>
    entry.room.id === state.room_id
      ? {
          ...entry,
          unread_count: state.unread_count,
          room: { ...entry.room, last_read_message_id: Math.max(entry.room.last_read_message_id ?? 0, state.last_read_message_id) },
        }
      : entry,
  );
}

/** The preview line of a room: plain text (never HTML), with who said it; their name and words isolated. */
export function previewText(entry: MyRoom, me: string): LinePart[] {
  const message = entry.last_message;
  if (!message) return entry.room.topic ? [{ user: entry.room.topic }] : ['No messages yet'];
  if (message.deleted) return ['Message deleted'];
  const files = message.attachments ?? [];
  // A message of attachments alone reads as what it carries.
  const said = message.body || (files.length === 1 ? (files[0]?.is_image ? 'Image' : files[0]?.name ?? '') : files.length > 1 ? `${files.length} files` : '');
  const text = { user: stripMarkdown(said) };
  if (message.kind === 'system') return [text];
  if (message.author?.id === me) return ['You: ', text];
  if (entry.room.kind === 'dm') return [text];
  return [{ user: message.author?.display_name || message.author?.username || 'Someone' }, ': ', text];
}

/** A rough plain-text rendering of markdown for one-line previews. */
export function stripMarkdown(body: string): string {
  return body
    .replace(/```[\s\S]*?```/g, (block) => block.replace(/```\w*/g, ' '))
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/(\*\*|__|~~|`)/g, '')
    .replace(/(^|\s)[*_](\S[^*_]*?)[*_](?=\s|$)/g, '$1$2')
    .replace(/^\s*(?:[-*+]|\d+\.|>)\s+/gm, '')
    .replace(/\s+/g, ' ')
    .trim();
}
