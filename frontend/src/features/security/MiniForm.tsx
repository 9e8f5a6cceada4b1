import { useState, type FormEvent, type ReactNode } from 'react';

import { formErrors, type FormErrors } from '../../api/errors';
import { Alert, Button } from '../../components/ui';
import { passkeyProblem } from './webauthn';

/** A small form: its inputs, a submit button, the server's answer (errors or a confirmation). */
export function MiniForm<F extends string>({
  label,
  submit,
  inputs,
  onSubmit,
  children,
}: {
  label: string;
  submit: string;
  inputs: readonly F[];
  onSubmit: () => Promise<string | null>;
  children: (errors: FormErrors<F>['fields']) => ReactNode;
}) {
  const [errors, setErrors] = useState<FormErrors<F>>({ fields: {}, message: null });
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function handle(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setErrors({ fields: {}, message: null });
    setDone(null);
    try {
      setDone(await onSubmit());
    } catch (error) {
      setErrors(error instanceof DOMException ? { fields: {}, message: passkeyProblem(error) } : formErrors(error, inputs));
    }
    setBusy(false);
  }

  return (
    <form className="form" onSubmit={handle} noValidate aria-label={label}>
      {errors.message && <Alert tone="error">{errors.message}</Alert>}
      {done && <Alert tone="success">{done}</Alert>}
      {children(errors.fields)}
      <div className="form__actions">
        <Button type="submit" variant="primary" loading={busy}>
          {submit}
        </Button>
      </div>
    </form>
  );
}
