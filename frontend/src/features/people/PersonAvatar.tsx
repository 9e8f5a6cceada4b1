import { Avatar } from '../../components/ui';
import { usePresence } from '../../lib/realtime';

interface PersonAvatarProps {
  user: { id: string; username: string; display_name: string; avatar_url?: string | null };
  size?: 'sm' | 'md' | 'lg';
  /** Watch the person's presence (one topic each: lists pass it for the rows on screen only). */
  live?: boolean;
}

/** A person's avatar with their presence dot (online, offline; none until known). */
export function PersonAvatar({ user, size = 'sm', live = true }: PersonAvatarProps) {
  return (
    <span className="person-avatar">
      <Avatar name={user.display_name || user.username} src={user.avatar_url} size={size} />
      {live && <PresenceDot userId={user.id} />}
    </span>
  );
}

function PresenceDot({ userId }: { userId: string }) {
  const presence = usePresence(userId);
  if (presence === 'unknown') return null;
  return (
    <span
      className={`person-avatar__dot person-avatar__dot--${presence}`}
      role="img"
      aria-label={presence === 'online' ? 'Online' : 'Offline'}
      data-testid="presence"
      data-presence={presence}
    />
  );
}
