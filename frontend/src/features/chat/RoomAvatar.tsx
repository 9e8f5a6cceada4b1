import { Avatar, Icon } from '../../components/ui';
import type { Room, RoomSummary } from './types';

/** A DM shows the other person; rooms show their kind (# public, lock private, people group). */
export function RoomAvatar({ room, size = 'md' }: { room: Pick<Room, 'kind' | 'name'> & { dm_user?: Room['dm_user'] } | RoomSummary; size?: 'sm' | 'md' }) {
  if (room.kind === 'dm') {
    const user = 'dm_user' in room ? room.dm_user : null;
    return <Avatar name={user?.display_name || room.name} src={user?.avatar_url} size={size} />;
  }
  const icon = room.kind === 'private' ? 'lock' : room.kind === 'group' ? 'users' : 'hash';
  return (
    <span className={`room-avatar room-avatar--${room.kind} room-avatar--${size}`} aria-hidden="true">
      <Icon name={icon} size={size === 'sm' ? 16 : 20} />
    </span>
  );
}

export function kindLabel(kind: Room['kind']): string {
  return { public: 'Public room', private: 'Private room', group: 'Group', dm: 'Direct message' }[kind];
}
