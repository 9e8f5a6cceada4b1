import { useMemo, useState } from 'react';
import { Outlet, useMatch } from 'react-router';

import { Alert, Button, ButtonLink, Icon, Spinner } from '../../components/ui';
import { useMe } from '../auth/useMe';
import { useMyRooms } from './api';
import { ChatContext, useChat, type ChatContextValue } from './ChatContext';
import { CreateRoomDialog } from './CreateRoomDialog';
import { NewMessageDialog } from './NewMessageDialog';
import { RoomList } from './RoomList';

/**
 * The chat area: the person's rooms on the left, the open room (or the directory) on the right.
 * On a phone it is one column: the list at /chat, a room or the directory on its own page.
 */
export function ChatLayout() {
  const me = useMe();
  const rooms = useMyRooms(Boolean(me.data), true);
  const [creating, setCreating] = useState(false);
  const [messaging, setMessaging] = useState(false);
  const roomMatch = useMatch('/chat/:roomId');
  const roomId = roomMatch?.params.roomId;
  const activeRoomId = roomId && roomId !== 'browse' ? roomId : null;

  const value = useMemo<ChatContextValue | null>(
    () =>
      me.data
        ? { me: me.data, activeRoomId, openCreateRoom: () => setCreating(true), openNewMessage: () => setMessaging(true) }
        : null,
    [me.data, activeRoomId],
  );

  if (me.isError) return <Alert tone="error">Your account could not be loaded.</Alert>;
  if (!value) {
    return (
      <div className="center-pad">
        <Spinner label="Loading chat" />
      </div>
    );
  }

  return (
    <ChatContext.Provider value={value}>
      <div className="chat" data-view={roomMatch ? 'main' : 'list'}>
        <aside className="chat__sidebar" aria-label="Chats">
          <RoomList rooms={rooms.data ?? []} loading={rooms.isPending} error={rooms.isError} />
        </aside>
        <div className="chat__main">
          <Outlet />
        </div>
        {creating && <CreateRoomDialog onClose={() => setCreating(false)} />}
        {messaging && <NewMessageDialog onClose={() => setMessaging(false)} />}
      </div>
    </ChatContext.Provider>
  );
}

/** /chat on a wide screen: nothing open yet. */
export function ChatHome() {
  const { openCreateRoom, openNewMessage } = useChat();
  return (
    <div className="chat-empty">
      <div className="chat-empty__art" aria-hidden="true">
        <Icon name="chat" size={36} />
      </div>
      <h2 className="chat-empty__title">Pick a conversation</h2>
      <p className="chat-empty__text">Choose a chat on the left, message someone, browse public rooms, or start a new one.</p>
      <div className="chat-empty__actions">
        <ButtonLink to="/chat/browse" variant="secondary" icon={<Icon name="compass" size={18} />}>
          Browse rooms
        </ButtonLink>
        <Button variant="secondary" icon={<Icon name="plus" size={18} />} onClick={openCreateRoom}>
          New room
        </Button>
        <Button variant="primary" icon={<Icon name="send" size={18} />} onClick={openNewMessage}>
          New message
        </Button>
      </div>
    </div>
  );
}
