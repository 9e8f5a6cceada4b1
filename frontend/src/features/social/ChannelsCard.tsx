import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';

import { formErrors } from '../../api/errors';
import { Alert, Button, Card, Field, Icon, Input, Name } from '../../components/ui';
import { moved, useChannelActions, useChannels } from './channels';

/** A sanctum's chat: its main room and its channels, for members; owners and moderators add and order channels. */
export function ChannelsCard({ slug, mainRoomId, manage }: { slug: string; mainRoomId: string | null; manage: boolean }) {
  const channels = useChannels(slug, true);
  const { create, order, remove } = useChannelActions(slug);
  const [deleting, setDeleting] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const ids = (channels.data ?? []).map((c) => c.id);

  function onCreate(event: FormEvent) {
    event.preventDefault();
    if (!name.trim()) {
      setError('Give the channel a name.');
      return;
    }
    setError(null);
    create.mutate(
      { name: name.trim(), topic: '' },
      {
        onSuccess: () => setName(''),
        onError: (e) => setError(formErrors(e, ['name'] as const).fields.name ?? e.message),
      },
    );
  }

  return (
    <Card title="Channels" description="Rooms of this sanctum: every member is in each of them.">
      <ul className="stack channel-list" aria-label="Channels">
        {mainRoomId && (
          <li className="channel-row">
            <Link to={`/chat/${mainRoomId}`}>
              <Icon name="chat" size={14} /> Main room
            </Link>
          </li>
        )}
        {(channels.data ?? []).map((c, i) => (
          <li key={c.id} className="channel-row" data-testid="channel-row">
            <Link to={`/chat/${c.id}`}>
              # <Name>{c.name}</Name>
            </Link>
            {manage && (
              <span className="channel-row__tools">
                <Button size="sm" aria-label={`Move ${c.name} up`} title="Move up" disabled={i === 0 || order.isPending} onClick={() => order.mutate(moved(ids, i, -1))}>
                  ↑
                </Button>
                <Button
                  size="sm"
                  aria-label={`Move ${c.name} down`}
                  title="Move down"
                  disabled={i === ids.length - 1 || order.isPending}
                  onClick={() => order.mutate(moved(ids, i, 1))}
                >
                  ↓
                </Button>
                {deleting === c.id ? (
                  <>
                    <Button size="sm" variant="danger" loading={remove.isPending} onClick={() => remove.mutate(c.id, { onSettled: () => setDeleting(null) })}>
                      Delete #{c.name} and its messages
                    </Button>
                    <Button size="sm" onClick={() => setDeleting(null)}>
                      Keep
                    </Button>
                  </>
                ) : (
                  <Button size="sm" aria-label={`Delete ${c.name}`} title="Delete channel" onClick={() => setDeleting(c.id)}>
                    <Icon name="trash" size={14} />
                  </Button>
                )}
              </span>
            )}
          </li>
        ))}
      </ul>
      {order.error && <Alert tone="error">{order.error.message}</Alert>}
      {remove.error && <Alert tone="error">{remove.error.message}</Alert>}
      {manage && (
        <form className="invite-form" onSubmit={onCreate} noValidate>
          <Field label="New channel" error={error}>
            {(control) => <Input {...control} value={name} maxLength={80} onChange={(e) => setName(e.target.value)} />}
          </Field>
          <Button type="submit" loading={create.isPending}>
            Add channel
          </Button>
        </form>
      )}
    </Card>
  );
}
