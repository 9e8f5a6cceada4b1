import { useState } from 'react';

import { messageOf } from '../../api/errors';
import { Alert, Badge, Button, Card, Field, Input, PageHeader, Spinner } from '../../components/ui';
import { formatDateTime } from '../../lib/format';
import { useAddPasskey, useChangeEmail, useChangePassword, useRemovePasskey, useResendVerification, useSecurity, type SecurityStatus } from './api';
import { TwoFactorCard } from './TwoFactorCard';
import { MiniForm } from './MiniForm';
import { passkeysSupported } from './webauthn';

/** Settings › Security: the address, the password, two-factor and passkeys. */
export function SecurityPage() {
  const security = useSecurity();
  return (
    <div className="stack">
      <PageHeader title="Security" description="Your email address, password, two-factor authentication and passkeys." />
      {security.isPending && (
        <div className="center-pad">
          <Spinner label="Loading security settings" />
        </div>
      )}
      {security.isError && <Alert tone="error">{messageOf(security.error)}</Alert>}
      {security.data && (
        <>
          <EmailCard status={security.data} />
          <PasswordCard />
          <TwoFactorCard status={security.data} />
          <PasskeysCard status={security.data} />
        </>
      )}
    </div>
  );
}

function EmailCard({ status }: { status: SecurityStatus }) {
  const resend = useResendVerification();
  const change = useChangeEmail();
  const [values, setValues] = useState({ new_email: '', password: '' });
  return (
    <Card title="Email address" description={status.email}>
      <p>
        {status.email_verified ? <Badge tone="success">Verified</Badge> : <Badge>Not verified</Badge>}
      </p>
      {!status.email_verified && (
        <p>
          <Button size="sm" loading={resend.isPending} onClick={() => resend.mutate(undefined)}>
            Send the link again
          </Button>
          {resend.isSuccess && <span className="muted"> Sent: check your inbox.</span>}
          {resend.isError && <span className="field__error"> {messageOf(resend.error)}</span>}
        </p>
      )}
      <MiniForm
        label="Change email"
        submit="Change email"
        inputs={['new_email', 'password'] as const}
        onSubmit={async () => {
          await change.mutateAsync(values);
          setValues({ new_email: '', password: '' });
          return 'Check the new address: it becomes yours once you open the link we sent to it.';
        }}
      >
        {(errors) => (
          <>
            <Field label="New email address" error={errors.new_email}>
              {(control) => <Input {...control} type="email" autoComplete="email" value={values.new_email} onChange={(e) => setValues({ ...values, new_email: e.target.value })} />}
            </Field>
            <Field label="Current password" error={errors.password}>
              {(control) => <Input {...control} type="password" autoComplete="current-password" value={values.password} onChange={(e) => setValues({ ...values, password: e.target.value })} />}
            </Field>
          </>
        )}
      </MiniForm>
    </Card>
  );
}

function PasswordCard() {
  const change = useChangePassword();
  const [values, setValues] = useState({ current_password: '', new_password: '' });
  return (
    <Card title="Password" description="Changing it ends your other sessions.">
      <MiniForm
        label="Change password"
        submit="Change password"
        inputs={['current_password', 'new_password'] as const}
        onSubmit={async () => {
          const { sessions_ended } = await change.mutateAsync(values);
          setValues({ current_password: '', new_password: '' });
          return `Password changed. ${sessions_ended} other session${sessions_ended === 1 ? '' : 's'} ended.`;
        }}
      >
        {(errors) => (
          <>
            <Field label="Current password" error={errors.current_password}>
              {(control) => <Input {...control} type="password" autoComplete="current-password" value={values.current_password} onChange={(e) => setValues({ ...values, current_password: e.target.value })} />}
            </Field>
            <Field label="New password" error={errors.new_password}>
              {(control) => <Input {...control} type="password" autoComplete="new-password" value={values.new_password} onChange={(e) => setValues({ ...values, new_password: e.target.value })} />}
            </Field>
          </>
        )}
      </MiniForm>
    </Card>
  );
}

function PasskeysCard({ status }: { status: SecurityStatus }) {
  const add = useAddPasskey();
  const remove = useRemovePasskey();
  const [name, setName] = useState('');
  return (
    <Card title="Passkeys" description="Log in with your device's screen lock or a security key instead of a password.">
      {status.passkeys.length === 0 ? (
        <p className="muted">No passkeys yet.</p>
      ) : (
        <ul className="session-list" aria-label="Passkeys">
          {status.passkeys.map((passkey) => (
            <li key={passkey.id} className="session" aria-label={passkey.name}>
              <div className="session__body">
                <p className="session__title">{passkey.name}</p>
                <p className="session__meta">
                  Added {formatDateTime(passkey.created_at)}
                  {passkey.last_used_at && ` · last used ${formatDateTime(passkey.last_used_at)}`}
                </p>
              </div>
              <Button size="sm" variant="danger" loading={remove.isPending && remove.variables === passkey.id} onClick={() => remove.mutate(passkey.id)} aria-label={`Remove ${passkey.name}`}>
                Remove
              </Button>
            </li>
          ))}
        </ul>
      )}
      {passkeysSupported() ? (
        <MiniForm
          label="Add a passkey"
          submit="Add a passkey"
          inputs={['name'] as const}
          onSubmit={async () => {
            const added = await add.mutateAsync(name.trim() || 'Passkey');
            setName('');
            return `Passkey “${added.name}” added.`;
          }}
        >
          {(errors) => (
            <Field label="Passkey name" optional error={errors.name}>
              {(control) => <Input {...control} maxLength={64} placeholder="Laptop" value={name} onChange={(e) => setName(e.target.value)} />}
            </Field>
          )}
        </MiniForm>
      ) : (
        <p className="muted">This browser cannot use passkeys.</p>
      )}
    </Card>
  );
}
