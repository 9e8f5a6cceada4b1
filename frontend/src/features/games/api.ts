// The games API: query keys, calls and hooks.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { api, unwrap } from '../../api/client';
import { withRetry } from '../../api/retry';
import type { GameList, GameRoom, HistoryPage, Leaderboard, Replay, RoomPage } from './types';

export const gameKeys = {
  all: ['games'] as const,
  types: ['games', 'types'] as const,
  rooms: (game: string | null) => ['games', 'rooms', game ?? ''] as const,
  room: (roomId: string) => ['games', 'room', roomId] as const,
  leaderboard: (game: string) => ['games', 'leaderboard', game] as const,
  history: (userId: string) => ['games', 'history', userId] as const,
  replay: (roomId: string) => ['games', 'replay', roomId] as const,
};

export function useGameTypes() {
  return useQuery({
    queryKey: gameKeys.types,
    queryFn: (): Promise<GameList> => unwrap(api.client.GET('/api/games')),
    staleTime: 5 * 60_000,
  });
}

export function useOpenRooms(game: string | null) {
  return useQuery({
    queryKey: gameKeys.rooms(game),
    queryFn: (): Promise<RoomPage> =>
      unwrap(api.client.GET('/api/games/rooms', { params: { query: game ? { game } : {} } })),
    refetchInterval: 5_000,
  });
}

export function fetchRoom(roomId: string): Promise<GameRoom> {
  return unwrap(api.client.GET('/api/games/rooms/{room_id}', { params: { path: { room_id: roomId } } }));
}

/** The newer of two copies of a room: live events can overtake a response that was already on its way. */
export function newerRoom(old: GameRoom | undefined, fresh: GameRoom): GameRoom {
  return old && old.id === fresh.id && old.version > fresh.version ? old : fresh;
}

export function useGameRoom(roomId: string) {
  return useQuery({
    queryKey: gameKeys.room(roomId),
    queryFn: () => fetchRoom(roomId),
    staleTime: 0,
    structuralSharing: (old, fresh) => newerRoom(old as GameRoom | undefined, fresh as GameRoom),
  });
}

export interface CreateRoom {
  game: string;
  vs_bot?: boolean;
  bot_level?: string | null;
  options?: Record<string, unknown>;
  public?: boolean;
}

/** Room-producing calls (create, play now, join, rematch) all land the room in the cache. */
function useRoomMutation<V>(call: (vars: V) => Promise<GameRoom>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: call,
    onSuccess: (room) => {
      queryClient.setQueryData<GameRoom>(gameKeys.room(room.id), (old) => newerRoom(old, room));
      void queryClient.invalidateQueries({ queryKey: ['games', 'rooms'] });
    },
  });
}

export function useCreateRoom() {
  return useRoomMutation((body: CreateRoom) =>
    unwrap(api.client.POST('/api/games/rooms', { body: { vs_bot: false, public: true, ...body } })),
  );
}

export function usePlayNow() {
  return useRoomMutation((game: string) => unwrap(api.client.POST('/api/games/play-now', { body: { game } })));
}

export function useJoinRoom() {
  return useRoomMutation((roomId: string) =>
    unwrap(api.client.POST('/api/games/rooms/{room_id}/join', { params: { path: { room_id: roomId } } })),
  );
}

export function useRematch() {
  return useRoomMutation((roomId: string) =>
    unwrap(api.client.POST('/api/games/rooms/{room_id}/rematch', { params: { path: { room_id: roomId } } })),
  );
}

/**
 * Plays a turn-based move at the room's version the player saw, retried after a 503 or a network
 * error (api/retry.ts): a retry of a move that was applied answers with the room, never a second move.
 */
export function useMove(roomId: string) {
  return useRoomMutation(({ move, version }: { move: Record<string, unknown>; version?: number }) =>
    withRetry(() =>
      unwrap(api.client.POST('/api/games/rooms/{room_id}/moves', { params: { path: { room_id: roomId } }, body: { move, version } })),
    ),
  );
}

export function useLeaveRoom() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (roomId: string) =>
      unwrap(api.client.POST('/api/games/rooms/{room_id}/leave', { params: { path: { room_id: roomId } } })),
    onSuccess: (_, roomId) => queryClient.invalidateQueries({ queryKey: gameKeys.room(roomId) }),
  });
}

export function useInvite(roomId: string) {
  return useMutation({
    mutationFn: (userId: string) =>
      unwrap(
        api.client.POST('/api/games/rooms/{room_id}/invite', { params: { path: { room_id: roomId } }, body: { user_id: userId } }),
      ),
  });
}

export function useLeaderboard(game: string) {
  return useQuery({
    queryKey: gameKeys.leaderboard(game),
    queryFn: (): Promise<Leaderboard> =>
      unwrap(api.client.GET('/api/games/{game}/leaderboard', { params: { path: { game } } })),
    enabled: Boolean(game),
  });
}

export function useHistory(userId: string | undefined) {
  return useQuery({
    queryKey: gameKeys.history(userId ?? ''),
    queryFn: (): Promise<HistoryPage> =>
      unwrap(api.client.GET('/api/games/users/{user_id}/history', { params: { path: { user_id: userId ?? '' } } })),
    enabled: Boolean(userId),
  });
}

export function useReplay(roomId: string) {
  return useQuery({
    queryKey: gameKeys.replay(roomId),
    queryFn: (): Promise<Replay> =>
      unwrap(api.client.GET('/api/games/rooms/{room_id}/replay', { params: { path: { room_id: roomId } } })),
    staleTime: Infinity,
  });
}
