import { useState, type FormEvent } from 'react';

import { Alert, Badge, Button, Card, Field } from '../../components/ui';
import { inviteUrl, useInviteActions, useInvites, type Invite, type InviteCreated, type InviteTarget } from './api';

const LIFETIMES: { label: string; seconds: number | null }[] = [
  { label: '30 minutes', seconds: 30 * 60 },
  { label: '1 day', seconds: 24 * 3600 },
  { label: '7 days', seconds: 7 * 24 * 3600 },
  { label: '30 days', seconds: 30 * 24 * 3600 },
  { label: 'Never', seconds: null },
];
const USES: { label: string; uses: number | null }[] = [
  { label: 'No limit', uses: null },
  { label: '1 use', uses: 1 },
  { label: '5 uses', uses: 5 },
  { label: '25 uses', uses: 25 },
  { label: '100 uses', uses: 100 },
];
const STATES: Record<Invite['state'], string> = {
  active: 'Active',
  expired: 'Expired',
  revoked: 'Revoked',
  used_up: 'Used up',
};

function describe(invite: Invite): string {
  const uses = invite.max_uses === null ? `${invite.uses} used` : `${invite.uses} of ${invite.max_uses} used`;
  const until = invite.expires_at ? `until ${new Date(invite.expires_at).toLocaleString()}` : 'no expiry';
  return `${uses} · ${until}`;
}

/** The invite links of a sanctum or private room, for its owner and moderators: make, copy, revoke. */
export function InviteLinks({ target, name }: { target: InviteTarget; name: string }) {
  const invites = useInvites(target);
  const { create, revoke } = useInviteActions(target);
  const [lifetime, setLifetime] = useState(2);
  const [uses, setUses] = useState(0);
  const [made, setMade] = useState<InviteCreated | null>(null);
  const [copied, setCopied] = useState(false);

  function onCreate(event: FormEvent) {
    event.preventDefault();
    setCopied(false);
    create.mutate(
      { expires_in_seconds: LIFETIMES[lifetime]?.seconds ?? null, max_uses: USES[uses]?.uses ?? null },
      { onSuccess: (invite) => setMade(invite) },
    );
  }

  async function copy(url: string) {
    try {
      await navigator.clipboard.writeText(url);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  }

  const url = made ? inviteUrl(made.token) : null;
  return (
    <Card title="Invite links" description={`Anyone with a link can join ${name}, even if it is private.`}>
      <form className="invite-form" onSubmit={onCreate}>
        <Field label="Expires after">
          {(control) => (
            <select {...control} className="input" value={lifetime} onChange={(e) => setLifetime(Number(e.target.value))}>
              {LIFETIMES.map((l, i) => (
                <option key={l.label} value={i}>
                  {l.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Uses">
          {(control) => (
            <select {...control} className="input" value={uses} onChange={(e) => setUses(Number(e.target.value))}>
              {USES.map((u, i) => (
                <option key={u.label} value={i}>
                  {u.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Button type="submit" variant="primary" loading={create.isPending}>
          Create link
        </Button>
      </form>
      {create.error && <Alert tone="error">{create.error.message}</Alert>}
      {url && (
        <div className="invite-made">
          <Field label="New link" hint="Copy it now: it is shown only once.">
            {(control) => <input {...control} className="input" readOnly value={url} data-testid="invite-url" onFocus={(e) => e.target.select()} />}
          </Field>
          <Button size="sm" onClick={() => void copy(url)}>
            {copied ? 'Copied' : 'Copy link'}
          </Button>
        </div>
      )}
      <ul className="stack invite-list">
        {(invites.data ?? []).map((invite) => (
          <li key={invite.id} className="invite-row" data-testid="invite-row">
            <span>
              <code>…{invite.hint}</code> <Badge>{STATES[invite.state]}</Badge> <span className="muted">{describe(invite)}</span>
            </span>
            {invite.state !== 'revoked' && (
              <Button
                size="sm"
                variant="danger"
                onClick={() => revoke.mutate(invite.id)}
                loading={revoke.isPending && revoke.variables === invite.id}
                aria-label={`Revoke the link ending ${invite.hint}`}
              >
                Revoke
              </Button>
            )}
          </li>
        ))}
      </ul>
      {revoke.error && <Alert tone="error">{revoke.error.message}</Alert>}
    </Card>
  );
}
