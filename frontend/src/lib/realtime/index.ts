// The realtime client: one WebSocket per tab (see docs/realtime.md for the protocol).
export { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff';
export {
  RealtimeConnection,
  type RealtimeOptions,
  type RealtimeStatus,
  type TicketOutcome,
  type TopicHandlers,
  type WebSocketLike,
} from './connection';
export { ConnectionStatus, describeStatus, type ConnectionView } from './ConnectionStatus';
export * from './protocol';
export {
  RealtimeProvider,
  usePresence,
  useRealtime,
  useRealtimeStatus,
  useTopic,
  type PresenceView,
  type UseTopicOptions,
} from './react';
export { createAppConnection, fetchTicket, realtimeConnection, socketUrl } from './session';
