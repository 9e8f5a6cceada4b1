// Sending messages from a room or a thread: shown at once as "Sending…", kept in the outbox until the
// server confirms them, sent one at a time in the order typed, and retried with backoff after a 503
// or a network error (api/retry.ts) with the same client id, so a retry never doubles a message.
// When the retries give up the message shows "Not sent" with Retry and Discard; it stays in the
// outbox, so a reload tries again. A message a rate limit or slow mode refuses (429) leaves the timeline
// and the outbox instead: its text goes back to the composer, which counts the wait down.
import { useCallback, useEffect, useRef, type MutableRefObject } from 'react';

import { withRetry } from '../../api/retry';
import { addToOutbox, outboxKey, readOutbox, removeFromOutbox } from '../../lib/outbox';
import { refusalOf, type SendRefusal } from './limits';
import { newClientId, type Timeline, type TimelineAction } from './timeline';
import type { Message } from './types';

export interface Sending {
  /** Resolves to the refusal when a rate limit turned the message away (it is then no longer pending). */
  send(body: string, attachments?: string[]): Promise<SendRefusal | null>;
  retry(clientId: string): void;
  discard(clientId: string): void;
}

export function useSending(options: {
  me: string;
  roomId: string;
  parentId: number | null;
  post(body: string, clientId: string, attachments?: string[]): Promise<Message>;
  state: MutableRefObject<Timeline>;
  dispatch(action: TimelineAction): void;
}): Sending {
  const { me, roomId, parentId, state, dispatch } = options;
  const key = outboxKey(me, roomId, parentId);
  const post = useRef(options.post);
  post.current = options.post;
  const queue = useRef<Promise<void>>(Promise.resolve());

  const deliver = useCallback(
    (clientId: string, body: string, fresh = false, attachments?: string[]): Promise<SendRefusal | null> => {
      const done = queue.current.then(() =>
        withRetry(() => post.current(body, clientId, attachments)).then(
          (message) => {
            removeFromOutbox(key, [clientId]);
            dispatch({ type: 'sent', clientId, message });
            return null;
          },
          (error: unknown) => {
            const refusal = fresh ? refusalOf(error) : null;
            if (refusal) removeFromOutbox(key, [clientId]);
            dispatch(refusal ? { type: 'discard', clientId } : { type: 'failed', clientId });
            return refusal;
          },
        ),
      );
      queue.current = done.then(() => undefined);
      return done;
    },
    [key, dispatch],
  );

  // Once the list has loaded: what an earlier page left unsent is sent now, unless the list shows
  // the server stored it already (its answer was lost).
  const loaded = state.current.loaded;
  const restored = useRef(false);
  useEffect(() => {
    if (!loaded || restored.current) return;
    restored.current = true;
    const stored = new Set(state.current.messages.map((m) => m.client_id).filter((id): id is string => !!id));
    const entries = readOutbox(key);
    removeFromOutbox(
      key,
      entries.filter((e) => stored.has(e.clientId)).map((e) => e.clientId),
    );
    for (const entry of entries) {
      if (stored.has(entry.clientId)) continue;
      dispatch({ type: 'send', pending: { ...entry, status: 'sending' } });
      void deliver(entry.clientId, entry.body, false, entry.attachments);
    }
  }, [loaded, key, state, dispatch, deliver]);

  const send = useCallback(
    (body: string, attachments?: string[]) => {
      const entry = { clientId: newClientId(), body, createdAt: new Date().toISOString(), attachments };
      addToOutbox(key, entry);
      dispatch({ type: 'send', pending: { ...entry, status: 'sending' } });
      return deliver(entry.clientId, body, true, attachments);
    },
    [key, dispatch, deliver],
  );

  const retry = useCallback(
    (clientId: string) => {
      const pending = state.current.pending.find((p) => p.clientId === clientId);
      if (!pending) return;
      dispatch({ type: 'retry', clientId });
      void deliver(clientId, pending.body, false, pending.attachments);
    },
    [state, dispatch, deliver],
  );

  const discard = useCallback(
    (clientId: string) => {
      removeFromOutbox(key, [clientId]);
      dispatch({ type: 'discard', clientId });
    },
    [key, dispatch],
  );

  return { send, retry, discard };
}
