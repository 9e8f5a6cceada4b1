import { Link } from 'react-router';

import { Button, Card, Name, PageHeader, Spinner } from '../../components/ui';
import { useFriendAction, useFriendRequests, useFriends, useFriendState } from './api';

export function FriendsPage() {
  const friends = useFriends();
  const requests = useFriendRequests();
  const act = useFriendAction();
  return (
    <div className="stack">
      <PageHeader title="Friends" description="Your friends see your profile posts in their feed." />
      <Card title="Requests for you">
        {requests.isPending ? <Spinner label="Loading" /> : (
          <ul className="stack" aria-label="Incoming requests">
            {(requests.data?.incoming ?? []).length === 0 && <li className="muted">None.</li>}
            {(requests.data?.incoming ?? []).map((r) => (
              <li key={r.user.id}>
                <Link to={`/u/${r.user.username}`}>
                  <Name>{r.user.display_name}</Name>
                </Link>{' '}
                <Button size="sm" variant="primary" onClick={() => act.mutate({ action: 'accept', userId: r.user.id })}>Accept</Button>{' '}
                <Button size="sm" onClick={() => act.mutate({ action: 'decline', userId: r.user.id })}>Decline</Button>
              </li>
            ))}
          </ul>
        )}
      </Card>
      <Card title="Requests you sent">
        <ul className="stack" aria-label="Outgoing requests">
          {(requests.data?.outgoing ?? []).map((r) => (
            <li key={r.user.id}>
              <Link to={`/u/${r.user.username}`}>
                  <Name>{r.user.display_name}</Name>
                </Link>{' '}
              <Button size="sm" onClick={() => act.mutate({ action: 'cancel', userId: r.user.id })}>Cancel</Button>
            </li>
          ))}
        </ul>
      </Card>
      <Card title="Friends">
        {friends.isPending ? <Spinner label="Loading" /> : (
          <ul className="stack" aria-label="Friends">
            {(friends.data ?? []).length === 0 && <li className="muted">No friends yet.</li>}
            {(friends.data ?? []).map((f) => (
              <li key={f.user.id}>
                <Link to={`/u/${f.user.username}`}>
                  <Name>{f.user.display_name}</Name>
                </Link>{' '}
                <Button size="sm" variant="ghost" onClick={() => act.mutate({ action: 'remove', userId: f.user.id })}>Remove</Button>
              </li>
            ))}
          </ul>
        )}
      </Card>
    </div>
  );
}

const LABELS = { none: 'Add friend', outgoing: 'Cancel request', incoming: 'Accept request', friends: 'Remove friend' } as const;
const ACTIONS = { none: 'send', outgoing: 'cancel', incoming: 'accept', friends: 'remove' } as const;

/** The friend button on a profile: what it does depends on where the two people stand. */
export function FriendButton({ userId }: { userId: string }) {
  const state = useFriendState(userId);
  const act = useFriendAction();
  if (!state.data) return null;
  const status = state.data.status;
  return (
    <Button variant={status === 'none' ? 'primary' : 'secondary'} loading={act.isPending} onClick={() => act.mutate({ action: ACTIONS[status], userId })}>
      {LABELS[status]}
    </Button>
  );
}
