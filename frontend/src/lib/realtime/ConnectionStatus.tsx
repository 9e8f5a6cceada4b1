import { useEffect, useState } from 'react';

import type { RealtimeStatus } from './connection';
import { useRealtimeStatus } from './react';
import { counted } from '../plural';

/** What the indicator shows: `data-state` is one of these three. */
export type ConnectionView = 'online' | 'connecting' | 'offline';

function useNow(tickMs: number | null): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (tickMs === null) return undefined;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), tickMs);
    return () => clearInterval(timer);
  }, [tickMs]);
  return now;
}

export function describeStatus(status: RealtimeStatus, now: number) {
  switch (status.state) {
    case 'online':
      return { view: 'online' as const, label: 'Online', detail: null, aria: 'Connection: online' };
    case 'connecting':
      return { view: 'connecting' as const, label: 'Connecting…', detail: null, aria: 'Connection: connecting' };
    case 'offline': {
      const seconds = Math.max(0, Math.ceil((status.retryAt - now) / 1000));
      return seconds > 0
        ? {
            view: 'offline' as const,
            label: 'Offline',
            detail: `retry in ${seconds}s`,
            aria: `Connection: offline, reconnecting in ${counted(seconds, { one: 'second', other: 'seconds' })}`,
          }
        : { view: 'offline' as const, label: 'Offline', detail: 'retrying…', aria: 'Connection: offline, reconnecting now' };
    }
    case 'stopped':
    case 'idle':
      return { view: 'offline' as const, label: 'Offline', detail: null, aria: 'Connection: offline' };
  }
}

/**
 * The live-updates indicator of the top bar. A polite live region: screen readers hear the state
 * changes, not the countdown (the seconds are in the label and the visible text only).
 */
export function ConnectionStatus() {
  const status = useRealtimeStatus();
  const now = useNow(status.state === 'offline' ? 250 : null);
  const { view, label, detail, aria } = describeStatus(status, now);
  return (
    <div
      role="status"
      className={`conn-status conn-status--${view}`}
      aria-label={aria}
      title={aria}
      data-state={view}
      data-attempt={status.state === 'offline' || status.state === 'connecting' ? status.attempt : undefined}
      data-retry-delay={status.state === 'offline' ? status.delayMs : undefined}
    >
      <span className="conn-status__dot" aria-hidden="true" />
      <span className="conn-status__label">{label}</span>
      {detail && (
        <span className="conn-status__detail" aria-hidden="true">
          {detail}
        </span>
      )}
    </div>
  );
}
