import { useEffect, useState } from 'react';
import { Link, useNavigate } from 'react-router';

import { Alert, Button, Icon, Name, Spinner } from '../../components/ui';
import { useDirectory, useJoinRoom, useMyRooms } from './api';
import { useChat } from './ChatContext';
import { RoomAvatar } from './RoomAvatar';
import { counted, MEMBERS } from '../../lib/plural';

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

/** The public room directory, searchable by name. */
export function Directory() {
  const { openCreateRoom } = useChat();
  const [query, setQuery] = useState('');
  const q = useDebounced(query.trim(), 250);
  const directory = useDirectory(q);
  const mine = useMyRooms();
  const join = useJoinRoom();
  const navigate = useNavigate();
  const [joining, setJoining] = useState<string | null>(null);
  const memberOf = new Set((mine.data ?? []).map((entry) => entry.room.id));

  async function onJoin(roomId: string) {
    setJoining(roomId);
    try {
      await join.mutateAsync(roomId);
      navigate(`/chat/${roomId}`);
    } finally {
      setJoining(null);
    }
  }

  const rooms = directory.data ?? [];
  return (
    <section className="directory" aria-labelledby="directory-title">
      <header className="directory__header">
        <Link to="/chat" className="icon-button room-header__back" aria-label="Back to chats" title="Back to chats">
          <Icon name="back" />
        </Link>
        <div className="directory__heading">
          <h1 className="directory__title" id="directory-title">
            Browse rooms
          </h1>
          <p className="muted">Public rooms anyone can join.</p>
        </div>
        <Button variant="primary" size="sm" icon={<Icon name="plus" size={16} />} onClick={openCreateRoom}>
          New room
        </Button>
      </header>
      <div className="directory__search">
        <Icon name="search" size={18} />
        <input
          type="search"
          className="directory__search-input"
          placeholder="Search rooms by name"
          aria-label="Search rooms"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          autoFocus
        />
        {directory.isFetching && <Spinner size="sm" label="Searching" />}
      </div>
      {join.isError && <Alert tone="error">{join.error.message}</Alert>}
      {directory.isPending ? (
        <div className="center-pad">
          <Spinner label="Loading rooms" />
        </div>
      ) : directory.isError ? (
        <Alert tone="error">The directory could not be loaded.</Alert>
      ) : rooms.length === 0 ? (
        <div className="directory__empty">
          <Icon name="compass" size={32} />
          <p>{q ? `No public room matches “${q}”.` : 'There are no public rooms yet.'}</p>
          <Button variant="secondary" onClick={openCreateRoom}>
            Start one
          </Button>
        </div>
      ) : (
        <ul className="directory__list" aria-label="Public rooms">
          {rooms.map((room) => {
            const isMember = memberOf.has(room.id);
            return (
              <li key={room.id} className="directory-room" data-testid="directory-room">
                <RoomAvatar room={room} />
                <Link to={`/chat/${room.id}`} className="directory-room__body">
                  <span className="directory-room__name">
                    #<Name>{room.name}</Name>
                  </span>
                  {room.topic && (
                    <span className="directory-room__topic" dir="auto">
                      {room.topic}
                    </span>
                  )}
                  <span className="directory-room__meta">
                    <Icon name="users" size={14} /> {counted(room.member_count, MEMBERS)}
                  </span>
                </Link>
                {isMember ? (
                  <Link to={`/chat/${room.id}`} className="btn btn--secondary btn--sm">
                    Open
                  </Link>
                ) : (
                  <Button
                    variant="primary"
                    size="sm"
                    loading={joining === room.id}
                    onClick={() => void onJoin(room.id)}
                    aria-label={`Join ${room.name}`}
                  >
                    Join
                  </Button>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
