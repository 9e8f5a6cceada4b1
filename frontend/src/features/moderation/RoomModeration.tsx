// What moderation adds to a room: its pinned messages above the timeline, and the muted member's
// banner in place of the composer.
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';

import { Icon } from '../../components/ui';
import { formatDateTime } from '../../lib/format';
import { roomTopic, useTopic } from '../../lib/realtime';
import { chatKeys } from '../chat/api';
import { MessageBody } from '../chat/MessageItem';
import type { Room } from '../chat/types';
import { moderationKeys, usePinActions, usePins } from './api';

/** The room's pins (at most three), oldest first; who may pin also gets Unpin. */
export function PinnedBar({
  roomId,
  pinnedIds,
  canPin,
  error,
}: {
  roomId: string;
  pinnedIds: readonly number[];
  canPin: boolean;
  /** Why the last pin from a message's menu was refused (a fourth pin: PIN_LIMIT). */
  error?: string | null;
}) {
  // Refetched whenever the room's detail names other pins (a `pin.updated` event refetches that).
  const pins = usePins(roomId, pinnedIds.length > 0);
  const unpin = usePinActions(roomId);
  const shown = (pins.data ?? []).filter((p) => pinnedIds.includes(p.message.id));
  const refusal = error ?? unpin.error?.message;
  if (pinnedIds.length === 0 || shown.length === 0) {
    return refusal ? <p className="field__error pinned-bar__error" role="alert">{refusal}</p> : null;
  }
  return (
    <section className="pinned-bar" aria-label="Pinned messages" data-testid="pinned-bar">
      {shown.map((pin) => (
        <div key={pin.message.id} className="pinned-bar__item" data-testid="pinned-message">
          <Icon name="sparkles" size={14} />
          <span className="pinned-bar__author">{pin.message.author?.display_name ?? 'Deleted user'}</span>
          <MessageBody html={pin.message.html} className="pinned-bar__body md" />
          {canPin && (
            <button
              type="button"
              className="link-button"
              aria-label={`Unpin message ${pin.message.id}`}
              onClick={() => unpin.mutate({ messageId: pin.message.id, pinned: false })}
            >
              Unpin
            </button>
          )}
        </div>
      ))}
      {refusal && (
        <p className="field__error" role="alert">
          {refusal}
        </p>
      )}
    </section>
  );
}

/** Shown instead of the composer while the member is muted here; the mute ends by itself. */
export function MuteBanner({ until }: { until: string }) {
  return (
    <div className="join-bar mute-banner" role="status" data-testid="mute-banner">
      <Icon name="lock" size={18} />
      <p>
        You are muted in this room until <time dateTime={until}>{formatDateTime(until)}</time>.
      </p>
    </div>
  );
}

/** Whether a mute is still running (it ends by itself at `until`). */
export function stillMuted(until: string | null | undefined, now: number = Date.now()): until is string {
  return Boolean(until) && Date.parse(until as string) > now;
}

/** Keeps the room's pins current: `pin.updated` carries the room's pins after the change. */
export function usePinEvents(roomId: string, live: boolean) {
  const queryClient = useQueryClient();
  useTopic(live ? roomTopic(roomId) : null, (event) => {
    if (event.type !== 'pin.updated') return;
    const ids = (event.data as { pinned_message_ids: number[] }).pinned_message_ids;
    queryClient.setQueryData<Room>(chatKeys.room(roomId), (room) => (room ? { ...room, pinned_message_ids: ids } : room));
    void queryClient.invalidateQueries({ queryKey: moderationKeys.pins(roomId) });
  });
}

/** Whether the member is muted now; re-renders when the mute runs out. */
export function useMuted(until: string | null | undefined): boolean {
  const [, setTick] = useState(0);
  const muted = stillMuted(until);
  useEffect(() => {
    if (!muted) return undefined;
    const wait = Math.min(Date.parse(until as string) - Date.now() + 250, 2 ** 31 - 1);
    const timer = window.setTimeout(() => setTick((n) => n + 1), Math.max(wait, 0));
    return () => window.clearTimeout(timer);
  }, [muted, until]);
  return muted;
}
