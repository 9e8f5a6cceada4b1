import { useState } from 'react';

import { messageOf } from '../../api/errors';
import { Alert, Button, Card } from '../../components/ui';
import { useMyRooms } from '../chat/api';
import { useMySanctums } from '../social/api';
import { useMutes, useSetMute } from './api';

type Target = { scope: 'rooms' | 'sanctums'; id: string; label: string };

/** Rooms and sanctums that notify nothing: pick one of yours to mute, unmute any. */
export function MutesCard() {
  const mutes = useMutes();
  const rooms = useMyRooms();
  const sanctums = useMySanctums();
  const setMute = useSetMute();
  const [choice, setChoice] = useState('');

  const targets: Target[] = [
    ...(sanctums.data ?? []).map((s) => ({ scope: 'sanctums' as const, id: s.id, label: `Sanctum: ${s.name}` })),
    ...(rooms.data ?? []).map((r) => ({ scope: 'rooms' as const, id: r.room.id, label: `Room: ${r.room.name}` })),
  ];
  const labelOf = (scope: Target['scope'], id: string) =>
    targets.find((t) => t.scope === scope && t.id === id)?.label ?? (scope === 'rooms' ? 'A room you left' : 'A sanctum you left');
  const muted: Target[] = [
    ...(mutes.data?.sanctums ?? []).map((id) => ({ scope: 'sanctums' as const, id, label: labelOf('sanctums', id) })),
    ...(mutes.data?.rooms ?? []).map((id) => ({ scope: 'rooms' as const, id, label: labelOf('rooms', id) })),
  ];
  const mutable = targets.filter((t) => !muted.some((m) => m.scope === t.scope && m.id === t.id));
  const picked = mutable.find((t) => `${t.scope}:${t.id}` === choice);

  return (
    <Card title="Muted rooms and sanctums" description="A muted room, or any room of a muted sanctum, sends you no notification.">
      {setMute.isError && <Alert tone="error">{messageOf(setMute.error)}</Alert>}
      {muted.length > 0 && (
        <ul className="mute-list" aria-label="Muted">
          {muted.map((m) => (
            <li key={`${m.scope}:${m.id}`}>
              <span>{m.label}</span>
              <Button size="sm" variant="secondary" onClick={() => setMute.mutate({ scope: m.scope, id: m.id, muted: false })}>
                Unmute
              </Button>
            </li>
          ))}
        </ul>
      )}
      <div className="mute-pick">
        <select aria-label="Room or sanctum to mute" value={choice} onChange={(e) => setChoice(e.target.value)}>
          <option value="">Choose a room or sanctum…</option>
          {mutable.map((t) => (
            <option key={`${t.scope}:${t.id}`} value={`${t.scope}:${t.id}`}>
              {t.label}
            </option>
          ))}
        </select>
        <Button
          size="sm"
          disabled={!picked}
          loading={setMute.isPending}
          onClick={() => picked && setMute.mutate({ scope: picked.scope, id: picked.id, muted: true }, { onSuccess: () => setChoice('') })}
        >
          Mute
        </Button>
      </div>
    </Card>
  );
}
