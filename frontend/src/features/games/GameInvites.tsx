// Game invitations, wherever the person is in the app: `game.invite` on their own `user:{id}` topic
// shows a card with Join (takes the free seat and opens the room) and Dismiss.
import { useState } from 'react';
import { useNavigate } from 'react-router';

import { Button, Name } from '../../components/ui';
import { userTopic, useTopic } from '../../lib/realtime';
import { useMe } from '../auth/useMe';
import { useJoinRoom } from './api';

interface Invite {
  room_id: string;
  title: string;
  from: { id: string; name: string };
}

export function GameInvites() {
  const me = useMe();
  const navigate = useNavigate();
  const join = useJoinRoom();
  const [invites, setInvites] = useState<Invite[]>([]);
  const [error, setError] = useState<string | null>(null);

  useTopic(me.data ? userTopic(me.data.id) : null, (event) => {
    if (event.type !== 'game.invite') return;
    const invite = event.data as Invite;
    setInvites((current) => [...current.filter((i) => i.room_id !== invite.room_id), invite].slice(-3));
  });

  const dismiss = (roomId: string) => setInvites((current) => current.filter((i) => i.room_id !== roomId));
  if (invites.length === 0) return null;
  return (
    <div className="game-invites" role="region" aria-label="Game invitations">
      {invites.map((invite) => (
        <div key={invite.room_id} className="game-invites__card" data-testid="game-invite">
          <p className="game-invites__text">
            <strong>
              <Name>{invite.from.name}</Name>
            </strong>{' '}
            invites you to {invite.title}
          </p>
          {error && <p className="game-invites__error">{error}</p>}
          <div className="game-invites__actions">
            <Button
              size="sm"
              variant="primary"
              loading={join.isPending && join.variables === invite.room_id}
              onClick={() =>
                join.mutate(invite.room_id, {
                  onSuccess: (room) => {
                    dismiss(invite.room_id);
                    navigate(`/games/rooms/${room.id}`);
                  },
                  onError: (e) => setError(e.message),
                })
              }
            >
              Join
            </Button>
            <Button size="sm" variant="ghost" onClick={() => dismiss(invite.room_id)}>
              Dismiss
            </Button>
          </div>
        </div>
      ))}
    </div>
  );
}
