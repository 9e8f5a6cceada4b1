import { useMatch } from 'react-router';

import { useMe } from '../auth/useMe';
import { useMyRooms } from './api';
import { RoomsLive } from './RoomsLive';
import { unreadLabel } from './unread';

/**
 * Keeps the person's rooms live for as long as they are signed in (mounted by the app layout), so
 * the room list and unread counts are current wherever they are, moving between the chat and other
 * pages does not resubscribe, and DMs report delivery as soon as a message reaches this tab.
 */
export function ChatLive() {
  const me = useMe();
  const rooms = useMyRooms(Boolean(me.data));
  const match = useMatch('/chat/:roomId');
  const roomId = match?.params.roomId;
  if (!me.data || !rooms.data) return null;
  return <RoomsLive rooms={rooms.data} me={me.data.id} activeRoomId={roomId && roomId !== 'browse' ? roomId : null} />;
}

/** Unread messages across all rooms, for the navigation ("99+" beyond 99). */
export function ChatUnreadBadge() {
  const me = useMe();
  const rooms = useMyRooms(Boolean(me.data));
  const total = (rooms.data ?? []).reduce((sum, entry) => sum + entry.unread_count, 0);
  const label = unreadLabel(total);
  if (!label) return null;
  return (
    <span className="nav-badge" aria-label={`${label} unread`} data-testid="chat-unread">
      {label}
    </span>
  );
}
