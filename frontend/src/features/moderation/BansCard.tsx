// A sanctum's bans, for whoever holds `user.ban` there: who, why, since when, and Unban (the server
// decides; an unbanned person may join again, their old membership is not restored).
import { Alert, Button, Card } from '../../components/ui';
import { formatRelative } from '../../lib/format';
import { useBans, useUnban } from './api';

export function BansCard({ slug }: { slug: string }) {
  const bans = useBans(slug);
  const unban = useUnban(slug);
  const items = bans.data ?? [];
  return (
    <Card title="Banned" description="People banned from this sanctum cannot see it or join it again until unbanned.">
      {items.length === 0 ? (
        <p className="muted">Nobody is banned.</p>
      ) : (
        <ul className="stack" data-testid="bans" aria-label="Banned people">
          {items.map((ban) => (
            <li key={ban.user.id} className="roles__row">
              <strong dir="auto">{ban.user.display_name}</strong> <span className="muted">@{ban.user.username}</span>{' '}
              <span className="muted">banned {formatRelative(ban.created_at)}</span>
              {ban.reason && <span className="muted" dir="auto">: {ban.reason}</span>}{' '}
              <Button
                size="sm"
                aria-label={`Unban ${ban.user.display_name}`}
                loading={unban.isPending && unban.variables === ban.user.id}
                onClick={() => unban.mutate(ban.user.id)}
              >
                Unban
              </Button>
            </li>
          ))}
        </ul>
      )}
      {unban.error && <Alert tone="error">{unban.error.message}</Alert>}
    </Card>
  );
}
