// The wire protocol of the realtime gateway (docs/realtime.md): its frames and commands are the types
// generated from the server's contract (src/api/generated/realtime.d.ts); decoding lives here.
import type * as rt from '../../api/generated/realtime';

// Every frame is one JSON object in a text frame. The server's control messages have fixed types;
// everything else that names a `topic` is an event of that topic.

/** Close codes the gateway uses (docs/realtime.md, "Connecting"). */
export const CloseCode = {
  NORMAL: 1000,
  GOING_AWAY: 1001,
  POLICY: 1008,
  /** The server is restarting (a deploy): reconnect at once, to another instance, and resume. */
  SERVICE_RESTART: 1012,
  TRY_AGAIN_LATER: 1013,
  BAD_TICKET: 4401,
  FORBIDDEN: 4403,
  SLOW_OR_SILENT: 4408,
  TOO_MANY_CONNECTIONS: 4429,
} as const;

/** Stable codes of `error` envelopes: the server's catalogue, plus `REVOKED` (client-side: the server
 * ended a subscription, `unsubscribed` with reason `revoked`). */
export type ErrorCode = rt.ErrorCode | 'REVOKED';

// ---- server -> client: the generated contract (docs/realtime.schema.json) -----------------------

export type HelloMessage = rt.Hello;
export type SubscribedMessage = rt.Subscribed;
export type UnsubscribedMessage = rt.Unsubscribed;
export type ErrorBody = Omit<rt.ErrorBody, 'code'> & { code: ErrorCode };
export type ErrorMessage = Omit<rt.ErrorFrame, 'error'> & { error: ErrorBody };
export type PingMessage = rt.Ping;
export type PongMessage = rt.Pong;

export type ControlMessage =
  | HelloMessage
  | SubscribedMessage
  | UnsubscribedMessage
  | ErrorMessage
  | PingMessage
  | PongMessage;

/**
 * An event of a topic. Persistent events carry `seq` (per topic, no gaps); ephemeral ones
 * (presence, typing) carry none.
 */
export interface TopicEvent<Type extends string = string, Data = unknown> {
  type: Type;
  topic: string;
  seq?: number;
  data: Data;
}

export type ServerMessage = ControlMessage | TopicEvent;

// ---- client -> server: the generated contract ----------------------------------------------------

export type SubscribeRequest = rt.Subscribe;
export type UnsubscribeRequest = rt.Unsubscribe;
/** Chat hub: someone is typing in a room, or stopped (relayed to the room as an ephemeral `typing`). */
export type TypingRequest = rt.TypingCommand;
/** Chat hub: a DM message reached this client (moves the delivered receipt forward). */
export type ReceiptDeliveredRequest = rt.ReceiptDelivered;

/** Hub messages about a topic this connection is subscribed to. */
export type TopicClientMessage = TypingRequest | ReceiptDeliveredRequest;

export type ClientMessage = SubscribeRequest | UnsubscribeRequest | PingMessage | PongMessage | TopicClientMessage;

// ---- topics and their events -------------------------------------------------------------------

export type PresenceStatus = rt.Presence['status'];

/** `presence:{user_id}`: a snapshot right after subscribing, then every change (ephemeral). */
export type PresenceEvent = rt.PresenceEvent;

export type UserTopic = `user:${string}`;
export type PresenceTopic = `presence:${string}`;
/** A chat room (members only): message, reaction, receipt and member events, and `typing`. */
export type RoomTopic = `room:${string}`;

export const userTopic = (userId: string): UserTopic => `user:${userId}`;
export const presenceTopic = (userId: string): PresenceTopic => `presence:${userId}`;
export const roomTopic = (roomId: string): RoomTopic => `room:${roomId}`;

/**
 * The events a topic carries, by its prefix. `user:` topics will carry notifications (none are
 * published yet), so they stay generic until those land.
 */
export type EventOf<T extends string> = T extends PresenceTopic ? PresenceEvent : TopicEvent;

// ---- decoding ---------------------------------------------------------------------------------

const CONTROL_TYPES: ReadonlySet<string> = new Set(['hello', 'subscribed', 'unsubscribed', 'error', 'ping', 'pong']);

export type Decoded = { kind: 'control'; message: ControlMessage } | { kind: 'event'; event: TopicEvent } | null;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const isSeq = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

/**
 * Decodes one frame from the server, or `null` for anything that is not a well-formed envelope
 * (a client must survive a server it does not fully understand).
 */
export function decodeServerFrame(raw: unknown): Decoded {
  if (typeof raw !== 'string') return null;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return null;
  }
  if (!isObject(value) || typeof value.type !== 'string') return null;
  const type = value.type;
  if (CONTROL_TYPES.has(type)) {
    switch (type) {
      case 'hello':
        if (typeof value.connection_id !== 'string' || typeof value.user_id !== 'string') return null;
        break;
      case 'subscribed':
        if (typeof value.topic !== 'string' || !isSeq(value.seq)) return null;
        break;
      case 'unsubscribed':
        if (typeof value.topic !== 'string') return null;
        break;
      case 'error':
        if (!isObject(value.error) || typeof value.error.code !== 'string') return null;
        break;
    }
    return { kind: 'control', message: value as unknown as ControlMessage };
  }
  if (typeof value.topic !== 'string') return null;
  if (value.seq !== undefined && !isSeq(value.seq)) return null;
  return { kind: 'event', event: value as unknown as TopicEvent };
}
