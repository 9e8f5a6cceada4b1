// React bindings of the realtime connection: a provider that runs it while the app is signed in,
// and hooks for its status, for topics and for presence.
import {
  createContext,
  useContext,
  useEffect,
  useLayoutEffect,
  useRef,
  useState,
  useSyncExternalStore,
  type ReactNode,
} from 'react';

import type { RealtimeConnection, RealtimeStatus } from './connection';
import { presenceTopic, type ErrorBody, type EventOf, type PresenceStatus } from './protocol';
import { realtimeConnection } from './session';

const RealtimeContext = createContext<RealtimeConnection | null>(null);

/**
 * Runs the tab's connection for as long as it is mounted: mount it only for a signed-in person
 * (the app mounts it in the signed-in layout, so logging out unmounts it and closes the socket).
 */
export function RealtimeProvider({ children, connection }: { children: ReactNode; connection?: RealtimeConnection }) {
  const [conn] = useState(() => connection ?? realtimeConnection());
  useEffect(() => {
    const release = conn.hold();
    // Back online after a network outage: do not wait out the backoff.
    const onOnline = () => conn.retryNow();
    window.addEventListener('online', onOnline);
    return () => {
      window.removeEventListener('online', onOnline);
      release();
    };
  }, [conn]);
  return <RealtimeContext.Provider value={conn}>{children}</RealtimeContext.Provider>;
}

/** The connection of the nearest provider (the tab's shared one otherwise). */
export function useRealtime(): RealtimeConnection {
  return useContext(RealtimeContext) ?? realtimeConnection();
}

export function useRealtimeStatus(): RealtimeStatus {
  const conn = useRealtime();
  return useSyncExternalStore(conn.onStatus, conn.getStatus, conn.getStatus);
}

export interface UseTopicOptions {
  /** Subscription errors; `RESYNC_REQUIRED` means: refetch this topic's state over REST. */
  onError?(error: ErrorBody): void;
  /** The server confirmed the subscription (again after every reconnect); events are live from here. */
  onSubscribed?(info: { seq: number }): void;
}

/**
 * Listens to `topic` while mounted (pass `null` to listen to nothing). The callbacks may change
 * on every render without resubscribing. Events arrive once each, in order; after a reconnect the
 * missed ones are replayed first.
 */
export function useTopic<T extends string>(
  topic: T | null | undefined,
  onEvent: (event: EventOf<T>) => void,
  options: UseTopicOptions = {},
): void {
  const conn = useRealtime();
  const latest = useRef({ onEvent, onError: options.onError, onSubscribed: options.onSubscribed });
  useLayoutEffect(() => {
    latest.current = { onEvent, onError: options.onError, onSubscribed: options.onSubscribed };
  });
  useEffect(() => {
    if (!topic) return undefined;
    return conn.subscribe(topic, {
      onEvent: (event) => latest.current.onEvent(event as EventOf<T>),
      onError: (error) => latest.current.onError?.(error),
      onSubscribed: (info) => latest.current.onSubscribed?.(info),
    });
  }, [conn, topic]);
}

export type PresenceView = PresenceStatus | 'unknown';

type Seen = { userId: string; connectionId: string; status: PresenceStatus };

/**
 * The last presence each connection was told, per person: the server sends its snapshot once per
 * topic, so a second list showing the same person (the topic already held) starts from here.
 */
const lastSeen = new WeakMap<object, Map<string, Seen>>();

function seenBy(conn: object): Map<string, Seen> {
  let map = lastSeen.get(conn);
  if (!map) lastSeen.set(conn, (map = new Map()));
  return map;
}

/**
 * Whether `userId` is online, from `presence:{userId}` (a snapshot arrives right after
 * subscribing). `unknown` until then, and whenever this tab itself is not connected.
 */
export function usePresence(userId: string | null | undefined): PresenceView {
  const conn = useRealtime();
  const status = useRealtimeStatus();
  const [seen, setSeen] = useState<Seen | null>(null);
  const connectionId = status.state === 'online' ? status.connectionId : null;
  useTopic(userId ? presenceTopic(userId) : null, (event) => {
    const data = event.data as { user_id?: unknown; status?: unknown } | null;
    // Read the connection now, not from the last render: the snapshot can beat the re-render.
    const current = conn.getStatus();
    if (event.type !== 'presence' || !userId || current.state !== 'online' || data?.user_id !== userId) return;
    if (data.status === 'online' || data.status === 'offline') {
      const next: Seen = { userId, connectionId: current.connectionId, status: data.status as PresenceStatus };
      seenBy(conn).set(userId, next);
      setSeen(next);
    }
  });
  // Only what this very connection was told counts: after a reconnect, wait for the new snapshot.
  const known = seen && seen.userId === userId ? seen : userId ? (seenBy(conn).get(userId) ?? null) : null;
  if (!known || known.connectionId !== connectionId) return 'unknown';
  return known.status;
}
