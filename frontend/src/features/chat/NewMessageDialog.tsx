import { useState } from 'react';
import { useNavigate } from 'react-router';

import { Alert, Button } from '../../components/ui';
import { PeoplePicker } from '../people/PeoplePicker';
import type { PublicUser } from '../people/api';
import { useCreateRoom, useOpenDm } from './api';
import { useChat } from './ChatContext';
import { Dialog } from './Dialog';

/** A group's name until someone renames it: its people, as far as 80 characters go. */
export function groupName(people: readonly PublicUser[], me: PublicUser): string {
  const names = [me, ...people].map((p) => p.display_name || p.username);
  const joined = names.join(', ');
  return joined.length <= 80 ? joined : `${joined.slice(0, 79)}…`;
}

/** "New message": one person opens (or reopens) your DM with them; two or more start a group. */
export function NewMessageDialog({ onClose }: { onClose(): void }) {
  const { me } = useChat();
  const navigate = useNavigate();
  const openDm = useOpenDm();
  const createRoom = useCreateRoom();
  const [people, setPeople] = useState<PublicUser[]>([]);
  const [error, setError] = useState<string | null>(null);
  const busy = openDm.isPending || createRoom.isPending;

  async function start() {
    setError(null);
    try {
      const [only] = people;
      const room =
        people.length === 1 && only
          ? await openDm.mutateAsync(only.id)
          : await createRoom.mutateAsync({
              kind: 'group',
              name: groupName(people, me),
              topic: '',
              description: '',
              member_ids: people.map((p) => p.id),
            });
      onClose();
      navigate(`/chat/${room.id}`);
    } catch (e) {
      setError(e instanceof Error ? e.message : 'The conversation could not be started.');
    }
  }

  return (
    <Dialog title="New message" description="Pick one person for a direct message, or several for a group." onClose={onClose}>
      <div className="form dialog__body">
        {error && <Alert tone="error">{error}</Alert>}
        <PeoplePicker label="To" chosen={people} onChange={setPeople} exclude={[me.id]} autoFocus />
        <div className="form__actions">
          <Button onClick={onClose}>
            Cancel
          </Button>
          <Button variant="primary" disabled={people.length === 0} loading={busy} onClick={() => void start()}>
            {people.length > 1 ? 'Start group' : 'Start conversation'}
          </Button>
        </div>
      </div>
    </Dialog>
  );
}
