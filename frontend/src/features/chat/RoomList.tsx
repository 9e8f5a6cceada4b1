import { useState } from 'react';
import { Link, NavLink } from 'react-router';

import { Alert, Icon, Line, Name, Spinner } from '../../components/ui';
import { groupChannels } from './channels';
import { useChat } from './ChatContext';
import { previewText } from './roomList';
import { RoomAvatar } from './RoomAvatar';
import type { MyRoom } from './types';
import { unreadLabel } from './unread';

/** "14:05" today, "Mon" this week, "22 Nov" before. */
export function shortTime(iso: string, now: Date = new Date()): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const sameDay = d.toDateString() === now.toDateString();
  if (sameDay) return d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  const days = (now.getTime() - d.getTime()) / 86_400_000;
  if (days < 6) return d.toLocaleDateString(undefined, { weekday: 'short' });
  return d.toLocaleDateString(undefined, { day: 'numeric', month: 'short' });
}

export function RoomList({ rooms, loading, error }: { rooms: MyRoom[]; loading: boolean; error: boolean }) {
  const { me, openCreateRoom, openNewMessage } = useChat();
  const [filter, setFilter] = useState('');
  const needle = filter.trim().toLowerCase();
  const shown = needle ? rooms.filter((r) => r.room.name.toLowerCase().includes(needle) || r.room.dm_user?.username.toLowerCase().includes(needle)) : rooms;

  return (
    <div className="room-list">
      <div className="room-list__head">
        <h1 className="room-list__title">Chats</h1>
        <div className="room-list__tools">
          <Link to="/chat/browse" className="btn btn--ghost btn--sm" aria-label="Browse rooms" title="Browse public rooms">
            <Icon name="compass" size={16} />
            Browse
          </Link>
          <button type="button" className="btn btn--ghost btn--sm" title="Create a room" onClick={openCreateRoom}>
            <Icon name="plus" size={16} />
            New room
          </button>
        </div>
      </div>
      <div className="room-list__new">
        <button type="button" className="btn btn--primary btn--sm btn--block" onClick={openNewMessage}>
          <Icon name="send" size={16} />
          New message
        </button>
      </div>
      {rooms.length > 6 && (
        <div className="room-list__filter">
          <Icon name="search" size={16} />
          <input
            className="room-list__filter-input"
            type="search"
            placeholder="Find a chat"
            aria-label="Find a chat"
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
          />
        </div>
      )}
      {loading ? (
        <div className="center-pad">
          <Spinner label="Loading chats" />
        </div>
      ) : error ? (
        <div className="room-list__pad">
          <Alert tone="error">Your chats could not be loaded.</Alert>
        </div>
      ) : rooms.length === 0 ? (
        <div className="room-list__empty">
          <p>No chats yet.</p>
          <p className="muted">Message someone, join a room from the directory, or start one.</p>
          <Link to="/chat/browse" className="btn btn--secondary btn--sm">
            Browse rooms
          </Link>
        </div>
      ) : (
        <nav aria-label="Your chats">
          <ul className="room-list__items">
            {groupChannels(shown).map(({ entry, nested }) => (
              <li key={entry.room.id} className={nested ? 'room-list__channel' : undefined}>
                <RoomListItem entry={entry} me={me.id} />
              </li>
            ))}
          </ul>
        </nav>
      )}
    </div>
  );
}

function RoomListItem({ entry, me }: { entry: MyRoom; me: string }) {
  const { room } = entry;
  const unread = unreadLabel(entry.unread_count);
  const name = room.kind === 'dm' ? room.dm_user?.display_name || room.name : room.name;
  const time = entry.last_message?.created_at ?? room.last_activity_at;
  return (
    <NavLink
      to={`/chat/${room.id}`}
      className={`room-item${unread ? ' room-item--unread' : ''}`}
      aria-label={`${name}${unread ? `, ${unread} unread` : ''}`}
      data-testid="room-item"
    >
      <RoomAvatar room={room} />
      <span className="room-item__body">
        <span className="room-item__top">
          <span className="room-item__name">
            {room.kind === 'private' && <Icon name="lock" size={13} />}
            <Name>{name}</Name>
          </span>
          <time className="room-item__time" dateTime={time}>
            {shortTime(time)}
          </time>
        </span>
        <span className="room-item__bottom">
          <span className="room-item__preview" data-testid="room-preview">
            <Line parts={previewText(entry, me)} />
          </span>
          {unread && (
            <span className="unread-badge" data-testid="unread-badge">
              {unread}
            </span>
          )}
        </span>
      </span>
    </NavLink>
  );
}
