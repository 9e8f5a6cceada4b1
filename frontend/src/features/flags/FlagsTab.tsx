// The admin screen of feature flags (site admins): per flag, its kill switch, its rollout percentage
// and its per-user and per-sanctum overrides. Every change is recorded in the audit log and reaches
// every instance within seconds.
import { useState } from 'react';

import { Alert, Badge, Button, Card, Field, Input, Spinner } from '../../components/ui';
import { useAdminFlags, useFlagActions, type FlagRead } from './api';

export function FlagsTab() {
  const flags = useAdminFlags();
  if (flags.isPending) return <Spinner label="Loading feature flags" />;
  if (flags.isError) return <Alert tone="error">{flags.error.message}</Alert>;
  return (
    <div className="stack" data-testid="flags">
      {flags.data.items.map((flag) => (
        <FlagCard key={flag.name} flag={flag} />
      ))}
    </div>
  );
}

function FlagCard({ flag }: { flag: FlagRead }) {
  const { change, override } = useFlagActions();
  const [percent, setPercent] = useState(String(flag.rollout_percent));
  const [subject, setSubject] = useState('');
  const [kind, setKind] = useState<'user' | 'sanctum'>('user');
  const error = change.error ?? override.error;
  const busy = change.isPending || override.isPending;
  const forced = (value: boolean | null) =>
    override.mutate({ name: flag.name, body: { subject_type: kind, subject_id: subject.trim(), value } });
  return (
    <Card title={flag.name}>
      <div className="stack" data-testid={`flag-${flag.name}`}>
        <p className="muted">{flag.description}</p>
        <p>
          {flag.enabled ? <Badge tone="success">On</Badge> : <Badge tone="danger">Killed</Badge>}{' '}
          <span data-testid="rollout">{flag.rollout_percent}%</span> of users
          {!flag.configured && <span className="muted"> (default)</span>}
        </p>
        {error && <Alert tone="error">{error.message}</Alert>}
        <div className="flags-row">
          <Button
            variant={flag.enabled ? 'danger' : 'primary'}
            loading={busy}
            onClick={() => change.mutate({ name: flag.name, body: { enabled: !flag.enabled } })}
          >
            {flag.enabled ? 'Kill switch: turn off' : 'Turn back on'}
          </Button>
        </div>
        <form
          className="flags-row"
          onSubmit={(event) => {
            event.preventDefault();
            change.mutate({ name: flag.name, body: { rollout_percent: Number(percent) } });
          }}
        >
          <Field label="Rollout (% of users)">
            {(props) => (
              <Input {...props} type="number" min={0} max={100} value={percent} onChange={(e) => setPercent(e.target.value)} />
            )}
          </Field>
          <Button type="submit" loading={busy}>
            Set rollout
          </Button>
        </form>
        <div className="flags-row">
          <Field label="Override for">
            {(props) => (
              <select {...props} value={kind} onChange={(e) => setKind(e.target.value === 'sanctum' ? 'sanctum' : 'user')}>
                <option value="user">a user (id)</option>
                <option value="sanctum">a sanctum (id)</option>
              </select>
            )}
          </Field>
          <Field label="Id">
            {(props) => <Input {...props} value={subject} onChange={(e) => setSubject(e.target.value)} />}
          </Field>
          <Button disabled={!subject.trim()} loading={busy} onClick={() => forced(true)}>
            Force on
          </Button>
          <Button disabled={!subject.trim()} loading={busy} onClick={() => forced(false)}>
            Force off
          </Button>
        </div>
        {flag.overrides.length > 0 && (
          <ul data-testid="overrides">
            {flag.overrides.map((o) => (
              <li key={`${o.subject_type}:${o.subject_id}`}>
                {o.subject_type} <code>{o.subject_id}</code>: {o.value ? 'on' : 'off'}{' '}
                <Button
                  size="sm"
                  variant="ghost"
                  onClick={() =>
                    override.mutate({ name: flag.name, body: { subject_type: o.subject_type, subject_id: o.subject_id, value: null } })
                  }
                >
                  Remove
                </Button>
              </li>
            ))}
          </ul>
        )}
      </div>
    </Card>
  );
}
