import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';

import { ApiError } from '../../api/errors';
import { Badge, Icon, Name, Spinner } from '../../components/ui';
import { InviteLinks } from '../invites/InviteLinks';
import { PersonAvatar } from '../people/PersonAvatar';
import { LIVE_PRESENCE_ROWS } from '../people/PersonRow';
import { useInvite, useMembers } from './api';
import type { Room } from './types';
import { counted, PEOPLE } from '../../lib/plural';

const ROLE_ORDER: Record<string, number> = { owner: 0, admin: 1, moderator: 2, member: 4 };

export function MembersPanel({ room, me, onClose }: { room: Room; me: string; onClose(): void }) {
  const members = useMembers(room.id, true);
  const invite = useInvite(room.id);
  const [username, setUsername] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [added, setAdded] = useState<string | null>(null);
  const moderator = room.my_role === 'owner' || room.my_role === 'moderator';
  const canInvite = room.my_role !== null && room.my_role !== undefined && (room.kind === 'group' || (room.kind === 'private' && moderator) || room.kind === 'public');

  async function onInvite(event: FormEvent) {
    event.preventDefault();
    const name = username.trim().replace(/^@/, '');
    if (!name) return;
    setError(null);
    setAdded(null);
    try {
      await invite.mutateAsync(name);
      setAdded(name);
      setUsername('');
    } catch (e) {
      setError(e instanceof ApiError && e.status === 404 ? `There is no user called @${name}.` : e instanceof Error ? e.message : 'Could not add them.');
    }
  }

  const sorted = (members.data ?? []).slice().sort(
    (a, b) => (ROLE_ORDER[a.role] ?? 3) - (ROLE_ORDER[b.role] ?? 3) || a.user.display_name.localeCompare(b.user.display_name),
  );

  return (
    <aside className="side-panel members-panel" aria-label="Members">
      <header className="side-panel__header">
        <div>
          <h2 className="side-panel__title">Members</h2>
          <p className="side-panel__subtitle">
            {counted(room.member_count, PEOPLE)}
          </p>
        </div>
        <button type="button" className="icon-button" aria-label="Close members" title="Close" onClick={onClose}>
          <Icon name="close" />
        </button>
      </header>
      {canInvite && room.kind !== 'dm' && (
        <form className="members-panel__invite" onSubmit={onInvite}>
          <label className="field__label" htmlFor="invite-username">
            Add someone
          </label>
          <div className="members-panel__invite-row">
            <input
              id="invite-username"
              className="input"
              placeholder="username"
              autoComplete="off"
              value={username}
              onChange={(e) => setUsername(e.target.value)}
            />
            <button type="submit" className="btn btn--secondary btn--md" disabled={invite.isPending || !username.trim()} aria-label="Add to room" title="Add to room">
              <Icon name="userPlus" size={18} />
            </button>
          </div>
          {error && <p className="field__error">{error}</p>}
          {added && <p className="field__hint">Added @{added}.</p>}
        </form>
      )}
      {room.kind === 'private' && moderator && !room.sanctum_id && !room.channel_of && (
        <InviteLinks target={{ kind: 'room', roomId: room.id }} name={room.name} />
      )}
      {members.isPending ? (
        <div className="center-pad">
          <Spinner label="Loading members" />
        </div>
      ) : members.isError ? (
        <p className="side-panel__pad text-danger">The members could not be loaded.</p>
      ) : (
        <ul className="member-list">
          {sorted.map((member, i) => (
            <li key={member.user.id} className="member">
              <PersonAvatar user={member.user} live={i < LIVE_PRESENCE_ROWS} />
              <Link to={`/u/${member.user.username}`} className="member__name">
                <span>
                  <Name>{member.user.display_name || member.user.username}</Name>
                </span>
                <span className="member__username">@{member.user.username}</span>
              </Link>
              {member.user.id === me && <Badge tone="accent">You</Badge>}
              {member.role !== 'member' && <Badge>{member.role}</Badge>}
            </li>
          ))}
        </ul>
      )}
    </aside>
  );
}
