import { useState } from 'react';

import { Button, Card, Field, Input } from '../../components/ui';
import { useConfirmTotp, useDisableTotp, useEnrolTotp, useRegenerateRecoveryCodes, type SecurityStatus, type TotpEnrolment } from './api';
import { MiniForm } from './MiniForm';

function RecoveryCodeList({ codes }: { codes: string[] }) {
  return (
    <div className="stack">
      <p>
        <strong>Save these recovery codes now</strong>: each logs you in once if you lose your phone. They are not shown again.
      </p>
      <ul aria-label="Recovery codes" className="recovery-codes">
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** Two-factor with an authenticator app: enrol (QR code, first code, recovery codes), then regenerate or turn off. */
export function TwoFactorCard({ status }: { status: SecurityStatus }) {
  const enrol = useEnrolTotp();
  const confirm = useConfirmTotp();
  const disable = useDisableTotp();
  const regenerate = useRegenerateRecoveryCodes();
  const [enrolment, setEnrolment] = useState<TotpEnrolment | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [code, setCode] = useState('');
  const [off, setOff] = useState({ code: '', password: '' });

  if (codes) {
    return (
      <Card title="Two-factor authentication" description="On: logins ask for a code from your app.">
        <RecoveryCodeList codes={codes} />
        <Button onClick={() => setCodes(null)}>I saved them</Button>
      </Card>
    );
  }

  if (!status.totp_enabled) {
    return (
      <Card title="Two-factor authentication" description="Off. Turn it on to ask for a code from an authenticator app at each login.">
        {!enrolment ? (
          <Button variant="primary" loading={enrol.isPending} onClick={() => enrol.mutate(undefined, { onSuccess: setEnrolment })}>
            Set up two-factor
          </Button>
        ) : (
          <>
            <p>Scan this code with your authenticator app, then enter the 6-digit code it shows.</p>
            <img src={enrolment.qr_svg_data_url} alt="QR code for your authenticator app" width={200} height={200} />
            <p className="muted">
              Or enter this key by hand: <code data-testid="totp-secret">{enrolment.secret}</code>
            </p>
            <MiniForm
              label="Confirm two-factor"
              submit="Turn on"
              inputs={['code'] as const}
              onSubmit={async () => {
                setCodes((await confirm.mutateAsync(code.trim())).codes);
                setEnrolment(null);
                setCode('');
                return null;
              }}
            >
              {(errors) => (
                <Field label="Code from the app" error={errors.code}>
                  {(control) => <Input {...control} inputMode="numeric" autoComplete="one-time-code" value={code} onChange={(e) => setCode(e.target.value)} />}
                </Field>
              )}
            </MiniForm>
          </>
        )}
      </Card>
    );
  }

  return (
    <Card title="Two-factor authentication" description={`On. ${status.recovery_codes_left} recovery codes left.`}>
      <MiniForm
        label="New recovery codes"
        submit="Make new recovery codes"
        inputs={['code'] as const}
        onSubmit={async () => {
          setCodes((await regenerate.mutateAsync(code.trim())).codes);
          setCode('');
          return null;
        }}
      >
        {(errors) => (
          <Field label="Code from the app" error={errors.code}>
            {(control) => <Input {...control} inputMode="numeric" autoComplete="one-time-code" value={code} onChange={(e) => setCode(e.target.value)} />}
          </Field>
        )}
      </MiniForm>
      <MiniForm
        label="Turn off two-factor"
        submit="Turn off"
        inputs={['code', 'password'] as const}
        onSubmit={async () => {
          await disable.mutateAsync(off.code.trim() ? { code: off.code.trim() } : { password: off.password });
          setOff({ code: '', password: '' });
          return 'Two-factor is off.';
        }}
      >
        {(errors) => (
          <>
            <Field label="Code from the app, or" optional error={errors.code}>
              {(control) => <Input {...control} inputMode="numeric" value={off.code} onChange={(e) => setOff({ ...off, code: e.target.value })} />}
            </Field>
            <Field label="Your password" optional error={errors.password}>
              {(control) => <Input {...control} type="password" autoComplete="current-password" value={off.password} onChange={(e) => setOff({ ...off, password: e.target.value })} />}
            </Field>
          </>
        )}
      </MiniForm>
    </Card>
  );
}
