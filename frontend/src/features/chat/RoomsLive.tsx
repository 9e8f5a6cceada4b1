import { useQueryClient } from '@tanstack/react-query';
import { useRef } from 'react';

import { roomTopic, useRealtime, useTopic, type TopicEvent } from '../../lib/realtime';
import { chatKeys, LIVE_ROOM_LIMIT } from './api';
import { applyReceipt } from './receipts';
import { applyRoomListEvent, deletionAffectsUnread } from './roomList';
import { asRoomEvent, type MyRoom, type Room } from './types';

/**
 * Holds `room:{id}` for every room in the person's list while the chat area is open, so the list
 * (order, previews, unread counts) and each room's cached details stay live, and DMs report
 * delivery of incoming messages.
 */
export function RoomsLive({
  rooms,
  me,
  activeRoomId,
  added,
}: {
  rooms: MyRoom[];
  me: string;
  activeRoomId: string | null;
  /** Rooms announced by `room.added` whose topic is not held yet. */
  added: Set<string>;
}) {
  const active = useRef(activeRoomId);
  active.current = activeRoomId;
  return (
    <>
      {rooms.slice(0, LIVE_ROOM_LIMIT).map((entry) => (
        <RoomFeed key={entry.room.id} entry={entry} me={me} active={active} added={added} />
      ))}
    </>
  );
}

function RoomFeed({ entry, me, active, added }: { entry: MyRoom; me: string; active: { current: string | null }; added: Set<string> }) {
  const queryClient = useQueryClient();
  const conn = useRealtime();
  const roomId = entry.room.id;
  const topic = roomTopic(roomId);
  const latest = useRef(entry);
  latest.current = entry;

  useTopic(
    topic,
    (raw: TopicEvent) => {
      const event = asRoomEvent(raw);
      if (!event || event.type === 'typing') return;
      const onScreen = active.current === roomId && document.visibilityState === 'visible';
      const list = queryClient.getQueryData<MyRoom[]>(chatKeys.myRooms);
      const refetchUnread = event.type === 'message.deleted' && list !== undefined && deletionAffectsUnread(list, roomId, event.data.id);
      queryClient.setQueryData<MyRoom[]>(chatKeys.myRooms, (current) =>
        current ? applyRoomListEvent(current, roomId, event, { me, activeRoomId: onScreen ? roomId : null }) : current,
      );
      if (refetchUnread) void queryClient.invalidateQueries({ queryKey: chatKeys.myRooms });

      // The room's own cached details (the header of an open room reads them).
      switch (event.type) {
        case 'room.updated':
          queryClient.setQueryData<Room>(chatKeys.room(roomId), (room) =>
            room
              ? {
                  ...room,
                  name: event.data.name,
                  topic: event.data.topic,
                  description: event.data.description,
                  slow_mode_seconds: event.data.slow_mode_seconds,
                }
              : room,
          );
          break;
        case 'member.joined':
        case 'member.left':
          queryClient.setQueryData<Room>(chatKeys.room(roomId), (room) =>
            room ? { ...room, member_count: Math.max(0, room.member_count + (event.type === 'member.joined' ? 1 : -1)) } : room,
          );
          void queryClient.invalidateQueries({ queryKey: chatKeys.members(roomId) });
          if (event.type === 'member.left' && event.data.user_id === me) queryClient.removeQueries({ queryKey: chatKeys.room(roomId) });
          break;
        case 'receipt.updated':
          queryClient.setQueryData<Room>(chatKeys.room(roomId), (room) =>
            room ? { ...room, receipts: applyReceipt(room.receipts ?? [], event.data, me) } : room,
          );
          break;
        case 'message.created':
          // A DM message from the other person reached this client.
          if (latest.current.room.kind === 'dm' && event.data.author?.id !== me && event.data.kind === 'user') {
            conn.sendDelivered(topic, event.data.id);
          }
          break;
        default:
          break;
      }
    },
    {
      onSubscribed: () => {
        // A room just added: what was sent before its topic was held is in a fresh list.
        if (added.delete(roomId)) void queryClient.invalidateQueries({ queryKey: chatKeys.myRooms });
        // Whatever arrived while this client was away has now reached it.
        const last = latest.current.last_message;
        if (latest.current.room.kind === 'dm' && last && last.author?.id !== me && last.kind === 'user') {
          conn.sendDelivered(topic, last.id);
        }
      },
      onError: (error) => {
        // RESYNC_REQUIRED: too much was missed; REVOKED: the user left this room in another tab or device.
        if (error.code === 'RESYNC_REQUIRED' || error.code === 'REVOKED') {
          void queryClient.invalidateQueries({ queryKey: chatKeys.myRooms });
        }
        if (error.code === 'REVOKED') queryClient.removeQueries({ queryKey: chatKeys.room(roomId) });
      },
    },
  );
  return null;
}
