// The chat API: query keys, calls and the hooks the screens use.
import { useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';

import { api, unwrap } from '../../api/client';
import { mergeFetchedRooms } from './roomList';
import type { Member, MessagePage, MyRoom, ReadState, Room, RoomCreate, RoomSummary, Thread } from './types';

export const chatKeys = {
  all: ['chat'] as const,
  myRooms: ['chat', 'my-rooms'] as const,
  room: (roomId: string) => ['chat', 'room', roomId] as const,
  members: (roomId: string) => ['chat', 'members', roomId] as const,
  directory: (q: string) => ['chat', 'directory', q] as const,
};

/** Most rooms a person holds live at once (the gateway allows 200 topics per socket). */
export const LIVE_ROOM_LIMIT = 150;

export function fetchMyRooms(): Promise<MyRoom[]> {
  return unwrap(api.client.GET('/api/users/me/rooms')).then((r) => r.items);
}

export function fetchRoom(roomId: string): Promise<Room> {
  return unwrap(api.client.GET('/api/rooms/{room_id}', { params: { path: { room_id: roomId } } }));
}

export function fetchMessages(
  roomId: string,
  query: { before?: number; after?: number; around?: number; limit?: number },
): Promise<MessagePage> {
  return unwrap(api.client.GET('/api/rooms/{room_id}/messages', { params: { path: { room_id: roomId }, query } }));
}

export function fetchThread(roomId: string, messageId: number, after?: number): Promise<Thread> {
  return unwrap(
    api.client.GET('/api/rooms/{room_id}/messages/{message_id}/thread', {
      params: { path: { room_id: roomId, message_id: messageId }, query: { after, limit: 100 } },
    }),
  );
}

export function sendMessage(roomId: string, body: string, clientId: string) {
  return unwrap(
    api.client.POST('/api/rooms/{room_id}/messages', { params: { path: { room_id: roomId } }, body: { body, client_id: clientId } }),
  );
}

export function sendReply(roomId: string, parentId: number, body: string, clientId: string) {
  return unwrap(
    api.client.POST('/api/rooms/{room_id}/messages/{message_id}/replies', {
      params: { path: { room_id: roomId, message_id: parentId } },
      body: { body, client_id: clientId },
    }),
  );
}

export function editMessage(roomId: string, messageId: number, body: string) {
  return unwrap(
    api.client.PATCH('/api/rooms/{room_id}/messages/{message_id}', {
      params: { path: { room_id: roomId, message_id: messageId } },
      body: { body },
    }),
  );
}

export function deleteMessage(roomId: string, messageId: number) {
  return unwrap(
    api.client.DELETE('/api/rooms/{room_id}/messages/{message_id}', { params: { path: { room_id: roomId, message_id: messageId } } }),
  );
}

export function react(roomId: string, messageId: number, emoji: string, add: boolean) {
  return add
    ? unwrap(
        api.client.POST('/api/rooms/{room_id}/messages/{message_id}/reactions', {
          params: { path: { room_id: roomId, message_id: messageId } },
          body: { emoji },
        }),
      )
    : unwrap(
        api.client.DELETE('/api/rooms/{room_id}/messages/{message_id}/reactions/{emoji}', {
          params: { path: { room_id: roomId, message_id: messageId, emoji } },
        }),
      );
}

export function markRead(roomId: string, messageId: number): Promise<ReadState> {
  return unwrap(
    api.client.POST('/api/rooms/{room_id}/read', { params: { path: { room_id: roomId } }, body: { message_id: messageId } }),
  );
}

/**
 * The person's rooms. Live events keep rooms already in the list current, but nothing tells this
 * client when someone else adds it to a room (a new DM, an invitation): the list is refetched on
 * entering the chat area (`fresh`), on focus and every minute.
 */
export function useMyRooms(enabled = true, fresh = false) {
  return useQuery({
    queryKey: chatKeys.myRooms,
    queryFn: fetchMyRooms,
    enabled,
    refetchOnMount: fresh ? 'always' : true,
    refetchInterval: 60_000,
    staleTime: 15_000,
    // A response that left before the latest events must not undo them.
    structuralSharing: (cached, fetched) => mergeFetchedRooms(cached as MyRoom[] | undefined, fetched as MyRoom[]),
  });
}

export function useRoom(roomId: string) {
  return useQuery({ queryKey: chatKeys.room(roomId), queryFn: () => fetchRoom(roomId), staleTime: 0 });
}

export function useMembers(roomId: string, enabled: boolean) {
  return useQuery({
    queryKey: chatKeys.members(roomId),
    queryFn: () =>
      unwrap(api.client.GET('/api/rooms/{room_id}/members', { params: { path: { room_id: roomId } } })).then(
        (r) => r.items as Member[],
      ),
    enabled,
  });
}

export function useDirectory(q: string) {
  return useQuery({
    queryKey: chatKeys.directory(q),
    queryFn: () =>
      unwrap(api.client.GET('/api/rooms', { params: { query: { q: q || undefined, limit: 50 } } })).then(
        (r) => r.items as RoomSummary[],
      ),
    placeholderData: (previous) => previous,
  });
}

/** Puts a room the person just got into at the top of their list, until the next refetch. */
function rememberRoom(queryClient: QueryClient, room: Room) {
  queryClient.setQueryData(chatKeys.room(room.id), room);
  queryClient.setQueryData<MyRoom[]>(chatKeys.myRooms, (list) => {
    if (!list) return list;
    if (list.some((entry) => entry.room.id === room.id)) return list;
    return [{ room, unread_count: 0, last_message: null }, ...list];
  });
  void queryClient.invalidateQueries({ queryKey: chatKeys.myRooms });
}

export function useCreateRoom() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: RoomCreate) => unwrap(api.client.POST('/api/rooms', { body })),
    onSuccess: (room) => {
      rememberRoom(queryClient, room);
      void queryClient.invalidateQueries({ queryKey: ['chat', 'directory'] });
    },
  });
}

export function useJoinRoom() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (roomId: string) => unwrap(api.client.POST('/api/rooms/{room_id}/join', { params: { path: { room_id: roomId } } })),
    onSuccess: (room) => rememberRoom(queryClient, room),
  });
}

/** Change a room's settings (owner and moderators): here, its slow mode. */
export function useUpdateRoom(roomId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (changes: { slow_mode_seconds: number }) =>
      unwrap(api.client.PATCH('/api/rooms/{room_id}', { params: { path: { room_id: roomId } }, body: changes })),
    onSuccess: (room) => queryClient.setQueryData(chatKeys.room(roomId), room),
  });
}

export function useLeaveRoom() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (roomId: string) => unwrap(api.client.POST('/api/rooms/{room_id}/leave', { params: { path: { room_id: roomId } } })),
    onSuccess: (_, roomId) => {
      queryClient.setQueryData<MyRoom[]>(chatKeys.myRooms, (list) => list?.filter((entry) => entry.room.id !== roomId));
      queryClient.removeQueries({ queryKey: chatKeys.room(roomId) });
      void queryClient.invalidateQueries({ queryKey: chatKeys.myRooms });
    },
  });
}

export function useOpenDm() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (userId: string) => unwrap(api.client.POST('/api/dms', { body: { user_id: userId } })),
    onSuccess: (room) => rememberRoom(queryClient, room),
  });
}

export function useInvite(roomId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (username: string) => {
      const user = await unwrap(api.client.GET('/api/users/{username}', { params: { path: { username } } }));
      return unwrap(
        api.client.POST('/api/rooms/{room_id}/invite', { params: { path: { room_id: roomId } }, body: { user_id: user.id } }),
      );
    },
    onSuccess: (members) => queryClient.setQueryData(chatKeys.members(roomId), members.items),
  });
}

/** Resolves usernames to user ids (for creating a group with people in it). */
export async function resolveUsernames(usernames: string[]): Promise<{ ids: string[]; missing: string[] }> {
  const ids: string[] = [];
  const missing: string[] = [];
  for (const username of usernames) {
    try {
      const user = await unwrap(api.client.GET('/api/users/{username}', { params: { path: { username } } }));
      ids.push(user.id);
    } catch {
      missing.push(username);
    }
  }
  return { ids, missing };
}
