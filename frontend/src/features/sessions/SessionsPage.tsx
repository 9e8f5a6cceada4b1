import { useState } from 'react';

import { messageOf } from '../../api/errors';
import { Alert, Badge, Button, Card, Icon, PageHeader, Spinner } from '../../components/ui';
import { formatDateTime, formatRelative } from '../../lib/format';
import { useAuth } from '../auth/AuthContext';
import { useRevokeSession, useSessions, type Session } from './api';
import { describeUserAgent, deviceLabel } from './userAgent';
import { counted } from '../../lib/plural';

export function SessionsPage() {
  const sessions = useSessions();
  const count = sessions.data?.length ?? 0;
  return (
    <div className="stack">
      <PageHeader
        title="Sessions & devices"
        description="Everywhere you are logged in. Revoke anything you do not recognise."
      />
      <Card
        title="Active sessions"
        description={sessions.data ? counted(count, { one: 'active session', other: 'active sessions' }) : undefined}
      >
        {sessions.isPending && (
          <div className="center-pad">
            <Spinner label="Loading sessions" />
          </div>
        )}
        {sessions.isError && <Alert tone="error">{messageOf(sessions.error)}</Alert>}
        {sessions.data && (
          <ul className="session-list" aria-label="Active sessions">
            {sessions.data.map((session) => (
              <SessionRow key={session.id} session={session} />
            ))}
          </ul>
        )}
      </Card>
      <LogOutEverywhere count={count} />
    </div>
  );
}

function SessionRow({ session }: { session: Session }) {
  const revoke = useRevokeSession();
  const label = deviceLabel(session.user_agent);
  const { kind } = describeUserAgent(session.user_agent);
  return (
    <li className="session" aria-label={`${label}${session.current ? ' (this device)' : ''}`} data-current={session.current || undefined}>
      <span className="session__icon" aria-hidden="true">
        <Icon name={kind === 'mobile' || kind === 'tablet' ? 'devices' : 'globe'} size={20} />
      </span>
      <div className="session__body">
        <p className="session__title">
          <span>{label}</span>
          {session.current && <Badge tone="success">This device</Badge>}
        </p>
        <p className="session__meta">
          <span title={session.user_agent || undefined}>{session.ip || 'Unknown address'}</span>
          <span aria-hidden="true"> · </span>
          <span title={formatDateTime(session.last_used_at)}>
            {session.current ? 'Active now' : `Last active ${formatRelative(session.last_used_at)}`}
          </span>
        </p>
        <p className="session__meta session__meta--faint">Signed in {formatDateTime(session.created_at)}</p>
        {revoke.isError && <p className="field__error">{messageOf(revoke.error)}</p>}
      </div>
      {!session.current && (
        <Button
          size="sm"
          variant="secondary"
          loading={revoke.isPending}
          onClick={() => revoke.mutate(session.id)}
          aria-label={`Revoke ${label}`}
        >
          Revoke
        </Button>
      )}
    </li>
  );
}

function LogOutEverywhere({ count }: { count: number }) {
  const { signOutEverywhere } = useAuth();
  const [confirming, setConfirming] = useState(false);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function confirm() {
    setPending(true);
    setError(null);
    try {
      await signOutEverywhere();
    } catch (e) {
      setError(messageOf(e));
      setPending(false);
    }
  }

  return (
    <Card
      tone="danger"
      title="Log out everywhere"
      description="Ends every session on every device, including this one. You will need to log in again."
      actions={
        !confirming && (
          <Button variant="danger" icon={<Icon name="logout" size={16} />} onClick={() => setConfirming(true)}>
            Log out everywhere
          </Button>
        )
      }
    >
      {error && <Alert tone="error">{error}</Alert>}
      {confirming && (
        <div className="confirm" role="group" aria-label="Confirm log out everywhere">
          <p>
            End {count > 1 ? `all ${count} sessions` : 'your session'}, including this one?
          </p>
          <div className="form__actions">
            <Button onClick={() => setConfirming(false)} disabled={pending}>
              Cancel
            </Button>
            <Button variant="danger" loading={pending} onClick={() => void confirm()}>
              Yes, log out everywhere
            </Button>
          </div>
        </div>
      )}
    </Card>
  );
}
