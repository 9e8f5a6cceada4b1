// A room's live call, for its members to join: asked once when the room opens, then kept by the
// `call.room` events the room's topic carries.
import { useQuery, useQueryClient } from '@tanstack/react-query';

import { api, unwrap } from '../../api/client';
import type { CallWire } from '../../api/generated/realtime';
import { roomTopic, useTopic } from '../../lib/realtime';

const key = (roomId: string) => ['calls', 'room', roomId] as const;

export function useRoomCall(roomId: string, enabled: boolean): CallWire | null {
  const client = useQueryClient();
  const query = useQuery({
    queryKey: key(roomId),
    queryFn: () => unwrap(api.client.GET('/api/calls/rooms/{room_id}', { params: { path: { room_id: roomId } } })),
    enabled,
  });
  useTopic(enabled ? roomTopic(roomId) : null, (event) => {
    if (event.type !== 'call.room') return;
    const call = (event.data as { call: CallWire }).call;
    client.setQueryData(key(roomId), { call: call.status === 'ended' ? null : call });
  });
  return (query.data?.call as CallWire | null | undefined) ?? null;
}
