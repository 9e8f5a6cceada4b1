// The live state of a room on screen: its timeline (REST pages + events + optimistic sends), a
// thread's replies, who is typing, and the read mark.
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';

import { roomTopic, useRealtime, useTopic, type TopicEvent } from '../../lib/realtime';
import { chatKeys, fetchMessages, fetchRoom, fetchThread, markRead, react, sendMessage, sendReply } from './api';
import type { SendRefusal } from './limits';
import { applyReadState } from './roomList';
import {
  applyEventToMessage,
  emptyTimeline,
  newestId,
  timelineReducer,
  toggleReaction,
  type Timeline,
  type TimelineAction,
} from './timeline';
import { useSending } from './sending';
import { applyTyping, nextExpiry, pruneTypists, removeTypist, TypingSender, type Typist } from './typing';
import { asRoomEvent, type Message, type MyRoom, type RoomEvent } from './types';
import { firstUnreadId, needsOlderForDivider } from './unread';

const PAGE = 50;
/** Pages loaded on opening a room to reach its first unread message (the server caps unread at 100). */
const MAX_DIVIDER_PAGES = 3;

const ascending = (items: Message[]) => items.slice().sort((a, b) => a.id - b.id);

export interface RoomTimeline {
  timeline: Timeline;
  dispatch: (action: TimelineAction) => void;
  /** Where the "New messages" divider goes, fixed when the room was opened. */
  unreadId: number | null;
  error: unknown;
  loadingOlder: boolean;
  /** Loads the previous page; `beforeApply` runs right before it is rendered (to keep the scroll). */
  loadOlder(beforeApply?: () => void): Promise<void>;
  /** Resolves to the refusal when a rate limit turned the message away (it is then no longer pending). */
  send(body: string): Promise<SendRefusal | null>;
  retry(clientId: string): void;
  discard(clientId: string): void;
}

/**
 * Buffers a topic's events until the REST state they apply to has loaded, then applies them in
 * order; catches up over REST every time the subscription is confirmed, so nothing that happened
 * between the snapshot and the (re)subscription is missed (replays are harmless: every change is
 * idempotent).
 */
function useLiveState(options: {
  topic: string | null;
  loaded: boolean;
  apply(event: RoomEvent): void;
  catchUp(): void;
}) {
  const buffer = useRef<RoomEvent[]>([]);
  const pendingCatchUp = useRef(false);
  const latest = useRef(options);
  latest.current = options;

  useEffect(() => {
    if (!options.loaded) return;
    const events = buffer.current;
    buffer.current = [];
    for (const event of events) latest.current.apply(event);
    if (pendingCatchUp.current) {
      pendingCatchUp.current = false;
      latest.current.catchUp();
    }
  }, [options.loaded]);

  useTopic(
    options.topic,
    (raw: TopicEvent) => {
      const event = asRoomEvent(raw);
      // Typing is ephemeral and handled by useTypists.
      if (!event || event.type === 'typing') return;
      // Behind buffered events (loaded, but not flushed yet), an event waits its turn.
      if (latest.current.loaded && buffer.current.length === 0) latest.current.apply(event);
      else buffer.current.push(event);
    },
    {
      onSubscribed: () => {
        if (latest.current.loaded) latest.current.catchUp();
        else pendingCatchUp.current = true;
      },
      onError: (error) => {
        if (error.code === 'RESYNC_REQUIRED') {
          if (latest.current.loaded) latest.current.catchUp();
          else pendingCatchUp.current = true;
        }
      },
    },
  );
}

/** `around`: open the room at this message (a search result) instead of at the newest ones; the
 * newer messages arrive by the same catch-up that follows every subscription. */
export function useRoomTimeline(roomId: string, me: string, live: boolean, around: number | null = null): RoomTimeline {
  const queryClient = useQueryClient();
  const [timeline, dispatch] = useReducer(timelineReducer, null, () => emptyTimeline(null));
  const [unreadId, setUnreadId] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const state = useRef(timeline);
  state.current = timeline;
  const olderInFlight = useRef(false);
  const catchingUp = useRef(false);

  useEffect(() => {
    let cancelled = false;
    (async () => {
      const [room, page] = await Promise.all([
        queryClient.fetchQuery({ queryKey: chatKeys.room(roomId), queryFn: () => fetchRoom(roomId), staleTime: 0 }),
        fetchMessages(roomId, around ? { around, limit: PAGE } : { limit: PAGE }),
      ]);
      let messages = ascending(page.items);
      let hasMore = page.has_more;
      const lastRead = room.my_role ? room.last_read_message_id : null;
      for (let i = 0; i < MAX_DIVIDER_PAGES && !around && needsOlderForDivider(messages, hasMore, lastRead); i += 1) {
        const older = await fetchMessages(roomId, { before: messages[0]?.id, limit: 100 });
        messages = ascending([...older.items, ...messages]);
        hasMore = older.has_more;
      }
      if (cancelled) return;
      setUnreadId(firstUnreadId(messages, lastRead, me));
      dispatch({ type: 'loaded', messages, hasMore });
    })().catch((e: unknown) => {
      if (!cancelled) setError(e);
    });
    return () => {
      cancelled = true;
    };
    // One load per mounted room (the component is keyed by room id).
  }, [roomId]);

  const catchUp = useCallback(async () => {
    if (catchingUp.current) return;
    catchingUp.current = true;
    try {
      for (let i = 0; i < 5; i += 1) {
        const after = newestId(state.current.messages) ?? 0;
        const page = await fetchMessages(roomId, { after, limit: 100 });
        dispatch({ type: 'merge', messages: page.items });
        state.current = timelineReducer(state.current, { type: 'merge', messages: page.items });
        if (!page.has_more) break;
      }
    } catch {
      // The next confirmation or event will try again.
    } finally {
      catchingUp.current = false;
    }
  }, [roomId]);

  useLiveState({
    topic: live ? roomTopic(roomId) : null,
    loaded: timeline.loaded,
    apply: (event) => dispatch({ type: 'event', event, me }),
    catchUp: () => void catchUp(),
  });

  const loadOlder = useCallback(
    async (beforeApply?: () => void) => {
      const current = state.current;
      const oldest = current.messages[0]?.id;
      if (olderInFlight.current || !current.loaded || !current.hasMore || oldest === undefined) return;
      olderInFlight.current = true;
      setLoadingOlder(true);
      try {
        const page = await fetchMessages(roomId, { before: oldest, limit: PAGE });
        beforeApply?.();
        dispatch({ type: 'older', page });
      } catch (e) {
        setError(e);
      } finally {
        olderInFlight.current = false;
        setLoadingOlder(false);
      }
    },
    [roomId],
  );

  const { send, retry, discard } = useSending({
    me,
    roomId,
    parentId: null,
    post: (body, clientId) => sendMessage(roomId, body, clientId),
    state,
    dispatch,
  });

  return { timeline, dispatch, unreadId, error, loadingOlder, loadOlder, send, retry, discard };
}

export interface ThreadState {
  parent: Message | null;
  timeline: Timeline;
  dispatch: (action: TimelineAction) => void;
  setParent: (update: (parent: Message) => Message) => void;
  error: unknown;
  /** Resolves to the refusal when a rate limit turned the message away (it is then no longer pending). */
  send(body: string): Promise<SendRefusal | null>;
  retry(clientId: string): void;
  discard(clientId: string): void;
}

export function useThread(roomId: string, parentId: number, me: string, live: boolean): ThreadState {
  const [timeline, dispatch] = useReducer(timelineReducer, parentId, (id) => emptyTimeline(id));
  const [parent, setParentState] = useState<Message | null>(null);
  const [error, setError] = useState<unknown>(null);
  const state = useRef(timeline);
  state.current = timeline;
  const catchingUp = useRef(false);

  useEffect(() => {
    let cancelled = false;
    (async () => {
      let thread = await fetchThread(roomId, parentId);
      const replies = [...thread.replies];
      while (thread.has_more && thread.next_after !== null && replies.length < 1000) {
        thread = await fetchThread(roomId, parentId, thread.next_after);
        replies.push(...thread.replies);
      }
      if (cancelled) return;
      setParentState(thread.parent);
      dispatch({ type: 'loaded', messages: replies, hasMore: false });
    })().catch((e: unknown) => {
      if (!cancelled) setError(e);
    });
    return () => {
      cancelled = true;
    };
  }, [roomId, parentId]);

  const catchUp = useCallback(async () => {
    if (catchingUp.current) return;
    catchingUp.current = true;
    try {
      const thread = await fetchThread(roomId, parentId, newestId(state.current.messages) ?? undefined);
      setParentState(thread.parent);
      dispatch({ type: 'merge', messages: thread.replies });
    } catch {
      // Try again on the next confirmation.
    } finally {
      catchingUp.current = false;
    }
  }, [roomId, parentId]);

  useLiveState({
    topic: live ? roomTopic(roomId) : null,
    loaded: timeline.loaded,
    apply: (event) => {
      dispatch({ type: 'event', event, me });
      setParentState((p) => (p ? applyEventToMessage(p, event, me) : p));
    },
    catchUp: () => void catchUp(),
  });

  const setParent = useCallback((update: (parent: Message) => Message) => setParentState((p) => (p ? update(p) : p)), []);
  const { send, retry, discard } = useSending({
    me,
    roomId,
    parentId,
    post: (body, clientId) => sendReply(roomId, parentId, body, clientId),
    state,
    dispatch,
  });

  return { parent, timeline, dispatch, setParent, error, send, retry, discard };
}

/** Who is typing in a room (from ephemeral `typing` events), pruned 5 s after each one's last. */
export function useTypists(roomId: string, me: string, live: boolean): Typist[] {
  const [typists, setTypists] = useState<Typist[]>([]);
  useTopic(live ? roomTopic(roomId) : null, (raw: TopicEvent) => {
    const event = asRoomEvent(raw);
    if (event?.type === 'typing') setTypists((list) => applyTyping(list, event.data, me, Date.now()));
    else if (event?.type === 'message.created') setTypists((list) => removeTypist(list, event.data.author?.id));
  });
  const expiry = nextExpiry(typists);
  useEffect(() => {
    if (expiry === null) return undefined;
    const timer = setTimeout(() => setTypists((list) => pruneTypists(list, Date.now())), Math.max(0, expiry - Date.now()) + 20);
    return () => clearTimeout(timer);
  }, [expiry]);
  return typists;
}

/** This client's typing signal for a room. */
export function useTypingSender(roomId: string): TypingSender {
  const conn = useRealtime();
  const sender = useMemo(() => new TypingSender((state) => conn.sendTyping(roomTopic(roomId), state)), [conn, roomId]);
  useEffect(() => () => sender.stopped(), [sender]);
  return sender;
}

/**
 * Moves the read mark to the newest message the person has seen, while the room is visible.
 * Marks are coalesced (one request in flight, the latest id wins) and flushed when leaving.
 */
export function useMarkRead(roomId: string, enabled: boolean, alreadyRead: number | null | undefined) {
  const queryClient = useQueryClient();
  const sent = useRef(0);
  const wanted = useRef(0);
  const started = useRef(false);
  if (!started.current && alreadyRead !== null && alreadyRead !== undefined) {
    // The read position when the room opened: nothing at or before it needs marking again.
    started.current = true;
    wanted.current = Math.max(wanted.current, alreadyRead);
    sent.current = Math.max(sent.current, alreadyRead);
  }
  const inFlight = useRef(false);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const flush = useCallback(() => {
    if (timer.current !== null) clearTimeout(timer.current);
    timer.current = null;
    if (inFlight.current || wanted.current <= sent.current) return;
    const id = wanted.current;
    inFlight.current = true;
    markRead(roomId, id)
      .then((state) => {
        sent.current = Math.max(sent.current, id);
        queryClient.setQueryData<MyRoom[]>(chatKeys.myRooms, (list) => (list ? applyReadState(list, state) : list));
      })
      .catch(() => {
        // Not a member any more, or offline: the next visible message tries again.
        sent.current = Math.max(sent.current, id);
      })
      .finally(() => {
        inFlight.current = false;
        if (wanted.current > sent.current) timer.current = setTimeout(flush, 250);
      });
  }, [queryClient, roomId]);

  useEffect(
    () => () => {
      // Leaving the room: send what is pending now.
      flush();
    },
    [flush],
  );

  return useCallback(
    (messageId: number | null) => {
      if (!enabled || messageId === null || messageId <= wanted.current) return;
      if (typeof document !== 'undefined' && document.visibilityState !== 'visible') return;
      wanted.current = messageId;
      if (timer.current === null && !inFlight.current) timer.current = setTimeout(flush, 150);
    },
    [enabled, flush],
  );
}

/** Toggles my reaction: shown at once, then settled by the server's answer (or undone). */
export function toggleMyReaction(
  roomId: string,
  message: Message,
  emoji: string,
  update: (id: number, patch: (m: Message) => Message) => void,
) {
  const adding = !message.reactions.some((r) => r.emoji === emoji && r.me);
  update(message.id, (m) => toggleReaction(m, emoji));
  react(roomId, message.id, emoji, adding).then(
    (fresh) => update(message.id, (m) => (m.deleted ? m : { ...m, reactions: fresh.reactions })),
    () => update(message.id, (m) => toggleReaction(m, emoji)),
  );
}
