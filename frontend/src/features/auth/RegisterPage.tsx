import { useState, type FormEvent } from 'react';
import { Link, useLocation } from 'react-router';

import { formErrors, type FormErrors } from '../../api/errors';
import { Alert, Button, Field, Input } from '../../components/ui';
import { useAuth } from './AuthContext';
import { AuthShell } from './AuthShell';

const INPUTS = ['username', 'email', 'password'] as const;
type Input = (typeof INPUTS)[number];

const USERNAME = /^[A-Za-z0-9_]{3,32}$/;

/** The same rules as the backend's RegisterRequest, checked early so mistakes show before a round trip. */
export function validateRegistration(values: Record<Input, string>): FormErrors<Input>['fields'] {
  const fields: FormErrors<Input>['fields'] = {};
  if (!USERNAME.test(values.username)) fields.username = 'Use 3 to 32 letters, digits or underscores.';
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(values.email.trim())) fields.email = 'Enter a valid email address.';
  if (values.password.length < 8) fields.password = 'Use at least 8 characters.';
  else if (values.password.length > 128) fields.password = 'Use at most 128 characters.';
  else if (!/[A-Za-z]/.test(values.password) || !/[^A-Za-z]/.test(values.password)) {
    fields.password = 'Mix letters with digits or symbols.';
  }
  return fields;
}

export function RegisterPage() {
  const { register } = useAuth();
  const location = useLocation();
  const [values, setValues] = useState<Record<Input, string>>({ username: '', email: '', password: '' });
  const [errors, setErrors] = useState<FormErrors<Input>>({ fields: {}, message: null });
  const [submitting, setSubmitting] = useState(false);

  function set(name: Input, value: string) {
    setValues((v) => ({ ...v, [name]: value }));
  }

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    const invalid = validateRegistration(values);
    if (Object.keys(invalid).length) {
      setErrors({ fields: invalid, message: null });
      return;
    }
    setSubmitting(true);
    setErrors({ fields: {}, message: null });
    try {
      // <PublicOnly> sends the now signed-in person on to where they were going.
      await register({ username: values.username, email: values.email.trim(), password: values.password });
    } catch (error) {
      setErrors(formErrors(error, INPUTS));
      setSubmitting(false);
    }
  }

  return (
    <AuthShell
      title="Create your account"
      subtitle="Join communities, chat and play with friends."
      footer={
        <>
          Already have an account? <Link to="/login" state={location.state}>Log in</Link>
        </>
      }
    >
      <form className="form" onSubmit={onSubmit} noValidate>
        {errors.message && <Alert tone="error">{errors.message}</Alert>}
        <Field label="Username" hint="3 to 32 letters, digits or underscores." error={errors.fields.username}>
          {(control) => (
            <Input
              {...control}
              name="username"
              autoComplete="username"
              autoCapitalize="none"
              spellCheck={false}
              autoFocus
              maxLength={32}
              value={values.username}
              onChange={(e) => set('username', e.target.value)}
            />
          )}
        </Field>
        <Field label="Email" error={errors.fields.email}>
          {(control) => (
            <Input
              {...control}
              name="email"
              type="email"
              autoComplete="email"
              value={values.email}
              onChange={(e) => set('email', e.target.value)}
            />
          )}
        </Field>
        <Field label="Password" hint="At least 8 characters, mixing letters with digits or symbols." error={errors.fields.password}>
          {(control) => (
            <Input
              {...control}
              name="password"
              type="password"
              autoComplete="new-password"
              maxLength={128}
              value={values.password}
              onChange={(e) => set('password', e.target.value)}
            />
          )}
        </Field>
        <Button type="submit" variant="primary" block loading={submitting}>
          Create account
        </Button>
      </form>
    </AuthShell>
  );
}
