// The wire protocol of the realtime gateway (docs/realtime.md), as types, in one place.
// Every frame is one JSON object in a text frame. The server's control messages have fixed types;
// everything else that names a `topic` is an event of that topic.

/** Close codes the gateway uses (docs/realtime.md, "Connecting"). */
export const CloseCode = {
  NORMAL: 1000,
  GOING_AWAY: 1001,
  POLICY: 1008,
  TRY_AGAIN_LATER: 1013,
  BAD_TICKET: 4401,
  FORBIDDEN: 4403,
  SLOW_OR_SILENT: 4408,
  TOO_MANY_CONNECTIONS: 4429,
} as const;

/** Stable codes of `error` envelopes. */
export type ErrorCode =
  | 'BAD_JSON'
  | 'BAD_MESSAGE'
  | 'UNKNOWN_TYPE'
  | 'FRAME_TOO_LARGE'
  | 'FORBIDDEN'
  | 'TOO_MANY_SUBSCRIPTIONS'
  | 'NOT_SUBSCRIBED'
  | 'RATE_LIMITED'
  | 'RESYNC_REQUIRED'
  | 'INTERNAL_ERROR'
  /** Client-side: the server ended a subscription (`unsubscribed` with reason `revoked`). */
  | 'REVOKED';

// ---- server -> client ------------------------------------------------------------------------

export interface HelloMessage {
  type: 'hello';
  connection_id: string;
  user_id: string;
  /** Seconds: the server pings after `interval` of silence from us and closes 4408 after `timeout` more. */
  heartbeat: { interval: number; timeout: number };
}

export interface SubscribedMessage {
  type: 'subscribed';
  topic: string;
  /** The topic's current sequence number: every event up to it has been sent (replayed) already. */
  seq: number;
  cid?: string;
}

export interface UnsubscribedMessage {
  type: 'unsubscribed';
  topic: string;
  cid?: string;
  /** `revoked`: the server ended the subscription (the user left the room, on any tab or device). */
  reason?: 'revoked';
}

export interface ErrorBody {
  code: ErrorCode | (string & {});
  message: string;
  details?: Record<string, unknown>;
}

export interface ErrorMessage {
  type: 'error';
  cid?: string;
  error: ErrorBody;
}

export interface PingMessage {
  type: 'ping';
}

export interface PongMessage {
  type: 'pong';
}

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

// ---- client -> server ------------------------------------------------------------------------

export interface SubscribeRequest {
  type: 'subscribe';
  topic: string;
  /** The last seq seen on this topic: the server replays everything after it first. */
  since?: number;
  cid?: string;
}

export interface UnsubscribeRequest {
  type: 'unsubscribe';
  topic: string;
  cid?: string;
}

/** Chat hub: someone is typing in a room, or stopped (relayed to the room as an ephemeral `typing`). */
export interface TypingRequest {
  type: 'typing.start' | 'typing.stop';
  topic: string;
}

/** Chat hub: a DM message reached this client (moves the delivered receipt forward). */
export interface ReceiptDeliveredRequest {
  type: 'receipt.delivered';
  topic: string;
  message_id: number;
}

/** Hub messages about a topic this connection is subscribed to. */
export type TopicClientMessage = TypingRequest | ReceiptDeliveredRequest;

export type ClientMessage = SubscribeRequest | UnsubscribeRequest | PingMessage | PongMessage | TopicClientMessage;

// ---- topics and their events -------------------------------------------------------------------

export type PresenceStatus = 'online' | 'offline';

/** `presence:{user_id}`: a snapshot right after subscribing, then every change (ephemeral). */
export type PresenceEvent = TopicEvent<'presence', { user_id: string; status: PresenceStatus }>;

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
