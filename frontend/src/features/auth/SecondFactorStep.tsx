import { useState, type FormEvent } from 'react';

import { formErrors, type FormErrors } from '../../api/errors';
import { Alert, Button, Field, Input } from '../../components/ui';
import { secondFactor } from '../security/api';
import { passkeyProblem, passkeysSupported } from '../security/webauthn';
import type { SecondFactorRequired } from './api';
import { useAuth } from './AuthContext';

const INPUTS = ['code'] as const;

/** The second step of a login with two-factor on: a code from the app, a recovery code, or a passkey.
 * The challenge lives in this component's state only (never in the URL). */
export function SecondFactorStep({ challenge, onRestart }: { challenge: SecondFactorRequired; onRestart: () => void }) {
  const { finishSignIn } = useAuth();
  const [recovery, setRecovery] = useState(false);
  const [code, setCode] = useState('');
  const [errors, setErrors] = useState<FormErrors<(typeof INPUTS)[number]>>({ fields: {}, message: null });
  const [busy, setBusy] = useState(false);
  const withPasskey = challenge.methods.includes('passkey') && passkeysSupported();

  async function attempt(run: () => Promise<Parameters<typeof finishSignIn>[0]>) {
    setBusy(true);
    setErrors({ fields: {}, message: null });
    try {
      await finishSignIn(await run());
    } catch (error) {
      const problem = error instanceof DOMException ? { fields: {}, message: passkeyProblem(error) } : formErrors(error, INPUTS);
      setErrors(problem);
      setBusy(false);
    }
  }

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const value = code.replace(/\s/g, '');
    if (!value) {
      setErrors({ fields: { code: 'Enter the code.' }, message: null });
      return;
    }
    void attempt(() => secondFactor(challenge.challenge_token, recovery ? 'recovery_code' : 'totp', value));
  }

  return (
    <form className="form" onSubmit={onSubmit} noValidate aria-label="Second factor">
      <Alert tone="info">Two-factor authentication is on for this account.</Alert>
      {errors.message && <Alert tone="error">{errors.message}</Alert>}
      <Field
        label={recovery ? 'Recovery code' : 'Authentication code'}
        hint={recovery ? 'One of the codes you saved when you turned two-factor on.' : 'The 6-digit code from your app.'}
        error={errors.fields.code}
      >
        {(control) => (
          <Input
            {...control}
            name="code"
            autoComplete="one-time-code"
            inputMode={recovery ? 'text' : 'numeric'}
            autoFocus
            value={code}
            onChange={(e) => setCode(e.target.value)}
          />
        )}
      </Field>
      <Button type="submit" variant="primary" block loading={busy}>
        Verify
      </Button>
      {withPasskey && (
        <Button
          type="button"
          block
          disabled={busy}
          onClick={() => void attempt(() => secondFactor(challenge.challenge_token, 'passkey'))}
        >
          Use a passkey
        </Button>
      )}
      <Button type="button" variant="ghost" block onClick={() => setRecovery(!recovery)}>
        {recovery ? 'Use a code from the app' : 'Use a recovery code'}
      </Button>
      <Button type="button" variant="ghost" block onClick={onRestart}>
        Start over
      </Button>
    </form>
  );
}
