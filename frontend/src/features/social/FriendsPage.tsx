import { Button, Card, PageHeader, Spinner } from '../../components/ui';
import { useMe } from '../auth/useMe';
import { FindPeople } from '../people/FindPeople';
import { LIVE_PRESENCE_ROWS, PersonRow } from '../people/PersonRow';
import { useFriendAction, useFriendRequests, useFriends, useFriendState } from './api';

export function FriendsPage() {
  const me = useMe();
  const friends = useFriends();
  const requests = useFriendRequests();
  const act = useFriendAction();
  const incoming = requests.data?.incoming ?? [];
  const outgoing = requests.data?.outgoing ?? [];
  return (
    <div className="stack">
      <PageHeader title="Friends" description="Your friends see your profile posts in their feed." />
      <Card title="Add a friend">
        <FindPeople label="Find people" exclude={me.data ? [me.data.id] : []} action={(person) => <FriendButton userId={person.id} size="sm" />} />
      </Card>
      <Card title="Requests for you">
        {requests.isPending ? (
          <Spinner label="Loading" />
        ) : incoming.length === 0 ? (
          <p className="muted">None.</p>
        ) : (
          <ul className="people-list" aria-label="Incoming requests">
            {incoming.map((r) => (
              <PersonRow key={r.user.id} user={r.user}>
                <Button size="sm" variant="primary" onClick={() => act.mutate({ action: 'accept', userId: r.user.id })}>
                  Accept
                </Button>
                <Button size="sm" onClick={() => act.mutate({ action: 'decline', userId: r.user.id })}>
                  Decline
                </Button>
              </PersonRow>
            ))}
          </ul>
        )}
      </Card>
      {outgoing.length > 0 && (
        <Card title="Requests you sent">
          <ul className="people-list" aria-label="Outgoing requests">
            {outgoing.map((r) => (
              <PersonRow key={r.user.id} user={r.user}>
                <Button size="sm" onClick={() => act.mutate({ action: 'cancel', userId: r.user.id })}>
                  Cancel
                </Button>
              </PersonRow>
            ))}
          </ul>
        </Card>
      )}
      <Card title="Friends">
        {friends.isPending ? (
          <Spinner label="Loading" />
        ) : (friends.data ?? []).length === 0 ? (
          <p className="muted">No friends yet: find people above by their name.</p>
        ) : (
          <ul className="people-list" aria-label="Friends">
            {(friends.data ?? []).map((f, i) => (
              <PersonRow key={f.user.id} user={f.user} live={i < LIVE_PRESENCE_ROWS}>
                <Button size="sm" variant="ghost" onClick={() => act.mutate({ action: 'remove', userId: f.user.id })}>
                  Remove
                </Button>
              </PersonRow>
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
export function FriendButton({ userId, size }: { userId: string; size?: 'sm' }) {
  const state = useFriendState(userId);
  const act = useFriendAction();
  if (!state.data) return null;
  const status = state.data.status;
  return (
    <Button size={size} variant={status === 'none' ? 'primary' : 'secondary'} loading={act.isPending} onClick={() => act.mutate({ action: ACTIONS[status], userId })}>
      {LABELS[status]}
    </Button>
  );
}
