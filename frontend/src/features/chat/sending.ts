// Sending messages from a room or a thread: shown at once as "Sending…", kept in the outbox until the
// server confirms them, sent one at a time in the order typed, and retried with backoff after a 503
// or a network error (api/retry.ts) with the same client id, so a retry never doubles a message.
// When the retries give up the message shows "Not sent" with Retry and Discard; it stays in the
// outbox, so a reload tries again.
import { useCallback, useEffect, useRef, type MutableRefObject } from 'react';

import { withRetry } from '../../api/retry';
import { addToOutbox, outboxKey, readOutbox, removeFromOutbox } from '../../lib/outbox';
import { newClientId, type Timeline, type TimelineAction } from './timeline';
import type { Message } from './types';

export interface Sending {
  send(body: string): void;
  retry(clientId: string): void;
  discard(clientId: string): void;
}

export function useSending(options: {
  me: string;
  roomId: string;
  parentId: number | null;
  post(body: string, clientId: string): Promise<Message>;
  state: MutableRefObject<Timeline>;
  dispatch(action: TimelineAction): void;
}): Sending {
  const { me, roomId, parentId, state, dispatch } = options;
  const key = outboxKey(me, roomId, parentId);
  const post = useRef(options.post);
  post.current = options.post;
  const queue = useRef<Promise<void>>(Promise.resolve());

  const deliver = useCallback(
    (clientId: string, body: string) => {
      queue.current = queue.current.then(() =>
        withRetry(() => post.current(body, clientId)).then(
          (message) => {
            removeFromOutbox(key, [clientId]);
            dispatch({ type: 'sent', clientId, message });
          },
          () => dispatch({ type: 'failed', clientId }),
        ),
      );
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
      deliver(entry.clientId, entry.body);
    }
  }, [loaded, key, state, dispatch, deliver]);

  const send = useCallback(
    (body: string) => {
      const entry = { clientId: newClientId(), body, createdAt: new Date().toISOString() };
      addToOutbox(key, entry);
      dispatch({ type: 'send', pending: { ...entry, status: 'sending' } });
      deliver(entry.clientId, body);
    },
    [key, dispatch, deliver],
  );

  const retry = useCallback(
    (clientId: string) => {
      const pending = state.current.pending.find((p) => p.clientId === clientId);
      if (!pending) return;
      dispatch({ type: 'retry', clientId });
      deliver(clientId, pending.body);
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
