import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Link } from 'react-router';

import { formErrors, messageOf, type FormErrors } from '../../api/errors';
import { Alert, Button, Field, Input, Spinner } from '../../components/ui';
import { AuthShell } from '../auth/AuthShell';
import { forgotPassword, resetPassword, tokenFromFragment, verifyEmail } from './api';

/** Asks for a reset link. The answer is the same whether or not an account has the address. */
export function ForgotPasswordPage() {
  const [email, setEmail] = useState('');
  const [sent, setSent] = useState(false);
  const [errors, setErrors] = useState<FormErrors<'email'>>({ fields: {}, message: null });
  const [busy, setBusy] = useState(false);

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (!email.trim()) return setErrors({ fields: { email: 'Enter your email address.' }, message: null });
    setBusy(true);
    try {
      await forgotPassword(email.trim());
      setSent(true);
    } catch (error) {
      setErrors(formErrors(error, ['email'] as const));
    }
    setBusy(false);
  }

  return (
    <AuthShell title="Reset your password" subtitle="We will email you a link to choose a new one." footer={<Link to="/login">Back to log in</Link>}>
      {sent ? (
        <Alert tone="success">If an account uses that address, a link is on its way. It works once, for an hour.</Alert>
      ) : (
        <form className="form" onSubmit={onSubmit} noValidate>
          {errors.message && <Alert tone="error">{errors.message}</Alert>}
          <Field label="Email" error={errors.fields.email}>
            {(control) => (
              <Input {...control} name="email" type="email" autoComplete="email" autoFocus value={email} onChange={(e) => setEmail(e.target.value)} />
            )}
          </Field>
          <Button type="submit" variant="primary" block loading={busy}>
            Send the link
          </Button>
        </form>
      )}
    </AuthShell>
  );
}

/** The page of a reset link: `/reset-password#token=...`. */
export function ResetPasswordPage() {
  const [token] = useState(() => tokenFromFragment(window.location.hash));
  const [password, setPassword] = useState('');
  const [done, setDone] = useState(false);
  const [errors, setErrors] = useState<FormErrors<'new_password'>>({ fields: {}, message: null });
  const [busy, setBusy] = useState(false);

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (!token) return;
    setBusy(true);
    try {
      await resetPassword(token, password);
      setDone(true);
    } catch (error) {
      setErrors(formErrors(error, ['new_password'] as const));
    }
    setBusy(false);
  }

  return (
    <AuthShell title="Choose a new password" subtitle="Every session of the account ends when you save it." footer={<Link to="/login">Back to log in</Link>}>
      {!token && <Alert tone="error">This link is incomplete. Open the link from the email again.</Alert>}
      {done && (
        <Alert tone="success">
          Your password is changed. <Link to="/login">Log in</Link> with the new one.
        </Alert>
      )}
      {token && !done && (
        <form className="form" onSubmit={onSubmit} noValidate>
          {errors.message && <Alert tone="error">{errors.message}</Alert>}
          <Field label="New password" hint="8 or more characters, mixing letters with digits or symbols." error={errors.fields.new_password}>
            {(control) => (
              <Input {...control} name="new_password" type="password" autoComplete="new-password" autoFocus value={password} onChange={(e) => setPassword(e.target.value)} />
            )}
          </Field>
          <Button type="submit" variant="primary" block loading={busy}>
            Save the new password
          </Button>
        </form>
      )}
    </AuthShell>
  );
}

/** The page of a verification or change-of-address link: `/verify-email#token=...`. */
export function VerifyEmailPage() {
  const [outcome, setOutcome] = useState<'working' | 'verified' | string>('working');
  const started = useRef(false);

  useEffect(() => {
    if (started.current) return;
    started.current = true;
    const token = tokenFromFragment(window.location.hash);
    if (!token) {
      setOutcome('This link is incomplete. Open the link from the email again.');
      return;
    }
    // The token is spent: keep it out of the history entry.
    window.history.replaceState(null, '', window.location.pathname);
    verifyEmail(token).then(
      () => setOutcome('verified'),
      (error: unknown) => setOutcome(messageOf(error)),
    );
  }, []);

  return (
    <AuthShell title="Email address" subtitle="Confirming the link from your email." footer={<Link to="/">Go to Sanctum</Link>}>
      {outcome === 'working' && <Spinner label="Confirming your address" />}
      {outcome === 'verified' && <Alert tone="success">Your email address is confirmed.</Alert>}
      {outcome !== 'working' && outcome !== 'verified' && <Alert tone="error">{outcome}</Alert>}
    </AuthShell>
  );
}
