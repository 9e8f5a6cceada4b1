// The chat domain's shapes, from the generated API schema, and its live events (docs/chat.md), from
// the generated realtime contract (docs/realtime.schema.json).
import type * as rt from '../../api/generated/realtime';
import type { components } from '../../api/generated/schema';
import type { TopicEvent } from '../../lib/realtime';

export type Room = components['schemas']['RoomRead'];
export type RoomKind = Room['kind'];
export type RoomSummary = components['schemas']['RoomSummary'];
export type MyRoom = components['schemas']['MyRoom'];
export type Message = components['schemas']['MessageRead'];
export type MessagePage = components['schemas']['MessagePage'];
export type Thread = components['schemas']['Thread'];
export type Member = components['schemas']['Member'];
export type ReceiptState = components['schemas']['ReceiptState'];
export type ReadState = components['schemas']['ReadState'];
export type Reaction = components['schemas']['ReactionCount'];
export type PublicUser = components['schemas']['PublicUser'];
export type RoomCreate = components['schemas']['RoomCreate'];

/** `message.updated` is the whole message after an edit, or just the thread summary of a parent. */
export type MessagePatch = Partial<Message> & { id: number };

export type ReactionEventData = rt.ReactionChanged;
export type TypingEventData = rt.Typing;

export type RoomEvent =
  | rt.MessageCreatedEvent
  | rt.MessageUpdatedEvent
  | rt.MessageDeletedEvent
  | rt.ReactionAddedEvent
  | rt.ReactionRemovedEvent
  | rt.ReceiptUpdatedEvent
  | rt.MemberJoinedEvent
  | rt.MemberLeftEvent
  | rt.RoomUpdatedEvent
  | rt.TypingEvent;

const KNOWN: ReadonlySet<string> = new Set([
  'message.created',
  'message.updated',
  'message.deleted',
  'reaction.added',
  'reaction.removed',
  'receipt.updated',
  'member.joined',
  'member.left',
  'room.updated',
  'typing',
]);

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Narrows a topic event to a chat event, or `null` for anything this client does not know or that
 * is malformed (a client must survive a newer server).
 */
export function asRoomEvent(event: TopicEvent): RoomEvent | null {
  if (!KNOWN.has(event.type) || !isObject(event.data)) return null;
  const data = event.data;
  switch (event.type) {
    case 'message.created':
    case 'message.updated':
    case 'message.deleted':
      if (typeof data.id !== 'number') return null;
      break;
    case 'reaction.added':
    case 'reaction.removed':
      if (typeof data.message_id !== 'number' || typeof data.emoji !== 'string' || typeof data.count !== 'number') return null;
      break;
    case 'receipt.updated':
    case 'member.joined':
    case 'member.left':
    case 'typing':
      if (typeof data.user_id !== 'string') return null;
      break;
  }
  return event as RoomEvent;
}
