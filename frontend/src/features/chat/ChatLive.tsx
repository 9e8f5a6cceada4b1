import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { useMatch } from 'react-router';

import { userTopic, useTopic } from '../../lib/realtime';
import { useMe } from '../auth/useMe';
import { useUnreadNotifications } from '../notifications/api';
import { chatKeys, useMyRooms } from './api';
import { RoomsLive } from './RoomsLive';
import type { MyRoom } from './types';
import { unreadLabel } from './unread';

/**
 * Keeps the person's rooms live for as long as they are signed in (mounted by the app layout), so
 * the room list and unread counts are current wherever they are, moving between the chat and other
 * pages does not resubscribe, and DMs report delivery as soon as a message reaches this tab.
 *
 * Rooms come and go on the account's own topic: `room.added` (a new DM, an invitation, a sanctum
 * joined) refetches the list at once, and once the new room's topic is held it is refetched again, so
 * a message sent between the two is counted; `room.removed` (left on another tab, removed) drops it;
 * `channels.ordered` refetches it in the sanctum's new channel order.
 */
export function ChatLive() {
  const me = useMe();
  const queryClient = useQueryClient();
  const rooms = useMyRooms(Boolean(me.data));
  const added = useRef(new Set<string>());
  const match = useMatch('/chat/:roomId');
  const roomId = match?.params.roomId;

  useTopic(me.data ? userTopic(me.data.id) : null, (event) => {
    if (event.type === 'room.added') {
      added.current.add((event.data as { room_id: string }).room_id);
      void queryClient.invalidateQueries({ queryKey: chatKeys.myRooms });
    } else if (event.type === 'mute.updated') {
      void queryClient.invalidateQueries({ queryKey: chatKeys.room((event.data as { room_id: string }).room_id) });
    } else if (event.type === 'channels.ordered') {
      // A sanctum's channels were reordered: the list (and the sanctum page's channel card) follow.
      void queryClient.invalidateQueries({ queryKey: chatKeys.myRooms });
      void queryClient.invalidateQueries({ queryKey: ['sanctums', 'channels'] });
    } else if (event.type === 'room.removed') {
      const gone = (event.data as { room_id: string }).room_id;
      queryClient.setQueryData<MyRoom[]>(chatKeys.myRooms, (list) => list?.filter((entry) => entry.room.id !== gone));
      queryClient.removeQueries({ queryKey: chatKeys.room(gone) });
    }
  });

  if (!me.data || !rooms.data) return null;
  return (
    <RoomsLive
      rooms={rooms.data}
      me={me.data.id}
      activeRoomId={roomId && roomId !== 'browse' ? roomId : null}
      added={added.current}
    />
  );
}

/** Unread messages across all rooms. */
export function useChatUnread(): number {
  const me = useMe();
  const rooms = useMyRooms(Boolean(me.data));
  return (rooms.data ?? []).reduce((sum, entry) => sum + entry.unread_count, 0);
}

/** Unread messages across all rooms, for the navigation ("99+" beyond 99). */
export function ChatUnreadBadge() {
  const label = unreadLabel(useChatUnread());
  if (!label) return null;
  return (
    <span className="nav-badge" aria-label={`${label} unread`} data-testid="chat-unread">
      {label}
    </span>
  );
}

/** The tab's title counts what is waiting, unread messages and notifications: "(3) Sanctum". */
export function UnreadTitle() {
  const me = useMe();
  const chat = useChatUnread();
  const notifications = useUnreadNotifications(Boolean(me.data)).data ?? 0;
  const label = unreadLabel(chat + notifications);
  useEffect(() => {
    document.title = label ? `(${label}) Sanctum` : 'Sanctum';
  }, [label]);
  useEffect(
    () => () => {
      document.title = 'Sanctum';
    },
    [],
  );
  return null;
}
