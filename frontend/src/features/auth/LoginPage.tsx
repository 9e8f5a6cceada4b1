import { lazy, Suspense, useState, type FormEvent } from 'react';
import { Link, useLocation } from 'react-router';

import { formErrors, type FormErrors } from '../../api/errors';
import { Alert, Button, Field, Input, Spinner } from '../../components/ui';
import { passkeyProblem, passkeysSupported } from '../security/webauthn';
import type { SecondFactorRequired } from './api';
import { useAuth, type SignedOutNotice } from './AuthContext';
import { AuthShell } from './AuthShell';

// Loaded only when needed: most logins have neither a second step nor a passkey (the login page's budget).
const SecondFactorStep = lazy(() => import('./SecondFactorStep').then((m) => ({ default: m.SecondFactorStep })));

const INPUTS = ['login', 'password'] as const;
type Input = (typeof INPUTS)[number];

const NOTICES: Record<SignedOutNotice, string> = {
  expired: 'Your session has ended. Log in again to continue.',
  'signed-out': 'You have been logged out.',
  everywhere: 'You have been logged out on every device.',
  deleted: 'Your account has been deleted.',
};

export function LoginPage() {
  const { state, signIn, finishSignIn } = useAuth();
  const [challenge, setChallenge] = useState<SecondFactorRequired | null>(null);
  const location = useLocation();
  const [values, setValues] = useState({ login: '', password: '' });
  const [errors, setErrors] = useState<FormErrors<Input>>({ fields: {}, message: null });
  const [submitting, setSubmitting] = useState(false);
  const notice = state.status === 'signed-out' ? state.notice : null;

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    const missing: FormErrors<Input>['fields'] = {};
    if (!values.login.trim()) missing.login = 'Enter your username or email.';
    if (!values.password) missing.password = 'Enter your password.';
    if (Object.keys(missing).length) {
      setErrors({ fields: missing, message: null });
      return;
    }
    setSubmitting(true);
    setErrors({ fields: {}, message: null });
    try {
      // <PublicOnly> sends the now signed-in person on to where they were going.
      const result = await signIn(values.login.trim(), values.password);
      if ('second_factor_required' in result) {
        setChallenge(result);
        setSubmitting(false);
      }
    } catch (error) {
      setErrors(formErrors(error, INPUTS));
      setSubmitting(false);
    }
  }

  async function withPasskey() {
    setSubmitting(true);
    setErrors({ fields: {}, message: null });
    try {
      const { passkeyLogin } = await import('../security/api');
      await finishSignIn(await passkeyLogin());
    } catch (error) {
      setErrors(error instanceof DOMException ? { fields: {}, message: passkeyProblem(error) } : formErrors(error, INPUTS));
      setSubmitting(false);
    }
  }

  if (challenge) {
    return (
      <AuthShell title="One more step" subtitle="Confirm it is you." footer={<Link to="/forgot-password">Locked out?</Link>}>
        <Suspense fallback={<Spinner label="Loading" />}>
          <SecondFactorStep challenge={challenge} onRestart={() => setChallenge(null)} />
        </Suspense>
      </AuthShell>
    );
  }

  return (
    <AuthShell
      title="Welcome back"
      subtitle="Log in to your Sanctum account."
      footer={
        <>
          New here? <Link to="/register" state={location.state}>Create an account</Link>
        </>
      }
    >
      <form className="form" onSubmit={onSubmit} noValidate>
        {notice && !errors.message && <Alert tone={notice === 'expired' ? 'info' : 'success'}>{NOTICES[notice]}</Alert>}
        {errors.message && <Alert tone="error">{errors.message}</Alert>}
        <Field label="Username or email" error={errors.fields.login}>
          {(control) => (
            <Input
              {...control}
              name="login"
              autoComplete="username"
              autoCapitalize="none"
              spellCheck={false}
              autoFocus
              value={values.login}
              onChange={(e) => setValues({ ...values, login: e.target.value })}
            />
          )}
        </Field>
        <Field label="Password" error={errors.fields.password}>
          {(control) => (
            <Input
              {...control}
              name="password"
              type="password"
              autoComplete="current-password"
              value={values.password}
              onChange={(e) => setValues({ ...values, password: e.target.value })}
            />
          )}
        </Field>
        <Button type="submit" variant="primary" block loading={submitting}>
          Log in
        </Button>
        {passkeysSupported() && (
          <Button type="button" block disabled={submitting} onClick={() => void withPasskey()}>
            Use a passkey
          </Button>
        )}
        <p className="muted">
          <Link to="/forgot-password">Forgot your password?</Link>
        </p>
      </form>
    </AuthShell>
  );
}
