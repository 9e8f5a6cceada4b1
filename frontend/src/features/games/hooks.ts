// Live rooms: topic `game:{id}` keeps the cached room current, tracks who is away (with the
// deadline of their reconnect window), real-time frames and rematch offers.
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useState } from 'react';

import { useRealtime, useTopic } from '../../lib/realtime';
import { gameKeys } from './api';
import { nextFrame, type LiveFrame } from './frames';
import type { Frame, FrameDelta, GameRoom, PlayerAway, RoomChange } from './types';

const ROOM_CHANGES = new Set(['game.joined', 'game.left', 'game.moved', 'game.ended']);

export interface Away {
  name: string;
  /** ms since the epoch when the player forfeits unless they come back. */
  deadline: number;
}

export interface LiveRoom {
  away: Record<string, Away>;
  /** A real-time room's view: its last keyframe with the deltas since applied. */
  frame: LiveFrame | null;
  rematchRoomId: string | null;
}

/** Applies a room change to the cached room unless the cache already has a newer version. */
export function applyChange(room: GameRoom | undefined, change: RoomChange): GameRoom | undefined {
  if (!room || change.version < room.version) return room;
  return {
    ...room,
    version: change.version,
    status: change.status,
    players: change.players ?? room.players,
    state: change.state,
    outcome: change.outcome,
  };
}

function awayFromRoom(room: GameRoom | undefined): Record<string, Away> {
  const away: Record<string, Away> = {};
  for (const p of room?.players ?? []) {
    if (p.away_until && !p.left) away[p.player_id] = { name: p.name, deadline: Date.parse(p.away_until) };
  }
  return away;
}

export function useLiveRoom(roomId: string, room: GameRoom | undefined): LiveRoom {
  const queryClient = useQueryClient();
  const [away, setAway] = useState<Record<string, Away>>({});
  const [frame, setFrame] = useState<LiveRoom['frame']>(null);
  const [rematchRoomId, setRematch] = useState<string | null>(null);
  const topic = room?.topic ?? null;
  const seeded = room !== undefined;

  useEffect(() => {
    if (seeded) setAway((current) => ({ ...awayFromRoom(queryClient.getQueryData(gameKeys.room(roomId))), ...current }));
  }, [seeded, roomId, queryClient]);

  useTopic(
    topic,
    (event) => {
      if (ROOM_CHANGES.has(event.type)) {
        const change = event.data as RoomChange;
        queryClient.setQueryData<GameRoom>(gameKeys.room(roomId), (old) => applyChange(old, change));
        if (event.type === 'game.left' || event.type === 'game.ended') {
          setAway((current) => {
            const next = { ...current };
            const left = (event.data as { player?: string }).player;
            if (left) delete next[left];
            if (event.type === 'game.ended') return {};
            return next;
          });
        }
        if (event.type === 'game.ended') setFrame(null);
      } else if (event.type === 'game.player_away') {
        const data = event.data as PlayerAway;
        setAway((current) => ({ ...current, [data.player]: { name: data.name, deadline: Date.parse(data.deadline) } }));
      } else if (event.type === 'game.player_back') {
        const data = event.data as { player: string };
        setAway((current) => {
          const next = { ...current };
          delete next[data.player];
          return next;
        });
      } else if (event.type === 'game.frame' || event.type === 'game.delta') {
        const data = event.data as Frame | FrameDelta;
        const at = performance.now();
        setFrame((current) => nextFrame(current, event.type as 'game.frame' | 'game.delta', data, at));
      } else if (event.type === 'game.rematch') {
        setRematch((event.data as { room_id: string }).room_id);
      }
    },
    {
      // Events are live from here: catch up on anything between the first fetch and the subscription.
      onSubscribed: () => void queryClient.invalidateQueries({ queryKey: gameKeys.room(roomId) }),
      onError: (error) => {
        if (error.code === 'RESYNC_REQUIRED') void queryClient.invalidateQueries({ queryKey: gameKeys.room(roomId) });
      },
    },
  );

  return { away, frame, rematchRoomId };
}

/** Sends a move over the socket (`game.move`); false when the socket is not up, so call REST instead. */
export function useSocketMove(topic: string | null) {
  const conn = useRealtime();
  return useCallback(
    (move: Record<string, unknown>): boolean => (topic ? conn.send({ type: 'game.move', topic, move }) : false),
    [conn, topic],
  );
}

/** Whole seconds left until `deadline` (ms since the epoch), ticking once a second. */
export function useCountdown(deadline: number | null): number | null {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (deadline === null) return undefined;
    const timer = window.setInterval(() => setNow(Date.now()), 250);
    return () => window.clearInterval(timer);
  }, [deadline]);
  if (deadline === null) return null;
  return Math.max(0, Math.ceil((deadline - now) / 1000));
}
